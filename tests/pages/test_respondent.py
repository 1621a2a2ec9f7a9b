"""The respondent's response from the case page, and more time to give it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from redress.cases import services
from redress.cases.models import Case, Decision, Response
from tests.factories import REASONS, Cast, file_case, walk_to

from .helpers import action_keys, audit_count, refused_on_the_page, signed_in, text_of

pytestmark = pytest.mark.django_db


def served_investigation(cast: Cast) -> Case:
    case = walk_to(file_case(cast), "investigation", cast)
    services.serve_notice(case, kind="investigation", actor=cast.investigator)
    return case


def test_the_investigator_records_the_response(client: Client, cast: Cast) -> None:
    case = served_investigation(cast)
    signed_in(client, cast.investigator)
    page = client.get(reverse("cases:detail", args=[case.pk]))
    assert action_keys(page, "response_actions") == ["response", "extension"]

    response = client.post(
        reverse("cases:response", args=[case.pk]), {"text": "I deny every allegation."}
    )

    assert response.status_code == 302
    assert Response.objects.get(case=case).recorded_by == cast.investigator
    page_after = text_of(client.get(response["Location"]))
    assert "The respondent's response recorded." in page_after
    assert "I deny every allegation." in page_after


def test_no_response_is_recorded_at_triage(client: Client, cast: Cast) -> None:
    case = file_case(cast)
    before = audit_count(case)
    signed_in(client, cast.officer)
    page = client.get(reverse("cases:detail", args=[case.pk]))
    assert action_keys(page, "response_actions") == []

    response = client.post(reverse("cases:response", args=[case.pk]), {"text": "Too early."})

    refused_on_the_page(response, "recording a response is not possible at the triage stage")
    assert not Response.objects.filter(case=case).exists()
    assert audit_count(case) == before


def test_the_investigator_extends_the_time_to_respond(client: Client, cast: Cast) -> None:
    case = served_investigation(cast)
    due = case.deadlines.get(kind="response", met_at__isnull=True).due_on
    signed_in(client, cast.investigator)

    response = client.post(
        reverse("cases:extend_response", args=[case.pk]),
        {"working_days": "5", "reasons": REASONS},
    )

    assert response.status_code == 302
    extended = case.deadlines.get(kind="response", met_at__isnull=True).due_on
    assert extended > due
    assert f"now has until {extended:%-d %B %Y}" in text_of(client.get(response["Location"]))


def test_a_second_extension_is_refused_and_no_longer_offered(client: Client, cast: Cast) -> None:
    case = served_investigation(cast)
    services.extend_response_window(case, working_days=5, reasons=REASONS, actor=cast.investigator)
    due = case.deadlines.get(kind="response", met_at__isnull=True).due_on
    before = audit_count(case)
    signed_in(client, cast.investigator)
    page = client.get(reverse("cases:detail", args=[case.pk]))
    assert action_keys(page, "response_actions") == ["response"]

    response = client.post(
        reverse("cases:extend_response", args=[case.pk]),
        {"working_days": "5", "reasons": REASONS},
    )

    refused_on_the_page(response, "the rulebook allows 1 extension(s), already granted")
    assert case.deadlines.get(kind="response", met_at__isnull=True).due_on == due
    assert Decision.objects.filter(case=case, kind="response_extension").count() == 1
    assert audit_count(case) == before


def test_an_extension_beyond_the_rulebook_is_a_form_error(client: Client, cast: Cast) -> None:
    case = served_investigation(cast)
    signed_in(client, cast.investigator)

    response = client.post(
        reverse("cases:extend_response", args=[case.pk]),
        {"working_days": "30", "reasons": REASONS},
    )

    assert response.status_code == 400
    assert "An extension is at most 10 working days." in text_of(response)
    assert not Decision.objects.filter(case=case, kind="response_extension").exists()
