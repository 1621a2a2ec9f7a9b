"""`redress evidence parse-chat`, `verify` and `bundle` at the console."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from redress.audit.models import AuditEvent
from redress.evidence import services, store
from redress.evidence.services import Upload
from redress.evidence.synthetic import whatsapp_export
from tests.evidence import helpers
from tests.factories import file_case


def redress(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 -- our own console script, with fixed arguments
        [sys.executable, "-m", "redress.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": "sqlite://:memory:"},
        check=False,
    )


def test_parse_chat_prints_json_lines(tmp_path: Path):
    export = whatsapp_export("ios-12h", 500)
    chat = tmp_path / "_chat.txt"
    chat.write_text(export.text)

    done = redress("evidence", "parse-chat", str(chat), "--format", "json")

    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(rows) == 500
    assert {r["kind"] for r in rows} == {"message", "system"}
    assert set(rows[0]) >= {"timestamp", "sender", "text", "kind"}
    assert sum(1 for r in rows if "\n" in r["text"]) == export.multiline


@pytest.mark.parametrize(
    ("content", "says"),
    [(None, "cannot read"), (b"not a chat at all\n", "cannot read"), (b"\xff\xfe\x00", "cannot")],
)
def test_parse_chat_refuses_an_unreadable_file_in_one_line(tmp_path: Path, content, says):
    path = tmp_path / "chat.txt"
    if content is not None:
        path.write_bytes(content)

    done = redress("evidence", "parse-chat", str(path))

    assert done.returncode != 0
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1
    assert says in done.stderr


@pytest.mark.django_db
def test_verify_reports_a_file_that_changed(cast, capsys):
    case = file_case(cast)
    kept = services.add_evidence(case, upload=Upload("a.png", helpers.png()), actor=cast.officer)
    services.add_evidence(case, upload=Upload("b.pdf", helpers.pdf()), actor=cast.officer)

    call_command("evidence", "verify")
    assert "All 2 stored files match" in capsys.readouterr().out

    path = store.path_of(kept.file.sha256)
    path.chmod(0o640)
    path.write_bytes(helpers.png(21, 10))
    with pytest.raises(CommandError, match="1 of 2 stored files no longer match"):
        call_command("evidence", "verify")
    assert f"MISMATCH {kept.file.sha256}" in capsys.readouterr().out

    path.unlink()
    with pytest.raises(CommandError, match="1 of 2"):
        call_command("evidence", "verify")
    assert "missing" in capsys.readouterr().out


@pytest.mark.django_db
def test_bundle_is_written_and_its_export_audited(cast, tmp_path: Path, capsys):
    case = file_case(cast)
    services.add_evidence(case, upload=Upload("a.png", helpers.png()), actor=cast.officer)
    target = tmp_path / "bundle.pdf"

    call_command("evidence", "bundle", str(case.pk), "--output", str(target))

    assert target.read_bytes().startswith(b"%PDF-")
    event = AuditEvent.objects.get(action="evidence.bundle_exported")
    assert event.data["sha256"] == store.sha256_of(target.read_bytes())
    with pytest.raises(CommandError, match="no case with id 0"):
        call_command("evidence", "bundle", "0", "--output", str(target))
