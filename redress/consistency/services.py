"""Similar decided cases and the consistency of sanctions, for a case being decided.

    similar_decided_cases(case, limit=10)      the nearest decided cases by meaning, same
                                               category first; None until the case is embedded
    check_proposed_sanction(case, sanction)    is it far from what those cases received?
    embed_case(case_id)                        the worker's job: (re)compute a case's embedding

A case's text is its allegations' particulars and its complaints' summaries: what it is said the
respondent did, as charged and as reported. Each piece is embedded on its own (the model reads at
most 256 tokens) and the pieces' vectors averaged, so that a case of several allegations is near
each kind of case it resembles.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.utils import timezone

from redress.cases.models import Allegation, Case, Complaint
from redress.cases.services import FINDING_STAGES
from redress.consistency import embedding
from redress.consistency.index import Neighbour, index_of
from redress.consistency.models import CaseEmbedding
from redress.consistency.sanctions import SanctionCheck, check_sanction, most_severe
from redress.rulebook.models import RulebookVersion
from redress.rulebook.selectors import parsed

# Nearest neighbours fetched for each similar-case list: enough that, after dropping undecided
# cases and the case itself, `limit` remain, and that the same category can be put first.
CANDIDATES = 100
# The index's 8-bit vectors put the right cases among its nearest hundred but not always in the
# right order (at a million cases, near-identical ones differ by less than the rounding): the
# stored float vectors of that hundred rank them exactly. Measured in bench/similar_cases.py.
RERANK_POOL = 100


@dataclass(frozen=True)
class SimilarCase:
    case: Case
    similarity: float  # cosine of the two cases' embeddings
    same_category: bool  # shares an allegation category with the case being decided
    outcome: str  # "upheld" if any allegation was upheld, else "not_upheld"
    sanction: str  # the most severe sanction among its upheld allegations ("" for none)


# --- the text of a case and its embedding ---------------------------------------------------


def case_text(case_id: int) -> list[str]:
    """The pieces of text a case is compared by, in a fixed order, each once."""
    pieces = list(
        Allegation.objects.filter(case_id=case_id)
        .order_by("pk")
        .values_list("particulars", flat=True)
    )
    pieces += (
        Complaint.objects.filter(case_id=case_id)
        .order_by("received_at", "pk")
        .values_list("summary", flat=True)
    )
    return list(dict.fromkeys(p.strip() for p in pieces if p.strip()))


def digest_of(pieces: Sequence[str]) -> str:
    return hashlib.sha256("\x1e".join(pieces).encode()).hexdigest()


def current_embedding(case: Case) -> CaseEmbedding | None:
    """The case's embedding if it is of its present text and from the present model."""
    latest = CaseEmbedding.objects.filter(case=case).order_by("-id").first()
    if latest is None or latest.model != embedding.MODEL_ID:
        return None
    if latest.text_digest != digest_of(case_text(case.pk)):
        return None
    return latest


def embed_case(case_id: int) -> CaseEmbedding | None:
    """Compute and store the embedding of a case's present text; nothing if it is already
    stored. The model runs outside any transaction; the row is added, and the case's older ones
    deleted, in one short transaction."""
    case = Case.objects.filter(pk=case_id).only("pk", "organisation_id").first()
    if case is None:
        return None
    pieces = case_text(case_id)
    if not pieces:
        return None
    digest = digest_of(pieces)
    latest = CaseEmbedding.objects.filter(case_id=case_id).order_by("-id").first()
    if latest is not None and latest.text_digest == digest and latest.model == embedding.MODEL_ID:
        return latest
    vectors = embedding.embed_texts(pieces)
    vector = embedding.unit_rows(vectors.mean(axis=0, keepdims=True))[0]
    with transaction.atomic():
        row = CaseEmbedding.objects.create(
            organisation_id=case.organisation_id,
            case_id=case_id,
            model=embedding.MODEL_ID,
            text_digest=digest,
            vector=embedding.to_bytes(vector),
            computed_at=timezone.now(),
        )
        CaseEmbedding.objects.filter(case_id=case_id, id__lt=row.pk).delete()
    return row


def cases_needing_embedding(
    *, organisation_id: int | None = None, recheck: bool = False
) -> list[int]:
    """Cases with no embedding, or (with `recheck`) whose text has changed since theirs."""
    cases = Case.objects.all()
    if organisation_id is not None:
        cases = cases.filter(organisation_id=organisation_id)
    embedded = CaseEmbedding.objects.filter(model=embedding.MODEL_ID)
    if not recheck:
        return list(
            cases.exclude(pk__in=embedded.values("case_id"))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    digests = dict(embedded.values_list("case_id", "text_digest"))
    return [
        pk
        for pk in cases.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=2000)
        if digests.get(pk) != digest_of(case_text(pk))
    ]


def queue_embedding(case_id: int) -> None:
    """Have the worker (re)compute a case's embedding once the current transaction commits."""
    from redress.consistency.tasks import embed_case_task

    transaction.on_commit(lambda: embed_case_task.enqueue(case_id))


def embed_when_filed(complaint: Complaint) -> None:
    """The complaint-filed hook: a new case, or a new complaint on one, changes its text."""
    queue_embedding(complaint.case_id)


# --- similar decided cases ------------------------------------------------------------------


def similar_decided_cases(case: Case, *, limit: int = 10) -> list[SimilarCase] | None:
    """The decided cases of the organisation nearest to `case` by the meaning of their
    allegations and facts: those sharing one of its categories first, each group nearest first.

    None when the case's present text has no embedding yet: one is queued for the worker, and
    the caller shows what it can meanwhile (a plain text comparison, say)."""
    own = current_embedding(case)
    if own is None:
        queue_embedding(case.pk)
        return None
    neighbours = nearest_cases(
        case.organisation_id, embedding.from_bytes(own.vector), CANDIDATES + 1
    )
    similarity = {n.case_id: n.similarity for n in neighbours if n.case_id != case.pk}
    decided = _decided_cases(case.organisation_id, list(similarity))
    categories = set(Allegation.objects.filter(case=case).values_list("category", flat=True))
    scales = _scales([other for other, _ in decided])
    found = [
        SimilarCase(
            case=other,
            similarity=similarity[other.pk],
            same_category=bool(categories & {a.category for a in allegations}),
            outcome=_outcome(allegations),
            sanction=most_severe(
                [a.sanction for a in allegations if a.finding == Allegation.Finding.UPHELD],
                scales[other.rulebook_id],
            ),
        )
        for other, allegations in decided
    ]
    found.sort(key=lambda s: (not s.same_category, -s.similarity))
    return found[:limit]


def nearest_cases(organisation_id: int, vector: np.ndarray, count: int) -> list[Neighbour]:
    """The `count` embedded cases of the organisation nearest to `vector`, nearest first: the
    index proposes at least RERANK_POOL and their stored vectors rank them exactly."""
    pool = index_of(organisation_id).nearest(vector, max(count, RERANK_POOL))
    rows = (
        CaseEmbedding.objects.filter(
            organisation_id=organisation_id,
            case_id__in=[n.case_id for n in pool],
            model=embedding.MODEL_ID,
        )
        .order_by("id")
        .values_list("case_id", "vector")
    )
    exact = {case_id: float(embedding.from_bytes(raw) @ vector) for case_id, raw in rows}
    ranked = sorted(exact.items(), key=lambda item: -item[1])[:count]
    return [Neighbour(case_id, similarity) for case_id, similarity in ranked]


def _decided_cases(
    organisation_id: int, case_ids: list[int]
) -> list[tuple[Case, list[Allegation]]]:
    """Of `case_ids`, those decided: a finding recorded and the decision stage left behind, so
    that the findings are final. Two queries, whatever the number."""
    by_case: dict[int, list[Allegation]] = defaultdict(list)
    for allegation in Allegation.objects.filter(case_id__in=case_ids).only(
        "case_id", "category", "finding", "sanction"
    ):
        by_case[allegation.case_id].append(allegation)
    cases = Case.objects.filter(organisation_id=organisation_id, pk__in=case_ids).exclude(
        stage__in=FINDING_STAGES
    )
    return [(c, by_case[c.pk]) for c in cases if any(a.finding for a in by_case[c.pk])]


def _outcome(allegations: list[Allegation]) -> str:
    upheld = any(a.finding == Allegation.Finding.UPHELD for a in allegations)
    return Allegation.Finding.UPHELD if upheld else Allegation.Finding.NOT_UPHELD


def _scales(cases: list[Case]) -> dict[int, list[str]]:
    """Each rulebook version's sanctions, mildest first, by version id: one query for the few
    versions an organisation has used, whatever the number of cases."""
    versions = RulebookVersion.objects.filter(pk__in={c.rulebook_id for c in cases})
    return {v.pk: [s.code for s in parsed(v).sanctions] for v in versions}


# --- the sanction's consistency -------------------------------------------------------------


def check_proposed_sanction(
    case: Case, sanction: str, *, similar: Sequence[SimilarCase] | None = None
) -> SanctionCheck | None:
    """Whether `sanction`, proposed for `case`, is far from what its similar decided cases
    received (see `redress.consistency.sanctions` for what "far" means). None when the case
    has no embedding yet. Pass `similar` when it is already at hand to save the search."""
    if similar is None:
        similar = similar_decided_cases(case)
    if similar is None:
        return None
    upheld = [(s.sanction, s.similarity) for s in similar if s.outcome == Allegation.Finding.UPHELD]
    return check_sanction(sanction, scale=_scales([case])[case.rulebook_id], similar=upheld)
