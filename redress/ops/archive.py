"""Backups: the database and the evidence files together, as one consistent archive.

A backup is a tar file holding `manifest.json`, the database (a `pg_dump` custom-format dump
on PostgreSQL, a copy of the database file on SQLite) and every file of the evidence stores
under `files/<store>/`. Consistency comes from the order of writes: an evidence file is
stored before the row that names it commits, and files are never changed once stored. So the
database is copied first, in one snapshot (PostgreSQL: a REPEATABLE READ transaction whose
snapshot `pg_dump --snapshot` shares; SQLite: the write lock held while the file is copied),
the evidence each row names is listed in that same snapshot, and then the files are copied:
every file the copied database names is there, checked against the hash the database holds,
and files stored after the snapshot are carried along unnamed, as they are on the live disk.

A restore puts the database and the files back, then proves the result: the audit chain
verifies and still holds the head it had when the backup was taken, and every evidence file
the database names is present with the hash the database records for it.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.migrations.recorder import MigrationRecorder

FORMAT = "redress-backup/1"
MANIFEST = "manifest.json"
PG_DUMP_NAME = "database.pgdump"
SQLITE_NAME = "database.sqlite3"
FILES = "files"
CHUNK = 1024 * 1024


class BackupError(RuntimeError):
    """A backup or restore that cannot be done or did not check out; the message says why."""


# --- Where the files are -----------------------------------------------------------------------


def evidence_stores() -> dict[str, Path]:
    """Each folder of evidence files the settings name, by the name it has in an archive."""
    stores: dict[str, Path] = {}
    root = getattr(settings, "REDRESS_EVIDENCE_ROOT", None)
    if root:
        stores["evidence"] = Path(root)
    intake = Path(settings.VAR_DIR) / "intake-evidence"
    if intake.resolve() not in {path.resolve() for path in stores.values()}:
        stores["intake-evidence"] = intake
    return stores


@dataclass(frozen=True)
class Reference:
    """An evidence file the database names: its store, its name there, and its SHA-256 as the
    database records it (None where it is stored encrypted and only its presence is checked)."""

    store: str
    name: str
    sha256: str | None


def evidence_references() -> Iterator[Reference]:
    """Every evidence file the database names, read in the caller's transaction: each stored
    file by its content address, and each held report's sealed file by its name."""
    from redress.evidence.models import StoredFile
    from redress.intake.models import IntakeEvidence

    for sha256 in (
        StoredFile.objects.order_by("pk").values_list("sha256", flat=True).iterator(chunk_size=2000)
    ):
        yield Reference("evidence", f"sha256/{sha256[:2]}/{sha256[2:4]}/{sha256}", sha256)
    sealed = IntakeEvidence.objects.filter(encrypted=True, stored_as__startswith="held/")
    for stored_as in sealed.order_by("pk").values_list("stored_as", flat=True):
        yield Reference("evidence", stored_as, None)


def audit_heads() -> dict[str, dict[str, Any]]:
    """Each organisation's sealed audit head: its last event's number and hash."""
    from redress.audit.models import AuditHead
    from redress.people.models import Organisation

    slugs = dict(Organisation.objects.values_list("pk", "slug"))
    return {
        slugs[organisation_id]: {"seq": seq, "hash": head_hash}
        for organisation_id, seq, head_hash in AuditHead.objects.values_list(
            "organisation_id", "seq", "hash"
        )
    }


def applied_migrations() -> dict[str, str]:
    """The last migration applied for each app: what schema the archive's database has."""
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        if name > latest.get(app, ""):
            latest[app] = name
    return dict(sorted(latest.items()))


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


# --- Backup ------------------------------------------------------------------------------------


@dataclass
class BackupSummary:
    path: Path
    vendor: str
    database_bytes: int
    files: int
    file_bytes: int
    evidence_checked: int
    audit_heads: dict[str, dict[str, Any]] = field(default_factory=dict)


def back_up(destination: Path) -> BackupSummary:
    """Write a backup of the database and the evidence stores to `destination` (a new file)."""
    if destination.exists():
        raise BackupError(f"{destination} already exists: give a new file name")
    if not destination.parent.is_dir():
        raise BackupError(f"the folder {destination.parent} does not exist")
    vendor = connection.vendor
    if vendor not in {"postgresql", "sqlite"}:
        raise BackupError(f"backups of a {vendor} database are not supported")
    partial = destination.with_name(destination.name + ".partial")
    with tempfile.TemporaryDirectory(prefix="redress-backup-") as scratch:
        dump = Path(scratch) / (PG_DUMP_NAME if vendor == "postgresql" else SQLITE_NAME)
        with transaction.atomic():
            if vendor == "postgresql":
                _dump_postgresql(dump)
            else:
                _copy_sqlite(dump)
            references = list(evidence_references())
            heads = audit_heads()
            migrations = applied_migrations()
        try:
            with tarfile.open(partial, "w") as archive:
                copied = _add_stores(archive)
                evidence_checked = _check_references(references, copied)
                manifest: dict[str, Any] = {
                    "format": FORMAT,
                    "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                    "redress_version": version("redress"),
                    "database": {
                        "vendor": vendor,
                        "file": dump.name,
                        "sha256": sha256_of(dump),
                        "bytes": dump.stat().st_size,
                        "migrations": migrations,
                    },
                    "audit_heads": heads,
                    "stores": sorted(evidence_stores()),
                    "files": copied,
                }
                archive.add(dump, arcname=dump.name)
                _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=2).encode())
            partial.replace(destination)
        finally:
            partial.unlink(missing_ok=True)
    return BackupSummary(
        path=destination,
        vendor=vendor,
        database_bytes=manifest["database"]["bytes"],
        files=len(copied),
        file_bytes=sum(entry["bytes"] for entry in copied.values()),
        evidence_checked=evidence_checked,
        audit_heads=heads,
    )


def _dump_postgresql(dump: Path) -> None:
    """pg_dump the database in the snapshot of the caller's transaction, made REPEATABLE READ
    here, so the dump and every query in that transaction see the same committed state."""
    with connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        (snapshot,) = cursor.fetchone()
    _run_pg("pg_dump", "--format=custom", "--no-owner", "--no-privileges",
            f"--snapshot={snapshot}", f"--file={dump}")  # fmt: skip


def _copy_sqlite(dump: Path) -> None:
    """Copy the SQLite database through the caller's own connection, whose transaction holds
    the write lock (Redress opens SQLite transactions IMMEDIATE): no write lands between the
    copy and the queries that follow it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")  # takes the lock: the transaction has begun
    target = sqlite3.connect(str(dump))
    try:
        connection.connection.backup(target)
    finally:
        target.close()


def _add_stores(archive: tarfile.TarFile) -> dict[str, dict[str, Any]]:
    """Add every file of every evidence store; return each one's size and SHA-256 by its name
    in the archive. Each file is hashed as it is read into the archive."""
    copied: dict[str, dict[str, Any]] = {}
    for store, root in sorted(evidence_stores().items()):
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if not path.is_file() or path.is_symlink():
                continue
            arcname = f"{FILES}/{store}/{path.relative_to(root).as_posix()}"
            data = path.read_bytes()
            _add_bytes(archive, arcname, data)
            copied[arcname] = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    return copied


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.now(UTC).timestamp())
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))


def _check_references(references: list[Reference], copied: dict[str, dict[str, Any]]) -> int:
    for reference in references:
        entry = copied.get(f"{FILES}/{reference.store}/{reference.name}")
        if entry is None:
            raise BackupError(
                f"evidence file {reference.store}/{reference.name} named by the database is "
                "missing from the store (removed while the backup ran?): nothing was written"
            )
        if reference.sha256 is not None and entry["sha256"] != reference.sha256:
            raise BackupError(
                f"evidence file {reference.store}/{reference.name} does not match the hash the "
                "database records: the store was changed; nothing was written"
            )
    return len(references)


# --- Restore -----------------------------------------------------------------------------------


@dataclass
class RestoreSummary:
    vendor: str
    files: int
    evidence_checked: int
    events_verified: int
    heads: dict[str, str]


def restore(source: Path, *, replace: bool = False) -> RestoreSummary:
    """Put the database and evidence stores of the backup `source` back, then verify them.

    Without `replace` the database must have no tables and the evidence stores no files.
    """
    if not source.is_file():
        raise BackupError(f"{source} is not a file")
    try:
        archive = tarfile.open(source, "r")  # noqa: SIM115 # closed by the `with` below
    except (tarfile.TarError, OSError) as error:
        raise BackupError(f"{source} is not a Redress backup: {error}") from None
    with archive, tempfile.TemporaryDirectory(prefix="redress-restore-") as scratch:
        manifest = _read_manifest(archive)
        vendor = manifest["database"]["vendor"]
        if vendor != connection.vendor:
            raise BackupError(
                f"the backup is of a {vendor} database but DATABASE_URL names a "
                f"{connection.vendor} one"
            )
        stores = evidence_stores()
        unknown = sorted(set(manifest["stores"]) - set(stores))
        if unknown:
            raise BackupError(f"this installation has no evidence store {', '.join(unknown)}")
        if not replace:
            _refuse_if_in_use(stores)
        dump = _extract_checked(archive, manifest["database"]["file"], scratch,
                                manifest["database"]["sha256"])  # fmt: skip
        staged = _stage_files(archive, manifest, Path(scratch) / FILES)
        if vendor == "postgresql":
            _restore_postgresql(dump)
        else:
            _restore_sqlite(dump)
        _put_files_back(staged, stores)
    return verify_restored(manifest)


def _read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = archive.extractfile(MANIFEST)
        manifest = json.loads(member.read()) if member else None
    except (KeyError, tarfile.TarError, ValueError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"the archive is not a Redress backup ({FORMAT}): no manifest")
    return manifest


def _refuse_if_in_use(stores: dict[str, Path]) -> None:
    tables = connection.introspection.table_names()
    if tables:
        raise BackupError(
            f"the database already has {len(tables)} tables: restore into an empty database, "
            "or give --replace to overwrite it"
        )
    for store, root in stores.items():
        if root.is_dir() and any(path.is_file() for path in root.rglob("*")):
            raise BackupError(
                f"the evidence store {store} ({root}) already has files: give --replace to "
                "overwrite it"
            )


def _extract_checked(archive: tarfile.TarFile, name: str, scratch: str, sha256: str | None) -> Path:
    if "/" in name or name.startswith("."):
        raise BackupError(f"the archive names its database {name!r}, which is not a file name")
    member = archive.extractfile(name)
    if member is None:
        raise BackupError(f"the archive has no {name}")
    path = Path(scratch) / name
    digest = hashlib.sha256()
    with path.open("wb") as out:
        while block := member.read(CHUNK):
            digest.update(block)
            out.write(block)
    if sha256 is not None and digest.hexdigest() != sha256:
        raise BackupError(f"{name} in the archive does not match its hash: the archive is damaged")
    return path


def _stage_files(archive: tarfile.TarFile, manifest: dict[str, Any], staging: Path) -> Path:
    """Extract every evidence file to `staging`, checking each against the manifest's hash."""
    expected: dict[str, dict[str, Any]] = manifest["files"]
    for member in archive.getmembers():
        if not member.name.startswith(f"{FILES}/"):
            continue
        entry = expected.get(member.name)
        parts = PurePosixPath(member.name).parts
        if entry is None or not member.isfile() or ".." in parts or len(parts) < 3:
            raise BackupError(f"the archive holds {member.name}, which its manifest does not list")
        handle = archive.extractfile(member)
        data = handle.read() if handle else b""
        if hashlib.sha256(data).hexdigest() != entry["sha256"]:
            raise BackupError(
                f"{member.name} in the archive does not match its hash: the archive is damaged"
            )
        target = staging.joinpath(*parts[1:])
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    missing = [name for name in expected if not staging.joinpath(*name.split("/")[1:]).is_file()]
    if missing:
        raise BackupError(f"the archive lacks {missing[0]}, which its manifest lists")
    return staging


def _restore_postgresql(dump: Path) -> None:
    connections.close_all()
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA IF EXISTS public CASCADE")
        cursor.execute("CREATE SCHEMA public")
    connections.close_all()
    _run_pg("pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
            "--single-transaction", str(dump))  # fmt: skip


def _restore_sqlite(dump: Path) -> None:
    connections.close_all()
    target = Path(str(settings.DATABASES["default"]["NAME"]))
    for suffix in ("-wal", "-shm"):
        target.with_name(target.name + suffix).unlink(missing_ok=True)
    partial = target.with_name(target.name + ".restoring")
    shutil.copyfile(dump, partial)
    partial.replace(target)


def _put_files_back(staging: Path, stores: dict[str, Path]) -> None:
    for store, root in stores.items():
        if root.is_dir():
            shutil.rmtree(root)
        source = staging / store
        if source.is_dir():
            root.parent.mkdir(parents=True, exist_ok=True)
            shutil.copytree(source, root)
        else:
            root.mkdir(parents=True, exist_ok=True)


def verify_restored(manifest: dict[str, Any] | None = None) -> RestoreSummary:
    """Check the restored installation: the audit chains verify (and hold the heads the backup
    recorded), and every evidence file the database names is there with its recorded hash."""
    from redress.audit.services import seal_pending
    from redress.audit.verify import verify_audit_log
    from redress.people.models import Organisation

    connections.close_all()
    for organisation_id in Organisation.objects.values_list("pk", flat=True):
        seal_pending(organisation_id)
    result = verify_audit_log()
    if result.failure is not None:
        raise BackupError(f"after the restore, {result.failure}")
    if manifest is not None:
        _check_heads_kept(manifest["audit_heads"])
    stores = evidence_stores()
    checked = 0
    for reference in evidence_references():
        path = stores[reference.store] / reference.name
        if not path.is_file():
            raise BackupError(
                f"after the restore, evidence file {reference.store}/{reference.name} named by "
                "the database is missing"
            )
        if reference.sha256 is not None and sha256_of(path) != reference.sha256:
            raise BackupError(
                f"after the restore, evidence file {reference.store}/{reference.name} does not "
                "match the hash the database records"
            )
        checked += 1
    files = sum(
        1 for root in stores.values() if root.is_dir() for path in root.rglob("*") if path.is_file()
    )
    return RestoreSummary(
        vendor=connection.vendor,
        files=files,
        evidence_checked=checked,
        events_verified=result.events_checked,
        heads=result.head_hashes,
    )


def _check_heads_kept(heads: dict[str, dict[str, Any]]) -> None:
    """Each chain must still hold, at the head's number the backup recorded, that hash: events
    sealed since (pending when the backup was taken) may follow it, nothing may replace it."""
    from redress.audit.models import AuditEvent

    for slug, head in heads.items():
        if not head["seq"]:
            continue
        stored = (
            AuditEvent.objects.filter(organisation__slug=slug, seq=head["seq"])
            .values_list("hash", flat=True)
            .first()
        )
        if stored != head["hash"]:
            raise BackupError(
                f"after the restore, the audit log of {slug} does not hold event "
                f"#{head['seq']} as it was when the backup was taken"
            )


# --- PostgreSQL's own tools --------------------------------------------------------------------


def _run_pg(program: str, *arguments: str) -> None:
    """Run pg_dump or pg_restore against the database in the settings; its password, if any,
    goes in the environment, never on the command line."""
    if shutil.which(program) is None:
        raise BackupError(f"{program} is not installed (Debian: apt-get install postgresql-client)")
    database: dict[str, Any] = dict(settings.DATABASES["default"])
    env = {**os.environ, "PGDATABASE": str(database["NAME"])}
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"),
                          ("PASSWORD", "PGPASSWORD")):  # fmt: skip
        if database.get(key):
            env[variable] = str(database[key])
    done = subprocess.run(  # noqa: S603 # a fixed program with arguments built here
        [program, *arguments, f"--dbname={database['NAME']}"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise BackupError(f"{program} failed: {last}")
