"""`redress organisation create SLUG --name NAME [--holiday-region R]`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from redress.lib.workdays import HOLIDAY_REGIONS
from redress.people.management.commands._operator import OperatorCommand
from redress.people.services import PeopleError, create_organisation


class Command(OperatorCommand):
    help = "Manage organisations (tenants)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = self.add_actions(parser)
        create = actions.add_parser("create", help="create an organisation and its audit chain")
        create.add_argument("slug", help="short name used in commands and URLs, e.g. 'labour'")
        create.add_argument("--name", required=True, help="full name")
        create.add_argument(
            "--holiday-region",
            default="england-and-wales",
            choices=sorted(HOLIDAY_REGIONS),
            help="whose bank holidays are not working days",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            organisation = create_organisation(
                name=options["name"],
                slug=options["slug"],
                holiday_region=options["holiday_region"],
            )
        except PeopleError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Created organisation {organisation.slug}.")
