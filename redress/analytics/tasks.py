"""Background work for analytics, run by `redress worker`."""

from __future__ import annotations

from django_tasks import task

from redress.analytics import survey
from redress.analytics.facts import refresh_case_facts


@task()
def email_survey_invitation(invitation_id: int) -> None:
    """Email one survey invitation. Safe to run twice: a sent invitation is skipped."""
    survey.email_invitation(invitation_id)


@task()
def refresh_all_case_facts() -> int:
    """Rebuild every live case's fact row, for a scheduler that queues work rather than
    running `redress analytics refresh`. Returns how many rows were refreshed."""
    return refresh_case_facts().refreshed
