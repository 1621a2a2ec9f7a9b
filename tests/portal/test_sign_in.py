"""Signing in to the portal with a one-time link sent to the party's registered email."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from redress.audit.models import AuditEvent
from redress.portal.models import SignInLink
from tests.factories import Cast, file_case, make_person
from tests.portal.conftest import Mailbox
from tests.portal.helpers import link_token, sign_in, text_of

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+/portal/link/(\S+)/")


def ask_for_link(client: Client, email: str, capture: Any) -> str:
    with capture(execute=True):
        response = client.post(reverse("portal:sign_in"), {"email": email})
    assert response.status_code == 200
    return text_of(response)


def test_a_party_gets_a_link_that_signs_them_in_once(
    cast: Cast, client: Client, smtp_server: Mailbox, django_capture_on_commit_callbacks: Any
) -> None:
    file_case(cast)  # the complainant gave their name: they are a party
    ask_for_link(client, cast.complainant.email.upper(), django_capture_on_commit_callbacks)

    (message,) = smtp_server.to(cast.complainant.email)
    url = LINK.search(message.body)
    assert url is not None
    token = url.group(1)
    path = reverse("portal:link", args=[token])

    assert client.get(path).status_code == 200  # a mail scanner's GET uses nothing up
    response = client.post(path)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:cases")
    assert client.get(reverse("portal:cases")).status_code == 200

    again = Client().post(path)
    assert again.status_code == 400
    assert "expired or has already been used" in text_of(again)
    assert AuditEvent.objects.filter(action="portal.signed_in").count() == 1


def test_a_link_expires_after_thirty_minutes(cast: Cast, client: Client) -> None:
    file_case(cast)
    token = link_token(cast.complainant)
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        response = client.post(reverse("portal:link", args=[token]))
    assert response.status_code == 400
    assert client.get(reverse("portal:cases")).status_code == 302


def test_an_unknown_address_gets_the_same_reply_and_no_mail(
    cast: Cast, client: Client, smtp_server: Mailbox, django_capture_on_commit_callbacks: Any
) -> None:
    file_case(cast)
    known = ask_for_link(client, cast.complainant.email, django_capture_on_commit_callbacks)
    unknown = ask_for_link(client, "nobody@example.org", django_capture_on_commit_callbacks)
    # Someone on the register who is party to no case is treated as unknown.
    bystander = make_person(cast.organisation, "Bystander")
    not_party = ask_for_link(client, bystander.email, django_capture_on_commit_callbacks)

    def page(text: str) -> str:
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)

    assert page(known) == page(unknown) == page(not_party)
    assert len(smtp_server.messages) == 1
    assert smtp_server.messages[0].rcpt_tos == [cast.complainant.email]


def test_the_token_is_never_stored_in_clear(
    cast: Cast, client: Client, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    from redress.portal import signin

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    file_case(cast)
    ask_for_link(client, cast.complainant.email, django_capture_on_commit_callbacks)

    link = SignInLink.objects.get(person=cast.complainant)
    token = signin.token_for(link.nonce)
    stored = [str(v) for v in SignInLink.objects.values_list(flat=False).get(pk=link.pk)]
    assert not any(token in value for value in stored)
    (queued,) = DBTaskResult.objects.filter(task_path__endswith="email_sign_in_link")
    assert token not in str(queued.args_kwargs)
    assert cast.complainant.email not in str(queued.args_kwargs)
    assert not any(
        token in str(e.data) or cast.complainant.email in str(e.data)
        for e in AuditEvent.objects.all()
    )


def test_link_requests_are_rate_limited_per_address(
    cast: Cast, client: Client, smtp_server: Mailbox, django_capture_on_commit_callbacks: Any
) -> None:
    file_case(cast)
    replies = {
        ask_for_link(client, cast.complainant.email, django_capture_on_commit_callbacks)
        .replace(" ", "")
        .split("csrfmiddlewaretoken")[0]
        for _ in range(5)
    }
    assert len(replies) == 1  # the fourth and fifth look the same...
    assert len(smtp_server.to(cast.complainant.email)) == 3  # ...but send nothing


def test_signing_in_to_the_portal_ends_a_staff_session(cast: Cast, client: Client) -> None:
    file_case(cast)
    client.force_login(cast.officer)
    sign_in(client, cast.complainant)
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("portal:cases")).status_code == 200


def test_a_staff_sign_in_is_not_a_portal_session(cast: Cast, client: Client) -> None:
    file_case(cast)
    client.force_login(cast.officer)
    response = client.get(reverse("portal:cases"))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:sign_in")


def test_signing_out_ends_the_portal_session(cast: Cast, client: Client) -> None:
    file_case(cast)
    sign_in(client, cast.complainant)
    client.post(reverse("portal:sign_out"))
    assert client.get(reverse("portal:cases")).status_code == 302


def test_tidying_deletes_spent_links_and_old_counts(cast: Cast, client: Client) -> None:
    from io import StringIO

    from django.core.management import call_command

    file_case(cast)
    old = SignInLink.objects.get(
        pk=SignInLink.objects.create(
            organisation=cast.organisation,
            person=cast.complainant,
            token_hash="0" * 64,
            nonce="n",
            created_at=timezone.now() - timedelta(days=9),
            expires_at=timezone.now() - timedelta(days=9),
        ).pk
    )
    link_token(cast.complainant)  # a fresh one stays
    client.post(reverse("portal:sign_in"), {"email": "someone@example.org"})
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        out = StringIO()
        call_command("portal", "tidy", stdout=out)
    assert out.getvalue().startswith("1 spent sign-in link(s) and 2 rate-limit count(s)")
    assert not SignInLink.objects.filter(pk=old.pk).exists()
    assert SignInLink.objects.count() == 1
