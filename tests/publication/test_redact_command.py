"""`redress redact`: a document redacted against a CSV register or the database's, a log
written, and bad input refused in one line with nothing written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from redress.people.imports import import_register
from redress.people.services import create_organisation
from tests.publication.documents import REGISTER_CSV, pdf_document, text_document


def _files(tmp_path: Path) -> tuple[Path, Path]:
    people = tmp_path / "people.csv"
    people.write_text(REGISTER_CSV)
    source = tmp_path / "report.txt"
    source.write_bytes(text_document())
    return people, source


def test_a_text_is_redacted_against_a_csv_register_with_its_log(tmp_path: Path) -> None:
    people, source = _files(tmp_path)
    output, log = tmp_path / "public.txt", tmp_path / "log.json"
    call_command(
        "redact", str(source), "-o", str(output), "--people", str(people), "--keep-public",
        "--log", str(log),
    )  # fmt: skip
    redacted = output.read_text()
    assert "Aisha" not in redacted and "Keir Morgan" in redacted
    entries = orjson.loads(log.read_bytes())
    first = entries[0]
    assert first["text"] == "Aisha Khan" and first["rule"] == "full_name"
    assert first["where"] == "line 3" and first["replacement"] == "Member A"
    assert any(entry["action"] == "kept (public role)" for entry in entries)


@pytest.mark.django_db
def test_the_database_register_is_used_without_a_file(tmp_path: Path) -> None:
    organisation = create_organisation(name="Party", slug="party")
    import_register(organisation=organisation, data=REGISTER_CSV.encode())
    source = tmp_path / "report.pdf"
    source.write_bytes(pdf_document())
    output = tmp_path / "public.pdf"
    call_command("redact", str(source), "-o", str(output), "--style", "bar")
    assert b"%PDF" in output.read_bytes()[:8]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["missing.txt", "-o", "out.txt"], "cannot read"),
        (["report.txt", "-o", "out.pdf"], "the output must be a text file"),
        (["report.odt", "-o", "out.odt"], "cannot redact a .odt file"),
        (["report.txt", "-o", "report.txt"], "would overwrite the input"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(
    tmp_path: Path, arguments: list[str], message: str
) -> None:
    people, _ = _files(tmp_path)
    with pytest.raises(CommandError, match=message):
        call_command("redact", *[str(tmp_path / a) if "." in a else a for a in arguments],
                     "--people", str(people))  # fmt: skip
    assert not (tmp_path / "out.txt").exists() and not (tmp_path / "out.pdf").exists()


def test_a_bad_people_file_is_one_line_at_the_console(tmp_path: Path) -> None:
    _, source = _files(tmp_path)
    bad = tmp_path / "bad.csv"
    bad.write_text("name\nAnn\n")
    run = subprocess.run(  # noqa: S603 -- our own console script, with fixed arguments
        [Path(sys.executable).parent / "redress", "redact", source, "-o", tmp_path / "o.txt",
         "--people", bad],
        capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    assert run.returncode == 1
    assert run.stderr.strip().count("\n") == 0
    assert "lacks the column membership_number" in run.stderr
    assert not (tmp_path / "o.txt").exists()
