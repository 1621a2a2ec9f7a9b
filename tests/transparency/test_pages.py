"""The public pages: readable by anyone, nothing personal, downloads byte for byte."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from redress.people.models import Organisation
from redress.transparency.models import Release

from .conftest import add_facts, publish


@pytest.fixture
def release(organisation: Organisation) -> Release:
    add_facts(
        organisation, 30, received_on=date(2026, 7, 6), category="bullying", respondent_unit=""
    )
    add_facts(organisation, 4, received_on=date(2026, 8, 3), category="antisemitism")
    add_facts(organisation, 25, received_on=date(2026, 9, 1), category="sexism")
    return publish(organisation, "2026Q3")


def test_the_index_lists_each_organisations_releases(client: Client, release: Release) -> None:
    response = client.get("/transparency/")

    assert response.status_code == 200
    page = response.content.decode()
    assert release.organisation.name in page
    assert f'href="/transparency/{release.organisation.slug}/2026Q3/"' in page
    assert "<script" not in page


def test_the_release_page_shows_the_tables_withheld_cells_and_the_audit_head(
    client: Client, release: Release, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(2):
        response = client.get(f"/transparency/{release.organisation.slug}/2026Q3/")

    page = response.content.decode()
    assert response.status_code == 200
    assert release.audit_head_hash in page
    assert '<caption id="table-received_by_category">Complaints received, by category' in page
    assert '<abbr title="withheld">[w]</abbr>' in page
    assert "<script" not in page


@pytest.mark.parametrize(
    ("suffix", "content_type"), [(".csv", "text/csv"), (".json", "application/json")]
)
def test_the_downloads_are_byte_for_byte_what_was_published(
    client: Client, release: Release, suffix: str, content_type: str
) -> None:
    response = client.get(f"/transparency/{release.organisation.slug}/2026Q3{suffix}")

    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    stored = release.csv_text if suffix == ".csv" else release.json_text
    assert response.content == stored.encode()


@pytest.mark.parametrize(
    "path", ["/transparency/nobody/2026Q3/", "/transparency/nobody/2026Q3.csv"]
)
def test_an_unknown_release_is_not_found(client: Client, release: Release, path: str) -> None:
    assert client.get(path).status_code == 404


def test_the_pages_only_read(client: Client, release: Release) -> None:
    response = client.post(f"/transparency/{release.organisation.slug}/2026Q3/")

    assert response.status_code == 405
