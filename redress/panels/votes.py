"""Committee votes: the motion, each member's vote and dissent, and the result the rulebook's
quorum and majority rules give."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from redress.audit.services import record_event
from redress.cases.models import Case
from redress.panels.models import MemberVote, Motion, Vote
from redress.panels.services import PanelError
from redress.people.models import StaffRole, User
from redress.rulebook.schema import Committee
from redress.rulebook.selectors import parsed

VOTE_RECORDERS = (StaffRole.COORDINATOR, StaffRole.ADMIN)


@dataclass(frozen=True)
class Tally:
    result: str
    explanation: str


def tally(rules: Committee, votes: list[str]) -> Tally:
    """The result of a vote under the committee rules. Pure: the votes are plain codes."""
    counts = Counter(votes)
    members = len(votes) - counts[Vote.RECUSED]
    present = counts[Vote.FOR] + counts[Vote.AGAINST] + counts[Vote.ABSTAIN]
    needed = max(1, math.ceil(rules.quorum_share * members - 1e-9))
    summary = (
        f"{counts[Vote.FOR]} for, {counts[Vote.AGAINST]} against, {counts[Vote.ABSTAIN]} "
        f"abstaining, {counts[Vote.ABSENT]} absent, {counts[Vote.RECUSED]} recused"
    )
    if present < needed:
        return Tally(
            Motion.Result.INQUORATE,
            f"{summary}: {present} of {members} members took part and the quorum is {needed}",
        )
    cast = counts[Vote.FOR] + counts[Vote.AGAINST]
    if rules.abstentions_count:
        cast += counts[Vote.ABSTAIN]
    if cast and counts[Vote.FOR] > rules.majority_share * cast:
        return Tally(Motion.Result.CARRIED, f"{summary}: carried")
    return Tally(
        Motion.Result.DEFEATED,
        f"{summary}: defeated (more than {rules.majority_share:.0%} of {cast} votes cast needed)",
    )


def record_motion(
    *,
    case: Case,
    kind: str,
    text: str,
    votes: Mapping[User, str],
    dissents: Mapping[User, str] | None = None,
    actor: User,
) -> Motion:
    """Record a committee's motion on a case with every member's vote, and work out its result."""
    rulebook = parsed(case.rulebook)
    if kind not in rulebook.committee.decides:
        allowed = ", ".join(rulebook.committee.decides) or "nothing"
        raise PanelError(f"the rulebook gives a committee the decision on: {allowed}")
    if not text.strip():
        raise PanelError("write the motion the committee voted on")
    if not votes:
        raise PanelError("record the vote of every member of the committee")
    if not any(actor.has_role(r) for r in VOTE_RECORDERS):
        raise PanelError("only a complaints coordinator or an administrator records a vote")
    dissents = dissents or {}
    for member, vote in votes.items():
        if vote not in Vote.values:
            raise PanelError(f"a vote is one of: {', '.join(Vote.values)}")
        if member.organisation_id != case.organisation_id:
            raise PanelError("every member voting must be staff of this organisation")
    for member in dissents:
        if member not in votes:
            raise PanelError("a dissent is recorded only by a member who voted")
    result = tally(rulebook.committee, list(votes.values()))
    with transaction.atomic():
        motion = Motion.objects.create(
            organisation_id=case.organisation_id,
            case=case,
            kind=kind,
            text=text.strip(),
            result=result.result,
            explanation=result.explanation,
            recorded_by=actor,
            voted_at=timezone.now(),
        )
        MemberVote.objects.bulk_create(
            MemberVote(
                organisation_id=case.organisation_id,
                motion=motion,
                member=member,
                vote=vote,
                dissent=dissents.get(member, "").strip(),
            )
            for member, vote in votes.items()
        )
        record_event(
            organisation=case.organisation_id,
            actor=actor,
            action="committee.voted",
            target=motion,
            case_id=case.pk,
            data={
                "kind": kind,
                "result": result.result,
                "votes": {str(m.pk): v for m, v in votes.items()},
            },
        )
    return motion


def carried(case: Case, kind: str) -> bool:
    """Whether the committee's latest vote of this kind on the case carried."""
    latest = Motion.objects.filter(case=case, kind=kind).order_by("-voted_at", "-pk").first()
    return latest is not None and latest.result == Motion.Result.CARRIED
