"""Background work for cases, run by `redress worker`."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone
from django_tasks import task

from redress.cases.models import Notice


@task()
def email_notice(notice_id: int) -> None:
    """Email a served notice to its recipient. Safe to run twice: a sent notice is skipped."""
    notice = Notice.objects.select_related("recipient").get(pk=notice_id)
    if notice.emailed_at is not None or notice.recipient is None or not notice.recipient.email:
        return
    EmailMessage(
        subject=notice.subject,
        body=notice.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notice.recipient.email],
    ).send()
    Notice.objects.filter(pk=notice_id, emailed_at__isnull=True).update(emailed_at=timezone.now())
