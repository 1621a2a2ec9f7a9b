"""`redress backup FILE`: the database and the evidence stores, together, in one archive.

The database is copied in one snapshot and the evidence files after it (see
`redress.ops.archive`), so the archive is consistent while Redress keeps running. Every evidence
file the database names is checked against the hash the database holds before the archive is
kept. Prints what was saved; a backup that cannot be made exits non-zero with one line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from redress.ops.archive import BackupError, back_up
from redress.people.management.commands._operator import OperatorCommand


class Command(OperatorCommand):
    help = "Back up the database and the evidence stores to one archive file (a tar)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the archive to write (it must not exist yet)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = back_up(Path(options["file"]))
        except BackupError as error:
            raise CommandError(str(error)) from None
        heads = ", ".join(
            f"{slug} #{head['seq']} {head['hash'][:16]}"
            for slug, head in sorted(summary.audit_heads.items())
        )
        self.stdout.write(
            f"backed up the {summary.vendor} database ({summary.database_bytes:,} bytes) and "
            f"{summary.files} evidence files ({summary.file_bytes:,} bytes) to {summary.path}; "
            f"{summary.evidence_checked} files named by the database checked against their hashes"
        )
        self.stdout.write(f"audit heads: {heads or 'none'}")
