"""The disclosure-control engine: small counts withheld, and no withheld small count can be
worked out from the totals or from earlier releases.

The property tests check the engine's answer independently of it: an integer programme over the
table's inner cells themselves (scipy's `milp`), not the engine's linear programme over atoms.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from redress.transparency.disclosure import (
    Cell,
    EarlierCell,
    Rule,
    Unprotectable,
    exposures,
    protect,
)

RULE = Rule()


def one_way(values: dict[str, int]) -> list[Cell]:
    cells = [Cell(k, k, frozenset([k])) for k in values]
    return [*cells, Cell("total", "Total", frozenset(values), margin=True)]


def two_way(grid: list[list[int]]) -> tuple[list[Cell], dict[object, int]]:
    rows, cols = len(grid), len(grid[0])
    values = {(i, j): grid[i][j] for i in range(rows) for j in range(cols)}
    cells = [Cell(f"{i},{j}", f"cell {i},{j}", frozenset([(i, j)])) for i, j in values]
    cells += [
        Cell(f"row {i}", f"row {i}", frozenset((i, j) for j in range(cols)), margin=True)
        for i in range(rows)
    ]
    cells += [
        Cell(f"col {j}", f"column {j}", frozenset((i, j) for i in range(rows)), margin=True)
        for j in range(cols)
    ]
    cells.append(Cell("total", "Total", frozenset(values), margin=True))
    return cells, values


def integer_range(
    cells: list[Cell], values: dict[object, int], published: set[str], target: Cell
) -> tuple[float, float]:
    """The least and most `target` can be, over whole non-negative numbers in the atoms,
    given the published cells: what a determined attacker could compute."""
    atoms = sorted(values, key=repr)
    index = {a: n for n, a in enumerate(atoms)}

    def row(cell: Cell) -> np.ndarray:
        out = np.zeros(len(atoms))
        out[[index[a] for a in cell.atoms]] = 1
        return out

    known = [c for c in cells if c.key in published]
    figures = [sum(values[a] for a in c.atoms) for c in known]
    constraints = (
        [LinearConstraint(np.array([row(c) for c in known]), figures, figures)] if known else []
    )
    bounds = Bounds(0, sum(values.values()) * 4 + 100)
    integrality = np.ones(len(atoms))
    low = milp(row(target), constraints=constraints, integrality=integrality, bounds=bounds)
    high = milp(-row(target), constraints=constraints, integrality=integrality, bounds=bounds)
    assert low.status == 0 and high.status == 0
    return round(low.fun), round(-high.fun)


def cell_value(cell: Cell, values: dict[object, int]) -> int:
    return sum(values[a] for a in cell.atoms)


def test_a_small_count_is_withheld_with_a_neighbour_so_the_total_does_not_give_it_away() -> None:
    values = {"antisemitism": 4, "bullying": 50, "other": 61}
    cells = one_way(values)

    protection = protect(cells, values)

    assert protection.primary == {"antisemitism"}
    # The smaller of the others: enough to leave 4 anywhere between 0 and 54.
    assert protection.secondary == {"bullying"}
    assert exposures(cells, values, withheld=protection.withheld) == []


def test_withholding_only_the_small_count_would_be_an_exposure() -> None:
    values = {"antisemitism": 4, "bullying": 50, "other": 61}
    cells = one_way(values)

    found = exposures(cells, values, withheld={"antisemitism"})

    assert [(e.cell.key, e.range.low, e.range.high) for e in found] == [("antisemitism", 4, 4)]


def test_zero_is_published_and_never_chosen_to_cover_a_small_count() -> None:
    values = {"a": 3, "b": 0, "c": 40}
    cells = one_way(values)

    protection = protect(cells, values)

    assert protection.withheld == {"a", "c"}


def test_a_two_way_table_is_covered_by_a_cycle_of_four_cells() -> None:
    cells, values = two_way([[3, 20, 15], [20, 30, 12], [11, 0, 40]])

    protection = protect(cells, values)

    assert protection.primary == {"0,0"}
    assert len(protection.secondary) == 3
    assert not any(cells_by_key(cells)[k].margin for k in protection.secondary)
    low, high = integer_range(
        cells, values, published_of(cells, protection.withheld), cell(cells, "0,0")
    )
    assert high - low >= 10


def test_a_small_total_is_withheld_too() -> None:
    cells, values = two_way([[2, 3], [1, 0]])

    protection = protect(cells, values)

    assert "total" in protection.withheld
    assert exposures(cells, values, withheld=protection.withheld) == []


def test_differencing_against_an_earlier_year_to_date_figure_is_prevented() -> None:
    # Q2's release published the year to date (Q1 + Q2) for antisemitism: 20.
    values = {("Q1", "a"): 12, ("Q2", "a"): 8, ("Q3", "a"): 5, ("Q3", "b"): 30, ("Q2", "b"): 30}
    earlier = [
        EarlierCell(
            Cell("ytd a", "Q2 year to date: a", frozenset({("Q1", "a"), ("Q2", "a")})),
            published=True,
            small=False,
        ),
    ]
    # Q3's release: this quarter by category, and the year to date.
    cells = [
        Cell("q a", "Q3: a", frozenset({("Q3", "a")})),
        Cell("q b", "Q3: b", frozenset({("Q3", "b")})),
        Cell("q total", "Q3: total", frozenset({("Q3", "a"), ("Q3", "b")}), margin=True),
        Cell("ytd a", "Q3 year to date: a", frozenset({("Q1", "a"), ("Q2", "a"), ("Q3", "a")})),
    ]

    protection = protect(cells, values, earlier=earlier)

    # 25 - 20 would give Q3's 5 away: the year to date is withheld as well.
    assert "ytd a" in protection.withheld
    assert exposures(cells, values, withheld=protection.withheld, earlier=earlier) == []
    assert exposures(cells, values, withheld=protection.withheld - {"ytd a"}, earlier=earlier)


def test_a_count_that_earlier_releases_pin_down_is_refused_with_its_name() -> None:
    # The earlier release published this very count (then 12); now it is 5 and would be
    # withheld, but the earlier figure, read as today's, pins it.
    values = {"a": 5, "b": 40}
    earlier = [
        EarlierCell(
            Cell("a", "2026Q3 (first release): Antisemitism", frozenset({"a"})),
            published=True,
            small=False,
        )
    ]
    cells = [
        Cell("a", "2026Q3 complaints received: Antisemitism", frozenset({"a"})),
        Cell("b", "2026Q3 complaints received: Bullying", frozenset({"b"})),
        Cell("t", "2026Q3 complaints received: Total", frozenset({"a", "b"}), margin=True),
    ]

    with pytest.raises(Unprotectable, match="2026Q3 complaints received: Antisemitism") as refused:
        protect(cells, values, earlier=earlier)

    assert refused.value.cell.label == "2026Q3 complaints received: Antisemitism"


def test_an_earlier_withheld_small_count_stays_protected() -> None:
    # Q2 withheld a (4) and b (40) under its total 44; now a release that published b alone
    # for Q2 would give a away.
    values = {"a": 4, "b": 40, "c": 50}
    earlier = [
        EarlierCell(Cell("a", "Q2: a", frozenset({"a"})), published=False, small=True),
        EarlierCell(Cell("b", "Q2: b", frozenset({"b"})), published=False, small=False),
        EarlierCell(
            Cell("t", "Q2: total", frozenset({"a", "b"}), margin=True), published=True, small=False
        ),
    ]
    cells = [
        Cell("b again", "Q2 revised: b", frozenset({"b"})),
        Cell("c", "Q3: c", frozenset({"c"})),
    ]

    protection = protect(cells, values, earlier=earlier)

    assert protection.withheld == {"b again"}


def cells_by_key(cells: list[Cell]) -> dict[str, Cell]:
    return {c.key: c for c in cells}


def cell(cells: list[Cell], key: str) -> Cell:
    return cells_by_key(cells)[key]


def published_of(cells: list[Cell], withheld: frozenset[str] | set[str]) -> set[str]:
    return {c.key for c in cells if c.key not in withheld}


counts = st.one_of(st.integers(0, 12), st.integers(0, 60))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(1, 4).flatmap(
        lambda cols: st.lists(
            st.lists(counts, min_size=cols, max_size=cols), min_size=1, max_size=4
        )
    )
)
def test_no_published_two_way_table_lets_a_small_count_be_pinned(grid: list[list[int]]) -> None:
    cells, values = two_way(grid)

    protection = protect(cells, values)

    published = published_of(cells, protection.withheld)
    for c in cells:
        value = cell_value(c, values)
        if c.key in published:
            assert not RULE.is_small(value), c.label
        elif RULE.is_small(value):
            low, high = integer_range(cells, values, published, c)
            assert high - low >= RULE.threshold, (c.label, low, high)
            assert low <= value <= high


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(counts, counts), min_size=2, max_size=5),
)
def test_no_quarter_can_be_recovered_by_differencing_year_to_date_releases(
    quarters: list[tuple[int, int]],
) -> None:
    """Releases one after another, each with its quarter by category, the quarter's total and
    the year to date by category; after every release, every small count ever withheld keeps
    its range."""
    values: dict[object, int] = {}
    earlier: list[EarlierCell] = []
    every: list[Cell] = []
    published: set[str] = set()
    for q, (a, b) in enumerate(quarters):
        values[(q, "a")], values[(q, "b")] = a, b
        cells = [
            Cell(f"{q}:a", f"Q{q} a", frozenset({(q, "a")})),
            Cell(f"{q}:b", f"Q{q} b", frozenset({(q, "b")})),
            Cell(f"{q}:t", f"Q{q} total", frozenset({(q, "a"), (q, "b")}), margin=True),
            Cell(f"{q}:ya", f"Q{q} ytd a", frozenset((p, "a") for p in range(q + 1))),
            Cell(f"{q}:yb", f"Q{q} ytd b", frozenset((p, "b") for p in range(q + 1))),
        ]
        try:
            protection = protect(cells, values, earlier=earlier)
        except Unprotectable:
            return  # refused: nothing of this release is published
        for c in cells:
            shown = c.key not in protection.withheld
            earlier.append(EarlierCell(c, published=shown, small=c.key in protection.primary))
            every.append(c)
            if shown:
                published.add(c.key)
        for c in every:
            if c.key not in published and RULE.is_small(cell_value(c, values)):
                low, high = integer_range(every, values, published, c)
                assert high - low >= RULE.threshold, (c.label, low, high)


def test_a_small_quarter_that_the_year_to_date_headline_gives_away_is_refused() -> None:
    # Q2 published its year-to-date total (30); Q3 has 5 complaints, and the year-to-date
    # total is a headline figure that is never withheld: 35 - 30 gives the 5 away.
    values = {("Q1", "a"): 10, ("Q2", "a"): 20, ("Q3", "a"): 5}
    earlier = [
        EarlierCell(
            Cell("ytd", "2026Q2 received in 2026 to date: all", frozenset(list(values)[:2])),
            published=True,
            small=False,
        )
    ]
    cells = [
        Cell(
            "q",
            "2026Q3 received: all complaints",
            frozenset({("Q3", "a")}),
            margin=True,
            headline=True,
        ),
        Cell(
            "ytd",
            "2026Q3 received in 2026 to date: all",
            frozenset(values),
            margin=True,
            headline=True,
        ),
    ]

    with pytest.raises(Unprotectable, match=r"^2026Q3 received: all complaints could be worked"):
        protect(cells, values, earlier=earlier)


def test_an_earlier_small_count_already_narrowed_by_later_corrections_does_not_block() -> None:
    # Q2 withheld a (then 4) and b (then 50) under a published total of 54. Since then cases
    # were recategorised: today a is 4 and b is 1, so Q2's own figures, read as today's, leave
    # a only 0 to 5. Nothing Q3 withholds can change that, and Q3 does not narrow it further.
    values = {"a": 4, "b": 1, "c": 40, "d": 30}
    earlier = [
        EarlierCell(Cell("a", "Q2: a", frozenset({"a"})), published=False, small=True),
        EarlierCell(Cell("b", "Q2: b", frozenset({"b"})), published=False, small=False),
        EarlierCell(
            Cell("t", "Q2: total", frozenset({"a", "b"}), margin=True), published=True, small=False
        ),
    ]
    cells = one_way({"c": 40, "d": 30})

    protection = protect(cells, values, earlier=earlier)

    assert protection.withheld == set()
