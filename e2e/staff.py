"""Steps the browser tests share: signing in and out as a persona, and using a case page form."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from redress.people.models import User

from .accessibility import assert_accessible

# Ignoring S105: every persona's fixed test password (tests.factories.make_staff), no secret.
PASSWORD = "a-long-test-password"  # noqa: S105


def sign_in(page: Page, live_server: LiveServer, user: User) -> None:
    page.goto(f"{live_server.url}/login/")
    assert_accessible(page)
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="Cases")).to_be_visible()


def sign_out(page: Page) -> None:
    """Sign out and wait for the sign-in page, so the next navigation cannot race the logout."""
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()


def form(page: Page, legend: str) -> Locator:
    """One action form of the case page, found by its legend as a screen reader would."""
    return page.get_by_role("group", name=legend, exact=True)


def submit(page: Page, legend: str, says: str) -> None:
    """Send the form and check the page says it was done."""
    form(page, legend).get_by_role("button").last.click()
    expect(page.get_by_role("status")).to_contain_text(says)
