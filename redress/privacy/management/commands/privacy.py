"""`redress privacy ...`: subject access from the console.

    redress privacy export --person ID [--output FILE.zip]

Logs a subject access request for the person with register id ID, builds the archive of
everything Redress holds about them at once, and writes it to FILE.zip (default
subject-access-REQUEST.zip in the current directory). Both steps are audited. Bad input exits
non-zero with one line on stderr and changes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from redress.people.management.commands._operator import OperatorCommand
from redress.people.models import Person
from redress.privacy import services

MAX_ID = 2**63 - 1


class Command(OperatorCommand):
    help = "Subject access: export everything Redress holds about a person."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = self.add_actions(parser)
        export = actions.add_parser(
            "export",
            help="Log a subject access request and write its archive now.",
            description="Log a subject access request for a person and write the ZIP of "
            "everything Redress holds about them, other people redacted. Audited.",
        )
        export.add_argument("--person", required=True, type=int, metavar="ID")
        export.add_argument("--output", metavar="FILE.zip", help="where to write the archive")

    def handle(self, *args: Any, **options: Any) -> None:
        self.export(options["person"], options["output"])

    def export(self, person_id: int, output: str | None) -> None:
        person = Person.objects.filter(pk=person_id).first() if 0 < person_id <= MAX_ID else None
        if person is None:
            raise CommandError(f"no person with id {person_id}")
        target = Path(output) if output else None
        if target is not None:
            _check_writable(target)
        request = services.export_for(person, actor=None)
        target = target or Path(f"subject-access-{request.pk}.zip")
        _check_writable(target)
        assert request.archive is not None  # fulfilled just now
        target.write_bytes(bytes(request.archive))
        self.stdout.write(
            f"Wrote {target} for subject access request {request.pk} "
            f"(due {request.due_on:%Y-%m-%d}, sha256 {request.archive_sha256})."
        )


def _check_writable(target: Path) -> None:
    if target.exists():
        raise CommandError(f"{target} already exists; give another --output")
    if not target.parent.is_dir():
        raise CommandError(f"no directory {target.parent}")
