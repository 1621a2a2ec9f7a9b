"""The fairness report over the fact table: counted on PostgreSQL and in Python alike, with its
findings as JSON from the command."""

import io
import json
from datetime import date, timedelta

import numpy as np
from django.core.management import call_command

from redress.analytics.history import COLUMNS, import_history
from redress.analytics.report import (
    fairness_report,
    report_as_json,
    report_from_tallies,
    tallies_in_python,
    tallies_in_sql,
)

AS_OF = date(2025, 6, 30)


def history_csv(cases: int, *, seed: int = 1) -> bytes:
    """Cases over a year; Islamophobia cases take twice as long to close and are upheld half as
    often; some cases are still open on AS_OF or closed after it."""
    rng = np.random.default_rng(seed)
    categories = ["islamophobia", "antisemitism", "bullying", "sexism"]
    groups = ["", "asian", "black", "white"]
    lines = [",".join(COLUMNS)]
    for n in range(cases):
        category = categories[n % 4]
        slow = 2.0 if category == "islamophobia" else 1.0
        received = AS_OF - timedelta(days=int(rng.integers(0, 365)))
        triage = int(rng.gamma(2, 3) * slow)
        close = triage + int(rng.gamma(2, 20) * slow)
        triaged = received + timedelta(days=triage)
        closed = received + timedelta(days=close)
        upheld = rng.random() < (0.2 if category == "islamophobia" else 0.45)
        is_closed = closed <= date(2025, 11, 1)  # some close after AS_OF: open on it
        outcome = ("upheld" if upheld else "not_upheld") if is_closed else ""
        sanction = "warning" if upheld and is_closed and n % 3 else ""
        lines.append(
            ",".join(
                [
                    f"R{n}",
                    category,
                    received.isoformat(),
                    triaged.isoformat() if triaged <= date(2025, 11, 1) else "",
                    "",
                    closed.isoformat() if is_closed else "",
                    closed.isoformat() if is_closed else "",
                    outcome,
                    sanction if outcome == "upheld" else "",
                    groups[n % 4],
                    f"Unit {n % 3}" if n % 10 else "",
                    f"c{n % 50}",
                ]
            )
        )
    return ("\n".join(lines) + "\n").encode()


def test_postgresql_and_python_count_the_same_report(cast):
    import_history(organisation=cast.organisation, data=history_csv(600))
    in_sql = report_as_json(
        report_from_tallies(tallies_in_sql(cast.organisation.pk, AS_OF), as_of=AS_OF)
    )
    in_python = report_as_json(
        report_from_tallies(tallies_in_python(cast.organisation.pk, AS_OF), as_of=AS_OF)
    )
    assert in_sql == in_python
    assert in_sql["cases"] == 600


def test_the_planted_gaps_are_findings_with_effect_interval_and_adjusted_p(cast):
    import_history(organisation=cast.organisation, data=history_csv(1200))
    report = report_as_json(fairness_report(cast.organisation, as_of=AS_OF))
    flagged = {(f["dimension"], f["group"], f["metric"]) for f in report["findings"]}
    assert ("category", "islamophobia", "time_to_closure") in flagged
    assert ("category", "islamophobia", "upheld_rate") in flagged
    finding = next(f for f in report["findings"] if f["metric"] == "time_to_closure")
    assert set(finding) >= {"dimension", "group", "metric", "effect_size", "adjusted_p"}
    low, high = finding["effect_size"]["interval_95"]
    assert low <= finding["effect_size"]["value"] <= high < 1  # slower: hazard ratio below 1
    assert finding["adjusted_p"] < 0.05
    assert not any(f["dimension"] == "complainant_group" for f in report["findings"])


def test_small_groups_are_reported_as_too_small_not_as_findings(cast):
    import_history(organisation=cast.organisation, data=history_csv(100))
    report = report_as_json(fairness_report(cast.organisation, as_of=AS_OF))
    assert report["findings"] == []
    assert {
        "dimension": "category",
        "group": "islamophobia",
        "metric": "time_to_closure",
        "cases": 25,
    } in report["too_small"]


def test_the_command_prints_the_report_as_json(cast):
    import_history(organisation=cast.organisation, data=history_csv(300))
    out = io.StringIO()
    call_command(
        "analytics",
        "report",
        "--format",
        "json",
        "--as-of",
        AS_OF.isoformat(),
        "--organisation",
        cast.organisation.slug,
        stdout=out,
    )
    printed = json.loads(out.getvalue())
    assert printed["cases"] == 300
    assert printed["adjustment"] == "benjamini-hochberg"
