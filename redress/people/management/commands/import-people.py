"""`redress import-people FILE.csv --organisation SLUG`: load or refresh the register of members.

The module's name has a hyphen so that the command is spelled as operators type it; Django finds
commands by file name and imports them with `importlib`, which accepts it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from redress.people.imports import COLUMNS, RegisterImportError, import_register
from redress.people.management.commands._operator import OperatorCommand
from redress.people.selectors import organisation_from_option
from redress.people.services import PeopleError


class Command(OperatorCommand):
    help = (
        "Import members from a CSV file with the header "
        f"{','.join(COLUMNS)} (any order; aliases separated by semicolons). Members already "
        "registered under the same membership number are updated, others created. The whole "
        "file is checked first: if any row is bad, nothing is imported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="CSV file, UTF-8 (with or without BOM)")
        parser.add_argument(
            "--organisation", metavar="SLUG", help="needed when there are several organisations"
        )
        parser.add_argument(
            "--create-units",
            action="store_true",
            help="create units the file names but the register lacks, as branches",
        )
        parser.add_argument(
            "--encoding",
            default="utf-8-sig",
            help="text encoding of the file, if it is not UTF-8 (e.g. cp1252)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = organisation_from_option(options["organisation"])
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}") from None
        try:
            result = import_register(
                organisation=organisation,
                data=data,
                create_units=options["create_units"],
                encoding=options["encoding"],
            )
        except RegisterImportError as error:
            for problem in error.problems:
                self.stderr.write(problem)
            if error.total > len(error.problems):
                self.stderr.write(f"... and {error.total - len(error.problems)} more")
            raise CommandError(
                f"{error.problems[0]}; {error.total} problem(s) in {path}, nothing was imported"
            ) from None
        except PeopleError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Imported {result.rows} rows into {organisation.slug}: {result.created} created, "
            f"{result.updated} updated, {result.unchanged} unchanged, "
            f"{result.units_created} units created."
        )
