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
from numpy.typing import NDArray

from redress.analytics import stats
from redress.analytics.models import CaseFact, Outcome
from redress.analytics.stats import Comparison, DurationTally, OutcomeTable
from redress.cases.models import Category
from redress.people.models import EthnicGroup, Organisation

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

_LABELS_SQL = """
SELECT 'unit', respondent_unit FROM analytics_casefact
WHERE organisation_id = %(org)s AND received_on <= %(as_of)s GROUP BY respondent_unit
UNION ALL
SELECT 'sanction', sanction FROM analytics_casefact
WHERE organisation_id = %(org)s AND received_on <= %(as_of)s GROUP BY sanction
"""

# One row per case, every column a 4-byte integer, so the binary COPY is read by numpy in one go:
# codes of the category, group and unit (0 for none), days to each milestone or to censoring,
# whether each was reached (bits), and codes of the outcome and sanction (0 for none).
_CASES_SQL = """
COPY (
    SELECT COALESCE(array_position(%(categories)s::text[], category::text), 0),
           COALESCE(array_position(%(groups)s::text[], complainant_group::text), 0),
           COALESCE(array_position(%(units)s::text[], respondent_unit::text), 0),
           COALESCE(t, c, %(as_of)s::date) - received_on,
           COALESCE(d, c, %(as_of)s::date) - received_on,
           COALESCE(c, %(as_of)s::date) - received_on,
           (t IS NOT NULL)::int + 2 * (d IS NOT NULL)::int + 4 * (c IS NOT NULL)::int,
           CASE WHEN c IS NULL THEN 0
                ELSE COALESCE(array_position(%(outcomes)s::text[], outcome::text), 0) END,
           COALESCE(array_position(%(sanctions)s::text[], sanction::text), 0)
    FROM (
        SELECT category, complainant_group, respondent_unit, received_on, outcome, sanction,
               CASE WHEN triaged_on <= %(as_of)s THEN triaged_on END AS t,
               CASE WHEN decided_on <= %(as_of)s THEN decided_on END AS d,
               CASE WHEN closed_on <= %(as_of)s THEN closed_on END AS c
        FROM analytics_casefact
        WHERE organisation_id = %(org)s AND received_on <= %(as_of)s
    ) AS reached
) TO STDOUT (FORMAT binary)
"""
_COLUMNS = 9
_ROW = np.dtype(
    [("fields", ">i2")] + [(f"c{k}", [("n", ">i4"), ("v", ">i4")]) for k in range(_COLUMNS)]
)
_COPY_HEADER = 19  # signature, flags and header extension length
_COPY_TRAILER = 2


def tallies_in_sql(org_id: int, as_of: date) -> Tallies:
    """The tables from one binary COPY of the organisation's cases, counted with numpy."""
    params: dict[str, Any] = {"org": org_id, "as_of": as_of}
    with connection.cursor() as cursor:
        cursor.execute(_LABELS_SQL, params)
        found: dict[str, list[str]] = defaultdict(list)
        for kind, value in cursor.fetchall():
            if value:
                found[kind].append(value)
        labels = {
            "category": sorted(Category.values),
            "complainant_group": sorted(EthnicGroup.values),
            "respondent_unit": sorted(found["unit"]),
        }
        outcomes = sorted(Outcome.values)
        sanctions = sorted(found["sanction"])
        params.update(
            categories=labels["category"],
            groups=labels["complainant_group"],
            units=labels["respondent_unit"],
            outcomes=outcomes,
            sanctions=sanctions,
        )
        data = bytearray()
        with cursor.copy(_CASES_SQL, params) as copy:
            for chunk in copy:
                data += chunk
    body = memoryview(data)[_COPY_HEADER : len(data) - _COPY_TRAILER]
    rows = np.frombuffer(body, dtype=_ROW)
    column = [rows[f"c{k}"]["v"].astype(np.int64) for k in range(_COLUMNS)]
    for k, dimension in enumerate(DIMENSIONS):
        labels[dimension], column[k] = _only_present(labels[dimension], column[k])
    return _tallies_from_columns(labels, outcomes, sanctions, column)


def _only_present(
    labels: list[str], codes: NDArray[np.int64]
) -> tuple[list[str], NDArray[np.int64]]:
    """The labels some case has, and the codes renumbered to them (0 still none)."""
    present = np.flatnonzero(np.bincount(codes, minlength=len(labels) + 1)[1:]) + 1
    renumber = np.zeros(len(labels) + 1, np.int64)
    renumber[present] = np.arange(1, len(present) + 1)
    return [labels[k - 1] for k in present], renumber[codes]


def _tallies_from_columns(
    labels: dict[str, list[str]],
    outcomes: list[str],
    sanctions: list[str],
    column: list[NDArray[np.int64]],
) -> Tallies:
    codes = dict(zip(DIMENSIONS, column[:3], strict=True))
    ones = np.ones(len(column[0]), np.int64)
    durations: dict[tuple[str, str], DurationTally] = {}
    for dimension in DIMENSIONS:
        for k, metric in enumerate(TIME_METRICS):
            days, reached = column[3 + k], (column[6] >> k) & 1 == 1
            durations[(dimension, metric)] = DurationTally(
                labels=labels[dimension],
                group=codes[dimension] - 1,
                days=days,
                observed=reached,
                count=ones,
            )
    closed = column[7] > 0
    upheld = closed & (column[7] == outcomes.index("upheld") + 1)
    sanction_labels = [NO_SANCTION, *sanctions]
    tables: dict[tuple[str, str], OutcomeTable] = {}
    for dimension in DIMENSIONS:
        tables[(dimension, "outcome")] = _count_table(
            labels[dimension], outcomes, codes[dimension][closed] - 1, column[7][closed] - 1
        )
        tables[(dimension, "sanction")] = _count_table(
            labels[dimension], sanction_labels, codes[dimension][upheld] - 1, column[8][upheld]
        )
    return Tallies(durations=durations, outcomes=tables)


def _count_table(
    labels: list[str], columns: list[str], rows: NDArray[np.int64], values: NDArray[np.int64]
) -> OutcomeTable:
    """Closed cases by group and column; columns nobody reached are left out."""
    inside = rows >= 0
    cells = np.bincount(
        rows[inside] * len(columns) + values[inside], minlength=len(labels) * len(columns)
    ).reshape(len(labels), len(columns))
    used = cells.sum(axis=0) > 0
    return OutcomeTable(
        labels=labels,
        columns=[c for c, keep in zip(columns, used, strict=True) if keep],
        counts=cells[:, used].astype(np.int64),
    )


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
