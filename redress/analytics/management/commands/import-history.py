"""`redress import-history FILE.csv --organisation SLUG`: import earlier cases for analytics.

The module's name has a hyphen so that the command is spelled as operators type it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from redress.analytics.history import COLUMNS, HistoryImportError, import_history
from redress.people.management.commands._operator import OperatorCommand
from redress.people.selectors import organisation_from_option


class Command(OperatorCommand):
    help = (
        "Import closed and open cases from an earlier system, for the fairness report, from a "
        f"CSV file with the header {','.join(COLUMNS)} (any order; dates as YYYY-MM-DD, blank "
        "where not reached). The whole file is checked first: if any row is bad, its line is "
        "reported and nothing is imported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="CSV file, UTF-8 (with or without BOM)")
        parser.add_argument(
            "--organisation", metavar="SLUG", help="needed when there are several organisations"
        )
        parser.add_argument(
            "--encoding", default="utf-8-sig", help="text encoding, if not UTF-8 (e.g. cp1252)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = organisation_from_option(options["organisation"])
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}") from None
        try:
            result = import_history(
                organisation=organisation, data=data, encoding=options["encoding"]
            )
        except HistoryImportError as error:
            shown = "; ".join(error.problems[:3])
            raise CommandError(
                f"{shown}; {error.total} problem(s) in {path}, nothing was imported"
            ) from None
        except LookupError as error:  # an unknown --encoding
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Imported {result.rows} cases into {organisation.slug} "
            f"({result.open_cases} still open)."
        )
