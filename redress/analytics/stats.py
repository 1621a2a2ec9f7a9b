"""The statistics of the fairness report, over count tables, with no database.

Everything works on tallies (how many cases of each group took so many days, or ended so), so
the same code serves a report over a million cases aggregated by PostgreSQL and the test suite's
simulated histories. Each group of a dimension is compared with the rest of that dimension:

- times (to triage, to decision, to closure): Kaplan-Meier curves, with cases not yet at the
  milestone counted as censored on the day the report looks at them (or the day they closed
  without reaching it); compared with the log-rank test; the effect is the hazard ratio
  (Peto's one-step estimate) with its 95 % interval: below 1, the group's cases take longer;
- the upheld rate among closed cases: chi-square on the 2x2 table, Fisher's exact test where an
  expected count is below 5; the effect is the rate ratio with its 95 % interval;
- the distributions of outcomes, and of sanctions among upheld cases: chi-square on the 2xk
  table (by Monte Carlo where the table is too sparse for Cochran's rule); the effect is
  Cramér's V with a bootstrap 95 % interval.

p-values are adjusted for the number of comparisons in the report (Benjamini-Hochberg), and a
comparison is a finding when its adjusted p is below `ALPHA` and its effect is material (see
`MATERIAL`): with a million cases a gap of a day is "significant", and one group far slower
makes every other group look a little faster than the rest; neither is a finding. A group too
small to say anything about is reported as too small, never tested, so it can neither be
flagged nor dilute the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray
from scipy import stats

ALPHA = 0.05
Z95 = 1.959963984540054
# Below these a group is reported as too small: a handful of cases cannot show a pattern, and
# the tests' approximations do not hold.
MIN_CASES = 30
# The smallest effects worth flagging: a quarter more or less likely to reach the milestone on
# any day, or to be upheld; or a distribution shifted by a "small" Cramér's V.
MATERIAL = {"hazard_ratio": 1.25, "rate_ratio": 1.25, "cramers_v": 0.1}
MIN_EVENTS = 10
BOOTSTRAP_RESAMPLES = 200
MONTE_CARLO_RESAMPLES = 2000

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Effect:
    name: str
    value: float
    low: float
    high: float


@dataclass(frozen=True)
class Comparison:
    """One group against the rest of its dimension on one metric."""

    dimension: str
    group: str
    metric: str
    test: str
    n_group: int
    n_rest: int
    effect: Effect | None
    p: float | None
    adjusted_p: float | None = None
    too_small: bool = False
    detail: dict[str, float | None] = field(default_factory=dict)

    @property
    def significant(self) -> bool:
        return self.adjusted_p is not None and self.adjusted_p < ALPHA

    @property
    def material(self) -> bool:
        if self.effect is None:
            return False
        threshold = MATERIAL[self.effect.name]
        if self.effect.name == "cramers_v":
            return self.effect.value >= threshold
        return self.effect.value >= threshold or self.effect.value <= 1 / threshold

    @property
    def flagged(self) -> bool:
        return self.significant and self.material


# --- Times: Kaplan-Meier and the log-rank test -------------------------------------------------


@dataclass(frozen=True)
class DurationTally:
    """Counts of cases by group, days to the milestone (or to censoring) and whether the
    milestone was reached. `group` indexes `labels`; -1 means outside every group."""

    labels: Sequence[str]
    group: IntArray
    days: IntArray
    observed: NDArray[np.bool_]
    count: IntArray


@dataclass(frozen=True)
class SurvivalTable:
    """Per group and day: cases reaching the milestone that day, and cases still waiting at
    its start."""

    labels: Sequence[str]
    events: IntArray  # G x T
    at_risk: IntArray  # G x T

    def curves(self) -> FloatArray:
        """Kaplan-Meier: the share of each group's cases still waiting at the end of each day."""
        with np.errstate(divide="ignore", invalid="ignore"):
            hazard = np.where(self.at_risk > 0, self.events / self.at_risk, 0.0)
        return np.asarray(np.cumprod(1.0 - hazard, axis=1), dtype=np.float64)

    def medians(self) -> list[int | None]:
        """The day by which half of each group's cases had reached the milestone."""
        curves = self.curves()
        reached = curves <= 0.5
        return [int(np.argmax(row)) if row.any() else None for row in reached]


def survival_table(tally: DurationTally) -> SurvivalTable:
    inside = tally.group >= 0
    groups = len(tally.labels)
    days = np.clip(tally.days[inside], 0, None)
    span = int(days.max()) + 1 if days.size else 1
    cell = tally.group[inside] * span + days
    weight = tally.count[inside]
    observed = tally.observed[inside]
    events = np.bincount(cell[observed], weights=weight[observed], minlength=groups * span)
    leaving = np.bincount(cell, weights=weight, minlength=groups * span)
    events = events.reshape(groups, span).astype(np.int64)
    leaving = leaving.reshape(groups, span).astype(np.int64)
    # Still waiting at the start of day t: everyone who leaves on day t or later.
    at_risk = np.cumsum(leaving[:, ::-1], axis=1)[:, ::-1]
    return SurvivalTable(labels=tally.labels, events=events, at_risk=at_risk)


def compare_durations(dimension: str, metric: str, tally: DurationTally) -> list[Comparison]:
    table = survival_table(tally)
    d_g, n_g = table.events.astype(float), table.at_risk.astype(float)
    d, n = d_g.sum(axis=0), n_g.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(n > 0, n_g / n, 0.0)
        ties = np.where(n > 1, (n - d) / (n - 1), 1.0)
    observed = d_g.sum(axis=1)
    expected = (d * share).sum(axis=1)
    variance = (d * share * (1 - share) * ties).sum(axis=1)
    cases = table.at_risk[:, 0] if table.at_risk.size else np.zeros(len(table.labels), np.int64)
    total = int(cases.sum())
    medians = table.medians()
    rest_medians = _rest_medians(table)
    results = []
    for g, label in enumerate(table.labels):
        n_group, n_rest = int(cases[g]), total - int(cases[g])
        detail: dict[str, float | None] = {
            "median_days": _num(medians[g]),
            "median_days_rest": _num(rest_medians[g]),
            "reached": float(observed[g]),
        }
        small = (
            n_group < MIN_CASES
            or n_rest < MIN_CASES
            or observed[g] < MIN_EVENTS
            or variance[g] <= 0
        )
        if small:
            results.append(
                _too_small(dimension, label, metric, "log-rank", n_group, n_rest, detail)
            )
            continue
        log_hr = (observed[g] - expected[g]) / variance[g]
        half = Z95 / np.sqrt(variance[g])
        chi2 = (observed[g] - expected[g]) ** 2 / variance[g]
        results.append(
            Comparison(
                dimension=dimension,
                group=label,
                metric=metric,
                test="log-rank",
                n_group=n_group,
                n_rest=n_rest,
                effect=Effect(
                    "hazard_ratio",
                    float(np.exp(log_hr)),
                    float(np.exp(log_hr - half)),
                    float(np.exp(log_hr + half)),
                ),
                p=float(stats.chi2.sf(chi2, 1)),
                detail=detail,
            )
        )
    return results


def _rest_medians(table: SurvivalTable) -> list[int | None]:
    total_events = table.events.sum(axis=0)
    total_at_risk = table.at_risk.sum(axis=0)
    rest = SurvivalTable(
        labels=table.labels,
        events=total_events[None, :] - table.events,
        at_risk=total_at_risk[None, :] - table.at_risk,
    )
    return rest.medians()


# --- Outcomes: rates and distributions ---------------------------------------------------------


@dataclass(frozen=True)
class OutcomeTable:
    """Closed cases by group (rows) and outcome or sanction (columns)."""

    labels: Sequence[str]
    columns: Sequence[str]
    counts: IntArray  # G x K


def compare_rate(
    dimension: str, metric: str, table: OutcomeTable, positive: Sequence[str]
) -> list[Comparison]:
    """Each group's share of cases ending in one of `positive` against the rest's."""
    hit_columns = [k for k, c in enumerate(table.columns) if c in positive]
    hits = table.counts[:, hit_columns].sum(axis=1)
    totals = table.counts.sum(axis=1)
    results = []
    for g, label in enumerate(table.labels):
        a, n1 = int(hits[g]), int(totals[g])
        b, n2 = int(hits.sum()) - a, int(totals.sum()) - n1
        detail: dict[str, float | None] = {
            "rate": a / n1 if n1 else None,
            "rate_rest": b / n2 if n2 else None,
        }
        if n1 < MIN_CASES or n2 < MIN_CASES or a + b == 0 or a + b == n1 + n2:
            results.append(_too_small(dimension, label, metric, "2x2", n1, n2, detail))
            continue
        test, p = _two_by_two_p(a, n1, b, n2)
        results.append(
            Comparison(
                dimension=dimension,
                group=label,
                metric=metric,
                test=test,
                n_group=n1,
                n_rest=n2,
                effect=_rate_ratio(a, n1, b, n2),
                p=p,
                detail=detail,
            )
        )
    return results


def _two_by_two_p(a: int, n1: int, b: int, n2: int) -> tuple[str, float]:
    table = np.array([[a, n1 - a], [b, n2 - b]])
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / table.sum()
    if expected.min() < 5:
        return "fisher", float(stats.fisher_exact(table).pvalue)
    chi2 = float(((table - expected) ** 2 / expected).sum())
    return "chi-square", float(stats.chi2.sf(chi2, 1))


def _rate_ratio(a: int, n1: int, b: int, n2: int) -> Effect:
    # Half a case added to each cell when one is empty, so the interval stays finite.
    fix = 0.5 if 0 in (a, b, n1 - a, n2 - b) else 0.0
    a_, b_, n1_, n2_ = a + fix, b + fix, n1 + 2 * fix, n2 + 2 * fix
    ratio = (a_ / n1_) / (b_ / n2_)
    se = np.sqrt(1 / a_ - 1 / n1_ + 1 / b_ - 1 / n2_)
    return Effect(
        "rate_ratio",
        float(ratio),
        float(np.exp(np.log(ratio) - Z95 * se)),
        float(np.exp(np.log(ratio) + Z95 * se)),
    )


def compare_distribution(
    dimension: str, metric: str, table: OutcomeTable, *, seed: int = 0
) -> list[Comparison]:
    """Each group's whole distribution over the columns against the rest's."""
    rng = np.random.default_rng(seed)
    totals = table.counts.sum(axis=0)
    results = []
    for g, label in enumerate(table.labels):
        row = table.counts[g]
        pair = np.vstack([row, totals - row])
        pair = pair[:, pair.sum(axis=0) > 0]
        n1, n2 = int(pair[0].sum()), int(pair[1].sum())
        if n1 < MIN_CASES or n2 < MIN_CASES or pair.shape[1] < 2:
            results.append(_too_small(dimension, label, metric, "chi-square", n1, n2, {}))
            continue
        expected = pair.sum(axis=1, keepdims=True) * pair.sum(axis=0, keepdims=True) / pair.sum()
        chi2 = float(((pair - expected) ** 2 / expected).sum())
        if not _cochran(expected):
            test = "chi-square (Monte Carlo)"
            p = _monte_carlo_p(pair, chi2, rng)
        else:
            test = "chi-square"
            p = float(stats.chi2.sf(chi2, pair.shape[1] - 1))
        results.append(
            Comparison(
                dimension=dimension,
                group=label,
                metric=metric,
                test=test,
                n_group=n1,
                n_rest=n2,
                effect=_cramers_v(pair, chi2, rng),
                p=p,
            )
        )
    return results


def _cochran(expected: FloatArray) -> bool:
    """Cochran's rule for the chi-square approximation: no expected count below 1, and at
    most a fifth of them below 5. Otherwise the p-value is found by Monte Carlo."""
    return bool(expected.min() >= 1 and (expected < 5).mean() <= 0.2)


def _chi2_many(tables: FloatArray) -> FloatArray:
    """Chi-square statistics of many 2xk tables at once (R x 2 x k)."""
    rows = tables.sum(axis=2, keepdims=True)
    cols = tables.sum(axis=1, keepdims=True)
    expected = rows * cols / tables.sum(axis=(1, 2), keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        cells = np.where(expected > 0, (tables - expected) ** 2 / expected, 0.0)
    return np.asarray(cells.sum(axis=(1, 2)), dtype=np.float64)


def _monte_carlo_p(pair: IntArray, chi2: float, rng: np.random.Generator) -> float:
    """The share of tables with the same margins, drawn under independence, at least as far
    from it as the one observed."""
    n1 = int(pair[0].sum())
    column_totals = pair.sum(axis=0)
    first = rng.multivariate_hypergeometric(column_totals, n1, size=MONTE_CARLO_RESAMPLES)
    tables = np.stack([first, column_totals[None, :] - first], axis=1).astype(float)
    simulated = _chi2_many(tables)
    return float((1 + np.sum(simulated >= chi2 - 1e-9)) / (1 + MONTE_CARLO_RESAMPLES))


def _cramers_v(pair: IntArray, chi2: float, rng: np.random.Generator) -> Effect:
    n = pair.sum()
    scale = n * (min(pair.shape) - 1)
    value = float(np.sqrt(chi2 / scale))
    draws = [
        rng.multinomial(int(row.sum()), row / row.sum(), size=BOOTSTRAP_RESAMPLES) for row in pair
    ]
    tables = np.stack(draws, axis=1).astype(float)
    resampled = np.sqrt(_chi2_many(tables) / scale)
    low, high = np.quantile(resampled, [0.025, 0.975])
    return Effect("cramers_v", value, float(low), float(high))


# --- Adjusting for many comparisons ------------------------------------------------------------


def benjamini_hochberg(p: Sequence[float]) -> FloatArray:
    """Benjamini-Hochberg adjusted p-values (the false discovery rate at which each would just
    be a finding)."""
    values = np.asarray(p, dtype=float)
    m = values.size
    if m == 0:
        return values
    order = np.argsort(values)
    ranked = values[order] * m / np.arange(1, m + 1)
    adjusted = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(adjusted, 1.0)
    return out


def adjust(comparisons: Sequence[Comparison]) -> list[Comparison]:
    """The comparisons with their adjusted p-values, over every one that was tested."""
    tested = [k for k, c in enumerate(comparisons) if c.p is not None]
    adjusted = benjamini_hochberg([comparisons[k].p or 0.0 for k in tested])
    result = list(comparisons)
    for k, q in zip(tested, adjusted, strict=True):
        result[k] = replace(result[k], adjusted_p=float(q))
    return result


def _too_small(
    dimension: str,
    group: str,
    metric: str,
    test: str,
    n_group: int,
    n_rest: int,
    detail: dict[str, float | None],
) -> Comparison:
    return Comparison(
        dimension=dimension,
        group=group,
        metric=metric,
        test=test,
        n_group=n_group,
        n_rest=n_rest,
        effect=None,
        p=None,
        too_small=True,
        detail=detail,
    )


def _num(value: int | None) -> float | None:
    return None if value is None else float(value)
