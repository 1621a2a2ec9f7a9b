"""Complainant concentration and near-identical complaints, for the case officer at triage.

The source texts describe one person filing a third of all complaints, and campaigns of copied
complaints about one respondent. Neither is a reason on its own to dismiss a complaint: a
prolific complainant may be the one witness to a pattern, and many people may truly have seen
the same thing. So the officer is shown the numbers, and the references of the other cases they
may open; cases they may not open are only counted. Internal only: never shown to the parties,
never in the API.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from redress.cases.models import Case, Complaint
from redress.cases.selectors import visible_cases
from redress.lib.similarity import NEAR_DUPLICATE, jaccard, shingles
from redress.people.models import User

LOOKBACK = timedelta(days=365)
# The respondent's most recent complaints compared, so a respondent with thousands stays cheap.
MAX_COMPARED = 500


@dataclass(frozen=True)
class ComplainantRecord:
    name: str
    total: int
    last_12_months: int
    about_this_respondent: int


@dataclass(frozen=True)
class NearDuplicate:
    case_id: int
    reference: str
    similarity: float


@dataclass(frozen=True)
class Concentration:
    complainants: list[ComplainantRecord]
    anonymous_complaints: int
    near_duplicates: list[NearDuplicate]
    near_duplicates_not_visible: int
    compared: int
    threshold: float = NEAR_DUPLICATE

    @property
    def near_duplicate_count(self) -> int:
        return len(self.near_duplicates) + self.near_duplicates_not_visible


def complainant_concentration(
    user: User, case: Case, *, now: datetime | None = None, threshold: float = NEAR_DUPLICATE
) -> Concentration | None:
    """The concentration figures for `case`, or None if `user` may not see the case."""
    if not visible_cases(user).filter(pk=case.pk).exists():
        return None
    now = now or timezone.now()
    complaints = list(case.complaints.select_related("complainant").order_by("received_at", "pk"))
    shown, not_visible, compared = _near_duplicates(user, case, complaints, threshold)
    return Concentration(
        complainants=_complainant_records(case, complaints, now),
        anonymous_complaints=sum(1 for c in complaints if c.complainant_id is None),
        near_duplicates=shown,
        near_duplicates_not_visible=not_visible,
        compared=compared,
        threshold=threshold,
    )


def _complainant_records(
    case: Case, complaints: list[Complaint], now: datetime
) -> list[ComplainantRecord]:
    people = {c.complainant_id: c.complainant for c in complaints if c.complainant is not None}
    if not people:
        return []
    counts = {
        row["complainant_id"]: row
        for row in Complaint.objects.filter(
            organisation_id=case.organisation_id, complainant_id__in=people
        )
        .values("complainant_id")
        .annotate(
            total=Count("pk"),
            recent=Count("pk", filter=Q(received_at__gte=now - LOOKBACK)),
            about=Count("pk", filter=Q(case__respondent_id=case.respondent_id)),
        )
    }
    return [
        ComplainantRecord(
            name=person.name,
            total=counts[pk]["total"],
            last_12_months=counts[pk]["recent"],
            about_this_respondent=counts[pk]["about"],
        )
        for pk, person in people.items()
    ]


def _near_duplicates(
    user: User, case: Case, complaints: list[Complaint], threshold: float
) -> tuple[list[NearDuplicate], int, int]:
    """The near-identical complaints about the same respondent in other cases: those in cases
    `user` may see, best match first; how many more in cases they may not; how many compared."""
    own = [shingles(c.summary) for c in complaints]
    others = list(
        Complaint.objects.filter(
            organisation_id=case.organisation_id, case__respondent_id=case.respondent_id
        )
        .exclude(case=case)
        .order_by("-received_at", "-pk")
        .values_list("case_id", "case__reference", "summary")[:MAX_COMPARED]
    )
    best: dict[int, tuple[str, float]] = {}
    for case_id, reference, summary in others:
        theirs = shingles(summary)
        score = max((jaccard(mine, theirs) for mine in own), default=0.0)
        if score >= threshold and score > best.get(case_id, ("", -1.0))[1]:
            best[case_id] = (reference, score)
    visible = set(visible_cases(user).filter(pk__in=best).values_list("pk", flat=True))
    shown = sorted(
        (
            NearDuplicate(case_id=pk, reference=ref, similarity=round(score, 2))
            for pk, (ref, score) in best.items()
            if pk in visible
        ),
        key=lambda d: (-d.similarity, d.reference),
    )
    return shown, len(best) - len(shown), len(others)
