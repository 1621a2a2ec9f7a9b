"""`redress analytics ACTION`: the fairness analytics at the console.

- `redress analytics refresh [--organisation SLUG]` rebuilds the fact rows of live cases (the
  hooks keep them current; this is for a first fill and for a nightly check).
- `redress analytics report --format json [--as-of YYYY-MM-DD]` prints the fairness report.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import CommandError, CommandParser

from redress.analytics.facts import refresh_case_facts
from redress.analytics.report import fairness_report, report_as_json
from redress.people.management.commands._operator import OperatorCommand
from redress.people.selectors import organisation_from_option


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date like 2025-03-31") from None


class Command(OperatorCommand):
    help = "Fairness analytics: refresh the fact table, or print the fairness report."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = self.add_actions(parser)
        refresh = actions.add_parser("refresh", help="rebuild the fact rows of live cases")
        refresh.add_argument("--organisation", metavar="SLUG")
        report = actions.add_parser("report", help="print the fairness report")
        report.add_argument("--organisation", metavar="SLUG")
        report.add_argument("--format", choices=["json"], default="json")
        report.add_argument("--as-of", metavar="YYYY-MM-DD", help="the report's day (today)")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = organisation_from_option(options["organisation"])
        if options["action"] == "refresh":
            result = refresh_case_facts(organisation=organisation)
            self.stdout.write(f"Refreshed the facts of {result.refreshed} live cases.")
            return
        as_of = _day(options["as_of"]) if options["as_of"] else None
        report = fairness_report(organisation, as_of=as_of)
        self.stdout.write(json.dumps(report_as_json(report), indent=2))
