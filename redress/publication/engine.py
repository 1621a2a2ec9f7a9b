"""Finding what to redact in a document's text, and replacing it.

Three passes over the text, each in one sweep:
1. the register's automaton over the folded text: full names, surname first, initials,
   aliases, membership numbers, and surnames (kept only after a title such as "Mr", or when
   someone of that surname has been named in full in the document);
2. the first names and surnames of the people named in full, alone ("Ann said"), wherever
   they are capitalised; a first name shared by two people named in the document is redacted
   without saying which of them it is;
3. identifiers by their shape (emails, phone numbers, postcodes, handles, profile links).
An optional fourth pass adds the people a named-entity model finds who are not on the register.

People whose `public_role` is set are kept when the release says so; a form that several people
share is kept only if every one of them holds a public role, or the document names only the
public one of them.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum

import ahocorasick

from redress.publication.folding import Folded, fold
from redress.publication.identifiers import Identifier, identifiers_in
from redress.publication.matcher import Hit, Matcher, Rule

# Titles before a surname that make the surname alone a mention of a person.
_TITLES_WORDS = (
    "mr mrs ms miss mx dr prof professor sir dame lord lady rev revd cllr councillor "
    "comrade brother sister baroness baron"
)
TITLES = frozenset(_TITLES_WORDS.split())
BAR = "█████"
UNNAMED = "[name]"


class Style(Enum):
    """How a release replaces a person: a consistent pseudonym, or a black bar."""

    PSEUDONYM = "pseudonym"
    BAR = "bar"


@dataclass(frozen=True, slots=True)
class Span:
    """One redaction (or, with `kept`, a public office holder's name left in) in the original
    text: [start, end), the rule that found it, and who it is within the document."""

    start: int
    end: int
    rule: str
    subject: str  # "person:<index>", "form:<folded words>" or "" for identifiers
    label: str = ""  # the replacement when the release uses pseudonyms
    kept: bool = False

    def replacement(self, style: Style) -> str:
        return BAR if style is Style.BAR else self.label


# A named-entity recogniser: the spans of people's names it finds in a text.
Recogniser = Callable[[str], Iterable[tuple[int, int]]]


@dataclass(frozen=True, slots=True)
class _Found:
    start: int  # in folded text
    end: int
    rule: str
    people: tuple[int, ...]
    kept: bool
    subject: str


def find_spans(
    text: str,
    matcher: Matcher,
    *,
    keep_public: bool = False,
    recogniser: Recogniser | None = None,
) -> list[Span]:
    """Every redaction in `text`, in order, without overlaps, labelled Member A, B, ... in order
    of first appearance; public office holders' names kept (as `kept` spans) if `keep_public`."""
    folded = fold(text)
    found, named = _register_mentions(folded, text, matcher, keep_public=keep_public)
    found = _context_mentions(folded, text, matcher, found, named, keep_public=keep_public)
    spans = [_to_span(folded, item) for item in found]
    spans.extend(
        Span(start, end, kind.rule, "", kind.value) for start, end, kind in identifiers_in(text)
    )
    if recogniser is not None:
        spans.extend(_unregistered_people(text, recogniser, spans))
    return _label(_merge(spans))


def _unregistered_people(text: str, recogniser: Recogniser, spans: list[Span]) -> list[Span]:
    """The recogniser's people that no register or identifier span already covers."""
    covered = sorted((span.start, span.end) for span in spans)
    starts = [start for start, _ in covered]
    found = []
    for start, end in recogniser(text):
        index = bisect_right(starts, end - 1) - 1
        if index >= 0 and covered[index][1] > start:
            continue
        found.append(Span(start, end, "named_entity", "form:" + fold(text[start:end]).text.strip()))
    return found


def _register_mentions(
    folded: Folded, source: str, matcher: Matcher, *, keep_public: bool
) -> tuple[list[_Found], dict[int, str]]:
    full: list[Hit] = []
    surnames: list[Hit] = []
    for hit in matcher.hits(folded.text):
        (surnames if hit.rule is Rule.SURNAME else full).append(hit)
    groups = _overlapping_groups(
        [hit for hit in full if hit.rule not in _WRITTEN_RULES or _written(folded, source, hit)]
    )
    # Where forms overlap ("Green Aisha Khan": Aisha Green surname first, or Aisha Khan), the
    # union is redacted and the most specific form says who it is; forms of equal rank are
    # all taken to be named, so that their first names alone are redacted too.
    named = _named(
        [group[0] for group in groups]
        + [hit for group in groups for hit in group[1:] if hit.rule == group[0].rule]
    )
    found = []
    for group in groups:
        hit = group[0]
        people = _resolve(hit.people, named)
        # A membership number is never public, whoever holds it.
        kept = hit.rule is not Rule.MEMBERSHIP_NUMBER and _kept(matcher, people, keep_public)
        start = min(member.start for member in group)
        end = max(member.end for member in group)
        found.append(_Found(start, end, hit.rule.label, people, kept, _subject(people, named)))
    return _surname_mentions(folded, source, matcher, surnames, found, named, keep_public), named


def _named(full: list[Hit]) -> dict[int, str]:
    """Who the document names, and as whom: a person named by a form only they have, and the
    people who share a whole name (they share its first name and surname too, so those words
    alone stand for the same pseudonym)."""
    named = {hit.people[0]: f"person:{hit.people[0]}" for hit in full if len(hit.people) == 1}
    for hit in full:
        if len(hit.people) > 1 and hit.rule in _WHOLE_NAME_RULES:
            subject = _group(hit.people)
            for person in hit.people:
                named.setdefault(person, subject)
    return named


_WHOLE_NAME_RULES = (Rule.FULL_NAME, Rule.SURNAME_FIRST, Rule.ALIAS)


def _surname_mentions(
    folded: Folded,
    source: str,
    matcher: Matcher,
    surnames: list[Hit],
    found: list[_Found],
    named: dict[int, str],
    keep_public: bool,
) -> list[_Found]:
    """Surnames alone: after a title ("Mr Khan"), or capitalised when someone of that surname
    is named in the document."""
    by_surname: dict[int, list[int]] = {}
    for person in named:
        by_surname.setdefault(matcher.surnames[person], []).append(person)
    starts = [item.start for item in found]
    text = folded.text
    extra = []
    for hit in surnames:
        if _overlaps(found, starts, hit.start, hit.end):
            continue
        before = text.rfind(" ", 0, hit.start - 1) + 1
        people = tuple(by_surname.get(hit.surname, ()))
        if text[before : hit.start - 1] in TITLES:
            if people:
                kept = _kept(matcher, people, keep_public)
                subject = _subject(people, named)
            else:  # nobody of that surname is named: whichever of them it is, redact
                kept = _kept(matcher, matcher.people_with_surname(hit.surname), keep_public)
                subject = f"surname:{hit.surname}"
            extra.append(_Found(before, hit.end, "title_surname", people, kept, subject))
        elif people and _capitalised(folded, source, hit.start):
            kept = _kept(matcher, people, keep_public)
            extra.append(
                _Found(
                    hit.start, hit.end, "surname_in_context", people, kept,
                    _subject(people, named),
                )
            )  # fmt: skip
    return sorted(found + extra, key=lambda item: item.start) if extra else found


def _context_mentions(
    folded: Folded,
    text: str,
    matcher: Matcher,
    found: list[_Found],
    named: dict[int, str],
    *,
    keep_public: bool,
) -> list[_Found]:
    """First names alone, of the people the document names."""
    by_first: dict[str, list[int]] = {}
    for person in named:
        first = matcher.first_names[person]
        if first:
            by_first.setdefault(first, []).append(person)
    if not by_first:
        return found
    automaton = ahocorasick.Automaton()
    for key, people in by_first.items():
        automaton.add_word(key, (len(key), tuple(people)))
    automaton.make_automaton()
    starts = [item.start for item in found]
    extra = []
    for end, (length, people) in automaton.iter(folded.text):
        start = end - length + 2
        if _overlaps(found, starts, start, end) or not _capitalised(folded, text, start):
            continue
        subjects = {named[person] for person in people}
        kept = _kept(matcher, people, keep_public)
        if len(subjects) == 1:
            extra.append(_Found(start, end, "first_name_in_context", people, kept, subjects.pop()))
        else:
            extra.append(_Found(start, end, "first_name_ambiguous", people, kept, ""))
    return sorted(found + extra, key=lambda item: item.start)


def _subject(people: tuple[int, ...], named: dict[int, str]) -> str:
    """Who a mention stands for, for its pseudonym."""
    subjects = {named.get(person) for person in people}
    if len(subjects) == 1 and None not in subjects:
        return str(subjects.pop())
    return f"person:{people[0]}" if len(people) == 1 else _group(people)


def _group(people: tuple[int, ...]) -> str:
    return "people:" + ",".join(str(person) for person in sorted(people))


def _resolve(people: tuple[int, ...], named: dict[int, str]) -> tuple[int, ...]:
    """A form several people share stands for the one of them the document names, if only one."""
    if len(people) == 1:
        return people
    one_of = tuple(person for person in people if named.get(person, "").startswith("person:"))
    return one_of if len(one_of) == 1 else people


def _kept(matcher: Matcher, people: Iterable[int], keep_public: bool) -> bool:
    return keep_public and all(matcher.public[person] for person in people)


def _capitalised(folded: Folded, source: str, start: int) -> bool:
    """Whether the word at folded `start` begins with a capital in the original."""
    original = folded.original(start)
    return original < len(source) and source[original].isupper()


def _overlapping_groups(hits: list[Hit]) -> list[list[Hit]]:
    """Hits in runs that overlap, the most specific rule first in each; a hit wholly inside a
    longer one is dropped ("Andrew Smith" inside "John Andrew Smith")."""
    hits.sort(key=lambda hit: (hit.start, hit.start - hit.end))
    groups: list[list[Hit]] = []
    reach = -1
    for hit in hits:
        if hit.end <= reach:
            continue
        if hit.start < reach:
            group = groups[-1]
            if hit.rule < group[0].rule:
                group.insert(0, hit)
            else:
                group.append(hit)
        else:
            groups.append([hit])
        reach = hit.end
    return groups


# Forms that count only as people write them: initials as capitals before a capitalised surname
# ("J. Smith", not "a hall"), a surname first before a capitalised given name ("KHAN, Aisha",
# not "green mark" in running prose).
_WRITTEN_RULES = (Rule.INITIALS, Rule.SURNAME_FIRST)


def _written(folded: Folded, source: str, hit: Hit) -> bool:
    last_word = folded.text.rfind(" ", hit.start, hit.end) + 1
    if not _capitalised(folded, source, last_word):
        return False
    return hit.rule is not Rule.INITIALS or _capitalised(folded, source, hit.start)


def _overlaps(found: list[_Found], starts: list[int], start: int, end: int) -> bool:
    index = bisect_right(starts, end - 1) - 1
    return index >= 0 and found[index].end > start


def _to_span(folded: Folded, item: _Found) -> Span:
    start, end = folded.span(item.start, item.end)
    label = ""
    if item.rule == Rule.MEMBERSHIP_NUMBER.label:
        label = Identifier.MEMBERSHIP_NUMBER.value
    elif item.rule == "first_name_ambiguous":
        label = UNNAMED
    return Span(start, end, item.rule, item.subject, label, item.kept)


def _merge(spans: list[Span]) -> list[Span]:
    """Overlapping spans become one: the first and longest, stretched to cover the others."""
    spans.sort(key=lambda span: (span.start, span.start - span.end, span.kept))
    merged: list[Span] = []
    for span in spans:
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            if last.kept and not span.kept:
                merged[-1] = Span(
                    last.start, max(last.end, span.end), span.rule, span.subject, span.label
                )
            elif span.end > last.end:
                merged[-1] = Span(
                    last.start, span.end, last.rule, last.subject, last.label, last.kept
                )
            continue
        merged.append(span)
    return merged


def _label(spans: list[Span]) -> list[Span]:
    """Pseudonyms in order of first appearance: Member A, B, ..., Z, AA, AB, ..."""
    letters: dict[str, str] = {}
    labelled = []
    for span in spans:
        if span.label or span.kept:
            labelled.append(span)
            continue
        pseudonym = letters.get(span.subject)
        if pseudonym is None:
            pseudonym = letters[span.subject] = member_pseudonym(len(letters))
        labelled.append(Span(span.start, span.end, span.rule, span.subject, pseudonym))
    return labelled


def member_pseudonym(number: int) -> str:
    """The `number`th pseudonym, from 0: Member A, ..., Member Z, Member AA, ..."""
    return "Member " + _letters(number)


def _letters(number: int) -> str:
    name = ""
    number += 1
    while number:
        number, remainder = divmod(number - 1, 26)
        name = chr(ord("A") + remainder) + name
    return name


def redact_text(text: str, spans: Iterable[Span], style: Style) -> str:
    """`text` with every span that is not kept replaced."""
    pieces = []
    position = 0
    for span in spans:
        if span.kept:
            continue
        pieces.append(text[position : span.start])
        pieces.append(span.replacement(style))
        position = span.end
    pieces.append(text[position:])
    return "".join(pieces)
