"""Complainant concentration and campaigns across the organisation, for coordinators and
oversight. The per-case view an officer sees at triage is `redress.cases.concentration`; this
is the organisation-wide picture, built on the same similarity measure.

Shown with the caution the source texts call for: volume is not a reason to dismiss. A prolific
complainant may be the one witness to a pattern, and many people may truly have seen the same
thing. Complainants appear only by count, never by name or pseudonym.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count

from redress.analytics.selectors import case_facts
from redress.cases.models import Complaint
from redress.cases.selectors import visible_cases
from redress.lib.similarity import NEAR_DUPLICATE, jaccard, shingles
from redress.people.models import Organisation, User

LOOKBACK_DAYS = 365
MAX_COMPARED_PER_RESPONDENT = 500
MIN_CLUSTER = 3
CAUTION = (
    "Volume is not a reason to dismiss a complaint: a prolific complainant may be the one "
    "witness to a pattern, and many people may truly have seen the same thing. Each complaint "
    "is assessed on its own merits."
)


@dataclass(frozen=True)
class Concentration:
    since: date
    complaints: int
    named_complaints: int
    complainants: int
    top_shares: dict[int, float]  # top N complainants' share of named complaints
    prolific: int  # complainants with 10 or more complaints


def complainant_concentration(organisation: Organisation, *, today: date) -> Concentration:
    since = today - timedelta(days=LOOKBACK_DAYS)
    facts = case_facts(organisation, received_from=since, received_to=today)
    complaints = facts.count()
    per_ref = list(
        facts.exclude(complainant_ref="")
        .values("complainant_ref")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("n", flat=True)
    )
    named = sum(per_ref)
    return Concentration(
        since=since,
        complaints=complaints,
        named_complaints=named,
        complainants=len(per_ref),
        top_shares={k: (sum(per_ref[:k]) / named if named else 0.0) for k in (1, 5, 10)},
        prolific=sum(1 for n in per_ref if n >= 10),
    )


@dataclass(frozen=True)
class Cluster:
    size: int
    complainants: int
    anonymous: int
    first_received: date
    last_received: date
    references: list[str]  # only those of cases the reader may open
    not_visible: int


def near_identical_clusters(
    user: User, organisation: Organisation, *, today: date
) -> list[Cluster]:
    """Groups of at least MIN_CLUSTER near-identical complaints about the same respondent in
    the last year, largest first."""
    since = today - timedelta(days=LOOKBACK_DAYS)
    rows = (
        Complaint.objects.filter(organisation=organisation, received_at__date__gte=since)
        .order_by("case__respondent_id", "-received_at")
        .values_list(
            "pk",
            "case_id",
            "case__reference",
            "case__respondent_id",
            "complainant_id",
            "received_at",
            "summary",
        )
    )
    by_respondent: dict[int, list[tuple]] = {}
    for row in rows:
        kept = by_respondent.setdefault(row[3], [])
        if len(kept) < MAX_COMPARED_PER_RESPONDENT:
            kept.append(row)
    found = [
        members
        for complaints in by_respondent.values()
        for members in _clusters(complaints)
        if len(members) >= MIN_CLUSTER
    ]
    case_ids = {m[1] for members in found for m in members}
    visible = set(visible_cases(user).filter(pk__in=case_ids).values_list("pk", flat=True))
    clusters = []
    for members in found:
        refs = sorted({m[2] for m in members if m[1] in visible})
        in_cluster = {m[1] for m in members}
        clusters.append(
            Cluster(
                size=len(members),
                complainants=len({m[4] for m in members if m[4] is not None}),
                anonymous=sum(1 for m in members if m[4] is None),
                first_received=min(m[5] for m in members).date(),
                last_received=max(m[5] for m in members).date(),
                references=refs,
                not_visible=len(in_cluster) - len(refs),
            )
        )
    return sorted(clusters, key=lambda c: -c.size)


def _clusters(complaints: list[tuple]) -> list[list[tuple]]:
    """Complaints joined wherever two are near-identical (single linkage)."""
    parent = list(range(len(complaints)))

    def root(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    texts = [shingles(c[6]) for c in complaints]
    for i in range(len(complaints)):
        for j in range(i + 1, len(complaints)):
            if jaccard(texts[i], texts[j]) >= NEAR_DUPLICATE:
                parent[root(i)] = root(j)
    groups: dict[int, list[tuple]] = {}
    for k, complaint in enumerate(complaints):
        groups.setdefault(root(k), []).append(complaint)
    return list(groups.values())
