"""The staff journeys in a real browser: sign in, find a case, see why a step is refused, do
what the rulebook asks, take the step; and the emergency access path through to oversight."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from redress.cases import services
from redress.cases.models import Case, EmergencyAccess
from tests.factories import Cast, file_case, make_cast

from .accessibility import assert_accessible
from .staff import sign_in, sign_out

pytestmark = pytest.mark.e2e

REASONS = "The complaint describes repeated abuse that needs a full investigation."


def record_decision(page: Page, legend: str, outcome: str) -> None:
    form = page.locator("fieldset", has=page.locator("legend", has_text=legend))
    form.get_by_label("Outcome").select_option(label=outcome)
    form.get_by_label("Reasons").fill(REASONS)
    form.get_by_role("button").click()
    expect(page.get_by_role("status").filter(has_text="recorded")).to_be_visible()


def test_an_officer_sees_why_a_step_is_refused_then_takes_it(
    page: Page, live_server: LiveServer
) -> None:
    cast = make_cast()
    case = file_case(cast)
    services.assign(case, user=cast.investigator, role="investigator", actor=cast.coordinator)

    sign_in(page, live_server, cast.officer)
    assert_accessible(page)
    page.get_by_role("link", name=case.reference).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {case.reference}")
    assert_accessible(page)
    refused = page.locator("ul.refused > li", has_text="Move to Investigation")
    expect(refused).to_contain_text("no triage assessment of “Investigation” has been recorded")
    expect(refused).to_contain_text("no decision on interim measures has been recorded")
    expect(page.get_by_role("button", name="Move to Investigation")).to_have_count(0)

    record_decision(page, "Triage assessment", "Investigation")
    record_decision(page, "Decision on interim measures", "No interim measures needed")
    assert_accessible(page)
    page.get_by_label("Reason (optional)").fill("Assessed as serious.")
    page.get_by_role("button", name="Move to Investigation").click()

    expect(page.get_by_role("status")).to_contain_text("The case moved to Investigation.")
    expect(page.locator(".summary")).to_contain_text("Investigation")
    expect(page.locator(".timeline")).to_contain_text("Moved from Triage to Investigation")
    assert Case.objects.get(pk=case.pk).stage == "investigation"


def test_the_list_filters_and_the_skip_link(page: Page, live_server: LiveServer) -> None:
    cast = make_cast()
    bullying = file_case(cast, categories=("bullying",))
    islamophobia = file_case(cast, categories=("islamophobia",))
    sign_in(page, live_server, cast.officer)

    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Skip to main content")
    page.get_by_label("Category").select_option(label="Islamophobia")
    page.get_by_role("button", name="Filter").click()

    expect(page).to_have_url(re.compile(r"category=islamophobia"))
    expect(page.get_by_role("link", name=islamophobia.reference)).to_be_visible()
    expect(page.get_by_role("link", name=bullying.reference)).to_have_count(0)
    assert_accessible(page)


def test_emergency_access_from_refusal_to_oversight_review(
    page: Page, live_server: LiveServer
) -> None:
    cast: Cast = make_cast()
    case = file_case(cast)
    sign_in(page, live_server, cast.outsider)

    page.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Case not found")
    assert_accessible(page)
    page.get_by_role("link", name="ask for emergency access").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Emergency access to case")
    assert_accessible(page)
    page.get_by_label("Why you need to see this case now").fill("Urgent.")
    page.get_by_role("button", name="Ask for emergency access").click()
    expect(page.locator(".errorlist")).to_contain_text("at least 20 characters")
    assert not EmergencyAccess.objects.exists()

    page.get_by_label("Why you need to see this case now").fill(
        "A safeguarding report tonight names this respondent; the team cannot be reached."
    )
    page.get_by_role("button", name="Ask for emergency access").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {case.reference}")
    expect(page.get_by_role("note")).to_contain_text("under emergency access")

    sign_out(page)
    sign_in(page, live_server, cast.oversight)
    page.get_by_role("link", name="Emergency access to review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Emergency access to review")
    assert_accessible(page)
    expect(page.get_by_role("row", name=re.compile(case.reference))).to_contain_text(
        "safeguarding report"
    )
    page.get_by_role("button", name=re.compile("Mark reviewed")).click()
    expect(page.get_by_text("No emergency access is waiting for review.")).to_be_visible()
    assert EmergencyAccess.objects.get().reviewed_by_oversight_at is not None
