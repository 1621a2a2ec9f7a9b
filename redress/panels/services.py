"""Changes to training records, declared interests and panel members' availability. Each is
one transaction with its audit event; audit data holds ids and codes, never what an interest
is."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils import timezone

from redress.audit.services import record_event
from redress.cases.models import Case
from redress.lib.workdays import add_calendar_months
from redress.panels.models import Availability, Interest, TrainingRecord
from redress.people.models import Person, StaffRole, Unit, User
from redress.rulebook.selectors import current_version, parsed

TRAINING_RECORDERS = (StaffRole.ADMIN, StaffRole.COORDINATOR)


class PanelError(ValueError):
    """A change to training, interests, availability or a panel that cannot be made, and why."""


def record_training(
    user: User, *, subject: str, completed_on: date, actor: User | None
) -> TrainingRecord:
    """Record that `user` completed training in `subject`; it counts for the rulebook's
    `training.valid_for_months`."""
    if user.organisation is None:
        raise PanelError("that account belongs to no organisation")
    rulebook = parsed(current_version(user.organisation))
    if subject not in rulebook.training.subjects:
        known = ", ".join(rulebook.training.subjects)
        raise PanelError(f"the rulebook has no training subject {subject!r}; use one of {known}")
    if completed_on > timezone.localdate():
        raise PanelError("training is recorded once it has been completed, not before")
    _require_recorder(actor)
    expires_on = add_calendar_months(completed_on, rulebook.training.valid_for_months)
    with transaction.atomic():
        record = TrainingRecord.objects.create(
            organisation=user.organisation,
            user=user,
            subject=subject,
            completed_on=completed_on,
            expires_on=expires_on,
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
        record_event(
            organisation=user.organisation,
            actor=actor,
            action="training.recorded",
            target=record,
            data={"user_id": user.pk, "subject": subject, "expires_on": expires_on},
        )
    return record


def _require_recorder(actor: User | None) -> None:
    if actor is not None and not any(actor.has_role(r) for r in TRAINING_RECORDERS):
        raise PanelError("only an administrator or a complaints coordinator records this")


def declare_interest(
    user: User,
    *,
    kind: str,
    description: str,
    person: Person | None = None,
    unit: Unit | None = None,
    case: Case | None = None,
    actor: User | None = None,
) -> Interest:
    """Record an interest `user` declares in a person, a unit or one case. While it stands they
    cannot be assigned to any case it touches; if they are on such a case now, they must be
    taken off it (the declaration says so, and the audit log records it)."""
    if kind not in Interest.Kind.values:
        raise PanelError(f"unknown kind of interest {kind!r}")
    if not description.strip():
        raise PanelError("describe the interest")
    if person is None and unit is None and case is None:
        raise PanelError("say whom, which unit or which case the interest is in")
    for thing in (person, unit, case):
        if thing is not None and thing.organisation_id != user.organisation_id:
            raise PanelError("the interest must be in this organisation's people, units or cases")
    if actor is not None and actor.pk != user.pk:
        _require_recorder(actor)
    organisation_id = _organisation_id(user)
    with transaction.atomic():
        interest = Interest.objects.create(
            organisation_id=organisation_id,
            user=user,
            kind=kind,
            person=person,
            unit=unit,
            case=case,
            description=description.strip(),
            declared_at=timezone.now(),
        )
        record_event(
            organisation=organisation_id,
            actor=actor or user,
            action="interest.declared",
            target=interest,
            case_id=case.pk if case is not None else None,
            data={"user_id": user.pk, "kind": kind},
        )
    return interest


def withdraw_interest(interest: Interest, *, actor: User) -> None:
    if actor.pk != interest.user_id:
        _require_recorder(actor)
    with transaction.atomic():
        updated = Interest.objects.filter(pk=interest.pk, withdrawn_at__isnull=True).update(
            withdrawn_at=timezone.now()
        )
        if not updated:
            raise PanelError("that interest has already been withdrawn")
        record_event(
            organisation=interest.organisation_id,
            actor=actor,
            action="interest.withdrawn",
            target=interest,
        )


def offer_availability(user: User, *, days: Iterable[date], actor: User | None = None) -> int:
    """Record days `user` offers to sit on panels; returns how many were new."""
    wanted = sorted(set(days))
    if not user.has_role(StaffRole.PANELLIST):
        raise PanelError(f"{user.username} is not a panel member")
    organisation_id = _organisation_id(user)
    with transaction.atomic():
        created = Availability.objects.bulk_create(
            [Availability(organisation_id=organisation_id, user=user, on=d) for d in wanted],
            ignore_conflicts=True,
        )
        record_event(
            organisation=organisation_id,
            actor=actor or user,
            action="availability.offered",
            target=user,
            data={"days": len(wanted)},
        )
    return len(created)


def _organisation_id(user: User) -> int:
    if user.organisation_id is None:
        raise PanelError("that account belongs to no organisation")
    return user.organisation_id
