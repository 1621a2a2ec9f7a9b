"""Synthetic case histories for testing the fairness statistics: whole histories as count
tables, built with numpy so hundreds of them take seconds.

A history has `cases` cases received evenly over two years, looked at on its last day (so the
latest are still open, censored). Each case has a category (ten), a declared complainant group
(five, a third undeclared) and a unit (eight), all independent of how it is handled unless a
difference is planted in one category: its cases taking `slower` times as long at every stage,
or being upheld `upheld_ratio` times as often.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from redress.analytics.report import DIMENSIONS, TIME_METRICS, Tallies
from redress.analytics.stats import DurationTally, OutcomeTable

CATEGORIES = tuple(f"category_{k}" for k in range(10))
GROUPS = tuple(f"group_{k}" for k in range(5))
UNITS = tuple(f"unit_{k}" for k in range(8))
OUTCOMES = ("no_further_action", "not_upheld", "upheld")
SANCTIONS = ("none", "reminder_of_conduct", "warning", "suspension", "expulsion")
SPAN_DAYS = 730
AS_OF = date(2025, 12, 31)
PLANTED = "category_0"

# Days at each stage (gamma shape, scale): triage, to decision, to closure.
TRIAGE = (2.0, 5.0)
DECISION = (2.0, 30.0)
CLOSURE = (2.0, 7.0)
UPHELD = 0.4
SANCTION_SHARES = (0.1, 0.3, 0.35, 0.2, 0.05)


def history(
    rng: np.random.Generator, *, cases: int = 2000, slower: float = 1.0, upheld_ratio: float = 1.0
) -> Tallies:
    category = rng.integers(0, len(CATEGORIES), cases)
    group = rng.integers(0, len(GROUPS), cases)
    group[rng.random(cases) < 1 / 3] = -1  # not declared
    unit = rng.integers(0, len(UNITS), cases)
    planted = category == 0
    stretch = np.where(planted, slower, 1.0)
    triage = rng.gamma(*TRIAGE, cases) * stretch
    decision = triage + rng.gamma(*DECISION, cases) * stretch
    closure = decision + rng.gamma(*CLOSURE, cases) * stretch
    waited = rng.integers(0, SPAN_DAYS, cases)  # days from receipt to the report's day
    milestones = {
        "time_to_triage": np.ceil(triage).astype(np.int64),
        "time_to_decision": np.ceil(decision).astype(np.int64),
        "time_to_closure": np.ceil(closure).astype(np.int64),
    }
    closed_on = milestones["time_to_closure"]
    closed = closed_on <= waited
    upheld_p = np.where(planted, UPHELD * upheld_ratio, UPHELD)
    upheld = rng.random(cases) < upheld_p
    # The rest split evenly between no further action and not upheld.
    outcome = np.where(upheld, 2, rng.integers(0, 2, cases))
    sanction = rng.choice(len(SANCTIONS), cases, p=SANCTION_SHARES)
    keys = {"category": category, "complainant_group": group, "respondent_unit": unit}
    labels = {"category": CATEGORIES, "complainant_group": GROUPS, "respondent_unit": UNITS}
    durations = {}
    for metric, reached_after in milestones.items():
        reached = reached_after <= waited
        # Not reached: censored on closure (closed without it) or on the report's day.
        days = np.where(reached, reached_after, np.where(closed, closed_on, waited))
        for dimension in DIMENSIONS:
            durations[(dimension, metric)] = DurationTally(
                labels=labels[dimension],
                group=keys[dimension],
                days=days,
                observed=reached,
                count=np.ones(cases, np.int64),
            )
    outcomes = {}
    for dimension in DIMENSIONS:
        outcomes[(dimension, "outcome")] = _table(
            labels[dimension], OUTCOMES, keys[dimension][closed], outcome[closed]
        )
        chosen = closed & (outcome == 2)
        outcomes[(dimension, "sanction")] = _table(
            labels[dimension], SANCTIONS, keys[dimension][chosen], sanction[chosen]
        )
    assert set(durations) == {(d, m) for d in DIMENSIONS for m in TIME_METRICS}
    return Tallies(durations=durations, outcomes=outcomes)


def _table(
    labels: tuple[str, ...], columns: tuple[str, ...], rows: np.ndarray, values: np.ndarray
) -> OutcomeTable:
    inside = rows >= 0
    cells = np.bincount(
        rows[inside] * len(columns) + values[inside], minlength=len(labels) * len(columns)
    )
    return OutcomeTable(
        labels=labels, columns=columns, counts=cells.reshape(len(labels), len(columns))
    )
