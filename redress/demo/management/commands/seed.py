"""`redress seed --members N --cases M --seed S`: build a synthetic organisation.

The same seed builds the same organisation: the same units, people, complaints, categories and
stages (its dates move with today). Every staff account gets the published demo password, so
never seed a database that real people use.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from redress.demo.console import login_lines, summary_lines
from redress.demo.register import DEMO_PASSWORD
from redress.demo.seed import DEFAULT_NAME, DEFAULT_SLUG, SeedError, seed_organisation
from redress.people.models import Organisation
from redress.people.services import PeopleError


class Command(BaseCommand):
    help = (
        "Build a reproducible synthetic organisation (units, members, staff in every role, "
        "cases at every stage) through the services, replaying its history. For demos and "
        f"trials only: every staff account gets the password {DEMO_PASSWORD!r}."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--members", type=int, default=300, help="members (default 300)")
        parser.add_argument("--cases", type=int, default=60, help="cases (default 60)")
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument("--slug", default=DEFAULT_SLUG, help="organisation slug")
        parser.add_argument("--name", default=DEFAULT_NAME, help="organisation name")

    def handle(self, *args: Any, **options: Any) -> None:
        if Organisation.objects.filter(slug=options["slug"]).exists():
            raise CommandError(f"an organisation with the slug {options['slug']!r} already exists")
        try:
            summary = seed_organisation(
                members=options["members"],
                cases=options["cases"],
                seed=options["seed"],
                name=options["name"],
                slug=options["slug"],
            )
        except (SeedError, PeopleError) as error:
            raise CommandError(str(error)) from None
        for line in summary_lines(summary) + login_lines(summary.logins, DEMO_PASSWORD):
            self.stdout.write(line)
