"""Proposing panels from the pool, and recording what was done with each proposal.

`propose_panels` gathers what the solver needs (who may sit on which case, who is available,
trained to chair, how loaded and how the pool is made up) in a fixed number of queries, asks
`composition.staff_round`, and records each proposal with its audit event. `accept_proposal`
and `override_proposal` appoint the panel through `redress.cases.services.assign`, which refuses
anyone conflicted or untrained whatever the proposal said.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from redress.audit.services import record_event
from redress.cases import services as case_services
from redress.cases.models import Assignment, Case, CaseRole
from redress.panels import eligibility, votes
from redress.panels.composition import HearingToStaff, Member, RoundResult, staff_round
from redress.panels.models import Availability, PanelKind, PanelProposal, TrainingRecord
from redress.panels.services import PanelError
from redress.people.equality import composition_facts
from redress.people.models import Organisation, StaffRole, User
from redress.rulebook.selectors import parsed

APPEAL_STAGES = ("review", "appeal_window", "appeal")
PROPOSERS = (StaffRole.COORDINATOR, StaffRole.ADMIN)
ROLE_OF_KIND = {PanelKind.PANEL: CaseRole.PANELLIST, PanelKind.APPEAL: CaseRole.APPEAL_PANELLIST}


@dataclass(frozen=True)
class Request:
    """One case to staff, and the date its hearing is planned for, if known."""

    case: Case
    hearing_on: date | None = None


def kind_for(case: Case) -> str:
    return PanelKind.APPEAL if case.stage in APPEAL_STAGES else PanelKind.PANEL


def pool_of(organisation: Organisation) -> list[User]:
    return list(
        User.objects.filter(
            organisation=organisation,
            is_active=True,
            role_grants__role=StaffRole.PANELLIST,
        ).order_by("pk")
    )


def propose_panels(
    organisation: Organisation,
    requests: Iterable[Request],
    *,
    actor: User | None,
    seconds: float = 30.0,
    workers: int = 2,
) -> tuple[list[PanelProposal], RoundResult]:
    """Propose a panel for every case in one scheduling round, and record each proposal."""
    requests = list(requests)
    if actor is not None and not any(actor.has_role(r) for r in PROPOSERS):
        raise PanelError("only a complaints coordinator or an administrator proposes panels")
    if not requests:
        raise PanelError("there is no case to propose a panel for")
    today = timezone.localdate()
    for request in requests:
        _check_request(organisation, request, today)
    users = pool_of(organisation)
    rules = parsed(requests[0].case.rulebook).panels
    hearings, pool = _round(organisation, requests, users, today)
    result = staff_round(hearings, pool, rules, seconds=seconds, workers=workers)
    now = timezone.now()
    with transaction.atomic():
        proposals = PanelProposal.objects.bulk_create(
            PanelProposal(
                organisation=organisation,
                case=request.case,
                kind=kind_for(request.case),
                hearing_on=request.hearing_on,
                members=sorted(result.staffings[request.case.pk].members),
                chair=result.staffings[request.case.pk].chair,
                feasible=not result.staffings[request.case.pk].shortfalls,
                shortfalls=result.staffings[request.case.pk].shortfalls,
                proposed_by=actor,
                proposed_at=now,
            )
            for request in requests
        )
        for proposal in proposals:
            record_event(
                organisation=organisation,
                actor=actor,
                action="panel.proposed",
                target=proposal,
                case_id=proposal.case_id,
                data={
                    "kind": proposal.kind,
                    "members": proposal.members,
                    "chair": proposal.chair,
                    "feasible": proposal.feasible,
                    "shortfalls": proposal.shortfalls,
                },
            )
    return proposals, result


def propose_panel(
    case: Case, *, actor: User | None, hearing_on: date | None = None
) -> PanelProposal:
    """Propose a panel (or, after the decision, an appeal panel) for one case."""
    if hearing_on is None and kind_for(case) == PanelKind.PANEL:
        planned = (
            case.hearings.filter(set_aside_at__isnull=True, starts_at__gt=timezone.now())
            .order_by("starts_at")
            .first()
        )
        hearing_on = timezone.localtime(planned.starts_at).date() if planned else None
    proposals, _ = propose_panels(
        case.organisation, [Request(case, hearing_on)], actor=actor, workers=1
    )
    return proposals[0]


def _check_request(organisation: Organisation, request: Request, today: date) -> None:
    case = request.case
    if case.organisation_id != organisation.pk:
        raise PanelError("that case belongs to another organisation")
    if not case.is_open:
        raise PanelError(f"{case.reference} is closed")
    if request.hearing_on is not None and request.hearing_on < today:
        raise PanelError("the hearing date has passed")
    role = ROLE_OF_KIND[PanelKind(kind_for(case))]
    if Assignment.objects.filter(case=case, role=role, ended_at__isnull=True).exists():
        raise PanelError(f"{case.reference} already has its {CaseRole(role).label.lower()}s")


def _round(
    organisation: Organisation, requests: list[Request], users: list[User], today: date
) -> tuple[list[HearingToStaff], list[Member]]:
    contexts = eligibility.case_contexts([r.case for r in requests])
    candidates = eligibility.candidates(users, on=today)
    rulebooks = {r.case.pk: parsed(r.case.rulebook) for r in requests}
    rules = rulebooks[requests[0].case.pk].panels
    facts = composition_facts(organisation, [c.person_id for c in candidates if c.person_id])
    loads = eligibility.open_case_loads(
        [c.user_id for c in candidates], [CaseRole.PANELLIST, CaseRole.APPEAL_PANELLIST]
    )
    dates = {r.hearing_on for r in requests if r.hearing_on is not None}
    offered: dict[int, set[date]] = {c.user_id: set() for c in candidates}
    if dates:
        for user_id, day in Availability.objects.filter(
            user_id__in=list(offered), on__in=sorted(dates)
        ).values_list("user_id", "on"):
            offered[user_id].add(day)
    chairs: set[int] = set()
    if rules.chair_subject:
        chairs = set(
            TrainingRecord.objects.filter(
                user_id__in=list(offered),
                subject=rules.chair_subject,
                completed_on__lte=today,
                expires_on__gte=today,
            ).values_list("user_id", flat=True)
        )
    pool = [
        Member(
            user_id=c.user_id,
            username=c.username,
            gender=facts.gender.get(c.person_id or 0, ""),
            minority=(c.person_id or 0) in facts.ethnic_minority,
            can_chair=c.user_id in chairs or not rules.chair_subject,
            load=loads.get(c.user_id, 0),
            available=frozenset(offered[c.user_id]) if dates else None,
        )
        for c in candidates
    ]
    hearings = []
    for request in requests:
        case = request.case
        rulebook = rulebooks[case.pk]
        context = contexts[case.pk]
        kind = PanelKind(kind_for(case))
        role = ROLE_OF_KIND[kind]
        excluded: set[int] = set()
        why: Counter[str] = Counter()
        for candidate in candidates:
            if eligibility.conflicts(context, candidate, role):
                excluded.add(candidate.user_id)
                why["conflicted"] += 1
            elif eligibility.training_gaps(rulebook, context, candidate, role):
                excluded.add(candidate.user_id)
                why["not trained"] += 1
        if request.hearing_on is not None:
            why["not available that day"] = sum(
                1
                for m in pool
                if m.user_id not in excluded and request.hearing_on not in (m.available or ())
            )
        hearings.append(
            HearingToStaff(
                case_id=case.pk,
                reference=case.reference,
                size=rules.size if kind == PanelKind.PANEL else rules.appeal_size,
                hearing_on=request.hearing_on,
                needs_minority=rules.needs_minority_member(context.categories),
                excluded=frozenset(excluded),
                excluded_reasons=tuple(
                    f"{count} {reason}" for reason, count in why.items() if count
                ),
            )
        )
    return hearings, pool


# --- What is done with a proposal ------------------------------------------------------------


def accept_proposal(proposal: PanelProposal, *, actor: User | None) -> list[Assignment]:
    """Appoint the panel as proposed. A proposal that could not meet every constraint is not
    accepted as it stands: override it, with reasons."""
    if not proposal.feasible:
        raise PanelError(
            "this proposal does not meet the rulebook's constraints; appoint a panel by "
            "overriding it, with written reasons"
        )
    return _appoint(
        proposal,
        members=list(User.objects.filter(pk__in=proposal.members)),
        chair_id=proposal.chair,
        reasons="",
        actor=actor,
    )


def override_proposal(
    proposal: PanelProposal,
    *,
    members: list[User],
    chair: User | None,
    reasons: str,
    actor: User | None,
) -> list[Assignment]:
    """Appoint a panel other than the one proposed, with the written reasons for departing
    from it. Conflicts and training are still checked for everyone."""
    if len(reasons.strip()) < 10:
        raise PanelError("write the reasons for departing from the proposal")
    return _appoint(
        proposal,
        members=members,
        chair_id=chair.pk if chair is not None else None,
        reasons=reasons.strip(),
        actor=actor,
    )


def _appoint(
    proposal: PanelProposal,
    *,
    members: list[User],
    chair_id: int | None,
    reasons: str,
    actor: User | None,
) -> list[Assignment]:
    case = proposal.case
    rulebook = parsed(case.rulebook)
    if proposal.status != PanelProposal.Status.PROPOSED:
        raise PanelError("this proposal has already been dealt with")
    if "panel_appointment" in rulebook.committee.decides and not votes.carried(
        case, "panel_appointment"
    ):
        raise PanelError("the committee has not voted to appoint the panel")
    if not members:
        raise PanelError("a panel needs members")
    if chair_id is not None and chair_id not in {m.pk for m in members}:
        raise PanelError("the chair must be one of the panel")
    role = ROLE_OF_KIND[PanelKind(proposal.kind)]
    with transaction.atomic():
        assignments = [
            case_services.assign(
                case, user=member, role=role, actor=actor, chair=member.pk == chair_id
            )
            for member in members
        ]
        status = PanelProposal.Status.OVERRIDDEN if reasons else PanelProposal.Status.ACCEPTED
        PanelProposal.objects.filter(pk=proposal.pk).update(
            status=status,
            appointed=sorted(m.pk for m in members),
            appointed_chair=chair_id,
            override_reasons=reasons,
            decided_by=actor,
            decided_at=timezone.now(),
        )
        PanelProposal.objects.filter(
            case=case, kind=proposal.kind, status=PanelProposal.Status.PROPOSED
        ).exclude(pk=proposal.pk).update(status=PanelProposal.Status.SUPERSEDED)
        record_event(
            organisation=case.organisation_id,
            actor=actor,
            action=f"panel.{status}",
            target=proposal,
            case_id=case.pk,
            data={
                "members": sorted(m.pk for m in members),
                "chair": chair_id,
                "reasons": reasons,
            },
        )
    proposal.refresh_from_db()
    return assignments
