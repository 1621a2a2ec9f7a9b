"""Timeliness: the backlog over time, the clocks that have run out, and suspensions past review.

The backlog comes from the fact table (live and imported cases alike): cases open at the end of
each month are those received by then less those closed by then, so two grouped counts give
every month at once. Missed deadlines and suspensions past their review date are read from the
live clocks and suspensions, because a review date moves without the case changing stage; the
fact table gives their category and unit. Counts only: no references, names or case content.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count
from django.db.models.functions import TruncMonth

from redress.analytics.selectors import case_facts
from redress.cases.models import Deadline, InterimSuspension
from redress.people.models import Organisation

ALL = "all"


@dataclass(frozen=True)
class BacklogPoint:
    month_end: date
    open: int


@dataclass(frozen=True)
class OverdueCount:
    kind: str
    label: str
    category: str
    unit: str
    cases: int


def month_starts(first: date, last: date) -> list[date]:
    months = []
    day = first.replace(day=1)
    while day <= last:
        months.append(day)
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return months


def _month_end(month: date) -> date:
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def backlog_by_month(
    organisation: Organisation | int, *, today: date, months: int = 24, by: str | None = None
) -> dict[str, list[BacklogPoint]]:
    """Open cases at the end of each of the last `months` months, overall (`by=None`) or per
    value of `by` ("category" or "respondent_unit")."""
    first = month_starts(date(today.year - (months // 12) - 1, 1, 1), today)[-months:][0]
    facts = case_facts(organisation, received_to=today)
    key = [by] if by else []
    received = facts.annotate(month=TruncMonth("received_on")).values("month", *key)
    closed = (
        facts.filter(closed_on__isnull=False, closed_on__lte=today)
        .annotate(month=TruncMonth("closed_on"))
        .values("month", *key)
    )
    flows: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for sign, rows in ((1, received), (-1, closed)):
        for row in rows.annotate(n=Count("pk")).order_by():
            group = row[by] if by else ALL
            # Everything before the window is carried into its first month.
            month = max(_as_date(row["month"]), first)
            flows[group][month] += sign * row["n"]
    series = {}
    for group, flow in sorted(flows.items()):
        running = 0
        points = []
        for month in month_starts(first, today):
            running += flow.get(month, 0)
            points.append(BacklogPoint(month_end=min(_month_end(month), today), open=running))
        series[group] = points
    return series


def _as_date(value: date) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def overdue_deadlines(organisation: Organisation | int, *, today: date) -> list[OverdueCount]:
    """Open cases with a clock past its date, by clock, category and unit."""
    rows = (
        Deadline.objects.filter(
            organisation=organisation,
            met_at__isnull=True,
            due_on__lt=today,
            case__closed_at__isnull=True,
        )
        .values("kind", "label", "case__fact__category", "case__fact__respondent_unit")
        .annotate(cases=Count("case", distinct=True))
        .order_by("kind", "case__fact__category", "case__fact__respondent_unit")
    )
    return [
        OverdueCount(
            kind=row["kind"],
            label=row["label"],
            category=row["case__fact__category"] or "",
            unit=row["case__fact__respondent_unit"] or "",
            cases=row["cases"],
        )
        for row in rows
    ]


def suspensions_past_review(organisation: Organisation | int, *, today: date) -> list[OverdueCount]:
    """Suspensions in force whose review date has passed, by category and unit."""
    rows = (
        InterimSuspension.objects.filter(
            organisation=organisation, status="in_force", review_due_on__lt=today
        )
        .values("case__fact__category", "case__fact__respondent_unit")
        .annotate(cases=Count("case", distinct=True))
        .order_by("case__fact__category", "case__fact__respondent_unit")
    )
    return [
        OverdueCount(
            kind="suspension_review",
            label="Review of an interim suspension",
            category=row["case__fact__category"] or "",
            unit=row["case__fact__respondent_unit"] or "",
            cases=row["cases"],
        )
        for row in rows
    ]
