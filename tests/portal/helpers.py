"""Small helpers for the portal tests."""

from __future__ import annotations

import html

from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from redress.people.models import Person
from redress.portal import signin


def link_token(person: Person) -> str:
    """A fresh sign-in link for `person`, as the email would carry it."""
    link = signin._create_link(person)
    return signin.token_for(link.nonce)


def sign_in(client: Client, person: Person) -> Client:
    """Sign `person` in to the portal the way they would: by following a link."""
    response = client.post(reverse("portal:link", args=[link_token(person)]))
    assert response.status_code == 302, response
    return client


def text_of(response: HttpResponse) -> str:
    return html.unescape(response.content.decode())
