"""Background work for cases, run by `redress worker`."""

from __future__ import annotations

from django_tasks import task

from redress.portal.delivery import deliver_notice


@task()
def email_notice(notice_id: int) -> None:
    """Email a served notice to its recipient. Safe to run twice: a sent notice is skipped. A
    failed attempt is recorded and retried (see `redress.portal.delivery`)."""
    deliver_notice(notice_id)
