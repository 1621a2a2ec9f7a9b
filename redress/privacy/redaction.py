"""Replacing other people's personal data with the part they play, for a subject access export.

Pure: it is given the names, emails and numbers to hide and the label for each, and replaces
them wherever they appear in text, whole words only and whatever their case. A name is also hidden
word by word (a first name alone), except for words the subject's own names share.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

# Shorter name parts ("Al", "Jo") are too often ordinary words to hide on their own.
MIN_NAME_PART = 3
_REPEATED_LABEL = re.compile(r"(\[[^\[\]]+\])(?:\s+\1)+")


class Redactor:
    """Collects who is to be hidden as what, then redacts text and JSON-like values."""

    def __init__(self, *, subject_names: Iterable[str] = ()) -> None:
        self._labels: dict[str, str] = {}
        self._parts: dict[str, str] = {}
        self._own = {w.lower() for name in subject_names for w in _words(name)}
        self._own_full = {name.strip().lower() for name in subject_names if name.strip()}
        self._pattern: re.Pattern[str] | None = None

    def hide(
        self, label: str, *, names: Iterable[str] = (), identifiers: Iterable[str] = ()
    ) -> None:
        """Hide these names (and their words) and identifiers (emails, phones, numbers) as
        `label`. The first label given for a term wins."""
        for name in names:
            full = name.strip()
            if not full or full.lower() in self._own_full:
                continue
            self._labels.setdefault(full.lower(), label)
            for word in _words(full):
                if len(word) >= MIN_NAME_PART and word.lower() not in self._own:
                    self._parts.setdefault(word.lower(), label)
        for identifier in identifiers:
            if identifier.strip():
                self._labels.setdefault(identifier.strip().lower(), label)
        self._pattern = None

    def label_for(self, name: str) -> str | None:
        return self._labels.get(name.strip().lower())

    def text(self, value: str) -> str:
        pattern = self._compiled()
        if pattern is None:
            return value
        redacted = pattern.sub(lambda m: self._replacement(m.group(0)), value)
        # "Eve Elected" hidden word by word reads as one label, not two.
        return _REPEATED_LABEL.sub(r"\1", redacted)

    def value(self, value: Any) -> Any:
        """Redact every string inside a JSON-like value (dict keys are left alone)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {key: self.value(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [self.value(item) for item in value]
        return value

    def _replacement(self, found: str) -> str:
        key = found.lower()
        return self._labels.get(key) or self._parts.get(key) or found

    def _compiled(self) -> re.Pattern[str] | None:
        if self._pattern is None:
            terms = set(self._labels) | set(self._parts)
            if not terms:
                return None
            # Longest first, so a full name is replaced before any of its words.
            alternatives = "|".join(re.escape(t) for t in sorted(terms, key=lambda t: (-len(t), t)))
            self._pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
        return self._pattern


def _words(name: str) -> list[str]:
    return re.findall(r"\w[\w'-]*", name)
