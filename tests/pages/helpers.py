"""Small helpers for the staff page tests."""

from __future__ import annotations

import html

from django.http import HttpResponse
from django.test import Client

from redress.audit.models import AuditEvent
from redress.cases import services
from redress.cases.models import Case
from redress.people.models import User
from tests.factories import REASONS, Cast


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def text_of(response: HttpResponse) -> str:
    """The page's HTML with entities decoded, so assertions read like the page does."""
    return html.unescape(response.content.decode())


def ready_for_investigation(case: Case, cast: Cast) -> Case:
    """A triage case whose move to investigation the rulebook now allows the officer."""
    services.record_decision(
        case, kind="triage", outcome="investigation", reasons=REASONS, actor=cast.officer
    )
    services.record_decision(
        case, kind="interim_measures", outcome="not_needed", reasons=REASONS, actor=cast.officer
    )
    services.assign(case, user=cast.investigator, role="investigator", actor=cast.coordinator)
    return case


def audit_count(case: Case) -> int:
    """The events that record a change to the case (showing the page again is a read, which is
    audited too, and so left out)."""
    return AuditEvent.objects.filter(case_id=case.pk).exclude(action="case.viewed").count()


def refused_on_the_page(response: HttpResponse, because: str) -> None:
    """The page came back (400) with the refusal on the form and in the error summary."""
    assert response.status_code == 400
    page = text_of(response)
    assert f"Nothing was changed, because {because}" in page
    assert "There is a problem" in page


def action_keys(response: HttpResponse, name: str) -> list[str]:
    """The ids of the action forms the page offers in one of its sections."""
    return [action.key for action in response.context[name]]
