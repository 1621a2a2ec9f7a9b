"""Headers and input: the Content Security Policy and the other security headers on every kind
of page, cookies that scripts cannot read, CSRF on every form, rate limits on every public
endpoint, and a limit on the size of what anyone may send."""

from __future__ import annotations

import dataclasses
import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.cache import caches
from django.test import Client

from redress.cases.models import Complaint
from redress.security import ratelimits
from tests.factories import Cast, file_case, make_cast
from tests.security import matrix
from tests.security.test_authorization_matrix import PAGES, display

pytestmark = pytest.mark.django_db

TEMPLATES = Path(django_settings.BASE_DIR)


@pytest.fixture
def cast() -> Cast:
    return make_cast()


def directives(response: Any) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())


# --- Content Security Policy and the other headers ---------------------------------------------


def pages_of_every_kind(cast: Cast, settings: Any) -> list[tuple[str, Client]]:
    settings.REDRESS_ORGANISATION = cast.organisation.slug
    case = file_case(cast)
    staff = Client()
    staff.force_login(cast.officer)
    anyone = Client()
    return [
        ("/login/", anyone),
        ("/report/", anyone),
        ("/portal/", anyone),
        ("/api/v1/docs", anyone),
        ("/cases/", staff),
        (f"/cases/{case.pk}/", staff),
        ("/cases/999999/", staff),  # the 404 page
    ]


def test_every_kind_of_page_has_a_strict_content_security_policy(cast: Cast, settings) -> None:
    for path, client in pages_of_every_kind(cast, settings):
        response = client.get(path)
        policy = directives(response)
        assert policy["default-src"] == "'none'", path
        assert policy["script-src"] == "'self'", path
        assert policy["style-src"] == "'self'", path
        assert policy["frame-ancestors"] == "'none'", path
        assert policy["form-action"] == "'self'", path
        assert policy["base-uri"] == "'none'", path
        assert "unsafe" not in response["Content-Security-Policy"], path


def test_every_kind_of_page_has_the_other_security_headers(cast: Cast, settings) -> None:
    for path, client in pages_of_every_kind(cast, settings):
        response = client.get(path)
        assert response["X-Frame-Options"] == "DENY", path
        assert response["X-Content-Type-Options"] == "nosniff", path
        assert response["Referrer-Policy"] == "same-origin", path
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", path


INLINE = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)|\sstyle=|\son[a-z]+=", re.I)


def test_no_template_has_inline_script_style_or_event_handlers() -> None:
    """What the policy would block in the browser (e2e/test_signin_csp.py looks there too)."""
    offending = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("templates/**/*.html")
        if INLINE.search(path.read_text())
    ]
    assert offending == []


def test_the_api_docs_load_their_scripts_from_this_site(client: Client) -> None:
    page = client.get("/api/v1/docs").content.decode()
    sources = re.findall(r'<script[^>]*\bsrc="([^"]+)"', page)
    assert sources and all(source.startswith("/static/") for source in sources)


# --- Cookies and CSRF ----------------------------------------------------------------------------


def test_the_session_cookie_is_http_only_same_site_and_secure_when_configured(
    cast: Cast, settings
) -> None:
    settings.SESSION_COOKIE_SECURE = True
    response = Client().post(
        "/login/", {"username": cast.officer.username, "password": "a-long-test-password"}
    )
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["secure"] is True


def test_secure_cookies_follow_the_setting() -> None:
    assert django_settings.SESSION_COOKIE_SECURE == django_settings.SECURE_COOKIES
    assert django_settings.CSRF_COOKIE_SECURE == django_settings.SECURE_COOKIES
    assert django_settings.CSRF_COOKIE_HTTPONLY is True


def test_every_form_url_refuses_a_post_without_the_csrf_token(cast: Cast) -> None:
    """Every route outside the API, read from the resolver, as a signed-in member of staff and
    as a stranger: no route is exempt from CSRF."""
    case = file_case(cast)
    staff = Client(enforce_csrf_checks=True)
    staff.force_login(cast.officer)
    stranger = Client(enforce_csrf_checks=True)
    unprotected = []
    for route in matrix.routes():
        if route.startswith(matrix.API_PREFIX):
            continue
        path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: _value(m.group(1), case.pk), route)
        for client in (staff, stranger):
            response = client.post(path, {"anything": "x"})
            if response.status_code != 403 or b"CSRF" not in response.content:
                unprotected.append(f"{path}: {response.status_code}")
    assert unprotected == []


def _value(name: str, case_id: int) -> str:
    special = {"kind": "triage", "token": "x" * 20, "rest": "x", "period": "2026Q3"}
    return special.get(name, str(case_id))


def test_the_api_takes_no_session_cookie_so_needs_no_csrf(cast: Cast) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.officer)
    assert client.get("/api/v1/cases").status_code == 401
    assert client.post("/api/v1/complaints", {}, content_type="application/json").status_code == 401


# --- Rate limits ---------------------------------------------------------------------------------


def public_routes() -> list[tuple[str, str]]:
    """Every (verb, URL) of the authorization matrix that someone signed in to nothing reaches."""
    routes = {display(route): route for route in matrix.routes()}
    return [
        (verb, "/" + re.sub(r"<(?:\w+:)?(\w+)>", "1", routes[shown]))
        for (shown, verb), answers in matrix.parse_table(PAGES, 2).items()
        if answers["anon"] not in {"login", "portal"}
    ]


def test_every_public_endpoint_has_a_rate_limit() -> None:
    class Asked:
        def __init__(self, verb: str, path: str) -> None:
            self.method, self.path = verb, path

    unlimited = [
        f"{verb} {path}"
        for verb, path in public_routes()
        if not any(limit.applies_to(Asked(verb, path)) for limit in ratelimits.LIMITS)  # type: ignore[arg-type]
    ]
    assert public_routes() and unlimited == []
    api = Asked("GET", "/api/v1/cases")
    assert any(limit.applies_to(api) for limit in ratelimits.LIMITS)  # type: ignore[arg-type]


def tightened(monkeypatch: pytest.MonkeyPatch, requests: int) -> None:
    monkeypatch.setattr(
        ratelimits,
        "LIMITS",
        tuple(
            dataclasses.replace(lim, requests=requests, window=timedelta(minutes=5))
            for lim in ratelimits.LIMITS
        ),
    )


@pytest.mark.parametrize(
    ("verb", "path"),
    [("POST", "/login/"), ("POST", "/report/"), ("POST", "/portal/"), ("GET", "/api/v1/cases")],
)
def test_a_client_over_a_limit_gets_429_and_nothing_runs(
    monkeypatch: pytest.MonkeyPatch, cast: Cast, settings, verb: str, path: str
) -> None:
    settings.REDRESS_ORGANISATION = cast.organisation.slug
    tightened(monkeypatch, 3)
    client = Client(REMOTE_ADDR="10.9.8.7")
    send = client.get if verb == "GET" else client.post
    answers = [send(path).status_code for _ in range(3)]
    refused = send(path)

    assert 429 not in answers
    assert refused.status_code == 429
    assert refused["Retry-After"] == "300"
    assert Client(REMOTE_ADDR="10.9.8.8").get(path).status_code != 429  # another client is not


def test_a_refused_report_stores_nothing(monkeypatch: pytest.MonkeyPatch, cast: Cast, settings):
    settings.REDRESS_ORGANISATION = cast.organisation.slug
    tightened(monkeypatch, 1)
    client = Client(REMOTE_ADDR="10.9.8.7")
    client.get("/report/")  # uses up the one request allowed
    before = Complaint.objects.count()
    response = client.post("/report/", {"summary": "Shouted at me in the meeting."})
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()
    assert Complaint.objects.count() == before


def test_behind_a_proxy_the_address_the_proxy_saw_is_the_client(
    monkeypatch: pytest.MonkeyPatch, settings
) -> None:
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    tightened(monkeypatch, 2)
    # The client writes its own X-Forwarded-For; the proxy appends the address it saw.
    for forged in ("1.1.1.1", "2.2.2.2", "3.3.3.3"):
        response = Client(REMOTE_ADDR="127.0.0.1").get(
            "/portal/", headers={"X-Forwarded-For": f"{forged}, 10.0.0.5"}
        )
    assert response.status_code == 429


def test_an_exempt_address_is_not_limited(monkeypatch: pytest.MonkeyPatch, settings) -> None:
    settings.RATE_LIMIT_EXEMPT = ["10.0.0.1"]
    tightened(monkeypatch, 1)
    client = Client(REMOTE_ADDR="10.0.0.1")
    assert [client.get("/portal/").status_code for _ in range(3)] == [200, 200, 200]


def test_the_counts_can_live_in_redis(monkeypatch: pytest.MonkeyPatch, settings) -> None:
    """RATE_LIMIT_BACKEND=redis, against the Redis on 127.0.0.1:6379, under a key prefix of this
    test's own (other tests, workers and runs share the server), early in a five-minute window
    so the three requests fall in one."""
    from redress.portal.models import RateBucket

    prefix = f"test-{uuid.uuid4()}"
    settings.RATE_LIMIT_BACKEND = "redis"
    settings.CACHES = {
        **django_settings.CACHES,
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
            "KEY_PREFIX": prefix,
        },
    }
    tightened(monkeypatch, 2)
    buckets_before = RateBucket.objects.count()
    client = Client(REMOTE_ADDR="10.7.7.7")
    with time_machine.travel(datetime(2026, 11, 25, 12, 0, 1, tzinfo=UTC), tick=True):
        answers = [client.get("/portal/").status_code for _ in range(3)]
        redis = caches["ratelimit"]._cache.get_client()  # type: ignore[attr-defined]
        ours = list(redis.scan_iter(f"{prefix}:*"))
    try:
        assert answers == [200, 200, 429]
        assert caches["ratelimit"].__class__.__name__ == "RedisCache"
        assert ours, "the counts are in Redis under this test's prefix"
        assert RateBucket.objects.count() == buckets_before  # and not in the database
    finally:
        if ours:
            redis.delete(*ours)


# --- Upload limits -------------------------------------------------------------------------------


def test_a_body_over_the_limit_is_refused_before_it_is_read(cast: Cast, settings) -> None:
    settings.REDRESS_ORGANISATION = cast.organisation.slug
    settings.MAX_REQUEST_BYTES = 1000
    before = Complaint.objects.count()
    response = Client().post("/report/", {"summary": "x" * 2000})
    assert response.status_code == 413
    assert "Nothing was stored" in response.content.decode()
    assert Complaint.objects.count() == before
    api = Client().post("/api/v1/complaints", "x" * 2000, content_type="application/json")
    assert api.status_code == 413
    assert api.json()["error"].startswith("the request is larger than the limit")
