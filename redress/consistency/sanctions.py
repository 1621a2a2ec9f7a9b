"""Whether a proposed sanction is far from what similar cases received.

Sanctions are compared by their place on the rulebook's own scale, which lists them mildest
first (default: advice, reminder of conduct, formal warning, required training, removal from
office, suspension, expulsion). A case's sanction is the most severe one among its upheld
allegations. The step is the unit: a warning against a reminder is one step; expulsion against
a warning is four.

"Far" is defined as: the proposed sanction is at least FAR_STEPS steps from the median of the
sanctions that the similar upheld cases received, and there are at least MIN_COMPARABLE such
cases, each at least SIMILARITY_FLOOR alike. Two steps because one step is ordinary judgement
(a warning rather than a reminder) while two is a different kind of outcome (training or removal
from office rather than a reminder). The median, not the mean, so that one outlier among the
similar cases does not move the yardstick. Only upheld cases count: a case not upheld received
no sanction because nothing was proved, which says nothing about how severe a sanction for
proven conduct should be. The flag asks for reasons; it decides nothing.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

FAR_STEPS = 2
MIN_COMPARABLE = 3
SIMILARITY_FLOOR = 0.4


@dataclass(frozen=True)
class SanctionCheck:
    proposed: str
    compared_with: int  # how many similar upheld cases
    typical: str  # the sanction at the median of theirs ("" when there are too few)
    steps: int  # proposed minus typical, on the rulebook's scale: > 0 harsher, < 0 milder
    far: bool

    @property
    def message(self) -> str:
        if self.compared_with < MIN_COMPARABLE:
            return f"too few similar upheld cases to compare ({self.compared_with})"
        if not self.far:
            return f"in line with {self.compared_with} similar upheld cases"
        direction = "more severe" if self.steps > 0 else "less severe"
        return (
            f"{abs(self.steps)} steps {direction} than the {self.typical.replace('_', ' ')} "
            f"typical of {self.compared_with} similar upheld cases: record why"
        )


def severity(sanction: str, scale: Sequence[str]) -> int | None:
    """1 for the mildest sanction of the scale and so on up; None for one not on it."""
    return scale.index(sanction) + 1 if sanction in scale else None


def most_severe(sanctions: Sequence[str], scale: Sequence[str]) -> str:
    ranked = [s for s in sanctions if s in scale]
    return max(ranked, key=scale.index) if ranked else ""


def check_sanction(
    proposed: str,
    *,
    scale: Sequence[str],
    similar: Sequence[tuple[str, float]],
) -> SanctionCheck:
    """Compare `proposed` with the sanctions of similar upheld cases, given as (sanction,
    similarity) pairs, on the rulebook's `scale` (mildest first)."""
    proposed_rank = severity(proposed, scale)
    if proposed_rank is None:
        raise ValueError(f"{proposed!r} is not a sanction of this rulebook")
    ranks = sorted(
        rank
        for sanction, similarity in similar
        if similarity >= SIMILARITY_FLOOR and (rank := severity(sanction, scale)) is not None
    )
    if len(ranks) < MIN_COMPARABLE:
        return SanctionCheck(proposed, len(ranks), "", 0, far=False)
    typical_rank = int(statistics.median_low(ranks))
    steps = proposed_rank - typical_rank
    return SanctionCheck(
        proposed, len(ranks), scale[typical_rank - 1], steps, far=abs(steps) >= FAR_STEPS
    )
