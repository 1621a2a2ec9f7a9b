"""Propose and appoint panels from the console.

    redress panel propose --case CASE [--on YYYY-MM-DD] [--organisation SLUG]
    redress panel accept PROPOSAL
    redress panel train USERNAME SUBJECT [--completed YYYY-MM-DD]

`propose` runs the proposer for one case (its panel, or after the decision its appeal panel)
under the case's rulebook, records the proposal, and prints the members and the chair; when no
panel meets every constraint it prints each one that fails and by how much, and exits non-zero.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from redress.cases.management.commands.case import find_case
from redress.cases.services import CaseError
from redress.panels import proposals
from redress.panels.models import PanelProposal
from redress.panels.services import PanelError, record_training
from redress.people.management.commands._operator import OperatorCommand
from redress.people.models import User
from redress.people.selectors import user_by_username


class Command(OperatorCommand):
    help = "Propose a panel for a case, appoint a proposed panel, or record training."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = self.add_actions(parser)
        propose = actions.add_parser("propose", help="propose a panel for one case")
        propose.add_argument("--case", required=True, metavar="CASE", help="id or reference")
        propose.add_argument("--on", metavar="YYYY-MM-DD", help="the planned hearing date")
        propose.add_argument("--organisation", metavar="SLUG", help="whose case reference it is")
        accept = actions.add_parser("accept", help="appoint the panel a proposal named")
        accept.add_argument("proposal", type=int, metavar="PROPOSAL")
        train = actions.add_parser("train", help="record completed training")
        train.add_argument("username", metavar="USERNAME")
        train.add_argument("subject", metavar="SUBJECT")
        train.add_argument("--completed", metavar="YYYY-MM-DD", help="default: today")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "propose":
            self.propose(options["case"], options["on"], options["organisation"])
        elif action == "accept":
            self.accept(options["proposal"])
        else:
            self.train(options["username"], options["subject"], options["completed"])

    def propose(self, case_ref: str, on: str | None, slug: str | None) -> None:
        case = find_case(case_ref, slug=slug, default=None)
        hearing_on = _date(on, "--on") if on else None
        try:
            proposal = proposals.propose_panel(case, actor=None, hearing_on=hearing_on)
        except PanelError as error:
            raise CommandError(f"{case.reference}: {error}") from None
        names = dict(User.objects.filter(pk__in=proposal.members).values_list("pk", "username"))
        write = self.stdout.write
        kind = proposal.get_kind_display().lower()
        write(f"Proposal {proposal.pk}: {kind} for {case.reference}")
        for member in proposal.members:
            write(f"  {names[member]}{' (chair)' if member == proposal.chair else ''}")
        if proposal.feasible:
            write(f"Meets every rule. Appoint it with `redress panel accept {proposal.pk}`.")
            return
        for shortfall in proposal.shortfalls:
            write(f"  cannot be met: {shortfall}")
        raise CommandError(
            f"{case.reference}: no panel meets the rulebook: " + "; ".join(proposal.shortfalls)
        )

    def accept(self, proposal_id: int) -> None:
        proposal = PanelProposal.objects.select_related("case").filter(pk=proposal_id).first()
        if proposal is None:
            raise CommandError(f"no proposal {proposal_id}")
        try:
            proposals.accept_proposal(proposal, actor=None)
        except (PanelError, CaseError) as error:
            raise CommandError(f"proposal {proposal_id}: {error}") from None
        self.stdout.write(f"The panel of proposal {proposal_id} is appointed.")

    def train(self, username: str, subject: str, completed: str | None) -> None:
        user = user_by_username(username)
        completed_on = _date(completed, "--completed") if completed else timezone.localdate()
        try:
            record = record_training(user, subject=subject, completed_on=completed_on, actor=None)
        except PanelError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"{user.username}: {subject} training recorded, until {record.expires_on}."
        )


def _date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{option} takes a date as YYYY-MM-DD") from None
