"""Normalising how people name people, so that the same person named twice compares equal."""

from __future__ import annotations

import re
import unicodedata


def normal_name(name: str) -> str:
    """Case, accents, punctuation and spacing removed: "  O'Brien,  Seán " -> "obrien sean"."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    plain = re.sub(r"[^\w\s]", "", plain)
    return " ".join(plain.split())


def normal_number(number: str) -> str:
    """A membership number without spaces, dashes or case: "m-000 123" -> "M000123"."""
    return re.sub(r"[^0-9A-Za-z]", "", number).upper()


def normal_handle(handle: str) -> str:
    """A social media handle without its @ or case: "@RexR" -> "rexr"."""
    return handle.strip().lstrip("@").casefold()
