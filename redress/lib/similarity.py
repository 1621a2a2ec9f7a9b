"""How alike two texts are, for spotting near-identical complaints. Pure Python, no model.

Each text becomes the set of its overlapping runs of words ("shingles"), after lower-casing and
dropping punctuation; two texts' similarity is the Jaccard index of their sets: shared shingles
over all shingles. A copy with a name or a date changed stays well above the threshold; two
complaints that merely share a topic fall well below it.
"""

from __future__ import annotations

import re

SHINGLE_WORDS = 3
# At or above this, a complaint is shown to the officer as near-identical to another.
NEAR_DUPLICATE = 0.5
_WORD = re.compile(r"\w+")


def shingles(text: str, size: int = SHINGLE_WORDS) -> frozenset[tuple[str, ...]]:
    words = _WORD.findall(text.lower())
    if not words:
        return frozenset()
    if len(words) <= size:
        return frozenset({tuple(words)})
    return frozenset(tuple(words[i : i + size]) for i in range(len(words) - size + 1))


def jaccard(a: frozenset[tuple[str, ...]], b: frozenset[tuple[str, ...]]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def text_similarity(a: str, b: str) -> float:
    """From 0 (nothing in common) to 1 (the same words in the same order)."""
    return jaccard(shingles(a), shingles(b))
