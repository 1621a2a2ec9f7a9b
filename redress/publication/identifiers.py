"""Personal identifiers found by their shape rather than by the register: email addresses, UK
and international phone numbers, UK postcodes, membership numbers given as such, social-media
handles and links to profiles."""

from __future__ import annotations

import re
from collections.abc import Iterator
from enum import Enum


class Identifier(Enum):
    """A kind of identifier, with the label it is replaced by."""

    EMAIL = "[email address]"
    PHONE = "[phone number]"
    POSTCODE = "[postcode]"
    MEMBERSHIP_NUMBER = "[membership number]"
    HANDLE = "[social media handle]"
    PROFILE_LINK = "[profile link]"

    @property
    def rule(self) -> str:
        return self.name.lower()


_PROFILE_SITES = (
    r"facebook\.com|fb\.com|twitter\.com|x\.com|instagram\.com|linkedin\.com/in|"
    r"tiktok\.com|youtube\.com|threads\.net|bsky\.app/profile|mastodon\.[a-z]+|"
    r"t\.me|wa\.me|reddit\.com/u(?:ser)?|github\.com|medium\.com"
)

PATTERNS: dict[Identifier, re.Pattern[str]] = {
    Identifier.PROFILE_LINK: re.compile(
        rf"(?i)(?<![\w.])(?:https?://)?(?:www\.|m\.|mobile\.)?(?:{_PROFILE_SITES})"
        r"/[^\s<>()\[\]\"'|,;]*[^\s<>()\[\]\"'|,;.!?:]"
    ),
    Identifier.EMAIL: re.compile(
        r"(?i)(?<![\w.+-])[a-z0-9][a-z0-9._%+-]*@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
        r"(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,}(?![\w-])"
    ),
    # +44 7700 900123, 07700 900123, (0161) 496 0000, 020-7946-0958, +1 555 010 0199
    Identifier.PHONE: re.compile(
        r"(?<![\w+])(?:(?:\+|00)\d{1,3}[\s.-]?(?:\(0\)[\s.-]?)?|\(?0)"
        r"\d{2,4}\)?(?:[\s.-]?\d{2,4}){2,3}(?![\w])"
    ),
    Identifier.POSTCODE: re.compile(
        r"(?i)(?<![\w])(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{2})(?![\w])"
    ),
    # Only the number is redacted, "membership number" is left to say what was there.
    Identifier.MEMBERSHIP_NUMBER: re.compile(
        r"(?i)\b(?:membership|member)\s+(?:no\.?|number|num\.?|#|id)\s*[:#]?\s*"
        r"(?P<value>[a-z]{0,4}[-/]?\d[\da-z/-]{2,})"
    ),
    Identifier.HANDLE: re.compile(
        r"(?<![\w@./])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?(?![\w@])"
    ),
}


# Patterns that must hold a given character, and how far before it a match may start: these
# are searched only around that character, which is rare in prose, instead of everywhere.
_ANCHORS = {
    Identifier.PROFILE_LINK: ("/", 64),
    Identifier.EMAIL: ("@", 64),
    Identifier.HANDLE: ("@", 1),
}
_WINDOW_AFTER = 256


def identifiers_in(text: str) -> Iterator[tuple[int, int, Identifier]]:
    """Every identifier in `text` as (start, end, kind); spans of different kinds may overlap."""
    for kind, pattern in PATTERNS.items():
        group = "value" if kind is Identifier.MEMBERSHIP_NUMBER else 0
        if kind in _ANCHORS:
            character, reach = _ANCHORS[kind]
            found = _around(text, pattern, character, reach)
        else:
            found = pattern.finditer(text)
        for match in found:
            yield match.start(group), match.end(group), kind


def _around(
    text: str, pattern: re.Pattern[str], character: str, reach: int
) -> Iterator[re.Match[str]]:
    """The pattern's matches that hold `character`, searched in a window around each one."""
    seen_to = -1
    position = text.find(character)
    while position >= 0:
        start = max(position - reach, seen_to, 0)
        for match in pattern.finditer(text, start, min(position + _WINDOW_AFTER, len(text))):
            if match.start() <= position < match.end():
                yield match
                seen_to = match.end()
                break
        position = text.find(character, max(position + 1, seen_to))
