"""Interim (administrative) suspension: a separate track beside the case's stages.

Only for a compelling reason recorded at the time; decided by the role the rulebook names (never
the investigator); not in force until the respondent has been served a notice with the reasons,
the review date and how to challenge it; reviewed on a cycle; lapses at the rulebook's limit
unless the independent reviewer extends it with reasons (Chakrabarti rec. 10; ACAS).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from redress.audit.services import record_event
from redress.cases import services
from redress.cases.facts import calendar_of
from redress.cases.models import Case, InterimSuspension
from redress.people.models import User
from redress.rulebook.selectors import parsed

LIVE = (InterimSuspension.Status.DECIDED, InterimSuspension.Status.IN_FORCE)
# The independent reviewer, not whoever decided it, extends a suspension past its lapse date.
EXTENDERS = ("reviewer",)
MAX_EXTENSION_WORKING_DAYS = 60
CaseError = services.CaseError


def decide_suspension(
    case: Case,
    *,
    ground: str,
    reasons: str,
    actor: User,
    selection_pending_caution: str = "",
) -> InterimSuspension:
    """Record a decision to suspend the respondent for now. It is not in force until served."""
    if ground not in InterimSuspension.Ground.values:
        grounds = ", ".join(g.label.lower() for g in InterimSuspension.Ground)
        raise CaseError(f"a suspension needs a compelling reason: {grounds}")
    services.require_reasons(reasons)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        rulebook = parsed(locked.rulebook)
        if not locked.is_open:
            raise CaseError("the case is closed")
        services.require_role(locked, rulebook.suspension.decided_by, actor)
        if InterimSuspension.objects.filter(case=locked, status__in=LIVE).exists():
            raise CaseError("a suspension on this case is already decided or in force")
        suspension = InterimSuspension.objects.create(
            organisation_id=locked.organisation_id,
            case=locked,
            ground=ground,
            reasons=reasons.strip(),
            selection_pending_caution=selection_pending_caution.strip(),
            decided_by=actor,
            decided_at=timezone.now(),
        )
        record_event(
            organisation=locked.organisation_id,
            actor=actor,
            action="suspension.decided",
            target=suspension,
            case_id=locked.pk,
            data={"ground": ground},
        )
    return suspension


def serve_suspension(suspension: InterimSuspension, *, actor: User) -> InterimSuspension:
    """Serve the notice on the respondent; from that moment the suspension is in force, with
    its first review date and the date it lapses."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=suspension.case_id)
        rulebook = parsed(case.rulebook)
        services.require_role(case, rulebook.suspension.decided_by, actor)
        current = InterimSuspension.objects.select_for_update().get(pk=suspension.pk)
        if current.status != InterimSuspension.Status.DECIDED:
            raise CaseError("only a decided suspension that has not been served can be served")
        calendar = calendar_of(case.organisation)
        today = timezone.localdate()
        current.review_due_on = calendar.add_working_days(
            today, rulebook.suspension.review_every_working_days
        )
        current.lapses_on = calendar.add_working_days(
            today, rulebook.suspension.lapses_after_working_days
        )
        current.save(update_fields=["review_due_on", "lapses_on"])
        (notice,) = services.issue_notices(case, rulebook, kind="suspension", actor=actor)
        current.notice = notice
        current.status = InterimSuspension.Status.IN_FORCE
        current.in_force_from = notice.served_at
        current.save(update_fields=["notice", "status", "in_force_from"])
        _open_review_clock(case, current.review_due_on)
        record_event(
            organisation=case.organisation_id,
            actor=actor,
            action="suspension.in_force",
            target=current,
            case_id=case.pk,
            data={"review_due_on": current.review_due_on, "lapses_on": current.lapses_on},
        )
    return current


def review_suspension(
    suspension: InterimSuspension, *, keep: bool, reasons: str, actor: User
) -> InterimSuspension:
    """The periodic review: keep it (until the next review, never past its lapse date) or lift
    it. Either way with reasons."""
    if not keep:
        return lift_suspension(suspension, reasons=reasons, actor=actor)
    services.require_reasons(reasons)
    with transaction.atomic():
        case, current = _lock_in_force(suspension)
        rulebook = parsed(case.rulebook)
        services.require_role(case, rulebook.suspension.decided_by, actor)
        calendar = calendar_of(case.organisation)
        next_review = calendar.add_working_days(
            timezone.localdate(), rulebook.suspension.review_every_working_days
        )
        assert current.lapses_on is not None
        current.review_due_on = min(next_review, current.lapses_on)
        current.save(update_fields=["review_due_on"])
        _open_review_clock(case, current.review_due_on)
        record_event(
            organisation=case.organisation_id,
            actor=actor,
            action="suspension.reviewed",
            target=current,
            case_id=case.pk,
            data={"kept": True, "reasons": reasons.strip(), "review_due_on": current.review_due_on},
        )
    return current


def extend_suspension(
    suspension: InterimSuspension, *, working_days: int, reasons: str, actor: User
) -> InterimSuspension:
    """Only the independent reviewer extends a suspension past its lapse date, with reasons."""
    services.require_reasons(reasons)
    if not 1 <= working_days <= MAX_EXTENSION_WORKING_DAYS:
        raise CaseError(f"an extension is 1 to {MAX_EXTENSION_WORKING_DAYS} working days")
    with transaction.atomic():
        case, current = _lock_in_force(suspension)
        services.require_role(case, EXTENDERS, actor)
        assert current.lapses_on is not None
        current.lapses_on = calendar_of(case.organisation).add_working_days(
            current.lapses_on, working_days
        )
        current.save(update_fields=["lapses_on"])
        record_event(
            organisation=case.organisation_id,
            actor=actor,
            action="suspension.extended",
            target=current,
            case_id=case.pk,
            data={"working_days": working_days, "lapses_on": current.lapses_on},
        )
    return current


def lift_suspension(
    suspension: InterimSuspension, *, reasons: str, actor: User
) -> InterimSuspension:
    services.require_reasons(reasons)
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=suspension.case_id)
        rulebook = parsed(case.rulebook)
        services.require_role(case, rulebook.suspension.decided_by, actor)
        current = InterimSuspension.objects.select_for_update().get(pk=suspension.pk)
        if current.status not in LIVE:
            raise CaseError("the suspension has already ended")
        _end(case, current, InterimSuspension.Status.LIFTED, reasons.strip(), actor)
    return current


def lapse_expired_suspensions(*, today: date | None = None) -> int:
    """End every suspension whose lapse date has passed. Run daily by the worker."""
    today = today or timezone.localdate()
    lapsed = 0
    due = InterimSuspension.objects.filter(
        status=InterimSuspension.Status.IN_FORCE, lapses_on__lt=today
    ).values_list("pk", flat=True)
    for pk in due:
        with transaction.atomic():
            current = InterimSuspension.objects.select_for_update().get(pk=pk)
            if current.status != InterimSuspension.Status.IN_FORCE:
                continue
            case = Case.objects.get(pk=current.case_id)
            _end(
                case,
                current,
                InterimSuspension.Status.LAPSED,
                "lapsed at the rulebook's time limit",
                None,
            )
            lapsed += 1
    return lapsed


def _lock_in_force(suspension: InterimSuspension) -> tuple[Case, InterimSuspension]:
    case = Case.objects.select_for_update().get(pk=suspension.case_id)
    current = InterimSuspension.objects.select_for_update().get(pk=suspension.pk)
    if current.status == InterimSuspension.Status.DECIDED:
        raise CaseError(
            "the suspension is not in force: its notice has not been served on the respondent"
        )
    if current.status != InterimSuspension.Status.IN_FORCE:
        raise CaseError("the suspension is not in force")
    return case, current


def _end(
    case: Case, current: InterimSuspension, status: str, reasons: str, actor: User | None
) -> None:
    current.status = status
    current.ended_at = timezone.now()
    current.end_reasons = reasons
    current.save(update_fields=["status", "ended_at", "end_reasons"])
    services.clocks.meet(case, REVIEW_CLOCK)
    record_event(
        organisation=case.organisation_id,
        actor=actor,
        action=f"suspension.{status}",
        target=current,
        case_id=case.pk,
        data={"reasons": reasons},
    )


REVIEW_CLOCK = "suspension_review"


def _open_review_clock(case: Case, due_on: date) -> None:
    services.clocks.open_clock(
        case, kind=REVIEW_CLOCK, label="Review the interim suspension", due_on=due_on
    )
