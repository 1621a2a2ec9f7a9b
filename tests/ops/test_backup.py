"""`redress backup` and `redress restore`: the restore drill, and what each refuses.

The drill backs up a test database holding cases, reports with evidence files (plain and
sealed) and an audit log, restores it into an empty database and an empty folder with the
console command, as an operator would, and checks that everything came back: the audit chain
verifies with the same head, every evidence file matches the hash its row records, and the
rows are all there.
"""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from redress.audit.verify import verify_audit_log
from redress.intake.evidence import Upload
from redress.ops.archive import FILES, MANIFEST
from tests.factories import file_case, make_cast, walk_to
from tests.intake.helpers import submit
from tests.ops.conftest import query, redress


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


PNG = _png()
PDF = b"Minutes of the branch meeting.\n" * 20
COUNTED = ("cases_case", "cases_complaint", "intake_intakeevidence", "audit_auditevent")


@pytest.fixture
def installation(committed_db: None, settings: Any, tmp_path: Path) -> dict[str, Any]:
    """A small installation with committed data (pg_dump reads it from its own connection)."""
    settings.VAR_DIR = tmp_path / "source"
    settings.REDRESS_EVIDENCE_ROOT = tmp_path / "source" / "evidence"
    settings.REDRESS_RECEIPT_ARGON2 = (1, 8, 1)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cast = make_cast()
    walk_to(file_case(cast), "investigation", cast)
    file_case(cast, anonymous=True)
    submit(cast.organisation, "anonymous", files=[Upload("photo.png", PNG)])
    submit(cast.organisation, "confidential", files=[Upload("minutes.txt", PDF)])
    submit(
        cast.organisation,
        "held",
        respondent_name="Hal Heldover",
        files=[Upload("held.txt", PDF + b"held")],
    )
    return {"cast": cast, "store": settings.REDRESS_EVIDENCE_ROOT}


def counts(url: str) -> dict[str, int]:
    return {table: query(url, f"SELECT count(*) FROM {table}")[0][0] for table in COUNTED}  # noqa: S608 # fixed names


def test_restore_drill_brings_back_database_and_evidence_that_verify(
    installation: dict[str, Any], tmp_path: Path, spare_database: str
) -> None:
    from tests.ops.conftest import the_test_database_url

    archive = tmp_path / "redress.tar"
    out = io.StringIO()
    call_command("backup", str(archive), stdout=out)
    assert "3 files named by the database checked" in out.getvalue()
    head = verify_audit_log().chains[0]
    before = counts(the_test_database_url())
    assert before["intake_intakeevidence"] == 3

    target = tmp_path / "restored"
    done = redress(
        "restore",
        str(archive),
        env={"DATABASE_URL": spare_database, "REDRESS_VAR_DIR": str(target)},
    )

    assert done.returncode == 0, done.stderr
    assert "3 evidence files match the hashes the database records" in done.stdout
    assert f"audit head {head.head_hash}" in done.stdout
    assert counts(spare_database) == before
    restored = sorted(p.relative_to(target) for p in target.rglob("*") if p.is_file())
    original = sorted(
        p.relative_to(tmp_path / "source") for p in (tmp_path / "source").rglob("*") if p.is_file()
    )
    assert restored == original and len(restored) == 3
    for path in restored:
        assert (target / path).read_bytes() == (tmp_path / "source" / path).read_bytes()
    # The restored installation runs: its own `audit verify` agrees.
    verified = redress(
        "audit", "verify", env={"DATABASE_URL": spare_database, "REDRESS_VAR_DIR": str(target)}
    )
    assert verified.returncode == 0 and head.head_hash in verified.stdout


def test_restore_refuses_a_database_in_use_and_replace_overwrites_it(
    installation: dict[str, Any], tmp_path: Path, spare_database: str
) -> None:
    archive = tmp_path / "redress.tar"
    call_command("backup", str(archive), stdout=io.StringIO())
    env = {"DATABASE_URL": spare_database, "REDRESS_VAR_DIR": str(tmp_path / "restored")}
    assert redress("restore", str(archive), env=env).returncode == 0

    again = redress("restore", str(archive), env=env)
    assert again.returncode == 1
    assert (
        again.stderr.strip()
        .splitlines()[-1]
        .endswith("restore into an empty database, or give --replace to overwrite it")
    )
    assert redress("restore", str(archive), "--replace", env=env).returncode == 0


def test_restore_refuses_an_archive_whose_evidence_was_changed(
    installation: dict[str, Any], tmp_path: Path, spare_database: str
) -> None:
    archive = tmp_path / "redress.tar"
    call_command("backup", str(archive), stdout=io.StringIO())
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w") as copy:
        for member in source.getmembers():
            data = source.extractfile(member).read()  # type: ignore[union-attr]
            if member.name.startswith(FILES) and data.startswith(b"Minutes"):
                data = data.replace(b"Minutes", b"MINUTES")
            member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
    env = {"DATABASE_URL": spare_database, "REDRESS_VAR_DIR": str(tmp_path / "restored")}

    done = redress("restore", str(damaged), env=env)

    assert done.returncode == 1
    assert "does not match its hash: the archive is damaged" in done.stderr
    assert query(spare_database, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == [
        (0,)
    ]


def test_restore_fails_when_the_audit_log_in_the_backup_was_rewritten(
    installation: dict[str, Any], tmp_path: Path, spare_database: str
) -> None:
    """Edit an audit event behind the append-only trigger's back, then back up: the restore
    puts it back but does not pass it as sound."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        cursor.execute(
            "UPDATE audit_auditevent SET action = 'case.nothing' WHERE id = "
            "(SELECT min(id) FROM audit_auditevent WHERE hash IS NOT NULL)"
        )
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
    archive = tmp_path / "redress.tar"
    call_command("backup", str(archive), stdout=io.StringIO())
    env = {"DATABASE_URL": spare_database, "REDRESS_VAR_DIR": str(tmp_path / "restored")}

    done = redress("restore", str(archive), env=env)

    assert done.returncode == 1
    slug = installation["cast"].organisation.slug
    assert f"after the restore, the audit log of {slug} does not verify" in done.stderr


def test_backup_refuses_when_an_evidence_file_no_longer_matches_its_hash(
    installation: dict[str, Any], tmp_path: Path
) -> None:
    photo = next(
        p for p in installation["store"].rglob("*") if p.is_file() and p.read_bytes() == PNG
    )
    photo.write_bytes(PNG + b"edited")
    archive = tmp_path / "redress.tar"

    with pytest.raises(CommandError, match="does not match the hash the database records"):
        call_command("backup", str(archive), stdout=io.StringIO())
    assert not archive.exists()


def test_backup_refuses_to_overwrite_a_file(db: None, tmp_path: Path) -> None:
    existing = tmp_path / "old.tar"
    existing.write_bytes(b"an older backup")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(existing))
    assert existing.read_bytes() == b"an older backup"


def test_restore_refuses_a_file_that_is_not_a_backup(db: None, tmp_path: Path) -> None:
    not_backup = tmp_path / "notes.tar"
    with tarfile.open(not_backup, "w") as archive:
        info = tarfile.TarInfo("notes.txt")
        archive.addfile(info, io.BytesIO(b""))
    with pytest.raises(CommandError, match="not a Redress backup"):
        call_command("restore", str(not_backup))


def test_the_manifest_says_what_the_archive_holds(
    installation: dict[str, Any], tmp_path: Path
) -> None:
    archive = tmp_path / "redress.tar"
    call_command("backup", str(archive), stdout=io.StringIO())
    with tarfile.open(archive) as opened:
        manifest = json.loads(opened.extractfile(MANIFEST).read())  # type: ignore[union-attr]
        names = set(opened.getnames())
    assert manifest["database"]["vendor"] == "postgresql"
    assert manifest["database"]["migrations"]["ops"] == "0001_initial"
    assert set(manifest["files"]) | {MANIFEST, "database.pgdump"} == names
    assert manifest["audit_heads"][installation["cast"].organisation.slug]["seq"] > 0
