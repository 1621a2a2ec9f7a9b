"""`redress notices ...`: the email copies of served notices.

    redress notices pending          how many notices are still owed an email
    redress notices retry [--all]    queue an email for each (with --all, also those given up on)

Run `retry` now and then (cron, or a systemd timer) beside `redress worker`: a notice whose
queued retry was lost is found again here, because the unsent notice is the record of what is
owed, not the queue.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from redress.people.management.commands._operator import OperatorCommand
from redress.portal import delivery


class Command(OperatorCommand):
    help = "Report and retry the emailing of served notices."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = self.add_actions(parser)
        actions.add_parser("pending", help="Count the notices still owed an email.")
        retry = actions.add_parser("retry", help="Queue an email for each notice still owed one.")
        retry.add_argument(
            "--all",
            action="store_true",
            help=f"also the notices given up on after {delivery.MAX_ATTEMPTS} attempts",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "pending":
            due = delivery.undelivered()
            abandoned = len(delivery.undelivered(include_abandoned=True)) - len(due)
            self.stdout.write(f"{len(due)} due for another attempt; {abandoned} given up on")
            return
        queued = delivery.retry_undelivered(include_abandoned=options["all"])
        self.stdout.write(f"{queued} notice(s) queued for email")
