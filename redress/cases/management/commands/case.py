"""`redress case ...`: operator commands for one case.

    redress case assign CASE USERNAME [--role officer]
    redress case show CASE
    redress case representation CASE --from NAME --position P --channel C --summary TEXT

CASE is a case's id or its reference (RD-000123). A reference is looked up in the organisation
named by --organisation, or else the assignee's organisation, `REDRESS_ORGANISATION` or the only
organisation there is. Bad input exits non-zero with one line on stderr and changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from redress.audit.services import record_event
from redress.cases import representations, services
from redress.cases.facts import gather_facts
from redress.cases.models import Case, CaseRole, Representation
from redress.cases.selectors import open_deadlines, team
from redress.people.management.commands._operator import OperatorCommand
from redress.people.models import Organisation
from redress.people.selectors import organisation_from_option, user_by_username
from redress.rulebook.selectors import parsed
from redress.rulebook.workflow import Actor, evaluate


class Command(OperatorCommand):
    help = "Work with one case from the console: assign its team, show where it stands."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = self.add_actions(parser)
        assign = actions.add_parser(
            "assign",
            help="Put a member of staff on a case's team.",
            description="Put a member of staff on a case's team, as the operator at the console.",
        )
        assign.add_argument("case", metavar="CASE", help="the case's id or reference")
        assign.add_argument("username", metavar="USERNAME")
        assign.add_argument(
            "--role",
            default=CaseRole.OFFICER.value,
            choices=CaseRole.values,
            help="the part they play in the case (default: officer)",
        )
        assign.add_argument("--organisation", metavar="SLUG", help="whose case reference it is")
        show = actions.add_parser(
            "show",
            help="Print a case's stage, deadlines, team and allowed transitions.",
            description="Print a case's stage, deadlines, team and the transitions Redress "
            "itself may take now. The read is written to the audit log.",
        )
        show.add_argument("case", metavar="CASE", help="the case's id or reference")
        show.add_argument("--organisation", metavar="SLUG", help="whose case reference it is")
        representation = actions.add_parser(
            "representation",
            help="Record a communication about a case from outside the process.",
            description="Record a representation (from a senior official, an elected "
            "representative, the press office...) against a case. It is audited, shown to "
            "oversight and to the parties unless the rulebook says otherwise, and never deleted.",
        )
        representation.add_argument("case", metavar="CASE", help="the case's id or reference")
        representation.add_argument("--from", dest="made_by", required=True, metavar="NAME")
        representation.add_argument("--role", default="", help="their office, as they gave it")
        representation.add_argument(
            "--position", required=True, choices=Representation.Position.values
        )
        representation.add_argument(
            "--channel", required=True, choices=Representation.Medium.values
        )
        representation.add_argument("--summary", required=True, help="what was said or asked")
        representation.add_argument(
            "--organisation", metavar="SLUG", help="whose case reference it is"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "assign":
            self.assign(
                options["case"], options["username"], options["role"], options["organisation"]
            )
        elif options["action"] == "representation":
            self.representation(options)
        else:
            self.show(options["case"], options["organisation"])

    def representation(self, options: dict[str, Any]) -> None:
        case = find_case(options["case"], slug=options["organisation"], default=None)
        try:
            recorded = representations.record_representation(
                case,
                made_by_name=options["made_by"],
                made_by_role=options["role"],
                position=options["position"],
                channel=options["channel"],
                summary=options["summary"],
                actor=None,
            )
        except representations.RepresentationRefused as error:
            raise CommandError(f"{case.reference}: {error}") from None
        self.stdout.write(f"Representation {recorded.pk} recorded on {case.reference}.")

    def assign(self, case_ref: str, username: str, role: str, slug: str | None) -> None:
        user = user_by_username(username)
        case = find_case(case_ref, slug=slug, default=user.organisation)
        try:
            services.assign(case, user=user, role=role, actor=None)
        except services.CaseError as error:
            raise CommandError(f"{case.reference}: {error}") from None
        self.stdout.write(
            f"{user.username} is now {CaseRole(role).label.lower()} on {case.reference}."
        )

    def show(self, case_ref: str, slug: str | None) -> None:
        case = find_case(case_ref, slug=slug, default=None)
        record_event(
            organisation=case.organisation_id,
            actor=None,
            action="case.viewed",
            target=case,
            case_id=case.pk,
            data={"via": "console"},
        )
        rulebook = parsed(case.rulebook)
        today = timezone.localdate()
        write = self.stdout.write
        write(f"{case.reference} (id {case.pk}), rulebook version {case.rulebook.number}")
        state = f"closed {case.closed_at:%Y-%m-%d}, {case.outcome}" if case.closed_at else "open"
        write(f"Stage: {rulebook.stage_label(case.stage)} [{case.stage}], {state}")
        write("Deadlines:")
        deadlines = list(open_deadlines(case))
        for deadline in deadlines:
            overdue = " OVERDUE" if deadline.due_on < today else ""
            write(f"  {deadline.due_on:%Y-%m-%d}  {deadline.label}{overdue}")
        if not deadlines:
            write("  none running")
        write("Team:")
        members = list(team(case))
        for member in members:
            write(f"  {CaseRole(member.role).label}: {member.user.username}")
        if not members:
            write("  nobody assigned")
        write("Transitions Redress may take now:")
        options = evaluate(rulebook, gather_facts(case), Actor.system())
        allowed = [o for o in options if o.allowed]
        for option in allowed:
            write(f"  {option.to} ({rulebook.stage_label(option.to)})")
        if not allowed:
            write("  none" if options else "  none (the case is at a final stage)")


def find_case(value: str, *, slug: str | None, default: Organisation | None) -> Case:
    """The case with this id, or with this reference in the organisation meant."""
    value = value.strip()
    cases = Case.objects.select_related("rulebook", "organisation")
    if value.isdigit():
        cases = cases.filter(pk=int(value)) if int(value) < 2**63 else cases.none()
        if slug:
            cases = cases.filter(organisation=organisation_from_option(slug))
    else:
        organisation = organisation_from_option(slug) if slug or default is None else default
        cases = cases.filter(organisation=organisation, reference__iexact=value)
    case = cases.first()
    if case is None:
        raise CommandError(f"no case {value!r}")
    return case
