"""`redress restore FILE [--replace]`: put back a backup made by `redress backup`, and prove it.

Restores the database (into the one DATABASE_URL names, which must be empty unless --replace)
and the evidence stores, then verifies them: the audit chains verify and still hold the heads
recorded at backup time, and every evidence file the database names is present with its
recorded SHA-256. Anything amiss exits non-zero with one line saying what.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from redress.ops.archive import BackupError, restore
from redress.people.management.commands._operator import OperatorCommand


class Command(OperatorCommand):
    help = "Restore a backup made by `redress backup`, then verify the audit log and evidence."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the archive `redress backup` wrote")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="overwrite a database that has tables and evidence stores that have files",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = restore(Path(options["file"]), replace=options["replace"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"restored the {summary.vendor} database and {summary.files} evidence files; "
            f"audit log verified ({summary.events_verified:,} events); "
            f"{summary.evidence_checked} evidence files match the hashes the database records"
        )
        for slug, head in sorted(summary.heads.items()):
            self.stdout.write(f"{slug}: audit head {head}")
