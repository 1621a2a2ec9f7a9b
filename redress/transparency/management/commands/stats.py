"""`redress stats ...`: public statistics.

    redress stats release --period 2026Q3 [--organisation SLUG]

Publishes the quarter's statistics (tables, CSV and JSON) on /transparency/, for good, with the
audit log's head hash, and prints where they are and the hash. A quarter that has not ended, one
already published, or one in which a count from 1 to 9 could be worked out whatever is withheld
is refused with one line on stderr (naming the cell) and nothing is published.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.urls import reverse

from redress.people.management.commands._operator import OperatorCommand
from redress.people.selectors import organisation_from_option
from redress.transparency.services import ReleaseRefused, publish_release
from redress.transparency.tables import BadPeriod, Quarter


class Command(OperatorCommand):
    help = "Publish a quarter's public statistics."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = self.add_actions(parser)
        release = actions.add_parser(
            "release",
            help="Publish a quarter's statistics, with small counts withheld.",
            description="Publish a quarter's statistics on /transparency/ as a page, CSV and "
            "JSON, with counts from 1 to 9 withheld and everything that would reveal them, "
            "checked against every earlier release. Published releases never change.",
        )
        release.add_argument("--period", required=True, metavar="QUARTER", help="e.g. 2026Q3")
        release.add_argument("--organisation", metavar="SLUG", help="whose statistics")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            Quarter.parse(options["period"])
        except BadPeriod as error:
            raise CommandError(str(error)) from None
        organisation = organisation_from_option(options["organisation"])
        try:
            release = publish_release(organisation=organisation, period=options["period"])
        except ReleaseRefused as refused:
            raise CommandError(str(refused)) from None
        path = reverse("transparency:release", args=[organisation.slug, release.period])
        withheld = sum(1 for cell in release.cells if not cell["published"])
        self.stdout.write(
            f"Published {release.period} for {organisation.name} at {path} "
            f"({len(release.cells)} counts, {withheld} withheld)."
        )
        self.stdout.write(f"Audit log head at event {release.audit_seq}: {release.audit_head_hash}")
