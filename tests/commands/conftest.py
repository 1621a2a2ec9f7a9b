"""Running operator commands in-process, as `redress ...` would."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command


@pytest.fixture(autouse=True)
def quick_passwords(settings: Any) -> None:
    # A cast has a dozen accounts; the production hasher would spend seconds on each test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def redress(*args: str) -> str:
    """Run `redress ARGS...` in this process and return what it printed on stdout."""
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()
