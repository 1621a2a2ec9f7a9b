"""How long `redress stats release` takes at the design's scale: 100,000 cases over eleven
quarters, respondents in 493 units (a nation, 12 regions, 480 branches), with every earlier
quarter already published, so that the last release is checked against ten earlier ones.

The fact rows are written straight into the analytics fact table (as imported history), since
the release reads nothing else. The earlier quarters are published in order through the
service, each timed; the last one is timed as an operator runs it (the console command, start
to exit). Beside it, the last release's parts, timed in one process: reading the fact table,
drafting the tables, turning the counts into atoms, and the disclosure control (choosing what
to withhold, then checking the result), so that the cost of protecting the figures can be read
against the cost of making them.
"""

from __future__ import annotations

import os
import random
import time
from datetime import date, timedelta
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

CASES = int(os.environ.get("BENCH_STATS_CASES", "100000"))
SLUG = "bench-union"
FIRST_DAY = date(2024, 1, 1)
LAST_QUARTER = "2026Q3"
REGIONS, BRANCHES = 12, 40
# Roughly how complaints fall across categories: a few common, most rare.
CATEGORIES = (
    ("bullying", 40),
    ("other", 20),
    ("sexism", 8),
    ("antisemitism", 8),
    ("islamophobia", 6),
    ("anti_black_racism", 5),
    ("other_racism", 5),
    ("sexual_harassment", 4),
    ("homophobia_transphobia", 3),
    ("disability", 1),
)
OUTCOMES = ("no_further_action", "no_further_action", "not_upheld", "upheld", "withdrawn")
SANCTIONS = ("advice", "reminder_of_conduct", "warning", "training", "suspension", "expulsion")


def run(databases: Databases) -> None:
    fresh_database(databases)
    from redress.people.services import create_organisation
    from redress.rulebook.services import adopt_default_rulebook
    from redress.transparency.services import publish_release
    from redress.transparency.tables import Quarter

    organisation = create_organisation(name="Bench Union", slug=SLUG)
    adopt_default_rulebook(organisation, actor=None)
    units = _units(organisation)
    started = time.perf_counter()
    _facts(organisation, units)
    load_seconds = time.perf_counter() - started

    last = Quarter.parse(LAST_QUARTER)
    earlier_seconds = []
    for quarter in last.since(Quarter.of(FIRST_DAY))[:-1]:
        started = time.perf_counter()
        publish_release(
            organisation=organisation, period=str(quarter), today=quarter.next().first_day
        )
        earlier_seconds.append(round(time.perf_counter() - started, 2))

    parts = _parts(organisation, last)
    command = [REDRESS, "stats", "release", "--period", LAST_QUARTER, "--organisation", SLUG]
    timed = run_timed(command, env=dict(os.environ))
    if f"Published {LAST_QUARTER}" not in timed.stdout:
        raise BenchError(f"`redress stats release` did not publish:\n{timed}")
    from redress.transparency.models import Release

    release = Release.objects.get(organisation=organisation, period=LAST_QUARTER)
    withheld = [c for c in release.cells if not c["published"]]
    figures: dict[str, Any] = {
        "cases": CASES,
        "units": len(units),
        "earlier_releases": len(earlier_seconds),
        "load_seconds": round(load_seconds, 1),
        "earlier_release_seconds": earlier_seconds,
        "earlier_release_seconds_median": round(median(earlier_seconds), 2),
        "redress_stats_release": {
            "what": f"`redress stats release --period {LAST_QUARTER}`, process start to exit",
            "seconds": round(timed.seconds, 2),
            "max_rss_mib": round(timed.max_rss_mib),
        },
        "last_release": {
            "counts": len(release.cells),
            "withheld_small": sum(1 for c in withheld if c["small"]),
            "withheld_to_protect_them": sum(1 for c in withheld if not c["small"]),
        },
        "parts_in_process": parts,
        "note": "seven other engineers were working on the same two cores during the run",
    }
    summary = (
        f"{LAST_QUARTER} of {CASES:,} cases in {len(units)} units, checked against "
        f"{len(earlier_seconds)} earlier releases: `redress stats release` "
        f"{timed.seconds:.1f} s; of it disclosure control {parts['protect_seconds']} s "
        f"beside {parts['read_seconds'] + parts['draft_seconds']:.2f} s reading and tabulating; "
        f"{figures['last_release']['withheld_small']} small counts and "
        f"{figures['last_release']['withheld_to_protect_them']} others withheld of "
        f"{len(release.cells)}"
    )
    write_result("stats_release", figures, summary=summary)


def _units(organisation: Any) -> list[str]:
    from redress.people.models import Unit

    nation = Unit.objects.create(organisation=organisation, name="Nation", kind="nation")
    names = [nation.name]
    for r in range(REGIONS):
        region = Unit.objects.create(
            organisation=organisation, name=f"Region {r + 1}", kind="region", parent=nation
        )
        names.append(region.name)
        branches = [
            Unit(
                organisation=organisation,
                name=f"Region {r + 1} branch {b + 1}",
                kind="branch",
                parent=region,
            )
            for b in range(BRANCHES)
        ]
        Unit.objects.bulk_create(branches)
        names += [b.name for b in branches]
    return names


def _facts(organisation: Any, units: list[str]) -> None:
    from django.utils import timezone

    from redress.analytics.models import CaseFact, Source

    rnd = random.Random(7)
    categories = [c for c, weight in CATEGORIES for _ in range(weight)]
    # Branches differ in size: a few busy, most quiet.
    unit_weights = [1.0 / (1 + i) ** 0.8 for i in range(len(units))]
    last_day = date(2026, 9, 30)
    span = (last_day - FIRST_DAY).days
    now = timezone.now()
    rows = []
    for n in range(CASES):
        received = FIRST_DAY + timedelta(days=rnd.randrange(span + 1))
        triaged = received + timedelta(days=rnd.randrange(2, 25))
        closed = received + timedelta(days=int(rnd.expovariate(1 / 120)))
        closed_on = closed if closed <= last_day else None
        investigated = triaged if rnd.random() < 0.4 else None
        decided = None
        if investigated and closed_on:
            decided = min(closed_on, investigated + timedelta(days=rnd.randrange(30, 200)))
        outcome = rnd.choice(OUTCOMES) if closed_on else ""
        sanction = rnd.choice(SANCTIONS) if outcome == "upheld" else ""
        suspended = received + timedelta(days=5) if rnd.random() < 0.03 else None
        rows.append(
            CaseFact(
                organisation=organisation,
                source=Source.IMPORTED,
                reference=f"B-{n:07d}",
                category=rnd.choice(categories),
                respondent_unit=rnd.choices(units, weights=unit_weights)[0],
                received_on=received,
                triaged_on=triaged if triaged <= last_day else None,
                investigation_started_on=investigated
                if investigated and investigated <= last_day
                else None,
                decided_on=decided,
                closed_on=closed_on,
                outcome=outcome,
                sanction=sanction,
                suspension_started_on=suspended if suspended and suspended <= last_day else None,
                suspension_ended_on=(suspended + timedelta(days=rnd.randrange(20, 120)))
                if suspended and closed_on and suspended + timedelta(days=120) <= last_day
                else None,
                refreshed_at=now,
            )
        )
    CaseFact.objects.bulk_create(rows, batch_size=5000)


def _parts(organisation: Any, last: Any) -> dict[str, float]:
    """The last release's steps, timed one by one in this process (nothing is stored)."""
    from redress.transparency import selectors
    from redress.transparency.cells import CountSpec, atoms_of, linked
    from redress.transparency.disclosure import Cell, EarlierCell, exposures, protect
    from redress.transparency.models import Release
    from redress.transparency.tables import draft_release

    started = time.perf_counter()
    rows = selectors.case_rows(organisation)
    read = time.perf_counter() - started
    started = time.perf_counter()
    draft = draft_release(
        rows,
        quarter=last,
        vocabulary=selectors.vocabulary(organisation),
        calendar=selectors.calendar(organisation),
        unit_parents=selectors.unit_parents(organisation),
        earlier_snapshots=selectors.published_quarters(organisation),
    )
    drafted = time.perf_counter() - started
    started = time.perf_counter()
    earlier = [item for r in Release.objects.filter(organisation=organisation) for item in r.cells]
    mine = [c.spec for c in draft.counts.values()]
    specs = [CountSpec.from_json(item["spec"]) for item in earlier]
    kept = linked(mine, specs)
    atoms = atoms_of(mine + [specs[i] for i in kept], draft.records)
    cells = [
        Cell(c.key, c.label, atoms.of_spec[c.spec], c.margin, c.headline)
        for c in draft.counts.values()
    ]
    earlier_cells = [
        EarlierCell(
            Cell(f"e{i}", earlier[i]["label"], atoms.of_spec[specs[i]]),
            published=earlier[i]["published"],
            small=earlier[i]["small"],
        )
        for i in kept
    ]
    to_atoms = time.perf_counter() - started
    started = time.perf_counter()
    protection = protect(cells, atoms.values, earlier=earlier_cells)
    protected = time.perf_counter() - started
    started = time.perf_counter()
    left = exposures(cells, atoms.values, withheld=protection.withheld, earlier=earlier_cells)
    checked = time.perf_counter() - started
    if left:
        raise BenchError(f"the protected release still exposes {left[0].cell.label}")
    return {
        "read_seconds": round(read, 2),
        "draft_seconds": round(drafted, 2),
        "atoms_seconds": round(to_atoms, 2),
        "earlier_counts": len(earlier),
        "earlier_counts_linked": len(kept),
        "atoms": len(set().union(*(c.atoms for c in cells))),
        "protect_seconds": round(protected, 2),
        "check_seconds": round(checked, 2),
    }
