"""Reading what a release is made from, and the releases themselves.

Case milestones, outcomes and sanctions come only from the analytics fact table (through its
selectors), where they are derived once for every figure Redress publishes.
"""

from __future__ import annotations

from django.db.models import QuerySet

from redress.analytics.models import Outcome
from redress.analytics.selectors import case_facts
from redress.cases.facts import calendar_of
from redress.lib.workdays import WorkingCalendar
from redress.people.models import Organisation, Unit
from redress.rulebook.selectors import current_version, parsed
from redress.transparency.models import Release
from redress.transparency.tables import CaseRow, Quarter, Vocabulary, default_intervals

# The stages between the start of an investigation and the decision notice.
INVESTIGATION_TO_DECISION = ("investigation", "charging", "hearing", "decision")

_FACT_FIELDS = (
    "category",
    "respondent_unit",
    "received_on",
    "triaged_on",
    "investigation_started_on",
    "decided_on",
    "closed_on",
    "outcome",
    "sanction",
    "suspension_started_on",
    "suspension_ended_on",
)


def case_rows(organisation: Organisation) -> list[CaseRow]:
    """One row per case, live and imported, from the fact table."""
    rows = []
    for fact in case_facts(organisation).values(*_FACT_FIELDS).iterator(chunk_size=5000):
        unit = fact.pop("respondent_unit")
        rows.append(CaseRow(unit=unit, **fact))
    return rows


def vocabulary(organisation: Organisation) -> Vocabulary:
    """The organisation's current rulebook's categories, sanctions and stage targets."""
    rulebook = parsed(current_version(organisation))

    def working_days(*stages: str) -> int | None:
        total = 0
        for code in stages:
            stage = rulebook.stages.get(code)
            if stage is None or stage.target is None or stage.target.working_days is None:
                return None
            total += stage.target.working_days
        return total

    return Vocabulary(
        categories=[(code, c.label) for code, c in rulebook.categories.items()],
        outcomes=[(o.value, str(o.label)) for o in Outcome],
        sanctions=[(s.code, s.label) for s in rulebook.sanctions],
        intervals=default_intervals(
            working_days("triage"), working_days(*INVESTIGATION_TO_DECISION)
        ),
    )


def calendar(organisation: Organisation) -> WorkingCalendar:
    return calendar_of(organisation)


def unit_parents(organisation: Organisation) -> dict[str, str | None]:
    """The organisation's unit tree, by unit name (as the fact table names units)."""
    return dict(Unit.objects.filter(organisation=organisation).values_list("name", "parent__name"))


def published_quarters(organisation: Organisation) -> list[Quarter]:
    return [
        Quarter.parse(p)
        for p in Release.objects.filter(organisation=organisation).values_list("period", flat=True)
    ]


def public_releases() -> QuerySet[Release]:
    """Every published release, newest first, without the bulky downloads."""
    return (
        Release.objects.select_related("organisation")
        .defer("json_text", "csv_text", "cells", "content")
        .order_by("organisation__name", "-period")
    )


def public_release(organisation_slug: str, period: str) -> Release | None:
    return (
        Release.objects.select_related("organisation")
        .defer("cells")
        .filter(organisation__slug=organisation_slug, period=period)
        .first()
    )
