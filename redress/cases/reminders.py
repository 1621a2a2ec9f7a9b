"""Reminders to the case officer of a case's deadlines: the acknowledgement and feedback owed to
the complainant (the EU whistleblowing standard's 7 days and 3 months), the stage targets, the
respondent's response window.

`send_deadline_reminders` is run once a day (`redress remind`, from cron or a systemd timer).
For every open deadline it sends at most one reminder of each kind: a few working days before
(`REDRESS_REMIND_WORKING_DAYS_BEFORE`), on the day, and once it is overdue. A reminder goes to the
case officer, or, while the case has none, to the organisation's coordinators. It says which case
(by reference), which deadline and when; never anything about the parties, since email leaves
Redress. The row is the record that a reminder is owed; the email itself goes through the task
worker once the row has committed, and a reminder whose email has not gone an hour later (the
mail server was down, the queued task was lost) is queued again by the next run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from redress.audit.services import record_event
from redress.cases.facts import calendar_of
from redress.cases.models import Assignment, CaseRole, Deadline, DeadlineReminder
from redress.lib.workdays import WorkingCalendar
from redress.people.models import Organisation, StaffRole, User

logger = logging.getLogger(__name__)

Kind = DeadlineReminder.Kind
RETRY_UNSENT_AFTER = timedelta(hours=1)


@dataclass
class ReminderRun:
    """What one run did: the reminders it recorded, and the cases it found nobody to remind
    about (no case officer, and no coordinator with an email address)."""

    sent: list[DeadlineReminder] = field(default_factory=list)
    nobody_to_remind: list[str] = field(default_factory=list)
    requeued: int = 0


def reminder_kind(due_on: date, today: date, calendar: WorkingCalendar, days_before: int) -> str:
    """Which reminder a deadline due on `due_on` is owed today, or "" for none yet."""
    if due_on < today:
        return Kind.OVERDUE
    if due_on == today:
        return Kind.DUE_TODAY
    if calendar.working_days_between(today, due_on) <= days_before:
        return Kind.DUE_SOON
    return ""


def send_deadline_reminders(*, today: date | None = None) -> ReminderRun:
    """Record and queue every reminder owed today that has not been sent already. Safe to run as
    often as you like: each reminder is sent once."""
    today = today or timezone.localdate()
    days_before = settings.REDRESS_REMIND_WORKING_DAYS_BEFORE
    if days_before < 0:
        raise ValueError("REDRESS_REMIND_WORKING_DAYS_BEFORE cannot be negative")
    run = ReminderRun()
    for organisation in Organisation.objects.filter(
        pk__in=Deadline.objects.filter(met_at__isnull=True).values("organisation_id")
    ).order_by("pk"):
        calendar = calendar_of(organisation)
        horizon = calendar.add_working_days(today, days_before)
        candidates = (
            Deadline.objects.filter(
                organisation=organisation,
                met_at__isnull=True,
                due_on__lte=horizon,
                case__closed_at__isnull=True,
            )
            .select_related("case")
            .order_by("due_on", "pk")
        )
        for deadline in candidates:
            kind = reminder_kind(deadline.due_on, today, calendar, days_before)
            if not kind:
                continue
            reminder = _remind(deadline, kind, run)
            if reminder is not None:
                run.sent.append(reminder)
    run.requeued = _requeue_unsent()
    return run


def _requeue_unsent() -> int:
    """Queue again the emails of reminders recorded a while ago and still not sent."""
    unsent = DeadlineReminder.objects.filter(
        emailed_at__isnull=True,
        created_at__lt=timezone.now() - RETRY_UNSENT_AFTER,
        deadline__met_at__isnull=True,
    ).values_list("pk", flat=True)
    queued = 0
    for reminder_id in unsent:
        _queue_email(reminder_id)
        queued += 1
    return queued


def _remind(deadline: Deadline, kind: str, run: ReminderRun) -> DeadlineReminder | None:
    with transaction.atomic():
        # Lock the deadline, so that two runs at once still send one reminder.
        locked = (
            Deadline.objects.select_for_update(of=("self",))
            .select_related("case")
            .filter(pk=deadline.pk, met_at__isnull=True)
            .first()
        )
        if locked is None:
            return None  # met since it was listed
        if DeadlineReminder.objects.filter(
            deadline=locked, kind=kind, due_on=locked.due_on
        ).exists():
            return None
        addressed_to, recipients = _recipients(locked)
        if not recipients:
            run.nobody_to_remind.append(locked.case.reference)
            logger.warning("nobody to remind of %s on case %s", locked.kind, locked.case.reference)
            return None
        reminder = DeadlineReminder.objects.create(
            organisation_id=locked.organisation_id,
            deadline=locked,
            kind=kind,
            due_on=locked.due_on,
            addressed_to=addressed_to,
            created_at=timezone.now(),
        )
        reminder.recipients.set(recipients)
        record_event(
            organisation=locked.organisation_id,
            actor=None,
            action="deadline.reminded",
            target=reminder,
            case_id=locked.case_id,
            data={
                "deadline": locked.kind,
                "kind": kind,
                "due_on": locked.due_on,
                "addressed_to": addressed_to,
                "user_ids": [user.pk for user in recipients],
            },
        )
        transaction.on_commit(lambda: _queue_email(reminder.pk))
    return reminder


def _queue_email(reminder_id: int) -> None:
    from redress.cases.tasks import email_deadline_reminder

    email_deadline_reminder.enqueue(reminder_id)


def _recipients(deadline: Deadline) -> tuple[str, list[User]]:
    """The case officer, if the case has one with an email address; else the coordinators."""
    officers = [
        a.user
        for a in Assignment.objects.filter(
            case_id=deadline.case_id, role=CaseRole.OFFICER, ended_at__isnull=True
        ).select_related("user")
        if a.user.is_active and a.user.email
    ]
    if officers:
        return "officer", officers
    coordinators = list(
        User.objects.filter(
            organisation_id=deadline.organisation_id,
            is_active=True,
            role_grants__role=StaffRole.COORDINATOR,
        )
        .exclude(email="")
        .order_by("pk")
    )
    return "coordinators", coordinators


def deliver_reminder(reminder_id: int) -> None:
    """Email one recorded reminder to its recipients, once (a sent one is skipped)."""
    with transaction.atomic():
        reminder = (
            DeadlineReminder.objects.select_for_update(of=("self",))
            .select_related("deadline__case")
            .get(pk=reminder_id)
        )
        if reminder.emailed_at is not None:
            return
        addresses = [u.email for u in reminder.recipients.order_by("pk") if u.email]
        if addresses:
            subject, body = compose_reminder(reminder)
            EmailMessage(
                subject=subject,
                body=body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=addresses,
                headers={"Auto-Submitted": "auto-generated"},
            ).send()
        DeadlineReminder.objects.filter(pk=reminder.pk).update(emailed_at=timezone.now())


def compose_reminder(reminder: DeadlineReminder) -> tuple[str, str]:
    """The reminder's subject and body: the case reference, the deadline and its date, and a
    link path to the case page. Only those, so no party's name or complaint reaches email."""
    deadline = reminder.deadline
    case = deadline.case
    context = {
        "kind": reminder.kind,
        "reference": case.reference,
        "label": deadline.label,
        "due_on": reminder.due_on,
        "path": reverse("cases:detail", args=[case.pk]),
    }
    text = render_to_string("cases/reminders/deadline.txt", context).strip()
    subject, _, body = text.partition("\n")
    return subject.strip(), body.strip() + "\n"
