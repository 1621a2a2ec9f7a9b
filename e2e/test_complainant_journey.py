"""The complainant's side on a phone-sized screen with JavaScript off: report anonymously with
evidence, keep the receipt, come back with it, read the case officer's message, reply and add
evidence; the officer, at a desk, writes and reads the reply. Then a confidential report, and a
held report that a second, independent report opens.

The phone runs without JavaScript, to show the public pages need none. axe does need it, so each
page the phone shows is checked in a second, JavaScript-enabled page of the same size: that page
asks for the same address and is answered with the phone's HTML (see `check`), so axe and the
shared sanity check see exactly what the phone shows, styled by the real stylesheet. Fetching the
address again instead would not do: a receipt is shown once, on the answer to a POST, and the
status page depends on the phone's session.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect
from pytest_django.live_server_helper import LiveServer

from redress.cases import services as case_services
from redress.cases.models import Case, Complaint
from redress.intake.models import HeldReport, IntakeEvidence, Message
from redress.intake.selectors import HELD_IN_PLAIN_WORDS, STAGE_IN_PLAIN_WORDS
from redress.intake.services import RECEIPT_ATTEMPTS
from redress.intake.views import WRONG_RECEIPT
from tests.evidence.helpers import pdf, png
from tests.factories import Cast, make_cast, make_organisation

from .accessibility import assert_accessible
from .staff import sign_in

pytestmark = pytest.mark.e2e

PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
    "locale": "en-GB",
}
WHAT_HAPPENED = "He shouted abuse at me at the branch meeting and again in the group chat."
OFFICER_WRITES = "Thank you for your report. Do you have the date of the branch meeting?"
COMPLAINANT_REPLIES = "It was the meeting on 4 March. I have added the minutes."
RECEIPT = re.compile(r"\b[2-9A-Z]{4}(?:-[2-9A-Z]{4}){4}\b")


@pytest.fixture(autouse=True)
def public_intake(settings: Any, tmp_path: Path) -> None:
    """Evidence goes to a temporary folder; receipts are hashed at a cheap Argon2 cost (the
    production cost is measured in bench/, not paid in every test), as in tests/intake."""
    settings.VAR_DIR = tmp_path
    settings.REDRESS_RECEIPT_ARGON2 = (1, 8, 1)


@pytest.fixture
def phones(browser: Browser) -> Iterator[Callable[[], Page]]:
    """A new phone, with JavaScript off, for each person who reports: they share no cookies."""
    contexts: list[BrowserContext] = []

    def new_phone() -> Page:
        context = browser.new_context(**PHONE, java_script_enabled=False)
        context.set_default_timeout(15_000)
        contexts.append(context)
        phone = context.new_page()
        # A script in the page would mark the document; with JavaScript off it never runs.
        phone.set_content("<p>blank</p>")
        phone.add_script_tag(content="document.documentElement.dataset.scripted = 'yes'")
        assert phone.evaluate("() => document.documentElement.dataset.scripted") is None
        return phone

    try:
        yield new_phone
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def phone(phones: Callable[[], Page]) -> Page:
    return phones()


@pytest.fixture
def checker(browser: Browser) -> Iterator[Page]:
    """The phone's twin with JavaScript on, where axe runs on what the phone shows."""
    context = browser.new_context(**PHONE)
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def check(phone: Page, checker: Page) -> None:
    """Check the page the phone shows with the shared axe and sanity checks.

    The checker asks for the phone's address and Playwright answers that one request with the
    phone's document; the stylesheet is fetched from the live server as usual. The intake pages
    have no scripts, so the phone's document is the HTML the server sent."""
    url, html = phone.url, phone.content()

    def answer(route: Route) -> None:
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)

    def same(address: str) -> bool:
        return address == url

    checker.route(same, answer)
    try:
        checker.goto(url)
    finally:
        checker.unroute(same, answer)
    assert_accessible(checker)


def test_the_check_sees_what_the_phone_shows(
    phone: Page, checker: Page, live_server: LiveServer, settings: Any
) -> None:
    """A fault only in the phone's document (put there by Playwright, not by a script of the
    page) is found: the checker checks the phone's page, not a fresh copy of the address."""
    settings.REDRESS_ORGANISATION = make_organisation().slug
    phone.goto(f"{live_server.url}/report/")
    check(phone, checker)
    phone.evaluate(
        """() => document.querySelector("main").insertAdjacentHTML(
            "beforeend", '<input type="text" name="unlabelled">')"""
    )

    with pytest.raises(AssertionError, match="the input unlabelled has no label"):
        check(phone, checker)


MINUTES_PDF = pdf()  # a real PDF: the evidence store opens every PDF it is given


def start_report(phone: Page, checker: Page, live_server: LiveServer) -> None:
    phone.goto(f"{live_server.url}/report/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Report a concern")
    check(phone, checker)


def fill_report(phone: Page, mode: str, **respondent: str) -> None:
    phone.get_by_role("radio", name=mode, exact=True).check()
    phone.get_by_role("checkbox", name="Bullying and harassment").check()
    phone.get_by_label("What happened?").fill(WHAT_HAPPENED)
    phone.get_by_label("When did it happen? (optional)").fill("March 2025")
    for label, value in respondent.items():
        phone.get_by_label(label).fill(value)


def send_report(phone: Page, checker: Page, heading: str = "Report received") -> str:
    """Send the form; the receipt shown this once, as the complainant would copy it."""
    phone.get_by_role("button", name="Send the report").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(heading)
    check(phone, checker)
    found = RECEIPT.search(phone.locator(".receipt").inner_text())
    assert found, "no receipt on the page"
    return found.group(0)


def enter_receipt(phone: Page, live_server: LiveServer, receipt: str) -> None:
    phone.goto(f"{live_server.url}/report/status/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Check a report")
    phone.get_by_label("Your receipt code").fill(receipt)
    phone.get_by_role("button", name="Continue").click()


def finish(phone: Page) -> None:
    phone.get_by_role("button", name="Finish and close your report").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Check a report")


def refused(phone: Page) -> None:
    """The one answer to a receipt that does not open a report, whatever the reason."""
    expect(phone.get_by_role("heading", level=1)).to_have_text("Check a report")
    expect(phone.get_by_role("alert")).to_contain_text(WRONG_RECEIPT)
    expect(phone.get_by_label("Your receipt code")).to_have_value("")


def report_anonymously(phone: Page, checker: Page, live_server: LiveServer) -> str:
    start_report(phone, checker, live_server)
    # Sent empty, the form comes back from the server with its errors: no script checked it.
    phone.get_by_role("button", name="Send the report").click()
    expect(phone.get_by_role("alert")).to_contain_text("There is a problem")
    expect(phone.get_by_role("alert")).to_contain_text("Choose how you want to report")
    expect(phone).to_have_title(re.compile(r"^Error: "))
    check(phone, checker)

    fill_report(phone, "Anonymous", **{"Their name (optional)": "Rex Respondent"})
    phone.get_by_label("Evidence files (optional)").set_input_files(
        {"name": "screenshot.png", "mimeType": "image/png", "buffer": png()}
    )
    receipt = send_report(phone, checker)
    expect(phone.get_by_role("status")).to_have_text("Report received")
    expect(phone.locator("main")).to_contain_text("We will not show it again")
    return receipt


def officer_writes(page: Page, live_server: LiveServer, cast: Cast, case: Case) -> None:
    sign_in(page, live_server, cast.officer)
    page.get_by_role("link", name=case.reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {case.reference}")
    assert_accessible(page)
    page.get_by_role("link", name="Messages with the complainant").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Messages with complainants")
    expect(page.get_by_role("heading", level=2)).to_contain_text("(anonymous)")
    expect(page.locator("main")).to_contain_text("No messages yet.")
    assert_accessible(page)
    page.get_by_label("Message to this complainant").fill(OFFICER_WRITES)
    page.get_by_role("button", name="Send message").click()
    expect(page.get_by_role("status")).to_contain_text("Message sent.")
    expect(page.locator(".messages-thread")).to_contain_text(OFFICER_WRITES)
    assert_accessible(page)


def expect_stage(phone: Page, case: Case) -> None:
    """The status page says, in plain words, the stage the case is at."""
    case.refresh_from_db()
    expect(phone.locator(".stage")).to_have_text(STAGE_IN_PLAIN_WORDS[case.stage])


def complainant_returns(
    phone: Page, checker: Page, live_server: LiveServer, receipt: str, case: Case
) -> None:
    # A code never issued, then the right code typed as people do (lower case, spaces): the
    # first gets the neutral answer, and the box is left empty rather than echo what was typed.
    enter_receipt(phone, live_server, "ABCD-EFGH-JKMN-PQRS-TUVW")
    refused(phone)
    check(phone, checker)
    enter_receipt(phone, live_server, receipt.lower().replace("-", " "))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Your report")
    expect_stage(phone, case)
    expect(phone.locator("main")).to_contain_text(re.compile(r"Next date: .+ by \d{1,2} \w+ \d{4}"))
    thread = phone.locator(".messages-thread")
    expect(thread).to_contain_text("From the case officer")
    expect(thread).to_contain_text(OFFICER_WRITES)
    expect(phone.locator("main")).to_contain_text("You have added 1 file.")
    check(phone, checker)

    phone.get_by_role("button", name="Send message").click()  # empty: an error, nothing sent
    expect(phone.get_by_role("alert")).to_contain_text("Write your message")
    check(phone, checker)
    phone.get_by_label("Your message").fill(COMPLAINANT_REPLIES)
    phone.get_by_role("button", name="Send message").click()
    expect(phone.get_by_role("status")).to_have_text("Your message has been sent.")
    expect(thread).to_contain_text(COMPLAINANT_REPLIES)
    check(phone, checker)

    phone.get_by_label("Files to add").set_input_files(
        {"name": "minutes.pdf", "mimeType": "application/pdf", "buffer": MINUTES_PDF}
    )
    phone.get_by_role("button", name="Add files").click()
    expect(phone.get_by_role("status")).to_have_text("1 file(s) added to your report.")
    expect(phone.locator("main")).to_contain_text("You have added 2 files.")
    check(phone, checker)


def test_an_anonymous_complainant_reports_returns_and_exchanges_messages_on_a_phone(
    phone: Page, checker: Page, page: Page, live_server: LiveServer, settings: Any
) -> None:
    cast = make_cast()
    settings.REDRESS_ORGANISATION = cast.organisation.slug

    receipt = report_anonymously(phone, checker, live_server)
    complaint = Complaint.objects.select_related("case").get()
    case = complaint.case
    assert complaint.anonymous and complaint.complainant is None
    assert case.respondent == cast.respondent
    assert IntakeEvidence.objects.filter(complaint=complaint).count() == 1

    # Staffing the case is the coordinator's journey (test_case_journey); here it is given.
    case_services.assign(case, user=cast.officer, role="officer", actor=cast.coordinator)
    officer_writes(page, live_server, cast, case)

    complainant_returns(phone, checker, live_server, receipt, case)
    assert IntakeEvidence.objects.filter(complaint=complaint).count() == 2

    page.reload()
    thread = page.locator(".messages-thread")
    expect(thread).to_contain_text("From the complainant")
    expect(thread).to_contain_text(COMPLAINANT_REPLIES)
    assert_accessible(page)
    assert list(Message.objects.order_by("sent_at").values_list("direction", flat=True)) == [
        Message.Direction.TO_COMPLAINANT,
        Message.Direction.FROM_COMPLAINANT,
    ]

    # Once too many wrong codes have come from this phone, even the right one gets the same
    # answer as a wrong one: the page never says whether a receipt exists.
    finish(phone)
    for _ in range(RECEIPT_ATTEMPTS - 1):
        enter_receipt(phone, live_server, "2345-6789-ABCD-EFGH-JKMN")
        refused(phone)
    enter_receipt(phone, live_server, receipt)
    refused(phone)
    check(phone, checker)


def test_confidential_and_held_reports_on_a_phone(
    phones: Callable[[], Page], checker: Page, live_server: LiveServer, settings: Any
) -> None:
    cast = make_cast()
    settings.REDRESS_ORGANISATION = cast.organisation.slug

    # Confidential: named to the complaints team, with a receipt to come back with. It is about
    # someone else: a complaint about Rex would be the second naming the held report below
    # waits for, and that report would be filed at once.
    confidential = phones()
    start_report(confidential, checker, live_server)
    fill_report(confidential, "Confidential", **{"Their name (optional)": "Sam Otherperson"})
    confidential.get_by_label("Your name (optional)").fill("Ada Complainant")
    confidential.get_by_label("Your email address (optional)").fill("ada@example.org")
    receipt = send_report(confidential, checker)
    expect(confidential.locator("main")).to_contain_text("acknowledgement within 7 days")
    complaint = Complaint.objects.select_related("case").get()
    enter_receipt(confidential, live_server, receipt)
    expect_stage(confidential, complaint.case)
    check(confidential, checker)
    assert not complaint.anonymous
    assert complaint.complainant is not None
    assert complaint.complainant.email == "ada@example.org"
    assert complaint.submitted["identity_confidential"] is True

    # Held: nobody reads it until someone else reports the same person.
    held = phones()
    start_report(held, checker, live_server)
    fill_report(
        held,
        "Held until someone else reports the same person",
        **{"Their name (optional)": "Rex Respondent"},
    )
    receipt = send_report(held, checker, heading="Report held")
    expect(held.locator("main")).to_contain_text("Nobody will read your report yet.")
    enter_receipt(held, live_server, receipt)
    expect(held.locator(".stage")).to_have_text(HELD_IN_PLAIN_WORDS)
    expect(held.get_by_role("heading", name="Messages")).to_have_count(0)
    check(held, checker)
    finish(held)
    assert HeldReport.objects.get().status == HeldReport.Status.HELD

    # Someone else, on their own phone, names the same person by membership number only.
    other = phones()
    start_report(other, checker, live_server)
    fill_report(
        other,
        "Anonymous",
        **{"Their membership number (optional)": cast.respondent.membership_number},
    )
    send_report(other, checker)
    opened = HeldReport.objects.select_related("complaint__case").get()
    assert opened.status == HeldReport.Status.OPENED
    assert opened.complaint is not None
    assert opened.complaint.case.respondent == cast.respondent

    enter_receipt(held, live_server, receipt)
    expect_stage(held, opened.complaint.case)
    expect(held.get_by_role("heading", name="Messages")).to_be_visible()
    check(held, checker)
