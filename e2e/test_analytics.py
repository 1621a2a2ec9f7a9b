"""The analytics pages in a real browser: oversight reads the fairness report, opens a chart's
numbers, and visits every analytics page; a party answers the confidence survey. Each page is
checked with axe."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from redress.analytics.history import import_history
from redress.analytics.models import SurveyAnswer, SurveyInvitation
from tests.analytics.test_report import history_csv
from tests.factories import file_case, make_cast
from tests.portal.helpers import link_token

from .accessibility import assert_accessible
from .staff import sign_in

pytestmark = pytest.mark.e2e


def test_oversight_reads_the_fairness_report_and_its_numbers(
    page: Page, live_server: LiveServer, transactional_db: None
) -> None:
    cast = make_cast()
    import_history(organisation=cast.organisation, data=history_csv(1200))
    sign_in(page, live_server, cast.oversight)
    page.get_by_role("link", name="Analytics").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fairness report")
    assert_accessible(page)
    findings = page.get_by_role("table").first
    expect(findings).to_contain_text("islamophobia")
    expect(findings).to_contain_text("Time to closure")
    chart = page.get_by_role("img", name="Time to closure by category")
    expect(chart).to_be_visible()
    numbers = page.get_by_text("The numbers: % still waiting after so many days").nth(2)
    numbers.click()
    expect(page.locator("details[open] table").first).to_contain_text("islamophobia")
    for link, heading in (
        ("Timeliness", "Timeliness"),
        ("Concentration and campaigns", "Complainant concentration and campaigns"),
        ("Confidence survey", "Confidence survey"),
        ("Diversity audit", "Diversity audit"),
    ):
        page.get_by_role("navigation", name="Analytics").get_by_role("link", name=link).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert_accessible(page)


def test_a_party_answers_the_survey_after_closure(
    page: Page, live_server: LiveServer, transactional_db: None
) -> None:
    cast = make_cast()
    invitation = SurveyInvitation.objects.create(
        organisation=cast.organisation,
        case=file_case(cast),
        person=cast.complainant,
        party="complainant",
        invited_at=timezone.now(),
    )
    page.goto(f"{live_server.url}/portal/link/{link_token(cast.complainant)}/")
    page.get_by_role("button").last.click()
    page.goto(f"{live_server.url}/survey/")
    expect(page.get_by_role("heading", level=1)).to_have_text("How were you treated?")
    assert_accessible(page)
    page.get_by_role("link", name="Answer the survey about a closed case").click()
    assert_accessible(page)
    for question, answer in (
        ("Were you treated fairly?", "4"),
        ("Were you listened to?", "5 (fully)"),
        ("How much confidence do you have in the complaints process?", "3"),
    ):
        page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("status")).to_contain_text("your answers are recorded")
    assert SurveyAnswer.objects.get().treated_fairly == 4
    invitation.refresh_from_db()
    assert invitation.answered_at is not None
