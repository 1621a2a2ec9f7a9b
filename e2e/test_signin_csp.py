"""The Content Security Policy in a real browser: a member of staff signs in through the login page
and works through the main pages, a member of the public opens the report form and the portal,
and the API docs load, all with the policy in force, and Chromium reports no violation of it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.factories import file_case, make_cast

from .staff import PASSWORD

pytestmark = pytest.mark.e2e


@pytest.fixture
def strict_page(browser: Browser) -> Iterator[tuple[Page, list[str]]]:
    """A page with the site's policy in force (no bypass), and the violations Chromium reports."""
    context = browser.new_context(locale="en-GB")
    context.set_default_timeout(15_000)
    violations: list[str] = []

    def note(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    page = context.new_page()
    page.on("console", note)
    try:
        yield page, violations
    finally:
        context.close()


def styled(page: Page) -> bool:
    """Whether the site's stylesheet applied (the skip link is moved off screen by it)."""
    position = page.locator("a.skip-link").evaluate("link => getComputedStyle(link).position")
    return bool(position == "absolute")


def test_the_pages_work_with_the_policy_in_force(
    strict_page: tuple[Page, list[str]], live_server: LiveServer, settings
) -> None:
    page, violations = strict_page
    cast = make_cast()
    settings.REDRESS_ORGANISATION = cast.organisation.slug
    case = file_case(cast)

    # Signed in by hand: staff.sign_in also runs axe, an inline script the policy blocks.
    page.goto(f"{live_server.url}/login/")
    assert styled(page)
    page.get_by_label("Username").fill(cast.officer.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="Cases")).to_be_visible()
    page.get_by_role("link", name=case.reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.reference)
    for path in ("/report/", "/portal/"):
        page.goto(f"{live_server.url}{path}")
        assert styled(page)
    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.get_by_text("Redress API").first).to_be_visible()

    assert violations == []


def test_an_inline_script_is_blocked(
    strict_page: tuple[Page, list[str]], live_server: LiveServer
) -> None:
    """The policy is really enforced: a script smuggled into a page does not run."""
    page, violations = strict_page
    page.goto(f"{live_server.url}/login/")
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.smuggled = true";
            document.body.appendChild(script);
        }"""
    )
    assert page.evaluate("() => window.smuggled === true") is False
    assert any("script-src" in violation for violation in violations)
