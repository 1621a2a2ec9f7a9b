"""Emailing served notices: each attempt recorded, a failed one tried again, none lost.

A notice is served when it is stored (the portal shows it at once); email is a second copy sent
by the worker. An attempt that fails (the mail server down, a refused message) is recorded with
the kind of failure, and the notice is queued again after a growing pause. A notice whose queued
retry was itself lost is found again by `retry_undelivered`, which `redress notices retry` runs:
the unsent notice, not the queue, is the record of what is owed.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from redress.audit.services import record_event
from redress.cases.models import Notice
from redress.portal.models import NoticeDelivery

logger = logging.getLogger(__name__)

# Pauses before the 2nd, 3rd... attempt. After the last, the notice waits for an operator
# (`redress notices retry --all`); it is still in the party's portal meanwhile.
RETRY_PAUSES = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)
MAX_ATTEMPTS = len(RETRY_PAUSES) + 1


class DeliveryFailed(RuntimeError):
    """The mail server did not take the notice. The attempt is recorded and a retry queued."""


def deliver_notice(notice_id: int) -> None:
    """Email one served notice, once. Raises DeliveryFailed (after recording it) if the mail
    server did not accept it, so the worker marks the task failed."""
    failure = _attempt(notice_id)
    if failure is None:
        return
    attempt, reason = failure
    queued = _queue_retry(notice_id, attempt)
    raise DeliveryFailed(
        f"notice {notice_id}: attempt {attempt} failed ({reason}); "
        + ("retry queued" if queued else "waiting for `redress notices retry`")
    )


def _attempt(notice_id: int) -> tuple[int, str] | None:
    """One attempt, in one transaction holding the notice's row, so two workers given the same
    notice never both send it. Returns (attempt, failure) if it failed."""
    with transaction.atomic():
        notice = (
            Notice.objects.select_for_update(of=("self",))
            .select_related("recipient")
            .get(pk=notice_id)
        )
        if notice.emailed_at is not None or notice.recipient is None or not notice.recipient.email:
            return None
        attempt = NoticeDelivery.objects.filter(notice=notice).count() + 1
        now = timezone.now()
        try:
            _send(notice, notice.recipient.email)
        except (smtplib.SMTPException, OSError) as error:
            reason = describe_failure(error)
            _record(notice, attempt, now, delivered=False, failure=reason)
            logger.warning("notice %s: email attempt %s failed: %s", notice.pk, attempt, reason)
            return attempt, reason
        _record(notice, attempt, now, delivered=True, failure="")
        Notice.objects.filter(pk=notice.pk).update(emailed_at=now)
    return None


def _send(notice: Notice, address: str) -> None:
    EmailMessage(
        subject=notice.subject,
        body=notice.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address],
        headers={"Auto-Submitted": "auto-generated"},
    ).send()


def _record(notice: Notice, attempt: int, at: datetime, *, delivered: bool, failure: str) -> None:
    delivery = NoticeDelivery.objects.create(
        organisation_id=notice.organisation_id,
        notice=notice,
        attempt=attempt,
        attempted_at=at,
        delivered=delivered,
        failure=failure,
    )
    record_event(
        organisation=notice.organisation_id,
        actor=None,
        action="notice.emailed" if delivered else "notice.email_failed",
        target=delivery,
        case_id=notice.case_id,
        data={"notice_id": notice.pk, "attempt": attempt, "failure": failure},
    )


def describe_failure(error: BaseException) -> str:
    """The kind of failure, for the record and the log: never the exception's text, which can
    hold the recipient's address."""
    code = getattr(error, "smtp_code", None)
    name = type(error).__name__
    return f"{name} {code}" if isinstance(code, int) else name


def _queue_retry(notice_id: int, attempt: int) -> bool:
    from redress.cases.tasks import email_notice

    if attempt >= MAX_ATTEMPTS:
        return False
    if not email_notice.get_backend().supports_defer:
        return False  # a backend that runs tasks inline cannot wait: the sweep retries it
    run_after = timezone.now() + RETRY_PAUSES[attempt - 1]
    email_notice.using(run_after=run_after).enqueue(notice_id)
    return True


def undelivered(*, include_abandoned: bool = False) -> list[int]:
    """Notices owed an email whose last attempt is older than its retry pause: those whose
    queued retry was lost, or that were never queued. Oldest first."""
    now = timezone.now()
    owed = (
        Notice.objects.filter(emailed_at__isnull=True, recipient__isnull=False)
        .exclude(recipient__email="")
        .annotate(attempts=Count("deliveries"), last=Max("deliveries__attempted_at"))
        .order_by("served_at")
    )
    if not include_abandoned:
        owed = owed.filter(attempts__lt=MAX_ATTEMPTS)
    due = []
    for notice_id, attempts, last, served_at in owed.values_list(
        "pk", "attempts", "last", "served_at"
    ):
        # A notice never tried yet is given the first pause for its queued task to run.
        pause = RETRY_PAUSES[min(max(attempts, 1), len(RETRY_PAUSES)) - 1]
        if include_abandoned or (last or served_at) + pause <= now:
            due.append(notice_id)
    return due


def retry_undelivered(*, include_abandoned: bool = False) -> int:
    """Queue an email for every notice still owed one. Returns how many were queued."""
    from redress.cases.tasks import email_notice

    due = undelivered(include_abandoned=include_abandoned)
    for notice_id in due:
        email_notice.enqueue(notice_id)
    return len(due)


def delivery_state(notice: Notice) -> str:
    """How the email copy of a notice stands, in words for the staff pages."""
    if notice.emailed_at is not None:
        return "emailed"
    if notice.recipient_id is None:
        return "no one to email"
    failed = NoticeDelivery.objects.filter(notice=notice, delivered=False).count()
    if failed >= MAX_ATTEMPTS:
        return f"not emailed: gave up after {failed} failed attempts"
    return f"not yet emailed ({failed} failed attempts)" if failed else "waiting to be emailed"
