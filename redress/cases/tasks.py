"""Background work for cases, run by `redress worker`."""

from __future__ import annotations

from django_tasks import task

from redress.cases import reminders
from redress.portal.delivery import deliver_notice


@task()
def email_notice(notice_id: int) -> None:
    """Email a served notice to its recipient. Safe to run twice: a sent notice is skipped. A
    failed attempt is recorded and retried (see `redress.portal.delivery`)."""
    deliver_notice(notice_id)


@task()
def email_deadline_reminder(reminder_id: int) -> None:
    """Email a recorded deadline reminder to the case officer or the coordinators. Safe to run
    twice: a sent reminder is skipped."""
    reminders.deliver_reminder(reminder_id)


@task()
def send_deadline_reminders() -> int:
    """Send the deadline reminders owed today, for a scheduler that queues work rather than
    running `redress remind`. Returns how many reminders were recorded."""
    return len(reminders.send_deadline_reminders().sent)
