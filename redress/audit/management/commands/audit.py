"""`redress audit ...`: operator commands for the audit log.

    redress audit verify [--organisation SLUG]

checks every organisation's hash chain (or one) and prints each chain's event count and head
hash, the value printed in public releases. If an event does not verify, the command exits
non-zero with one line on stderr naming it.
"""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from redress.audit.verify import verify_audit_log
from redress.people.models import Organisation


class Command(BaseCommand):
    help = "Work with the tamper-evident audit log (verify its hash chains)."
    # Checking the log needs the database and nothing else: no system checks, which import every
    # view and URL, so that a fault elsewhere cannot stop an operator from verifying the log.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", metavar="SUBCOMMAND")
        subcommands.required = True
        verify = subcommands.add_parser(
            "verify",
            help="Check that no audit event was changed, deleted or reordered.",
            description="Check every organisation's hash chain, or one, and print its head hash.",
        )
        verify.add_argument(
            "--organisation", metavar="SLUG", help="Check only this organisation's chain."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "verify":
            self.verify(organisation=options["organisation"])

    def verify(self, *, organisation: str | None) -> None:
        started = time.perf_counter()
        try:
            result = verify_audit_log(organisation=organisation)
        except Organisation.DoesNotExist:
            raise CommandError(f"there is no organisation with the slug {organisation!r}") from None
        seconds = time.perf_counter() - started
        for chain in result.chains:
            if result.failure is None or chain.organisation != result.failure.organisation:
                self.stdout.write(
                    f"{chain.organisation}: {chain.events} events, head {chain.head_hash}"
                )
        if result.failure is not None:
            raise CommandError(str(result.failure))
        chains = len(result.chains)
        plural = "" if chains == 1 else "s"
        self.stdout.write(
            self.style.SUCCESS(
                f"verified {result.events_checked} events in {chains} organisation{plural} "
                f"in {seconds:.1f} s: the audit log is intact"
            )
        )
