"""`redress audit ...`: operator commands for the audit log.

    redress audit seal [--organisation SLUG]
    redress audit verify [--organisation SLUG] [--no-seal]

`seal` seals the events that are committed but not yet in their chain (writers seal them on
commit; this catches any a failed sealer left) and prints how many. `verify` seals pending events
first (they are committed facts) unless `--no-seal`, then checks every organisation's hash chain
(or one) and prints each chain's event count and head hash, the value printed in public releases,
and how many events are still waiting to be sealed. If an event does not verify, the command
exits non-zero with one line on stderr naming it.
"""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from redress.audit.services import seal_pending
from redress.audit.verify import verify_audit_log
from redress.people.models import Organisation


class Command(BaseCommand):
    help = "Work with the tamper-evident audit log (seal pending events, verify its hash chains)."
    # Checking the log needs the database and nothing else: no system checks, which import every
    # view and URL, so that a fault elsewhere cannot stop an operator from verifying the log.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", metavar="SUBCOMMAND")
        subcommands.required = True
        seal = subcommands.add_parser(
            "seal",
            help="Seal committed events that are not yet in their chain.",
            description="Seal every organisation's pending events, or one's, and say how many.",
        )
        seal.add_argument("--organisation", metavar="SLUG", help="Seal only this organisation's.")
        verify = subcommands.add_parser(
            "verify",
            help="Check that no audit event was changed, deleted or reordered.",
            description="Check every organisation's hash chain, or one, and print its head hash.",
        )
        verify.add_argument(
            "--organisation", metavar="SLUG", help="Check only this organisation's chain."
        )
        verify.add_argument(
            "--no-seal",
            action="store_true",
            help="Do not seal pending events first; count them instead.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "seal":
            sealed = self.seal(organisation=options["organisation"])
            plural = "" if sealed == 1 else "s"
            self.stdout.write(f"sealed {sealed} pending event{plural}")
        elif options["subcommand"] == "verify":
            if not options["no_seal"]:
                self.seal(organisation=options["organisation"])
            self.verify(organisation=options["organisation"])

    def seal(self, *, organisation: str | None) -> int:
        organisations = Organisation.objects.order_by("slug")
        if organisation is not None:
            organisations = organisations.filter(slug=organisation)
        ids = list(organisations.values_list("pk", flat=True))
        if organisation is not None and not ids:
            raise CommandError(f"there is no organisation with the slug {organisation!r}")
        return sum(seal_pending(organisation_id) for organisation_id in ids)

    def verify(self, *, organisation: str | None) -> None:
        started = time.perf_counter()
        try:
            result = verify_audit_log(organisation=organisation)
        except Organisation.DoesNotExist:
            raise CommandError(f"there is no organisation with the slug {organisation!r}") from None
        seconds = time.perf_counter() - started
        for chain in result.chains:
            if result.failure is None or chain.organisation != result.failure.organisation:
                pending = f", {chain.unsealed} not yet sealed" if chain.unsealed else ""
                self.stdout.write(
                    f"{chain.organisation}: {chain.events} events, head {chain.head_hash}{pending}"
                )
        if result.failure is not None:
            raise CommandError(str(result.failure))
        chains = len(result.chains)
        plural = "" if chains == 1 else "s"
        pending = (
            f" ({result.unsealed} committed events not yet sealed are not in it)"
            if result.unsealed
            else ""
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"verified {result.events_checked} events in {chains} organisation{plural} "
                f"in {seconds:.1f} s: the audit log is intact{pending}"
            )
        )
