"""Signing in and out, and that every staff page needs it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import Cast, file_case

from .helpers import signed_in, text_of

pytestmark = pytest.mark.django_db


def test_every_staff_page_sends_a_stranger_to_sign_in(client: Client, cast: Cast) -> None:
    case = file_case(cast)
    pages = [
        ("get", reverse("cases:list")),
        ("get", reverse("cases:detail", args=[case.pk])),
        ("post", reverse("cases:transition", args=[case.pk])),
        ("post", reverse("cases:decision", args=[case.pk, "triage"])),
        ("post", reverse("cases:notice", args=[case.pk])),
        ("get", reverse("cases:emergency_access", args=[case.pk])),
        ("get", reverse("cases:emergency_reviews")),
    ]
    for method, url in pages:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login") + "?next="), url


def test_sign_in_lands_on_the_case_list(client: Client, cast: Cast) -> None:
    page = client.get(reverse("login"))
    assert page.status_code == 200
    assert 'lang="en-GB"' in page.content.decode()

    response = client.post(
        reverse("login"),
        {"username": cast.officer.username, "password": "a-long-test-password"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("cases:list")
    assert f"Signed in as <strong>{cast.officer.display_name}</strong>" in text_of(response)


def test_a_wrong_password_is_refused_with_a_message(client: Client, cast: Cast) -> None:
    response = client.post(
        reverse("login"), {"username": cast.officer.username, "password": "not-the-password"}
    )

    assert response.status_code == 200
    assert "Please enter a correct username and password" in text_of(response)
    assert "_auth_user_id" not in client.session


def test_sign_out_is_a_post_and_ends_the_session(client: Client, cast: Cast) -> None:
    signed_in(client, cast.officer)
    page = text_of(client.get(reverse("cases:list")))
    assert f'action="{reverse("logout")}"' in page

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert client.get(reverse("cases:list")).status_code == 302
