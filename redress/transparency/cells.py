"""What a published count counts, said so that it can be counted again at any later release.

A count is a `CountSpec`: a measure (complaints received, cases closed, suspensions...) and, for
some of the measure's dimensions (quarter, category, unit...), the values it admits. A release
stores each of its cells' specs; a later release turns its own specs and every earlier one's
into sums over the same atoms (`atoms_of`), so that the disclosure-control engine can see every
way two releases' figures overlap, not only the ways a person thought of.

An atom is a class of the measure's records that no spec tells apart: each dimension's values
are first merged into classes, then the combinations of classes that the same specs admit.
Atoms with nothing in them today are atoms too: the attacker does not know that they are
empty.
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


Atom = tuple[str, int]


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

    def classes(self, record: Mapping[str, str]) -> tuple[int, ...]:
        """The record's class on each dimension."""
        found = []
        for dim in self.dimensions:
            classes = self.class_of[dim]
            found.append(classes.get(record.get(dim, ""), classes[UNNAMED]))
        return tuple(found)

    def admitting(self, specs: Sequence[CountSpec]) -> list[list[int]]:
        """For each dimension and class, the specs that admit it, as bits of an integer."""
        filters = [dict(spec.filters) for spec in specs]
        masks = []
        for dim in self.dimensions:
            on_dim = [(1 << bit, f.get(dim)) for bit, f in enumerate(filters)]
            per_class = []
            for value in self.representative[dim]:
                mask = 0
                for bit, found in on_dim:
                    if found is None or found.admits(value):
                        mask |= bit
                per_class.append(mask)
            masks.append(per_class)
        return masks


@dataclass(frozen=True)
class Atoms:
    """Each spec as its set of atoms, and how many records each atom holds today."""

    of_spec: dict[CountSpec, frozenset[object]]
    values: dict[object, int]


def atoms_of(
    specs: Sequence[CountSpec], records: Mapping[str, Iterable[Mapping[str, str]]]
) -> Atoms:
    """Turn specs into sums over atoms and count today's `records` (by measure) into them.

    Every combination of one class per dimension is admitted by the specs whose filters all
    admit its classes: the AND of each class's bits. Combinations admitted by the same specs
    are one atom, since no published figure tells them apart."""
    of_spec: dict[CountSpec, frozenset[object]] = {}
    values: Counter[object] = Counter()
    by_measure: dict[str, list[CountSpec]] = {}
    for spec in specs:
        by_measure.setdefault(spec.measure, []).append(spec)
    for measure, measure_specs in by_measure.items():
        measure_specs = list(dict.fromkeys(measure_specs))
        classes = _Classes.of(measure_specs)
        masks = classes.admitting(measure_specs)
        every = (1 << len(measure_specs)) - 1
        atom_of_signature: dict[int, Atom] = {}
        atom_of_combination: dict[tuple[int, ...], Atom] = {}
        for combination in itertools.product(*(range(len(m)) for m in masks)):
            signature = every
            for per_class, number in zip(masks, combination, strict=True):
                signature &= per_class[number]
            atom = atom_of_signature.setdefault(signature, (measure, len(atom_of_signature)))
            atom_of_combination[combination] = atom
        members: list[set[object]] = [set() for _ in measure_specs]
        for signature, atom in atom_of_signature.items():
            remaining = signature
            while remaining:  # one turn per spec that admits the atom, lowest bit first
                lowest = remaining & -remaining
                members[lowest.bit_length() - 1].add(atom)
                remaining ^= lowest
        of_spec.update({spec: frozenset(m) for spec, m in zip(measure_specs, members, strict=True)})
        for record in records.get(measure, ()):
            values[atom_of_combination[classes.classes(record)]] += 1
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
