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

    def every_atom(self, measure: str) -> Iterable[tuple[Atom, dict[str, str]]]:
        ranges = [range(len(self.representative[d])) for d in self.dimensions]
        for combination in itertools.product(*ranges):
            record = {
                d: self.representative[d][n]
                for d, n in zip(self.dimensions, combination, strict=True)
            }
            yield (measure, tuple(zip(self.dimensions, combination, strict=True))), record


@dataclass(frozen=True)
class Atoms:
    """Each spec as its set of atoms, and how many records each atom holds today."""

    of_spec: dict[CountSpec, frozenset[object]]
    values: dict[object, int]


def atoms_of(
    specs: Sequence[CountSpec], records: Mapping[str, Iterable[Mapping[str, str]]]
) -> Atoms:
    """Turn specs into sums over atoms and count today's `records` (by measure) into them."""
    of_spec: dict[CountSpec, frozenset[object]] = {}
    values: Counter[object] = Counter()
    by_measure: dict[str, list[CountSpec]] = {}
    for spec in specs:
        by_measure.setdefault(spec.measure, []).append(spec)
    for measure, measure_specs in by_measure.items():
        classes = _Classes.of(measure_specs)
        members: dict[CountSpec, set[object]] = {s: set() for s in measure_specs}
        for atom, combination in classes.every_atom(measure):
            for spec in measure_specs:
                if spec.admits(combination):
                    members[spec].add(atom)
        of_spec.update({s: frozenset(m) for s, m in members.items()})
        for record in records.get(measure, ()):
            values[classes.atom(measure, record)] += 1
    return Atoms(of_spec=of_spec, values=dict(values))
