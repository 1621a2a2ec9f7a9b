"""The `redress` console script itself: exit status and stderr, as a shell script sees them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

REDRESS = Path(sys.executable).with_name("redress")


def run_redress(*args: str) -> subprocess.CompletedProcess[str]:
    """`redress ARGS...` in a child process, against the test database."""
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run(  # noqa: S603 -- our own console script, with fixed arguments
        [str(REDRESS), *args], capture_output=True, text=True, env=env, timeout=60, check=False
    )


@pytest.mark.parametrize(
    ("args", "status", "stderr"),
    [
        (
            ("user", "create", "jo", "--role", "boss"),
            2,
            "redress user create: error: argument --role: invalid choice: 'boss' (choose from "
            "'coordinator', 'officer', 'investigator', 'decision_maker', 'panellist', "
            "'reviewer', 'oversight', 'admin')",
        ),
        (
            ("case", "assign", "1", "nobody"),
            1,
            "UserNotFound: no user has the username 'nobody'",
        ),
    ],
)
def test_bad_input_exits_non_zero_with_one_line_on_stderr(db, args, status, stderr) -> None:
    """The child process sees the test database's tables but none of this test's rows, which
    are not committed: enough for input that is refused."""
    result = run_redress(*args)
    assert result.returncode == status
    assert result.stderr.splitlines() == [stderr]
    assert result.stdout == ""
