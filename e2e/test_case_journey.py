"""A case walked from triage through a hearing to the panel's decision, every step taken through
the staff pages by the persona whose step it is; each page on the way is checked with axe."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from redress.cases import services
from redress.cases.models import Allegation, Case, Hearing
from redress.people.models import User
from tests.factories import Cast, make_cast

from .accessibility import assert_accessible
from .staff import form, sign_in, sign_out, submit

pytestmark = pytest.mark.e2e

REASONS = "Set out in full for the record, with the evidence each point rests on."
# Far enough ahead for the rulebook's ten working days of notice, holidays and all.
HEARING_IN = timedelta(days=35)


def open_case(page: Page, live_server: LiveServer, user: User, case: Case) -> None:
    sign_in(page, live_server, user)
    page.get_by_role("link", name=case.reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {case.reference}")
    assert_accessible(page)


def move_to(page: Page, stage: str) -> None:
    page.get_by_role("button", name=f"Move to {stage}").click()
    expect(page.get_by_role("status")).to_contain_text(f"The case moved to {stage}.")
    assert_accessible(page)


def decide(page: Page, label: str, outcome: str) -> None:
    decision = form(page, f"Record: {label}")
    decision.get_by_label("Outcome").select_option(label=outcome)
    decision.get_by_label("Reasons").fill(REASONS)
    submit(page, f"Record: {label}", f"{label} recorded.")


def serve(page: Page, notice: str) -> None:
    form(page, "Serve a notice").get_by_label("Notice").select_option(label=notice)
    submit(page, "Serve a notice", f"{notice} served.")


def staff_the_team(page: Page, cast: Cast) -> None:
    """The coordinator puts the investigator and decision-maker in place, and the case officer
    last: from then on only the team sees the case."""
    for role, user in (
        ("investigator", cast.investigator),
        ("decision_maker", cast.decision_maker),
        ("officer", cast.officer),
    ):
        assert_accessible(page)
        form(page, "Add someone to the team").get_by_label("Add to the team").select_option(
            value=f"{role}:{user.pk}"
        )
        submit(page, "Add someone to the team", "added to the team")
    expect(page.get_by_role("heading", level=1)).to_have_text("Case not found")
    assert_accessible(page)


def staff_the_panel(page: Page, live_server: LiveServer, cast: Cast, case: Case) -> None:
    """After charging the coordinator, no longer able to open the case, finds it among the cases
    that need staff and puts the panel on it from its team page, which shows only the team."""
    sign_in(page, live_server, cast.coordinator)
    page.get_by_role("link", name="Cases that need staff").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cases that need staff")
    expect(page.get_by_role("row", name=case.reference)).to_contain_text("Panel member")
    assert_accessible(page)
    page.get_by_role("link", name=case.reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Team of case {case.reference}")
    expect(page.locator("main")).not_to_contain_text(cast.respondent.name)
    assert_accessible(page)
    form(page, "Add someone to the team").get_by_label("Add to the team").select_option(
        value=f"panellist:{cast.panellist.pk}"
    )
    submit(page, "Add someone to the team", "added to the team as panel member")
    assert_accessible(page)


def triage(page: Page) -> None:
    decide(page, "Triage assessment", "Investigation")
    decide(page, "Decision on interim measures", "No interim measures needed")
    added = form(page, "Add an allegation")
    added.get_by_label("Category").select_option(label="Other breach of rules")
    added.get_by_label("Particulars").fill("Shared a member's address in the branch group chat.")
    submit(page, "Add an allegation", "Allegation added.")
    assert_accessible(page)
    move_to(page, "Investigation")


def investigate(page: Page) -> None:
    serve(page, "Notice of investigation")
    response = form(page, "Record the respondent's response")
    response.get_by_label("The respondent's response, as received").fill("I deny it all.")
    submit(page, "Record the respondent's response", "response recorded")
    decide(page, "Investigation report", "Report completed")
    move_to(page, "Charging decision")


def charge(page: Page, allegations: int) -> None:
    for number in range(1, allegations + 1):
        legend = f"Charging decision on allegation {number}"
        form(page, legend).get_by_label("Charge", exact=True).check()
        submit(page, legend, "Allegation charged.")
    decide(page, "Charging decision", "Charges")
    move_to(page, "Hearing")


def fill_hearing(page: Page, starts: datetime) -> None:
    hearing = form(page, "Schedule a hearing")
    hearing.get_by_label("Date and time").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    hearing.get_by_label("Place or link").fill("Committee room 2, the regional office")


def schedule_hearing(page: Page) -> None:
    """A date in the past first: the refusal comes back on the form; then the right date."""
    fill_hearing(page, timezone.localtime(timezone.now() - timedelta(days=1)))
    form(page, "Schedule a hearing").get_by_role("button").click()
    expect(page.get_by_role("alert")).to_contain_text("a hearing is scheduled in the future")
    assert_accessible(page)
    fill_hearing(page, timezone.localtime(timezone.now() + HEARING_IN).replace(hour=10, minute=0))
    submit(page, "Schedule a hearing", "Hearing scheduled for")
    serve(page, "Notice of hearing")
    assert_accessible(page)


def hold_and_decide(page: Page, allegations: int) -> None:
    held = form(page, "Record the hearing as held")
    held.get_by_label("Record of the hearing").fill("Both parties attended and were heard.")
    submit(page, "Record the hearing as held", "recorded as held")
    move_to(page, "Decision")
    for number in range(1, allegations + 1):
        legend = f"Finding on allegation {number}"
        finding = form(page, legend)
        finding.get_by_label("Upheld", exact=True).check()
        finding.get_by_label("Reasons for the finding").fill(REASONS)
        finding.get_by_label("Conduct found, as the sanctions guidance describes it").select_option(
            "harassment_of_a_person"
        )
        finding.get_by_label("Sanction (only if upheld)").select_option(label="Formal warning")
        finding.get_by_label("Reasons for the sanction").fill(REASONS)
        submit(page, legend, "Finding recorded.")
    move_to(page, "Appeal window")


def test_a_case_from_triage_through_a_hearing_to_a_decision(
    page: Page, live_server: LiveServer
) -> None:
    cast = make_cast()
    case = services.file_complaint(
        cast.organisation,
        categories=["bullying"],
        summary="Repeated abusive messages in the branch group chat.",
        respondent=cast.respondent,
        complainant=cast.complainant,
    ).case

    open_case(page, live_server, cast.coordinator, case)
    staff_the_team(page, cast)
    sign_out(page)
    open_case(page, live_server, cast.officer, case)
    triage(page)
    sign_out(page)
    open_case(page, live_server, cast.investigator, case)
    investigate(page)
    sign_out(page)
    open_case(page, live_server, cast.decision_maker, case)
    charge(page, allegations=2)
    sign_out(page)
    staff_the_panel(page, live_server, cast, case)
    sign_out(page)
    open_case(page, live_server, cast.officer, case)
    schedule_hearing(page)
    sign_out(page)

    hearing = Hearing.objects.get(case=case)
    with time_machine.travel(hearing.starts_at + timedelta(hours=2), tick=True):
        open_case(page, live_server, cast.panellist, case)
        hold_and_decide(page, allegations=2)

    expect(page.locator(".summary")).to_contain_text("Appeal window")
    expect(page.locator(".timeline")).to_contain_text("Moved from Decision to Appeal window")
    case.refresh_from_db()
    assert case.stage == "appeal_window"
    findings = set(case.allegations.values_list("finding", "sanction"))
    assert findings == {(Allegation.Finding.UPHELD, "warning")}
    assert case.notices.filter(kind="decision").count() == 2  # on both parties
