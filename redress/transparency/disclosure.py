"""Statistical disclosure control: which published counts must be withheld so that no count from
1 to 9 can be read, directly or by arithmetic on the other figures.

Every count is a sum of *atoms*: the finest classes of what is counted (complaints received in
one quarter, in one category, about a respondent in one unit). A published cell is then a
linear equation over the atoms, and an attacker who has every release knows all of those
equations and that no atom is negative. A withheld cell is safe when, under those equations,
its value could still lie anywhere in a range at least `Rule.threshold` wide: it can be
neither pinned to one value nor narrowed to the band of small counts. The range is found with
two linear programmes (HiGHS, through scipy), one for the least value and one for the most.

Tables of counts with their totals, hierarchies of units and sums over periods are totally
unimodular systems, so the linear programme's range is exactly the range of whole numbers too.

`protect` withholds the small counts (primary suppression), then withholds more cells, one at
a time, until every small count, in this release and in every earlier one, is safe (secondary
suppression); if that cannot be done by withholding cells of this release, it refuses, naming
the cell. Nothing here touches the database.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linprog

# Linear programmes return floats; a bound within this of a whole number is that number.
_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Rule:
    """Counts from 1 to `threshold - 1` are withheld; a withheld one must keep a range at least
    `threshold` wide. Zero is published: it says nothing about anyone."""

    threshold: int = 10

    def is_small(self, value: int) -> bool:
        return 0 < value < self.threshold


@dataclass(frozen=True)
class Cell:
    """One count: the sum of its atoms. A margin (a total) is withheld only when nothing
    smaller will do; a headline (the release's main totals) is never withheld to protect
    another cell, only when it is itself small: if nothing else will do, the release is
    refused."""

    key: str
    label: str
    atoms: frozenset[object]
    margin: bool = False
    headline: bool = False


@dataclass(frozen=True)
class EarlierCell:
    """A cell of a release already published: its figure is public unless it was withheld,
    and if it was withheld as a small count it must stay protected: a new release may not
    narrow its range below the threshold's width, nor below the width it already had if the
    figures have since changed so that earlier releases alone narrow it (nothing a new release
    withholds can widen that)."""

    cell: Cell
    published: bool
    small: bool


@dataclass(frozen=True)
class Range:
    low: float
    high: float

    @property
    def width(self) -> float:
        return self.high - self.low


@dataclass(frozen=True)
class Protection:
    """What to withhold from a release: the small counts, and the cells withheld to protect
    them."""

    primary: frozenset[str]
    secondary: frozenset[str]

    @property
    def withheld(self) -> frozenset[str]:
        return self.primary | self.secondary


@dataclass(frozen=True)
class Exposure:
    """A withheld small count that the published figures narrow to `range`."""

    cell: Cell
    range: Range


class Unprotectable(ValueError):
    """A small count can be worked out whatever more of this release is withheld."""

    def __init__(self, cell: Cell) -> None:
        super().__init__(
            f"{cell.label} could be worked out from the published figures, including earlier "
            "releases, and withholding more of this release does not prevent it"
        )
        self.cell = cell


@dataclass
class _System:
    """The atoms merged into groups that no cell tells apart, and each cell as its groups."""

    groups: dict[str, frozenset[int]]
    values: np.ndarray

    @classmethod
    def of(cls, cells: Iterable[Cell], atom_values: Mapping[object, int]) -> _System:
        cells = list(cells)
        signatures: dict[object, list[int]] = {}
        for index, cell in enumerate(cells):
            for atom in cell.atoms:
                signatures.setdefault(atom, []).append(index)
        group_of: dict[tuple[int, ...], int] = {}
        group_values: list[int] = []
        atom_group: dict[object, int] = {}
        for atom, members in signatures.items():
            signature = tuple(members)
            if signature not in group_of:
                group_of[signature] = len(group_values)
                group_values.append(0)
            atom_group[atom] = group_of[signature]
            group_values[group_of[signature]] += atom_values.get(atom, 0)
        groups = {cell.key: frozenset(atom_group[a] for a in cell.atoms) for cell in cells}
        return cls(
            groups=groups,
            values=np.array(group_values, dtype=float),
        )

    def value(self, key: str) -> int:
        return int(sum(self.values[g] for g in self.groups[key]))

    def row(self, key: str) -> np.ndarray:
        row = np.zeros(len(self.values))
        row[list(self.groups[key])] = 1.0
        return row

    def range_of(self, key: str, known: Sequence[str]) -> Range:
        """The least and most `key` could be, given the figures of the `known` cells."""
        target = self.row(key)
        if not target.any():
            return Range(0.0, 0.0)
        if not known:
            return Range(0.0, math.inf)
        equations = np.array([self.row(k) for k in known])
        figures = np.array([float(self.value(k)) for k in known])
        least = linprog(target, A_eq=equations, b_eq=figures, bounds=(0, None), method="highs")
        most = linprog(-target, A_eq=equations, b_eq=figures, bounds=(0, None), method="highs")
        if least.status != 0 or least.fun is None or most.status not in (0, 3):
            raise RuntimeError(f"the published figures are inconsistent ({least.message})")
        high = math.inf
        if most.status == 0 and most.fun is not None:
            high = math.floor(-float(most.fun) + _TOLERANCE)
        return Range(float(math.ceil(float(least.fun) - _TOLERANCE)), float(high))

    def connected(self, key: str, candidates: Iterable[str], known: Sequence[str]) -> list[str]:
        """The candidates linked to `key` through a chain of known cells sharing atoms."""
        reached = set(self.groups[key])
        pending = list(known)
        grew = True
        while grew:
            grew = False
            for k in list(pending):
                if self.groups[k] & reached:
                    reached |= self.groups[k]
                    pending.remove(k)
                    grew = True
        return [c for c in candidates if self.groups[c] & reached]


@dataclass
class _Search:
    rule: Rule
    system: _System
    cells: dict[str, Cell]
    fixed: list[str]
    protected: dict[str, float]  # each protected cell and the least width it must keep
    withheld: set[str] = field(default_factory=set)

    def known(self, without: str | None = None) -> list[str]:
        mine = [k for k in self.cells if k not in self.withheld and k != without]
        return self.fixed + mine

    def safe(self, cell_range: Range, key: str | None = None) -> bool:
        needed = self.protected.get(key, self.rule.threshold) if key else self.rule.threshold
        return cell_range.width >= needed - _TOLERANCE

    def first_exposed(self) -> tuple[str, Range] | None:
        known = self.known()
        for key in self.protected:
            found = self.system.range_of(key, known)
            if not self.safe(found, key):
                return key, found
        return None

    def cost(self, key: str) -> tuple[bool, bool, int, str]:
        # Withhold inner cells before totals and small figures before large ones; a zero last,
        # because a withheld zero gives a neighbour no room below.
        value = self.system.value(key)
        return (self.cells[key].margin, value == 0, value, key)

    def next_to_withhold(self, exposed: str, exposed_range: Range) -> str | None:
        """The cheapest cell that makes `exposed` safe on its own; else the one that widens it
        most; else, as no single cell widens it (in a two-way table it takes three more), the
        cheapest that shares a published total with a withheld cell still pinned down, which
        is the next step of a cycle of withheld cells."""
        known = self.known()
        published = [k for k, c in self.cells.items() if k not in self.withheld and not c.headline]
        candidates = sorted(self.system.connected(exposed, published, known), key=self.cost)
        widest, widest_range = None, exposed_range
        for candidate in candidates:
            found = self.system.range_of(exposed, self.known(without=candidate))
            if self.safe(found, exposed):
                return candidate
            if found.width > widest_range.width:
                widest, widest_range = candidate, found
        if widest is not None:
            return widest
        pinned = [
            key
            for key in [exposed, *sorted(self.withheld)]
            if not self.safe(self.system.range_of(key, known))
        ]
        for candidate in candidates:
            if any(self._share_a_total(candidate, key, known) for key in pinned):
                return candidate
        return None

    def _share_a_total(self, one: str, other: str, known: Sequence[str]) -> bool:
        groups = self.system.groups
        return any(groups[k] & groups[one] and groups[k] & groups[other] for k in known)


@dataclass
class _Setting:
    """A new release's cells beside every earlier one's, over one system of atoms."""

    system: _System
    cells: dict[str, Cell]
    every_cell: dict[str, Cell]
    fixed: list[str]
    protected: dict[str, float]
    primary: list[str]

    @classmethod
    def of(
        cls,
        cells: Sequence[Cell],
        atom_values: Mapping[object, int],
        earlier: Sequence[EarlierCell],
        rule: Rule,
    ) -> _Setting:
        renamed = [
            Cell(f"earlier:{i}:{e.cell.key}", e.cell.label, e.cell.atoms, e.cell.margin)
            for i, e in enumerate(earlier)
        ]
        by_key = {cell.key: cell for cell in cells}
        if len(by_key) != len(cells):
            raise ValueError("every cell of a release needs its own key")
        system = _System.of([*cells, *renamed], atom_values)
        fixed = [r.key for r, e in zip(renamed, earlier, strict=True) if e.published]
        primary = [c.key for c in cells if rule.is_small(system.value(c.key))]
        protected: dict[str, float] = dict.fromkeys(primary, float(rule.threshold))
        for r, e in zip(renamed, earlier, strict=True):
            if e.small:
                before = system.range_of(r.key, fixed).width
                protected[r.key] = min(float(rule.threshold), before)
        return cls(
            system=system,
            cells=by_key,
            every_cell={**by_key, **{r.key: r for r in renamed}},
            fixed=fixed,
            protected=protected,
            primary=primary,
        )


def protect(
    cells: Sequence[Cell],
    atom_values: Mapping[object, int],
    *,
    earlier: Sequence[EarlierCell] = (),
    rule: Rule | None = None,
) -> Protection:
    """Decide which of a new release's `cells` to withhold, given every earlier release.

    `atom_values` are today's counts of the atoms; earlier releases' cells are evaluated on
    them too, which assumes their figures have not changed since (the attacker's best case).
    Raises `Unprotectable` naming the first small count that cannot be made safe.
    """
    rule = rule or Rule()
    setting = _Setting.of(cells, atom_values, earlier, rule)
    primary = setting.primary
    search = _Search(
        rule=rule,
        system=setting.system,
        cells=setting.cells,
        fixed=setting.fixed,
        protected=setting.protected,
        withheld=set(primary),
    )
    while (exposed := search.first_exposed()) is not None:
        key, exposed_range = exposed
        chosen = search.next_to_withhold(key, exposed_range)
        if chosen is None:
            raise Unprotectable(setting.every_cell[key])
        search.withheld.add(chosen)
    _release_needless(search, primary)
    return Protection(
        primary=frozenset(primary), secondary=frozenset(search.withheld - set(primary))
    )


def _release_needless(search: _Search, primary: Sequence[str]) -> None:
    """Publish again any secondary cell that turned out not to be needed, largest first."""
    secondary = sorted(search.withheld - set(primary), key=search.cost, reverse=True)
    for key in secondary:
        search.withheld.discard(key)
        if search.first_exposed() is not None:
            search.withheld.add(key)


def exposures(
    cells: Sequence[Cell],
    atom_values: Mapping[object, int],
    *,
    withheld: Iterable[str],
    earlier: Sequence[EarlierCell] = (),
    rule: Rule | None = None,
) -> list[Exposure]:
    """Check a release as it would be published: every small count withheld in it or in an
    earlier release whose range the published figures narrow too far. Empty means safe."""
    rule = rule or Rule()
    withheld = set(withheld)
    setting = _Setting.of(cells, atom_values, earlier, rule)
    system = setting.system
    known = setting.fixed + [c.key for c in cells if c.key not in withheld]
    found = []
    for key, needed in setting.protected.items():
        cell = setting.every_cell[key]
        if key in known:
            found.append(Exposure(cell, Range(system.value(key), system.value(key))))
            continue
        cell_range = system.range_of(key, known)
        if cell_range.width < needed - _TOLERANCE:
            found.append(Exposure(cell, cell_range))
    return found
