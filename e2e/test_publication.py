"""Publishing a redacted report in a real browser: a coordinator uploads it, sees the redactions
highlighted, redacts one more phrase and undoes one with reasons, submits; the approval by the
same person is refused on the page; an administrator approves and downloads the release."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from redress.people.imports import import_register
from redress.people.models import StaffRole
from redress.publication.models import RedactedDocument
from tests.factories import make_organisation, make_staff
from tests.publication.documents import REGISTER_CSV, text_document

from .accessibility import assert_accessible
from .staff import sign_in, sign_out

pytestmark = pytest.mark.e2e


def test_a_report_is_redacted_reviewed_and_released_by_two_people(
    page: Page, live_server: LiveServer, tmp_path
) -> None:
    organisation = make_organisation()
    import_register(organisation=organisation, data=REGISTER_CSV.encode())
    coordinator = make_staff(organisation, "coordinator", StaffRole.COORDINATOR)
    admin = make_staff(organisation, "admin", StaffRole.ADMIN)
    report = tmp_path / "report.txt"
    report.write_bytes(text_document())

    sign_in(page, live_server, coordinator)
    page.get_by_role("link", name="Publication").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Publishing redacted documents")
    assert_accessible(page)
    page.get_by_label("Title").fill("Investigation report")
    page.get_by_label("Document (.txt, .md, .docx or .pdf)").set_input_files(str(report))
    page.get_by_label("Black bars").check()
    page.get_by_label("Keep the names of people with a public role").check()
    page.get_by_role("button", name="Redact and hold for review").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Investigation report")
    expect(page.get_by_role("status")).to_contain_text("ready for review")
    text = page.get_by_role("region", name="Document text with redactions highlighted")
    expect(text.locator("mark.redaction").first).to_have_text("Aisha Khan")
    expect(text.locator("mark.kept")).to_have_text("Keir Morgan")
    assert_accessible(page)

    page.get_by_label("Words to redact").fill("branch members")
    page.get_by_label("Reason for the redaction").fill("Identifies a small branch")
    page.get_by_role("button", name="Redact these words").click()
    expect(page.get_by_role("status")).to_contain_text("1 more places redacted")
    row = page.get_by_role("row").filter(has_text="SW1A 2AA")
    row.get_by_label("Reason for leaving it in").fill("The party's head office")
    row.get_by_role("button", name="Undo").click()
    expect(page.get_by_role("status")).to_contain_text("those words will be published")
    expect(text.locator("mark.undone")).to_have_text("SW1A 2AA")

    page.get_by_role("button", name="Submit for release").click()
    page.get_by_role("button", name="Approve and release").click()
    expect(page.get_by_role("status").or_(page.get_by_role("alert"))).to_contain_text(
        "A second person must approve"
    )
    sign_out(page)

    sign_in(page, live_server, admin)
    document = RedactedDocument.objects.get()
    page.goto(f"{live_server.url}/publication/{document.pk}/")
    page.get_by_role("button", name="Approve and release").click()
    expect(page.get_by_role("status")).to_contain_text("Released")
    document.refresh_from_db()
    expect(page.get_by_text(document.audit_head_hash)).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the released document").click()
    released = download.value.path().read_text()
    assert "Aisha" not in released and "branch members" not in released
    assert "SW1A 2AA" in released and "Keir Morgan" in released and "█████" in released
