"""Reading the fact table. Other apps (the public statistics, the fairness report, the
timeliness pages) read case milestones and outcomes through these functions only.

Nothing here says who may see what: the rows carry no names and no case content, but the
pages that show them check their readers' roles (`redress.analytics.access`).
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from redress.analytics.models import CaseFact
from redress.people.models import Organisation

MILESTONES = ("received_on", "triaged_on", "investigation_started_on", "decided_on", "closed_on")


def case_facts(
    organisation: Organisation | int,
    *,
    received_from: date | None = None,
    received_to: date | None = None,
    source: str | None = None,
) -> QuerySet[CaseFact]:
    """Every case's fact row in the organisation, live and imported, optionally only those
    received in [received_from, received_to] or from one source."""
    facts = CaseFact.objects.filter(organisation=organisation)
    if received_from is not None:
        facts = facts.filter(received_on__gte=received_from)
    if received_to is not None:
        facts = facts.filter(received_on__lte=received_to)
    if source is not None:
        facts = facts.filter(source=source)
    return facts


def open_on(organisation: Organisation | int, day: date) -> QuerySet[CaseFact]:
    """The cases open at the end of `day`: received by then and not closed by then."""
    return case_facts(organisation).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=day), received_on__lte=day
    )


def closed_between(organisation: Organisation | int, start: date, end: date) -> QuerySet[CaseFact]:
    """The cases closed in [start, end], with their outcome and sanction."""
    return case_facts(organisation).filter(closed_on__gte=start, closed_on__lte=end)


def fact_of_case(case_id: int) -> CaseFact | None:
    """The fact row of one live case (None until it is first refreshed)."""
    return CaseFact.objects.filter(case_id=case_id).first()
