"""The done-when test of the fairness report: it finds a planted difference at least 9 times in
10 at 2,000 cases, and flags at most 5 % of histories that have none.

Each history is a whole report (every category, group and unit on every metric, adjusted
together), so "flagged" means the report as a reader sees it. The rates are printed (run with
-s) and asserted.
"""

import numpy as np

from redress.analytics.report import report_from_tallies
from tests.analytics.synthetic import AS_OF, PLANTED, history

POWER_HISTORIES = 100
NULL_HISTORIES = 300


def _flags(tallies, metric=None):
    report = report_from_tallies(tallies, as_of=AS_OF)
    if metric is None:
        return bool(report.findings)
    return any(
        f.dimension == "category" and f.group == PLANTED and f.metric == metric
        for f in report.findings
    )


def test_a_category_taking_half_as_long_again_is_flagged_nine_times_in_ten():
    rng = np.random.default_rng(15)
    found = [_flags(history(rng, slower=1.5), "time_to_closure") for _ in range(POWER_HISTORIES)]
    power = sum(found) / POWER_HISTORIES
    print(f"\npower, 1.5 times as long, 2,000 cases: {power:.2f}")
    assert power >= 0.9


def test_a_category_upheld_half_as_often_is_flagged_nine_times_in_ten():
    rng = np.random.default_rng(16)
    found = [_flags(history(rng, upheld_ratio=0.5), "upheld_rate") for _ in range(POWER_HISTORIES)]
    power = sum(found) / POWER_HISTORIES
    print(f"\npower, upheld half as often, 2,000 cases: {power:.2f}")
    assert power >= 0.9


def test_histories_with_no_difference_are_flagged_at_most_one_time_in_twenty():
    rng = np.random.default_rng(17)
    flagged = [_flags(history(rng)) for _ in range(NULL_HISTORIES)]
    rate = sum(flagged) / NULL_HISTORIES
    print(f"\nhistories flagged with no planted difference: {rate:.3f}")
    assert rate <= 0.05
