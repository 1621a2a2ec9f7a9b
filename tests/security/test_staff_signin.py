"""Staff sign-in: throttled password guessing, and a sign-in that ends after inactivity or a
working day."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from redress.security import signin
from tests.factories import Cast, make_cast

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"


@pytest.fixture
def cast() -> Cast:
    return make_cast()


def attempt(client: Client, username: str, password: str) -> int:
    return client.post("/login/", {"username": username, "password": password}).status_code


def test_past_the_limit_even_the_right_password_is_not_checked(cast: Cast) -> None:
    name = cast.officer.username
    for n in range(signin.ATTEMPTS_PER_USER_NAME):
        # From different addresses, so that only the per-user-name count can stop them.
        assert attempt(Client(REMOTE_ADDR=f"10.3.0.{n}"), name, "wrong-guess") == 200

    client = Client(REMOTE_ADDR="10.3.1.1")
    response = client.post("/login/", {"username": name.upper(), "password": PASSWORD})

    assert response.status_code == 200
    assert "Too many attempts to sign in with this user name" in response.content.decode()
    assert client.get("/cases/").status_code == 302  # not signed in
    # Another user is not held up by the guessing.
    assert attempt(Client(REMOTE_ADDR="10.3.1.1"), cast.oversight.username, PASSWORD) == 302


def test_the_limit_lifts_after_its_window(cast: Cast) -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(signin.ATTEMPTS_PER_USER_NAME + 1):
            attempt(Client(), cast.officer.username, "wrong-guess")
        clock.shift(signin.ATTEMPT_WINDOW + timedelta(seconds=1))
        assert attempt(Client(), cast.officer.username, PASSWORD) == 302


def signed_in(cast: Cast) -> Client:
    client = Client()
    assert attempt(client, cast.officer.username, PASSWORD) == 302
    return client


def test_a_sign_in_ends_after_a_spell_without_activity(cast: Cast, settings) -> None:
    settings.STAFF_IDLE_SECONDS = 30 * 60
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = signed_in(cast)
        clock.shift(timedelta(minutes=29))
        assert client.get("/cases/").status_code == 200  # activity keeps it going
        clock.shift(timedelta(minutes=29))
        assert client.get("/cases/").status_code == 200
        clock.shift(timedelta(minutes=31))
        response = client.get("/cases/?stage=triage")

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/cases/%3Fstage%3Dtriage"
    page = client.get(response["Location"]).content.decode()
    assert "You were signed out after 30 minutes without activity." in page
    assert client.get("/cases/").status_code == 302  # the session itself is gone


def test_a_sign_in_ends_after_its_age_however_busy(cast: Cast, settings) -> None:
    settings.SESSION_COOKIE_AGE = 8 * 3600
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = signed_in(cast)
        for _ in range(16):
            clock.shift(timedelta(minutes=29))
            assert client.get("/cases/").status_code == 200
        clock.shift(timedelta(minutes=29))  # 8 hours and 13 minutes after signing in
        assert client.get("/cases/").status_code == 302
