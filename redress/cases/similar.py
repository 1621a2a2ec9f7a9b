"""The decided cases most like one about to be decided, and how they were sanctioned, shown
beside every proposed decision so that similar conduct is treated alike.

`similar_decided_cases` is the one entry point: the case page calls it, and a richer similarity
(embeddings) can replace the ranking behind it without its callers changing. For now: cases of
the same organisation with a finding on an allegation in a category this case shares, ranked by
the word-shingle similarity of their allegations' particulars (`redress.lib.similarity`), the
most recent decided first among equals.

What it returns holds references, categories, findings and sanctions: nothing that names a
party.
"""

from __future__ import annotations

from dataclasses import dataclass

from redress.cases.models import Allegation, Case
from redress.lib.similarity import jaccard, shingles

# Decided allegations compared at most, newest first: enough for an organisation's record of
# comparable conduct, few enough that the page stays quick.
CANDIDATES = 500


@dataclass(frozen=True)
class DecidedAllegation:
    category: str
    finding: str
    sanction: str
    conduct: str
    outside_guidance: bool


@dataclass(frozen=True)
class SimilarCase:
    case_id: int
    reference: str
    similarity: float  # 0 to 1
    allegations: tuple[DecidedAllegation, ...]


def similar_decided_cases(case: Case, limit: int = 5) -> list[SimilarCase]:
    """Up to `limit` decided cases most like `case`, most similar first."""
    mine = list(case.allegations.values_list("category", "particulars"))
    categories = {category for category, _ in mine}
    if not categories or limit <= 0:
        return []
    own = shingles(" ".join(text for _, text in mine))
    rows = (
        Allegation.objects.filter(organisation_id=case.organisation_id, category__in=categories)
        .exclude(finding="")
        .exclude(case_id=case.pk)
        .select_related("case")
        .order_by("-case__stage_entered_at", "-pk")[:CANDIDATES]
    )
    by_case: dict[int, list[Allegation]] = {}
    for allegation in rows:
        by_case.setdefault(allegation.case_id, []).append(allegation)
    ranked = []
    for order, (case_id, decided) in enumerate(by_case.items()):
        score = jaccard(own, shingles(" ".join(a.particulars for a in decided)))
        ranked.append((score, -order, case_id, decided))
    ranked.sort(reverse=True)
    return [
        SimilarCase(
            case_id=case_id,
            reference=decided[0].case.reference,
            similarity=round(score, 3),
            allegations=tuple(
                DecidedAllegation(
                    category=a.category,
                    finding=a.finding,
                    sanction=a.sanction,
                    conduct=a.conduct,
                    outside_guidance=bool(a.departure_reasons),
                )
                for a in sorted(decided, key=lambda a: a.pk)
            ),
        )
        for score, _, case_id, decided in ranked[:limit]
    ]
