"""The case officer answers a party's request for more time on the staff side."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from redress.cases import services
from redress.cases.models import Case, Deadline
from redress.portal import services as portal_services
from redress.portal.models import PartyRequest
from redress.portal.selectors import party_case
from tests.factories import Cast, file_case, walk_to
from tests.portal.conftest import Mailbox
from tests.portal.helpers import text_of

pytestmark = pytest.mark.django_db


def with_request(cast: Cast, capture: Any = None) -> tuple[Case, PartyRequest]:
    case = walk_to(file_case(cast), "investigation", cast)
    services.serve_notice(case, kind="investigation", actor=cast.investigator)
    pc = party_case(cast.respondent, case.pk)
    if capture is None:
        return case, portal_services.ask_for_extension(
            pc, working_days=4, reasons="A family bereavement this week."
        )
    with capture(execute=True):
        request = portal_services.ask_for_extension(
            pc, working_days=4, reasons="A family bereavement this week."
        )
    return case, request


def test_the_team_is_emailed_without_personal_details(
    cast: Cast, smtp_server: Mailbox, django_capture_on_commit_callbacks: Any
) -> None:
    cast.officer.email = "officer@example.org"
    cast.officer.save()
    case, _ = with_request(cast, django_capture_on_commit_callbacks)
    (message,) = smtp_server.to("officer@example.org")
    assert case.reference in message.subject
    assert "asks for more time" in message.body
    assert cast.respondent.name not in message.body + message.subject
    assert "bereavement" not in message.body


def test_the_officer_grants_a_request_from_the_page(cast: Cast, client: Client) -> None:
    case, request = with_request(cast)
    due = Deadline.objects.get(case=case, kind="response").due_on
    client.force_login(cast.officer)
    page = client.get(reverse("portal:staff_requests"))
    assert "A family bereavement this week." in text_of(page)
    response = client.post(
        reverse("portal:staff_answer_request", args=[request.pk]),
        {
            f"r{request.pk}-grant": "yes",
            f"r{request.pk}-working_days": "4",
            f"r{request.pk}-reasons": "Granted in full, with sympathy.",
        },
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "granted" and request.answered_by == cast.officer
    assert Deadline.objects.get(case=case, kind="response").due_on > due


def test_an_outsider_neither_sees_nor_answers_a_request(cast: Cast, client: Client) -> None:
    _, request = with_request(cast)
    client.force_login(cast.outsider)
    assert "bereavement" not in text_of(client.get(reverse("portal:staff_requests")))
    response = client.post(
        reverse("portal:staff_answer_request", args=[request.pk]),
        {f"r{request.pk}-grant": "no", f"r{request.pk}-reasons": "Refused for no reason."},
    )
    assert response.status_code == 404
    request.refresh_from_db()
    assert request.status == "pending"


def test_a_party_is_not_staff(cast: Cast, client: Client) -> None:
    from tests.portal.helpers import sign_in

    with_request(cast)
    sign_in(client, cast.respondent)
    response = client.get(reverse("portal:staff_requests"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]
