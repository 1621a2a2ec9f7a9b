"""The fairness report: volumes, times and outcomes by category, complainant group and unit.

The fact table is reduced to count tables by the database (on PostgreSQL, one scan per kind of
table with GROUPING SETS, so a million cases cost a few seconds), then `redress.analytics.stats`
does the statistics on the counts. Elsewhere (SQLite, for the demo) the same tables are counted
in Python from the rows; the test suite checks that both ways give the same tables.

How a time is counted: from the day the case was received to the day it reached the milestone;
a case that has not reached it is censored on the day it closed without reaching it, or else on
the report's day. Outcomes are those of closed cases; sanctions those of upheld ones.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from django.db import connection
from django.utils import timezone

from redress.analytics import stats
from redress.analytics.models import CaseFact
from redress.analytics.stats import Comparison, DurationTally, OutcomeTable
from redress.people.models import Organisation

DIMENSIONS = ("category", "complainant_group", "respondent_unit")
TIME_METRICS = {
    "time_to_triage": "triaged_on",
    "time_to_decision": "decided_on",
    "time_to_closure": "closed_on",
}
UPHELD = ("upheld",)
NO_SANCTION = "none"


@dataclass(frozen=True)
class GroupVolume:
    dimension: str
    group: str
    cases: int
    open: int

    @property
    def closed(self) -> int:
        return self.cases - self.open


@dataclass(frozen=True)
class FairnessReport:
    as_of: date
    cases: int
    open: int
    volumes: list[GroupVolume]
    comparisons: list[Comparison]
    durations: dict[tuple[str, str], DurationTally]
    outcomes: dict[tuple[str, str], OutcomeTable]

    @property
    def findings(self) -> list[Comparison]:
        return sorted((c for c in self.comparisons if c.flagged), key=lambda c: c.adjusted_p or 0.0)

    @property
    def too_small(self) -> list[Comparison]:
        return [c for c in self.comparisons if c.too_small]

    def survival(self, dimension: str, metric: str) -> stats.SurvivalTable:
        return stats.survival_table(self.durations[(dimension, metric)])


@dataclass(frozen=True)
class Tallies:
    """The count tables a report is made of: per (dimension, metric)."""

    durations: dict[tuple[str, str], DurationTally]
    outcomes: dict[tuple[str, str], OutcomeTable]


def fairness_report(
    organisation: Organisation | int, *, as_of: date | None = None
) -> FairnessReport:
    as_of = as_of or timezone.localdate()
    org_id = organisation if isinstance(organisation, int) else organisation.pk
    tallies = (
        tallies_in_sql(org_id, as_of)
        if connection.vendor == "postgresql"
        else tallies_in_python(org_id, as_of)
    )
    return report_from_tallies(tallies, as_of=as_of)


def report_from_tallies(tallies: Tallies, *, as_of: date) -> FairnessReport:
    comparisons: list[Comparison] = []
    for (dimension, metric), tally in tallies.durations.items():
        comparisons += stats.compare_durations(dimension, metric, tally)
    for (dimension, metric), table in tallies.outcomes.items():
        if metric == "outcome":
            comparisons += stats.compare_rate(dimension, "upheld_rate", table, UPHELD)
            comparisons += stats.compare_distribution(dimension, "outcome_distribution", table)
        else:
            comparisons += stats.compare_distribution(dimension, "sanction_distribution", table)
    closure = tallies.durations[("category", "time_to_closure")]
    volumes = [
        volume
        for dimension in DIMENSIONS
        for volume in _volumes(dimension, tallies.durations[(dimension, "time_to_closure")])
    ]
    return FairnessReport(
        as_of=as_of,
        cases=int(closure.count.sum()),
        open=int(closure.count[~closure.observed].sum()),
        volumes=volumes,
        comparisons=stats.adjust(comparisons),
        durations=tallies.durations,
        outcomes=tallies.outcomes,
    )


def _volumes(dimension: str, tally: DurationTally) -> list[GroupVolume]:
    groups = len(tally.labels)
    inside = tally.group >= 0
    cases = np.bincount(tally.group[inside], weights=tally.count[inside], minlength=groups)
    still_open = inside & ~tally.observed
    opened = np.bincount(tally.group[still_open], weights=tally.count[still_open], minlength=groups)
    return [
        GroupVolume(dimension, label, int(cases[g]), int(opened[g]))
        for g, label in enumerate(tally.labels)
    ]


# --- Counting on PostgreSQL --------------------------------------------------------------------

_DURATIONS_SQL = """
SELECT m.metric, GROUPING(f.category, f.grp, f.unit) AS which, f.category, f.grp, f.unit,
       m.days, m.reached, count(*)
FROM (
    SELECT category, NULLIF(complainant_group, '') AS grp, NULLIF(respondent_unit, '') AS unit,
           received_on,
           CASE WHEN triaged_on <= %(as_of)s THEN triaged_on END AS triaged_on,
           CASE WHEN decided_on <= %(as_of)s THEN decided_on END AS decided_on,
           CASE WHEN closed_on <= %(as_of)s THEN closed_on END AS closed_on
    FROM analytics_casefact
    WHERE organisation_id = %(org)s AND received_on <= %(as_of)s
) f
CROSS JOIN LATERAL (VALUES
    ('time_to_triage',
     COALESCE(f.triaged_on, f.closed_on, %(as_of)s::date) - f.received_on,
     f.triaged_on IS NOT NULL),
    ('time_to_decision',
     COALESCE(f.decided_on, f.closed_on, %(as_of)s::date) - f.received_on,
     f.decided_on IS NOT NULL),
    ('time_to_closure',
     COALESCE(f.closed_on, %(as_of)s::date) - f.received_on,
     f.closed_on IS NOT NULL)
) AS m(metric, days, reached)
GROUP BY GROUPING SETS (
    (m.metric, f.category, m.days, m.reached),
    (m.metric, f.grp, m.days, m.reached),
    (m.metric, f.unit, m.days, m.reached)
)
"""

_OUTCOMES_SQL = """
SELECT GROUPING(category, grp, unit) AS which, category, grp, unit, outcome, sanction, count(*)
FROM (
    SELECT category, NULLIF(complainant_group, '') AS grp, NULLIF(respondent_unit, '') AS unit,
           outcome, CASE WHEN outcome = 'upheld' THEN COALESCE(NULLIF(sanction, ''), 'none') END
           AS sanction
    FROM analytics_casefact
    WHERE organisation_id = %(org)s AND received_on <= %(as_of)s
      AND closed_on IS NOT NULL AND closed_on <= %(as_of)s
) f
GROUP BY GROUPING SETS ((category, outcome, sanction), (grp, outcome, sanction),
                        (unit, outcome, sanction))
"""

# GROUPING(category, grp, unit) is a bit mask with 1 for each column left out of the set.
_WHICH = {0b011: "category", 0b101: "complainant_group", 0b110: "respondent_unit"}


def tallies_in_sql(org_id: int, as_of: date) -> Tallies:
    params: dict[str, int | date] = {"org": org_id, "as_of": as_of}
    durations: dict[tuple[str, str], list[tuple[str | None, int, bool, int]]] = defaultdict(list)
    outcomes: dict[tuple[str, str], list[tuple[str | None, str, int]]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(_DURATIONS_SQL, params)
        for metric, which, category, grp, unit, days, reached, count in cursor.fetchall():
            dimension = _WHICH[which]
            key = {"category": category, "complainant_group": grp, "respondent_unit": unit}
            durations[(dimension, metric)].append((key[dimension], days, reached, count))
        cursor.execute(_OUTCOMES_SQL, params)
        for which, category, grp, unit, outcome, sanction, count in cursor.fetchall():
            dimension = _WHICH[which]
            key = {"category": category, "complainant_group": grp, "respondent_unit": unit}
            outcomes[(dimension, "outcome")].append((key[dimension], outcome, count))
            if sanction is not None:
                outcomes[(dimension, "sanction")].append((key[dimension], sanction, count))
    return _assemble(durations, outcomes)


# --- Counting in Python ------------------------------------------------------------------------


def tallies_in_python(org_id: int, as_of: date) -> Tallies:
    durations: dict[tuple[str, str], list[tuple[str | None, int, bool, int]]] = defaultdict(list)
    outcomes: dict[tuple[str, str], list[tuple[str | None, str, int]]] = defaultdict(list)
    rows = CaseFact.objects.filter(organisation_id=org_id, received_on__lte=as_of).values_list(
        "category",
        "complainant_group",
        "respondent_unit",
        "received_on",
        "triaged_on",
        "decided_on",
        "closed_on",
        "outcome",
        "sanction",
    )
    for (
        category,
        grp,
        unit,
        received,
        triaged,
        decided,
        closed,
        outcome,
        sanction,
    ) in rows.iterator():
        triaged, decided, closed = (_by(triaged, as_of), _by(decided, as_of), _by(closed, as_of))
        keys = {
            "category": category,
            "complainant_group": grp or None,
            "respondent_unit": unit or None,
        }
        milestones = {
            "time_to_triage": triaged,
            "time_to_decision": decided,
            "time_to_closure": closed,
        }
        for metric, reached_on in milestones.items():
            end = reached_on or closed or as_of
            for dimension, key in keys.items():
                durations[(dimension, metric)].append(
                    (key, (end - received).days, reached_on is not None, 1)
                )
        if closed is not None:
            for dimension, key in keys.items():
                outcomes[(dimension, "outcome")].append((key, outcome, 1))
                if outcome == "upheld":
                    outcomes[(dimension, "sanction")].append((key, sanction or NO_SANCTION, 1))
    return _assemble(durations, outcomes)


def _by(day: date | None, as_of: date) -> date | None:
    """A milestone reached after the report's day was not reached on it."""
    return day if day is not None and day <= as_of else None


# --- Both --------------------------------------------------------------------------------------


def _assemble(
    durations: dict[tuple[str, str], list[tuple[str | None, int, bool, int]]],
    outcomes: dict[tuple[str, str], list[tuple[str | None, str, int]]],
) -> Tallies:
    tallies: dict[tuple[str, str], DurationTally] = {}
    for dimension in DIMENSIONS:
        for metric in TIME_METRICS:
            rows = durations.get((dimension, metric), [])
            labels = sorted({key for key, *_ in rows if key is not None})
            index = {label: k for k, label in enumerate(labels)}
            tallies[(dimension, metric)] = DurationTally(
                labels=labels,
                group=np.array([index.get(r[0], -1) if r[0] else -1 for r in rows], np.int64),
                days=np.array([r[1] for r in rows], np.int64),
                observed=np.array([r[2] for r in rows], np.bool_),
                count=np.array([r[3] for r in rows], np.int64),
            )
    tables: dict[tuple[str, str], OutcomeTable] = {}
    for dimension in DIMENSIONS:
        for kind in ("outcome", "sanction"):
            tables[(dimension, kind)] = _outcome_table(outcomes.get((dimension, kind), []))
    return Tallies(durations=tallies, outcomes=tables)


def _outcome_table(rows: list[tuple[str | None, str, int]]) -> OutcomeTable:
    labels = sorted({key for key, _, _ in rows if key is not None})
    columns = sorted({column for _, column, _ in rows})
    counts = np.zeros((len(labels), len(columns)), np.int64)
    row_of = {label: k for k, label in enumerate(labels)}
    column_of = {column: k for k, column in enumerate(columns)}
    for key, column, count in rows:
        if key is not None:
            counts[row_of[key], column_of[column]] += count
    return OutcomeTable(labels=labels, columns=columns, counts=counts)


def report_as_json(report: FairnessReport) -> dict[str, Any]:
    """The report as plain data for `redress analytics report --format json`."""
    return {
        "as_of": report.as_of.isoformat(),
        "cases": report.cases,
        "open": report.open,
        "alpha": stats.ALPHA,
        "adjustment": "benjamini-hochberg",
        "volumes": [
            {"dimension": v.dimension, "group": v.group, "cases": v.cases, "open": v.open}
            for v in report.volumes
        ],
        "findings": [_comparison_json(c) for c in report.findings],
        "too_small": [
            {"dimension": c.dimension, "group": c.group, "metric": c.metric, "cases": c.n_group}
            for c in report.too_small
        ],
        "comparisons": [_comparison_json(c) for c in report.comparisons if not c.too_small],
    }


def _comparison_json(c: Comparison) -> dict[str, Any]:
    return {
        "dimension": c.dimension,
        "group": c.group,
        "metric": c.metric,
        "test": c.test,
        "cases": c.n_group,
        "cases_rest": c.n_rest,
        "effect_size": None
        if c.effect is None
        else {
            "measure": c.effect.name,
            "value": round(c.effect.value, 4),
            "interval_95": [round(c.effect.low, 4), round(c.effect.high, 4)],
        },
        "p": c.p,
        "adjusted_p": c.adjusted_p,
        "flagged": c.flagged,
        **({"detail": c.detail} if c.detail else {}),
    }
