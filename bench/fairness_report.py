"""How long the fairness report takes over 1,000,000 imported cases on PostgreSQL.

A synthetic history of BENCH_FAIRNESS_CASES cases (ten categories, five declared complainant
groups and a third undeclared, forty units; five years; the latest cases still open) is written
as a CSV and imported with `redress import-history`, timed as an operator runs it. Two
differences are planted: anti-Black racism cases take 1.5 times as long at every stage, and
Islamophobia cases are upheld half as often. Then the report is timed three ways: in process
(the aggregation queries and the statistics, median of three), and as an operator runs
`redress analytics report --format json` (start to exit). The figures say whether the planted
differences were flagged, and how many other comparisons were.
"""

from __future__ import annotations

import csv
import json
import os
import random
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench.harness import (
    REDRESS,
    BenchError,
    Databases,
    fresh_database,
    median,
    run_timed,
    write_result,
)

CASES = int(os.environ.get("BENCH_FAIRNESS_CASES", "1000000"))
SLUG = "bench-party"
AS_OF = date(2025, 12, 31)
SPAN_DAYS = 5 * 365
CATEGORIES = (
    "antisemitism",
    "islamophobia",
    "anti_black_racism",
    "other_racism",
    "sexism",
    "sexual_harassment",
    "homophobia_transphobia",
    "disability",
    "bullying",
    "other",
)
GROUPS = ("", "asian", "black", "mixed", "white", "other")
UNITS = tuple(f"Branch {k:02d}" for k in range(40))
SLOWER = "anti_black_racism"
LESS_UPHELD = "islamophobia"
SANCTIONS = ("", "reminder_of_conduct", "warning", "suspension", "expulsion")
HEADER = (
    "case_ref",
    "category",
    "received_on",
    "triaged_on",
    "investigation_started_on",
    "decided_on",
    "closed_on",
    "outcome",
    "sanction",
    "complainant_group",
    "respondent_unit",
    "complainant_ref",
)


def run(databases: Databases) -> None:
    fresh_database(databases)
    from redress.people.services import create_organisation

    organisation = create_organisation(name="Bench Party", slug=SLUG)
    with tempfile.TemporaryDirectory(prefix="redress-bench-") as folder:
        history = Path(folder) / "history.csv"
        _write_history(history)
        megabytes = history.stat().st_size / 1e6
        imported = run_timed(
            [REDRESS, "import-history", str(history), "--organisation", SLUG, "--skip-checks"],
            env=dict(os.environ),
        )
    if f"Imported {CASES} cases" not in imported.stdout:
        raise BenchError(f"import-history did not import {CASES} cases:\n{imported}")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE analytics_casefact")

    from redress.analytics.report import fairness_report, report_as_json

    seconds = []
    for _ in range(3):
        started = time.perf_counter()
        report = fairness_report(organisation, as_of=AS_OF)
        seconds.append(time.perf_counter() - started)
    command = run_timed(
        [
            *(REDRESS, "analytics", "--skip-checks", "report", "--format", "json"),
            *("--organisation", SLUG, "--as-of", AS_OF.isoformat()),
        ],
        env=dict(os.environ),
    )
    printed = json.loads(command.stdout)
    findings = report_as_json(report)["findings"]
    if printed["findings"] != json.loads(json.dumps(findings)):
        raise BenchError("the command's findings differ from the report's")
    planted = {
        "slower_category_flagged": _flagged(findings, SLOWER, "time_to_closure"),
        "less_upheld_category_flagged": _flagged(findings, LESS_UPHELD, "upheld_rate"),
    }
    others = [
        f
        for f in findings
        if f["group"] not in (SLOWER, LESS_UPHELD) or f["dimension"] != "category"
    ]
    figures: dict[str, Any] = {
        "cases": CASES,
        "file_mb": round(megabytes, 1),
        "import_seconds": round(imported.seconds, 2),
        "import_rows_per_second": round(CASES / imported.seconds),
        "report_seconds_in_process": [round(s, 2) for s in seconds],
        "report_seconds_median": round(median(seconds), 2),
        "report_command_seconds": round(command.seconds, 2),
        "report_command_max_rss_mib": command.max_rss_mib,
        "comparisons": len(report.comparisons),
        "findings": len(findings),
        **planted,
        "other_findings": [f"{f['dimension']}:{f['group']}:{f['metric']}" for f in others],
        "note": "run while seven other engineers were working on the same 2-core machine",
    }
    write_result(
        "fairness_report",
        figures,
        summary=(
            f"fairness report over {CASES:,} imported cases in {median(seconds):.2f} s "
            f"(command {command.seconds:.2f} s); both planted differences "
            f"{'flagged' if all(planted.values()) else 'NOT all flagged'}; "
            f"import {round(CASES / imported.seconds):,} rows/s"
        ),
    )


def _flagged(findings: list[dict[str, Any]], group: str, metric: str) -> bool:
    return any(
        f["dimension"] == "category" and f["group"] == group and f["metric"] == metric
        for f in findings
    )


def _write_history(path: Path) -> None:
    rng = random.Random(20251231)
    start = AS_OF - timedelta(days=SPAN_DAYS)
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(HEADER)
        for number in range(1, CASES + 1):
            writer.writerow(_case(rng, number, start))


def _case(rng: random.Random, number: int, start: date) -> list[str]:
    category = CATEGORIES[rng.randrange(len(CATEGORIES))]
    stretch = 1.5 if category == SLOWER else 1.0
    received = start + timedelta(days=rng.randrange(SPAN_DAYS))
    triage = rng.gammavariate(2, 5) * stretch
    decision = triage + rng.gammavariate(2, 30) * stretch
    closure = decision + rng.gammavariate(2, 7) * stretch
    waited = (AS_OF - received).days

    def by(days: float) -> str:
        return (received + timedelta(days=int(days) + 1)).isoformat() if days < waited else ""

    closed = by(closure)
    upheld_p = 0.2 if category == LESS_UPHELD else 0.4
    outcome = sanction = ""
    if closed:
        upheld = rng.random() < upheld_p
        outcome = "upheld" if upheld else rng.choice(("no_further_action", "not_upheld"))
        sanction = SANCTIONS[rng.randrange(len(SANCTIONS))] if upheld else ""
    return [
        f"H{number:07d}",
        category,
        received.isoformat(),
        by(triage),
        by(triage + 1) if outcome != "no_further_action" and by(triage) else "",
        by(decision),
        closed,
        outcome,
        sanction,
        GROUPS[rng.randrange(len(GROUPS))],
        UNITS[rng.randrange(len(UNITS))],
        f"c{rng.randrange(CASES // 3):07d}",
    ]
