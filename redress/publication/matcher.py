"""The register as one Aho-Corasick automaton: every form of every person's name, their aliases,
their membership numbers and every surname, matched in one pass over folded text.

A register of half a million people gives a few million keys, so a key's value is one integer
(the automaton stores it in C, not as a Python object): the key's length, the rule that made
it, and either the one person it names or, when several people share the key ("J Smith"), an
index into a list of those people.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import IntEnum

import ahocorasick

from redress.publication.folding import fold_key
from redress.publication.register import RegisterPerson


class Rule(IntEnum):
    """Why a span was redacted (or kept). The names are what the redaction log shows."""

    FULL_NAME = 1
    SURNAME_FIRST = 2
    INITIALS = 3
    ALIAS = 4
    SURNAME = 5  # a surname alone: redacted after a title, or when its bearer is named nearby
    MEMBERSHIP_NUMBER = 6

    @property
    def label(self) -> str:
        return self.name.lower()


# Words that are part of a surname rather than a given name ("Anna van der Berg"); "o" and "d"
# because O'Brien and D'Souza fold to "o brien" and "d souza".
_SURNAME_PARTICLES_WORDS = "van von der den de del della di da dos du la le al el o d bin ibn ap st"
SURNAME_PARTICLES = frozenset(_SURNAME_PARTICLES_WORDS.split())
MAX_KEY_LENGTH = 255
_RULES = (None, *Rule)  # a rule by its number, without Enum's lookup
_LENGTH_BITS = 8
_RULE_BITS = 3


@dataclass(frozen=True, slots=True)
class Hit:
    """One key found in folded text: [start, end) covers its words, without the padding."""

    start: int
    end: int
    rule: Rule
    people: tuple[int, ...]  # indexes into the matcher's people
    surname: int = -1  # for Rule.SURNAME (whose people are left empty), the surname's index


@dataclass
class Matcher:
    """The automaton and what its values point to."""

    automaton: ahocorasick.Automaton
    person_keys: list[str]
    public: bytearray  # 1 where the person holds a public role
    first_names: list[str]  # folded keys (" john ")
    surnames: list[int]  # each person's surname index
    surname_keys: list[str]
    shared: list[tuple[int, ...]]  # people sharing a key
    surname_people: dict[int, array] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.person_keys)

    def hits(self, folded: str) -> Iterator[Hit]:
        """Every key in `folded` (overlapping hits included), in order of their ends."""
        shared = self.shared
        for end, value in self.automaton.iter(folded):
            length = value & 0xFF
            value >>= _LENGTH_BITS
            rule = _RULES[value & 0b111]
            value >>= _RULE_BITS
            start = end - length + 2  # the key's words, without its two padding spaces
            if rule is Rule.SURNAME:
                yield Hit(start, end, rule, (), value)  # its bearers: people_with_surname
            elif value & 1:
                yield Hit(start, end, rule, shared[value >> 1])
            else:
                yield Hit(start, end, rule, (value >> 1,))

    def people_with_surname(self, surname: int) -> tuple[int, ...]:
        return tuple(self.surname_people.get(surname, ()))


def name_forms(name: str) -> Iterator[tuple[str, Rule]]:
    """The written forms of a name: as given, given name and surname, surname first, initials."""
    words = fold_key(name).split()
    if not words:
        return
    yield " ".join(words), Rule.FULL_NAME
    if len(words) < 2:
        return
    surname_from = len(words) - 1
    while surname_from > 1 and words[surname_from - 1] in SURNAME_PARTICLES:
        surname_from -= 1
    given, surname = words[:surname_from], " ".join(words[surname_from:])
    first = given[0]
    yield f"{first} {surname}", Rule.FULL_NAME
    yield f"{surname} {first}", Rule.SURNAME_FIRST
    yield f"{surname} {' '.join(given)}", Rule.SURNAME_FIRST
    yield f"{first[0]} {surname}", Rule.INITIALS
    if len(given) > 1:
        yield f"{' '.join(word[0] for word in given)} {surname}", Rule.INITIALS
        yield f"{''.join(word[0] for word in given)} {surname}", Rule.INITIALS


def split_name(name: str) -> tuple[str, str]:
    """A name's folded first given name and surname ("" when the name is one word)."""
    words = fold_key(name).split()
    if len(words) < 2:
        return (words[0] if words else ""), ""
    surname_from = len(words) - 1
    while surname_from > 1 and words[surname_from - 1] in SURNAME_PARTICLES:
        surname_from -= 1
    return words[0], " ".join(words[surname_from:])


def build_matcher(people: Iterable[RegisterPerson]) -> Matcher:
    """The automaton of every name form, alias, membership number and surname of `people`."""
    automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
    matcher = Matcher(
        automaton=automaton,
        person_keys=[],
        public=bytearray(),
        first_names=[],
        surnames=[],
        surname_keys=[],
        shared=[],
    )
    surname_index: dict[str, int] = {}
    for index, person in enumerate(people):
        matcher.person_keys.append(person.key)
        matcher.public.append(1 if person.public_role else 0)
        first, surname = split_name(person.name)
        matcher.first_names.append(sys.intern(f" {first} ") if first else "")
        surname_number = -1
        if surname:
            surname_number = surname_index.get(surname, -1)
            if surname_number < 0:
                surname_number = surname_index[surname] = len(matcher.surname_keys)
                matcher.surname_keys.append(surname)
                if automaton.get(f" {surname} ", None) is None:
                    _add(automaton, surname, Rule.SURNAME, surname_number)
            matcher.surname_people.setdefault(surname_number, array("l")).append(index)
        matcher.surnames.append(surname_number)
        forms = dict(name_forms(person.name))
        for alias in person.aliases:
            for form, rule in name_forms(alias):
                forms.setdefault(form, Rule.ALIAS if rule is Rule.FULL_NAME else rule)
        if person.membership_number:
            number = fold_key(person.membership_number).strip()
            if number:
                forms[number] = Rule.MEMBERSHIP_NUMBER
        for form, rule in forms.items():
            _add_person_key(matcher, form, rule, index)
    automaton.make_automaton()
    return matcher


def _add_person_key(matcher: Matcher, form: str, rule: Rule, index: int) -> None:
    key = f" {form} "
    if len(key) > MAX_KEY_LENGTH:
        return
    existing = matcher.automaton.get(key, None)
    if existing is None:
        _add(matcher.automaton, form, rule, index << 1)
        return
    existing_rule = Rule((existing >> _LENGTH_BITS) & 0b111)
    if existing_rule is Rule.SURNAME:
        # A one-word name that is also someone's surname: the name form wins; the surname's
        # bearers are still found through their other forms.
        _add(matcher.automaton, form, rule, index << 1)
        return
    payload = existing >> (_LENGTH_BITS + _RULE_BITS)
    if payload & 1:
        people = matcher.shared[payload >> 1]
        if index not in people:
            matcher.shared[payload >> 1] = (*people, index)
        return
    if payload >> 1 == index:
        return
    position = len(matcher.shared)
    matcher.shared.append((payload >> 1, index))
    # The most specific rule of those that made the key is kept (a full name over initials).
    kept = min(existing_rule, rule)
    _add(matcher.automaton, form, kept, (position << 1) | 1)


def _add(automaton: ahocorasick.Automaton, form: str, rule: Rule, payload: int) -> None:
    key = f" {form} "
    value = (((payload << _RULE_BITS) | int(rule)) << _LENGTH_BITS) | len(key)
    automaton.add_word(key, value)
