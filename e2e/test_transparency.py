"""The public statistics in a real browser, with JavaScript off: from the list of releases to a
quarter's tables and its CSV, each page checked with axe."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from redress.transparency.models import Release
from tests.factories import make_organisation
from tests.transparency.conftest import add_facts, publish

from .accessibility import assert_accessible

pytestmark = pytest.mark.e2e


@pytest.fixture
def reader(browser: Browser) -> Iterator[Page]:
    """A member of the public's browser, with scripts off."""
    context = browser.new_context(java_script_enabled=False, accept_downloads=True)
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def release(transactional_db: None) -> Release:
    organisation = make_organisation("Northern Party")
    add_facts(organisation, 30, received_on=date(2026, 7, 6), category="bullying")
    add_facts(organisation, 4, received_on=date(2026, 8, 3), category="antisemitism")
    add_facts(
        organisation,
        25,
        received_on=date(2026, 9, 1),
        category="sexism",
        closed_on=date(2026, 9, 20),
        outcome="not_upheld",
        triaged_on=date(2026, 9, 8),
    )
    return publish(organisation, "2026Q3")


def test_a_reader_finds_a_quarter_reads_it_and_downloads_it(
    reader: Page, page: Page, live_server: LiveServer, release: Release
) -> None:
    reader.goto(f"{live_server.url}/transparency/")
    expect(reader.get_by_role("heading", level=1)).to_have_text("Complaints statistics")
    page.goto(reader.url)
    assert_accessible(page)

    reader.get_by_role("link", name="2026Q3").click()

    expect(reader.get_by_role("heading", level=1)).to_contain_text(
        "complaints statistics for 2026Q3"
    )
    received = reader.get_by_role("table", name="Complaints received, by category")
    antisemitism = received.get_by_role("row", name="Antisemitism")
    expect(antisemitism.get_by_role("cell").first).to_have_text("[w]")
    expect(received.get_by_role("row", name="Bullying and harassment")).to_contain_text("30")
    expect(reader.locator(".audit-head")).to_contain_text(release.audit_head_hash)
    page.goto(reader.url)
    assert_accessible(page)

    with reader.expect_download() as download:
        reader.get_by_role("link", name="CSV").click()
    path = download.value.path()
    assert path.read_text(encoding="utf-8") == release.csv_text
