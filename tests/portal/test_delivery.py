"""Notices emailed over real SMTP (aiosmtpd on loopback): delivered, recorded, retried."""

from __future__ import annotations

from typing import Any

import pytest

from redress.audit.models import AuditEvent
from redress.cases import services
from redress.cases.models import Deadline, Notice
from redress.portal import delivery
from redress.portal.models import NoticeDelivery
from tests.factories import Cast, file_case, walk_to
from tests.portal.conftest import Mailbox

pytestmark = pytest.mark.django_db


def serve_investigation(cast: Cast, capture: Any) -> Notice:
    case = walk_to(file_case(cast), "investigation", cast)
    with capture(execute=True):
        (notice,) = services.serve_notice(case, kind="investigation", actor=cast.investigator)
    notice.refresh_from_db()
    return notice


def test_an_investigation_notice_reaches_the_respondent_over_smtp(
    cast: Cast, smtp_server: Mailbox, django_capture_on_commit_callbacks: Any
) -> None:
    notice = serve_investigation(cast, django_capture_on_commit_callbacks)

    (message,) = smtp_server.to(cast.respondent.email)
    assert message.rcpt_tos == [cast.respondent.email]
    assert message.subject == notice.subject
    assert notice.case.reference in message.subject
    assert "Repeated abusive messages in the branch group chat." in message.body
    due = Deadline.objects.get(case=notice.case, kind="response", met_at__isnull=True).due_on
    assert f"{due.day} {due:%B %Y}" in message.body
    assert notice.emailed_at is not None
    (attempt,) = NoticeDelivery.objects.filter(notice=notice)
    assert attempt.delivered and attempt.attempt == 1
    assert AuditEvent.objects.filter(action="notice.emailed", case_id=notice.case_id).exists()


def test_a_sent_notice_is_not_sent_again(
    cast: Cast, smtp_server: Mailbox, django_capture_on_commit_callbacks: Any
) -> None:
    notice = serve_investigation(cast, django_capture_on_commit_callbacks)
    delivery.deliver_notice(notice.pk)
    assert len(smtp_server.to(cast.respondent.email)) == 1


def test_a_failed_send_is_recorded_and_delivered_on_retry(
    cast: Cast, smtp_down: int, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    notice = serve_investigation(cast, django_capture_on_commit_callbacks)

    assert notice.emailed_at is None
    (failed,) = NoticeDelivery.objects.filter(notice=notice)
    assert not failed.delivered
    assert failed.failure == "ConnectionRefusedError"
    assert cast.respondent.email not in failed.failure
    assert AuditEvent.objects.filter(action="notice.email_failed").count() == 1

    # The mail server comes back; the sweep finds the notice still owed an email.
    from aiosmtpd.controller import Controller

    from tests.portal.conftest import Mailbox as Box

    mailbox = Box()
    controller = Controller(mailbox, hostname="127.0.0.1", port=smtp_down)
    controller.start()
    try:
        # Earlier notices on the case were never queued in this test: they are owed too.
        owed = delivery.undelivered(include_abandoned=True)
        assert notice.pk in owed
        assert delivery.retry_undelivered(include_abandoned=True) == len(owed)
    finally:
        controller.stop()
    notice.refresh_from_db()
    assert notice.emailed_at is not None
    subjects = [m.subject for m in mailbox.to(cast.respondent.email)]
    assert subjects.count(notice.subject) == 1
    assert list(
        NoticeDelivery.objects.filter(notice=notice).values_list("attempt", "delivered")
    ) == [(1, False), (2, True)]
    assert delivery.undelivered(include_abandoned=True) == []


def test_a_failed_send_is_queued_again_after_a_pause(
    cast: Cast, smtp_down: int, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    case = walk_to(file_case(cast), "investigation", cast)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        (notice,) = services.serve_notice(case, kind="investigation", actor=cast.investigator)
    queued = DBTaskResult.objects.filter(task_path__endswith="email_notice")
    assert queued.count() == 1

    with pytest.raises(delivery.DeliveryFailed):
        delivery.deliver_notice(notice.pk)

    (retry,) = [r for r in queued if r.run_after.year < 9999]  # undeferred: the far future
    assert retry.args_kwargs["args"] == [notice.pk]
    assert retry.run_after > NoticeDelivery.objects.get(notice=notice).attempted_at


def test_the_sweep_leaves_a_notice_alone_while_its_first_email_is_queued(
    cast: Cast, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    case = walk_to(file_case(cast), "investigation", cast)
    with django_capture_on_commit_callbacks(execute=True):
        (notice,) = services.serve_notice(case, kind="investigation", actor=cast.investigator)
    assert notice.pk not in delivery.undelivered()


def test_the_notices_command_counts_and_retries_what_is_owed(
    cast: Cast, smtp_server: Mailbox
) -> None:
    from io import StringIO

    from django.core.management import call_command

    file_case(cast)  # its acknowledgement was never queued: no on-commit in this test
    (owed,) = Notice.objects.filter(kind="acknowledgement")
    Notice.objects.filter(pk=owed.pk).update(served_at=owed.served_at - delivery.RETRY_PAUSES[0])
    out = StringIO()
    call_command("notices", "pending", stdout=out)
    assert out.getvalue().startswith("1 due for another attempt")
    call_command("notices", "retry", stdout=out)
    assert len(smtp_server.to(cast.complainant.email)) == 1
    owed.refresh_from_db()
    assert owed.emailed_at is not None


def test_the_delivery_state_reads_as_words(
    cast: Cast, smtp_down: int, django_capture_on_commit_callbacks: Any
) -> None:
    notice = serve_investigation(cast, django_capture_on_commit_callbacks)
    assert delivery.delivery_state(notice) == "not yet emailed (1 failed attempts)"
