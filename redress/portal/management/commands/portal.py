"""`redress portal tidy`: delete the party portal's spent sign-in links and old rate-limit
counts. Run it daily (cron, or a systemd timer); it changes nothing a party or staff can see."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from redress.people.management.commands._operator import OperatorCommand
from redress.portal import ratelimit, signin


class Command(OperatorCommand):
    help = "Housekeeping for the party portal."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = self.add_actions(parser)
        actions.add_parser("tidy", help="Delete spent sign-in links and old rate-limit counts.")

    def handle(self, *args: Any, **options: Any) -> None:
        links = signin.forget_spent_links()
        buckets = ratelimit.forget_old()
        self.stdout.write(
            f"{links} spent sign-in link(s) and {buckets} rate-limit count(s) deleted"
        )
