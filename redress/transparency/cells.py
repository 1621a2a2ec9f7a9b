"""What a published count counts, said so that it can be counted again at any later release.

A count is a `CountSpec`: a measure (complaints received, cases closed, suspensions...) and, for
some of the measure's dimensions (quarter, category, unit...), the values it admits. A release
stores each of its cells' specs; a later release turns its own specs and every earlier one's
into sums over the same atoms (`atoms_of`), so that the disclosure-control engine can see every
way two releases' figures overlap, not only the ways a person thought of.

An atom is one combination of a measure's dimension values, where each dimension's values are
first merged into classes that no spec tells apart. Atoms with nothing in them today are atoms
too: the attacker does not know that they are empty.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# A dimension's values that no spec names fall into one class with this name.
UNNAMED = "\x00unnamed"


@dataclass(frozen=True)
class Among:
    """The dimension's value is one of these."""

    values: frozenset[str]

    def admits(self, value: str) -> bool:
        return value in self.values


@dataclass(frozen=True)
class Excluding:
    """The dimension's value is none of these (e.g. not closed by the end of a quarter)."""

    values: frozenset[str]

    def admits(self, value: str) -> bool:
        return value not in self.values


Filter = Among | Excluding


@dataclass(frozen=True)
class CountSpec:
    """A count: how many of the measure's records the filters all admit."""

    measure: str
    filters: tuple[tuple[str, Filter], ...] = ()

    @classmethod
    def of(cls, measure: str, **filters: Filter) -> CountSpec:
        return cls(measure, tuple(sorted(filters.items())))

    def admits(self, record: Mapping[str, str]) -> bool:
        return all(f.admits(record.get(dim, "")) for dim, f in self.filters)

    def as_json(self) -> dict[str, Any]:
        return {
            "measure": self.measure,
            "filters": [
                {
                    "dimension": dim,
                    "kind": "among" if isinstance(f, Among) else "excluding",
                    "values": sorted(f.values),
                }
                for dim, f in self.filters
            ],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CountSpec:
        filters: list[tuple[str, Filter]] = []
        for item in data["filters"]:
            kind = Among if item["kind"] == "among" else Excluding
            filters.append((item["dimension"], kind(frozenset(item["values"]))))
        return cls(data["measure"], tuple(sorted(filters, key=lambda pair: pair[0])))


Atom = tuple[str, tuple[tuple[str, int], ...]]


@dataclass
class _Classes:
    """One measure's dimensions, each with its values merged into classes."""

    dimensions: list[str]
    class_of: dict[str, dict[str, int]]  # dimension -> value -> class number
    representative: dict[str, list[str]]  # dimension -> class number -> one value in it

    @classmethod
    def of(cls, specs: Iterable[CountSpec]) -> _Classes:
        specs = list(specs)
        dimensions = sorted({dim for s in specs for dim, _ in s.filters})
        class_of: dict[str, dict[str, int]] = {}
        representative: dict[str, list[str]] = {}
        for dim in dimensions:
            filters = [f for s in specs for d, f in s.filters if d == dim]
            named = [*sorted({v for f in filters for v in f.values}), UNNAMED]
            signature_class: dict[tuple[bool, ...], int] = {}
            class_of[dim], representative[dim] = {}, []
            for value in named:
                signature = tuple(f.admits(value) for f in filters)
                if signature not in signature_class:
                    signature_class[signature] = len(representative[dim])
                    representative[dim].append(value)
                class_of[dim][value] = signature_class[signature]
        return cls(dimensions, class_of, representative)

    def atom(self, measure: str, record: Mapping[str, str]) -> Atom:
        key = []
        for dim in self.dimensions:
            classes = self.class_of[dim]
            value = record.get(dim, "")
            key.append((dim, classes.get(value, classes[UNNAMED])))
        return (measure, tuple(key))


@dataclass(frozen=True)
class Atoms:
    """Each spec as its set of atoms, and how many records each atom holds today."""

    of_spec: dict[CountSpec, frozenset[object]]
    values: dict[object, int]


def atoms_of(
    specs: Sequence[CountSpec], records: Mapping[str, Iterable[Mapping[str, str]]]
) -> Atoms:
    """Turn specs into sums over atoms and count today's `records` (by measure) into them.

    A spec admits an atom when each of its filters admits the atom's class on that dimension,
    so its atoms are the product of the classes it admits on each dimension: no need to test
    every atom against every spec."""
    of_spec: dict[CountSpec, frozenset[object]] = {}
    values: Counter[object] = Counter()
    by_measure: dict[str, list[CountSpec]] = {}
    for spec in specs:
        by_measure.setdefault(spec.measure, []).append(spec)
    for measure, measure_specs in by_measure.items():
        classes = _Classes.of(measure_specs)
        for spec in measure_specs:
            filters = dict(spec.filters)
            admitted = [
                [
                    (dim, number)
                    for number, value in enumerate(classes.representative[dim])
                    if dim not in filters or filters[dim].admits(value)
                ]
                for dim in classes.dimensions
            ]
            of_spec[spec] = frozenset(
                (measure, tuple(combination)) for combination in itertools.product(*admitted)
            )
        for record in records.get(measure, ()):
            values[classes.atom(measure, record)] += 1
    return Atoms(of_spec=of_spec, values=dict(values))


def _compatible(one: Filter, other: Filter) -> bool:
    """Whether some value of the dimension passes both filters."""
    if isinstance(one, Among) and isinstance(other, Among):
        return bool(one.values & other.values)
    if isinstance(one, Among):
        return bool(one.values - other.values)
    if isinstance(other, Among):
        return bool(other.values - one.values)
    return True  # two exclusions: a value neither names passes both


def overlap(one: CountSpec, other: CountSpec) -> bool:
    """Whether some record could be counted by both specs."""
    if one.measure != other.measure:
        return False
    mine, theirs = dict(one.filters), dict(other.filters)
    if any(isinstance(f, Among) and not f.values for f in (*mine.values(), *theirs.values())):
        return False
    return all(_compatible(mine[d], theirs[d]) for d in mine.keys() & theirs.keys())


def linked(new: Sequence[CountSpec], earlier: Sequence[CountSpec]) -> list[int]:
    """The positions of the `earlier` specs that a chain of overlapping specs links to a `new`
    one. The others share no atom with anything linked to the new release, so nothing it
    publishes can narrow them, and they cannot narrow it: they can be left out of its check."""
    reached: list[CountSpec] = list(new)
    pending = dict(enumerate(earlier))
    found: list[int] = []
    while reached:
        spec = reached.pop()
        joined = [i for i, other in pending.items() if overlap(spec, other)]
        for i in joined:
            reached.append(pending.pop(i))
        found += joined
    return sorted(found)
