"""The case list: who sees what, the filters, and a query count that does not grow with cases."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from redress.cases import services
from redress.cases.views import listing
from tests.factories import Cast, file_case, make_staff, walk_to

from .helpers import signed_in, text_of

pytestmark = pytest.mark.django_db


def references(response) -> set[str]:  # type: ignore[no-untyped-def]
    return {row.case.reference for row in response.context["rows"]}


def test_the_team_sees_its_case_and_an_outsider_sees_none(client: Client, cast: Cast) -> None:
    case = file_case(cast)

    assert references(signed_in(client, cast.officer).get(reverse("cases:list"))) == {
        case.reference
    }
    outsider_page = signed_in(client, cast.outsider).get(reverse("cases:list"))
    assert references(outsider_page) == set()
    assert case.reference not in text_of(outsider_page)


def test_oversight_sees_every_case(client: Client, cast: Cast) -> None:
    cases = [file_case(cast), file_case(cast)]

    response = signed_in(client, cast.oversight).get(reverse("cases:list"))

    assert references(response) == {c.reference for c in cases}


def test_the_stage_filter(client: Client, cast: Cast) -> None:
    at_triage = file_case(cast)
    investigated = walk_to(file_case(cast), "investigation", cast)
    signed_in(client, cast.officer)

    response = client.get(reverse("cases:list"), {"stage": "investigation"})

    assert references(response) == {investigated.reference}
    assert at_triage.reference not in text_of(response)


def test_the_category_filter(client: Client, cast: Cast) -> None:
    antisemitism = file_case(cast, categories=("antisemitism",))
    file_case(cast, categories=("bullying",))
    signed_in(client, cast.officer)

    response = client.get(reverse("cases:list"), {"category": "antisemitism"})

    assert references(response) == {antisemitism.reference}


def test_the_overdue_filter_and_its_mark(client: Client, cast: Cast) -> None:
    with time_machine.travel(timezone.now() - timedelta(days=90)):
        late = file_case(cast)
    file_case(cast)
    signed_in(client, cast.officer)

    everything = client.get(reverse("cases:list"))
    only_late = client.get(reverse("cases:list"), {"overdue": "on"})

    assert len(references(everything)) == 2
    assert references(only_late) == {late.reference}
    assert "Overdue" in text_of(only_late)


def test_the_assigned_to_me_filter(client: Client, cast: Cast) -> None:
    reader = make_staff(cast.organisation, "reader", "oversight", "officer")
    mine = file_case(cast)
    services.assign(mine, user=reader, role="officer", actor=cast.coordinator)
    file_case(cast)
    signed_in(client, reader)

    assert len(references(client.get(reverse("cases:list")))) == 2
    assert references(client.get(reverse("cases:list"), {"mine": "on"})) == {mine.reference}


def test_a_bad_filter_value_is_ignored_not_fatal(client: Client, cast: Cast) -> None:
    case = file_case(cast)
    signed_in(client, cast.officer)

    response = client.get(reverse("cases:list"), {"stage": "nonsense", "page": "x"})

    assert response.status_code == 200
    assert references(response) == {case.reference}
    assert "Select a valid choice" in text_of(response)


def list_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("cases:list"))
    assert response.status_code == 200
    return len(queries)


def test_the_list_costs_the_same_few_queries_for_many_cases(
    client: Client, cast: Cast, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    signed_in(client, cast.oversight)
    for _ in range(2):
        file_case(cast, categories=("bullying", "sexism"))
    few = list_queries(client)
    for _ in range(8):
        file_case(cast, categories=("bullying", "antisemitism"))

    assert list_queries(client) == few
    with django_assert_max_num_queries(10):
        client.get(reverse("cases:list"))


def test_the_list_pages_through_the_cases_keeping_the_filters(
    client: Client, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(listing, "CASES_PER_PAGE", 2)
    cases = [file_case(cast) for _ in range(3)]
    signed_in(client, cast.oversight)

    page_one = client.get(reverse("cases:list"), {"stage": "triage"})
    page_two = client.get(reverse("cases:list"), {"stage": "triage", "page": 2})

    assert len(page_one.context["rows"]) == 2
    assert len(page_two.context["rows"]) == 1
    assert "?stage=triage&page=2" in text_of(page_one)
    assert references(page_one) | references(page_two) == {c.reference for c in cases}
