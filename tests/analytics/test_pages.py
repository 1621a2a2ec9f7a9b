"""The analytics pages: who may read them, and that they show numbers, never names."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from redress.analytics import diversity, timeliness
from redress.analytics.history import import_history
from redress.people.equality import Declaration, declare_equality
from redress.people.models import Person
from tests.analytics.test_report import history_csv
from tests.factories import file_case, make_person
from tests.portal.helpers import text_of

pytestmark = pytest.mark.django_db
PAGES = (
    "analytics:fairness",
    "analytics:fairness_json",
    "analytics:timeliness",
    "analytics:campaigns",
    "analytics:diversity",
    "analytics:survey_results",
)


@pytest.mark.parametrize("page", PAGES)
def test_coordinators_and_oversight_read_the_pages_and_other_staff_are_refused(cast, client, page):
    file_case(cast)
    for reader in (cast.coordinator, cast.oversight):
        client.force_login(reader)
        response = client.get(reverse(page))
        assert response.status_code == 200
        assert cast.complainant.name not in text_of(response)
        assert cast.respondent.name not in text_of(response)
    for other in (cast.officer, cast.panellist, cast.outsider):
        client.force_login(other)
        assert client.get(reverse(page)).status_code == 403
    client.logout()
    assert client.get(reverse(page)).status_code == 302


def test_the_fairness_page_draws_curves_with_their_numbers_and_names_the_finding(cast, client):
    import_history(organisation=cast.organisation, data=history_csv(1200))
    client.force_login(cast.oversight)
    page = text_of(client.get(reverse("analytics:fairness")))
    assert page.count("<svg") == 4  # three survival curves and the upheld bars
    assert "Time to closure by category" in page
    assert "<details>" in page and "% still waiting after so many days" in page
    assert "islamophobia" in page
    by_unit = text_of(client.get(reverse("analytics:fairness"), {"by": "respondent_unit"}))
    assert "Unit 1" in by_unit


def test_the_timeliness_page_counts_the_backlog_and_missed_clocks(cast, client):
    file_case(cast)
    later = timezone.localdate() + timezone.timedelta(days=60)
    overdue = timeliness.overdue_deadlines(cast.organisation, today=later)
    assert any(row.kind == "stage:triage" and row.cases == 1 for row in overdue)
    backlog = timeliness.backlog_by_month(cast.organisation, today=later)["all"]
    assert backlog[-1].open == 1 and backlog[0].open == 0
    client.force_login(cast.coordinator)
    assert "Backlog over the last 24 months" in text_of(client.get(reverse("analytics:timeliness")))


def test_the_backlog_counts_imported_cases_open_at_each_month_end(cast):
    import_history(organisation=cast.organisation, data=history_csv(300))
    series = timeliness.backlog_by_month(cast.organisation, today=date(2025, 6, 30), months=12)
    from redress.analytics.selectors import open_on

    for point in series["all"]:
        assert point.open == open_on(cast.organisation, point.month_end).count()


def test_the_diversity_audit_suppresses_small_counts_and_exports_csv(cast, client):
    for k in range(12):
        person = make_person(cast.organisation, f"Member {k}")
        gender = "woman" if k < 8 else ("man" if k < 11 else "non_binary")
        declare_equality(person, declaration=Declaration(gender=gender))
    cells = {
        (c.population, c.characteristic, c.value): c
        for c in diversity.diversity_audit(cast.organisation)
    }
    members = Person.objects.filter(organisation=cast.organisation, kind="member").count()
    assert members >= 12
    assert cells[("membership", "gender", "woman")].count == 8
    # One count under five would be deducible from the total: the next smallest goes too.
    assert cells[("membership", "gender", "non_binary")].count is None
    assert cells[("membership", "gender", "man")].count is None
    client.force_login(cast.oversight)
    export = client.get(reverse("analytics:diversity"), {"format": "csv"})
    assert export["Content-Type"] == "text/csv"
    assert "membership,gender,non_binary,<5" in export.content.decode()
