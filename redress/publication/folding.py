"""Folding text to the form names are matched in: lower case, every run of punctuation and
white space one space, words broken by a hyphen at a line end joined again, padded by a space at
each end. Every word in the folded text can be traced back to where it stands in the original.

Matching folded text against folded keys makes "SMITH, John", "Smith's", "J. Smith" and
"Jo-\\nhn Smith" meet the same keys as "john smith", and a key wrapped in spaces can only match
whole words.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

# A hyphen ending a line, with the line break and indentation after it, when a letter follows;
# else any run of two or more characters that are not letters or digits; else one such
# character that is not a plain space (the commonest gap, left alone so folding stays cheap).
_GAP = re.compile(r"-[ \t]*\r?\n\s*(?=[^\W\d_])|[\W_]{2,}|[^\w ]|_")


@dataclass(frozen=True, slots=True)
class Folded:
    """The folded text and the map back: at folded position `marks[i]` and after, a character
    stands `shifts[i]` places later in the original."""

    text: str
    marks: list[int]
    shifts: list[int]

    def original(self, position: int) -> int:
        """Where the character at `position` of the folded text stands in the original."""
        index = bisect_right(self.marks, position) - 1
        return position + self.shifts[index]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of the folded span [start, end), which starts and ends on letters."""
        return self.original(start), self.original(end - 1) + 1


def fold(text: str) -> Folded:
    """Fold `text` (see the module's docstring)."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a few letters (İ) lower to two characters; keep them as is
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    pieces = [" "]
    marks = [0]
    shifts = [-1]  # the padding space stands before the original's first character
    position = 0
    length = 1
    for gap in _GAP.finditer(lowered):
        start, end = gap.span()
        pieces.append(lowered[position:start])
        length += start - position
        # A word broken at a line end is joined, unless it goes on with a capital: that is a
        # double-barrelled name (Smith-\nJones), whose hyphen folds to a space.
        joined = (
            lowered[start] == "-"
            and "\n" in lowered[start:end]
            and end < len(text)
            and text[end].isalpha()
            and not text[end].isupper()
        )
        if not joined:
            pieces.append(" ")
            length += 1
        marks.append(length)
        shifts.append(end - length)
        position = end
    pieces.append(lowered[position:])
    pieces.append(" ")
    return Folded(text="".join(pieces), marks=marks, shifts=shifts)


def fold_key(phrase: str) -> str:
    """A phrase as a key: folded, with one space at each end."""
    words = fold(phrase).text.strip()
    return f" {words} " if words else ""
