"""Gathering what the workflow engine needs to know about a case, in a fixed handful of queries."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone

from redress.cases.models import Assignment, Case, Deadline, Decision, Notice, Response
from redress.lib.workdays import WorkingCalendar
from redress.people.models import Organisation, User
from redress.rulebook.workflow import Actor, AllegationFacts, CaseFacts

RESPONSE_CLOCK = "response"


def calendar_of(organisation: Organisation) -> WorkingCalendar:
    return WorkingCalendar.of(organisation.holiday_region, organisation.closure_days)


def local_date(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def gather_facts(case: Case, *, today: date | None = None) -> CaseFacts:
    complaints = list(case.complaints.select_related("complainant").order_by("received_at"))
    first = complaints[0] if complaints else None
    decisions: dict[str, str] = {}
    for kind, outcome in (
        Decision.objects.filter(case=case, set_aside_at__isnull=True)
        .order_by("decided_at", "pk")
        .values_list("kind", "outcome")
    ):
        decisions[kind] = outcome  # the latest of each kind supersedes the earlier
    notices: dict[str, date] = {}
    for kind, served_at in (
        Notice.objects.filter(case=case, set_aside_at__isnull=True)
        .order_by("served_at")
        .values_list("kind", "served_at")
    ):
        notices[kind] = local_date(served_at)
    response_due = (
        Deadline.objects.filter(case=case, kind=RESPONSE_CLOCK)
        .order_by("-created_at")
        .values_list("due_on", flat=True)
        .first()
    )
    hearing = case.hearings.filter(set_aside_at__isnull=True).order_by("-starts_at").first()
    return CaseFacts(
        stage=case.stage,
        today=today or timezone.localdate(),
        received_on=local_date(first.received_at) if first else local_date(case.opened_at),
        anonymous=any(c.anonymous for c in complaints),
        complainant_contactable=any(
            c.complainant is not None and c.complainant.contactable for c in complaints
        ),
        decisions=decisions,
        notices_served=notices,
        team_roles=frozenset(
            Assignment.objects.filter(case=case, ended_at__isnull=True).values_list(
                "role", flat=True
            )
        ),
        allegations=tuple(
            AllegationFacts(
                category=a.category,
                conduct_on=a.conduct_on,
                charged=a.charged,
                has_time_limit_exception=bool(a.time_limit_exception.strip()),
                finding=a.finding,
                has_finding_reasons=bool(a.finding_reasons.strip()),
                sanction=a.sanction,
                has_sanction_reasons=bool(a.sanction_reasons.strip()),
            )
            for a in case.allegations.order_by("pk")
        ),
        response_received=Response.objects.filter(case=case).exists(),
        response_due_on=response_due,
        hearing_starts_on=local_date(hearing.starts_at) if hearing else None,
        hearing_held=bool(hearing and hearing.held_at),
        calendar=calendar_of(case.organisation),
    )


def case_role(user: User, case: Case) -> str | None:
    return (
        Assignment.objects.filter(case=case, user=user, ended_at__isnull=True)
        .values_list("role", flat=True)
        .first()
    )


def actor_for(user: User | None, case: Case) -> Actor:
    """The engine's view of who is acting: their role on this case, or Redress itself."""
    if user is None:
        return Actor.system()
    return Actor(case_role=case_role(user, case), is_oversight=user.has_role("oversight"))
