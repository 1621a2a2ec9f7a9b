"""The respondent's journey through the party portal on a phone-sized screen: sign in with a
one-time link, read the allegations, answer them, and later appeal. Every page is checked with
axe."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from redress.cases import services
from redress.cases.models import Decision, Response
from tests.factories import file_case, make_cast, walk_to
from tests.portal.helpers import link_token

from .accessibility import assert_accessible

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 740}


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    # axe-core goes in as an inline script, which the site's Content Security Policy blocks;
    # e2e/test_signin_csp.py browses with the policy in force.
    context = browser.new_context(locale="en-GB", viewport=PHONE, is_mobile=True, bypass_csp=True)
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_the_respondent_reads_answers_and_appeals_on_a_phone(
    phone: Page, live_server: LiveServer
) -> None:
    cast = make_cast()
    case = walk_to(file_case(cast), "investigation", cast)
    services.serve_notice(case, kind="investigation", actor=cast.investigator)

    phone.goto(f"{live_server.url}/portal/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("See your case")
    assert_accessible(phone)
    phone.get_by_label("Your email address").fill("someone@example.org")
    phone.get_by_role("button", name="Email me a sign-in link").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert_accessible(phone)

    phone.goto(f"{live_server.url}/portal/link/{link_token(cast.respondent)}/")
    assert_accessible(phone)
    phone.get_by_role("button", name="Sign in").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Your cases")
    assert_accessible(phone)

    phone.get_by_role("link", name=f"Case {case.reference}").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(f"Case {case.reference}")
    assert_accessible(phone)
    phone.get_by_role("link", name=f"Notice of investigation: case {case.reference}").click()
    expect(phone.get_by_text("Repeated abusive messages in the branch group chat.")).to_be_visible()
    assert_accessible(phone)

    phone.get_by_role("link", name=f"Back to case {case.reference}").click()
    phone.get_by_role("link", name="Answer the allegations").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Answer the allegations")
    assert_accessible(phone)
    phone.get_by_role("button", name="Send my answer").click()  # empty: a form error
    expect(phone.get_by_role("alert")).to_contain_text("There is a problem")
    assert_accessible(phone)
    phone.get_by_label("Your answer to the allegations").fill("I deny each allegation.")
    phone.get_by_role("button", name="Send my answer").click()
    expect(phone.get_by_role("status")).to_contain_text("Your answer has been received.")
    assert_accessible(phone)
    assert Response.objects.filter(case=case, recorded_by=None).count() == 1

    walk_to(case, "appeal_window", cast)
    phone.reload()
    phone.get_by_role("link", name="Lodge an appeal").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Lodge an appeal")
    assert_accessible(phone)
    phone.get_by_label("The grounds of your appeal").fill(
        "The panel did not hear my witness, who was there."
    )
    phone.get_by_role("button", name="Lodge my appeal").click()
    expect(phone.get_by_role("status")).to_contain_text("Your appeal has been lodged.")
    assert_accessible(phone)
    assert Decision.objects.filter(case=case, kind="appeal_lodged", decided_by=None).exists()
