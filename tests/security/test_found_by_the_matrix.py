"""What the authorization matrix found: answers that were 500s, each now a page that says why."""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import Cast, file_case, make_cast, walk_to
from tests.portal.helpers import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast() -> Cast:
    return make_cast()


@pytest.mark.parametrize("page", ["portal:answer", "portal:extension", "portal:appeal"])
def test_a_party_opening_an_action_not_open_to_them_is_told_so(
    cast: Cast, client: Client, page: str
) -> None:
    case = walk_to(file_case(cast), "hearing", cast)  # too late to answer, too early to appeal
    sign_in(client, cast.respondent)

    response = client.get(reverse(page, args=[case.pk]))

    assert response.status_code == 200
    assert "This is not open to you on this case now." in html.unescape(response.content.decode())


def test_a_message_to_no_complainant_is_a_form_error(cast: Cast, client: Client) -> None:
    case = file_case(cast)
    client.force_login(cast.officer)

    response = client.post(reverse("intake:case_messages", args=[case.pk]), {})

    assert response.status_code == 400
    assert "Choose which complainant to write to." in response.content.decode()


def test_an_empty_receipt_is_a_form_error(cast: Cast, settings) -> None:
    settings.REDRESS_ORGANISATION = cast.organisation.slug

    response = Client().post(reverse("intake:status"), {})

    assert response.status_code == 400
