"""What a party does from the portal. Each function is one transaction with its audit event.

A party is not staff: the audit log records these as Redress's own entries (actor "system") with
`"via": "portal"` and the party's side, and the case team is told by email.

Lodging an appeal records the rulebook's `appeal_lodged` decision at once, with Redress as the
actor, rather than a request for the officer to confirm. Lodging an appeal in time is the
party's right, not the officer's decision: the officer has nothing to weigh, and a request
waiting in a queue while the window ran out would let the case close (the rulebook closes it when
the window passes with no appeal lodged). The officer still assigns the appeal panel and moves
the case on.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from redress.audit.services import record_event
from redress.cases import clocks
from redress.cases.models import Case, Decision, Notice, Response
from redress.cases.services import (
    CaseError,
    extend_response_window,
    require_reasons,
    require_role,
)
from redress.people.models import User
from redress.portal.models import Companion, PartyRequest
from redress.portal.selectors import (
    COMPANION_STAGES,
    RESPONSE_CLOCK,
    PartyCase,
    appeal_closes_on,
    response_due_on,
    response_window_open,
)
from redress.rulebook.selectors import parsed

MAX_TEXT = 50_000


def _notify_team(case: Case, what: str) -> None:
    from redress.portal.tasks import email_case_team

    transaction.on_commit(lambda: email_case_team.enqueue(case.pk, what))


def _lock(pc: PartyCase) -> Case:
    return Case.objects.select_for_update().get(pk=pc.case.pk)


def _check_text(text: str, what: str, *, minimum: int = 1) -> str:
    text = text.strip()
    if len(text) < minimum:
        raise CaseError(f"write {what}")
    if len(text) > MAX_TEXT:
        raise CaseError(f"{what} is too long (at most {MAX_TEXT} characters)")
    if "\x00" in text:
        raise CaseError(f"{what} contains a character that cannot be stored")
    return text


def open_notice(pc: PartyCase, notice: Notice) -> Notice:
    """The party reads a notice: the first reading is recorded as its opening."""
    with transaction.atomic():
        first = Notice.objects.filter(pk=notice.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=timezone.now()
        )
        record_event(
            organisation=notice.organisation_id,
            actor=None,
            action="notice.opened" if first else "notice.read",
            target=notice,
            case_id=notice.case_id,
            data={"via": "portal", "party": pc.party, "kind": notice.kind},
        )
    notice.refresh_from_db(fields=["acknowledged_at"])
    return notice


def record_case_viewed(pc: PartyCase) -> None:
    record_event(
        organisation=pc.case.organisation_id,
        actor=None,
        action="portal.case_viewed",
        target=pc.case,
        case_id=pc.case.pk,
        data={"party": pc.party},
    )


def answer_allegations(pc: PartyCase, *, text: str) -> Response:
    """The respondent's answer, taken only while the response window is open."""
    if not pc.is_respondent:
        raise CaseError("only the respondent answers the allegations")
    text = _check_text(text, "your answer")
    with transaction.atomic():
        case = _lock(pc)
        if not response_window_open(case, today=timezone.localdate()):
            raise CaseError(_window_closed(case))
        response = Response.objects.create(
            organisation_id=case.organisation_id,
            case=case,
            text=text,
            received_at=timezone.now(),
            recorded_by=None,
        )
        clocks.meet(case, RESPONSE_CLOCK)
        record_event(
            organisation=case.organisation_id,
            actor=None,
            action="response.received",
            target=response,
            case_id=case.pk,
            data={"via": "portal"},
        )
        _notify_team(case, "the respondent has answered the allegations")
    return response


def _window_closed(case: Case) -> str:
    due = response_due_on(case)
    if case.stage != "investigation" or due is None:
        return "the allegations are not open for an answer now"
    return (
        f"the time to answer ended on {due:%-d %B %Y}; write to the complaints unit if you "
        "could not answer in time"
    )


def ask_for_extension(pc: PartyCase, *, working_days: int, reasons: str) -> PartyRequest:
    """The respondent asks for more time to answer, with reasons. The officer decides."""
    if not pc.is_respondent:
        raise CaseError("only the respondent asks for more time to answer")
    reasons = _check_text(reasons, "why you need more time (at least a sentence)", minimum=10)
    with transaction.atomic():
        case = _lock(pc)
        rulebook = parsed(case.rulebook)
        limits = rulebook.response_extension
        if not response_window_open(case, today=timezone.localdate()):
            raise CaseError(_window_closed(case))
        if not 1 <= working_days <= limits.max_working_days:
            raise CaseError(f"ask for 1 to {limits.max_working_days} working days")
        if Decision.objects.filter(case=case, kind="response_extension").count() >= limits.times:
            raise CaseError("the procedure allows no further extension on this case")
        pending = PartyRequest.objects.filter(
            case=case, person=pc.person, kind=PartyRequest.Kind.EXTENSION, status="pending"
        )
        if pending.exists():
            raise CaseError("you have already asked; the case officer will answer")
        request = PartyRequest.objects.create(
            organisation_id=case.organisation_id,
            case=case,
            kind=PartyRequest.Kind.EXTENSION,
            party=pc.party,
            person=pc.person,
            working_days=working_days,
            reasons=reasons,
            requested_at=timezone.now(),
        )
        record_event(
            organisation=case.organisation_id,
            actor=None,
            action="portal.extension_requested",
            target=request,
            case_id=case.pk,
            data={"via": "portal", "working_days": working_days},
        )
        _notify_team(case, "the respondent asks for more time to answer")
    return request


def answer_extension_request(
    request: PartyRequest, *, grant: bool, reasons: str, actor: User, working_days: int = 0
) -> PartyRequest:
    """The officer (or investigator) grants the request, extending the window through the
    cases service, or refuses it; either way with reasons."""
    require_reasons(reasons)
    with transaction.atomic():
        current = PartyRequest.objects.select_for_update().get(pk=request.pk)
        if current.status != PartyRequest.Status.PENDING:
            raise CaseError("that request has already been answered")
        case = current.case
        require_role(case, ("officer", "investigator"), actor)
        if grant:
            extend_response_window(
                case,
                working_days=working_days or current.working_days or 0,
                reasons=reasons,
                actor=actor,
            )
        current.status = PartyRequest.Status.GRANTED if grant else PartyRequest.Status.REFUSED
        current.answered_at = timezone.now()
        current.answered_by = actor
        current.answer = reasons.strip()
        current.save(update_fields=["status", "answered_at", "answered_by", "answer"])
        record_event(
            organisation=case.organisation_id,
            actor=actor,
            action="portal.extension_answered",
            target=current,
            case_id=case.pk,
            data={"granted": grant},
        )
    return current


def name_companion(pc: PartyCase, *, name: str, capacity: str, contact: str = "") -> Companion:
    """The party names who will accompany them at the hearing; a later name replaces it."""
    name = _check_text(name, "your companion's name")[:200]
    capacity = _check_text(capacity, "who your companion is to you")[:200]
    contact = contact.strip()[:200]
    with transaction.atomic():
        case = _lock(pc)
        if case.stage not in COMPANION_STAGES:
            raise CaseError("a companion is named once the case is going to a hearing")
        now = timezone.now()
        Companion.objects.filter(case=case, person=pc.person, replaced_at__isnull=True).update(
            replaced_at=now
        )
        companion = Companion.objects.create(
            organisation_id=case.organisation_id,
            case=case,
            party=pc.party,
            person=pc.person,
            name=name,
            capacity=capacity,
            contact=contact,
            named_at=now,
        )
        record_event(
            organisation=case.organisation_id,
            actor=None,
            action="portal.companion_named",
            target=companion,
            case_id=case.pk,
            data={"via": "portal", "party": pc.party},
        )
        _notify_team(case, f"the {pc.party} has named a companion for the hearing")
    return companion


def lodge_appeal(pc: PartyCase, *, grounds: str) -> Decision:
    """The party appeals, on stated grounds, while the appeal window is open: recorded as the
    rulebook's `appeal_lodged` decision (see the module's docstring for why not a request)."""
    grounds = _check_text(grounds, "the grounds of your appeal (at least a sentence)", minimum=10)
    with transaction.atomic():
        case = _lock(pc)
        rulebook = parsed(case.rulebook)
        closes = appeal_closes_on(case, rulebook, today=timezone.localdate())
        if closes is None or timezone.localdate() > closes:
            raise CaseError("the case is not open to appeal now")
        outcome = f"by_{pc.party}"
        if outcome not in rulebook.decisions["appeal_lodged"].outcomes:
            raise CaseError("this procedure does not let you appeal")
        already = Decision.objects.filter(
            case=case, kind="appeal_lodged", outcome=outcome, set_aside_at__isnull=True
        )
        if already.exists():
            raise CaseError("you have already lodged an appeal on this case")
        decision = Decision.objects.create(
            organisation_id=case.organisation_id,
            case=case,
            kind="appeal_lodged",
            outcome=outcome,
            reasons=grounds,
            stage=case.stage,
            decided_by=None,
            decided_at=timezone.now(),
        )
        record_event(
            organisation=case.organisation_id,
            actor=None,
            action="case.decision_recorded",
            target=decision,
            case_id=case.pk,
            data={
                "kind": "appeal_lodged",
                "outcome": outcome,
                "stage": case.stage,
                "via": "portal",
            },
        )
        _notify_team(case, f"the {pc.party} has lodged an appeal")
    return decision
