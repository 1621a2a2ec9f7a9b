"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

The server runs in a thread of each test process (so `-n auto` gives every worker its own server
on its own port and its own test database); the test writes real, committed data through the
services, and the browser reads it through the pages.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection, connections
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(autouse=True)
def quick_password_hashing(settings: Any) -> None:
    """The personas' passwords are hashed with a cheap hasher: the tests check pages, not
    PBKDF2's work factor."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Browser]:
    """A headless Chromium for one test.

    Playwright's sync API runs an asyncio loop in this thread, and Django refuses database
    access from a thread with a running loop unless told it is safe. Here it is: the test's own
    code is synchronous and the server answers from its own thread. The permission lasts only as
    long as the browser, so tests in the same process that follow run with the guard on again.
    """
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing; `make test` installs it with apt-get")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            yield chromium
        finally:
            chromium.close()
            # Django keeps a connection per context, and the test's queries ran in the one
            # Playwright's sync API set up: closed here, they cannot outlive the test and keep
            # the test database from being dropped.
            connections.close_all()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    # axe-core is injected as an inline script, which the site's Content Security Policy rightly
    # blocks; e2e/test_signin_csp.py browses with the policy in force.
    context = browser.new_context(locale="en-GB", bypass_csp=True)
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture(autouse=True)
def flushable_audit_log(request: pytest.FixtureRequest) -> Iterator[None]:
    """Let a live server test's flush (a TRUNCATE of every table) past the audit trigger.

    A live server test runs on a transactional database, which pytest-django empties with
    TRUNCATE afterwards; the audit log's append-only trigger refuses that. Triggers do not fire
    for a session in replica mode, so the session enters it just before the flush. The flush
    runs after this fixture's teardown because this fixture asks for the database first; the
    connection is closed after the flush, so the next test starts in the normal mode.
    """
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("transactional_db")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")


@pytest.fixture(autouse=True)
def no_flood_counts_from_other_tests() -> None:
    """The flood limits count in this process's memory (the `ratelimit` cache); each test starts
    from none, as it starts from an empty database."""
    cache = caches["ratelimit"]
    if isinstance(cache, LocMemCache):
        cache.clear()
