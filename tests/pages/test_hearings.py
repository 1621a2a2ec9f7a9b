"""Hearings from the case page: scheduling one, and recording it held once it has started."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from redress.cases import services
from redress.cases.models import Case, Hearing
from tests.factories import Cast, file_case, walk_to

from .helpers import action_keys, audit_count, refused_on_the_page, signed_in, text_of

pytestmark = pytest.mark.django_db


def at_hearing(cast: Cast) -> Case:
    case = walk_to(file_case(cast), "hearing", cast)
    for panellist in cast.panellists:
        services.assign(case, user=panellist, role="panellist", actor=cast.coordinator)
    return case


def local_input(moment: timezone.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_the_officer_schedules_a_hearing(client: Client, cast: Cast) -> None:
    case = at_hearing(cast)
    starts = timezone.now() + timedelta(days=30)
    signed_in(client, cast.officer)
    page = client.get(reverse("cases:detail", args=[case.pk]))
    assert action_keys(page, "hearing_actions") == ["hearing"]

    response = client.post(
        reverse("cases:schedule_hearing", args=[case.pk]),
        {"starts_at": local_input(starts), "place": "Committee room 2"},
    )

    assert response.status_code == 302
    hearing = Hearing.objects.get(case=case)
    assert hearing.place == "Committee room 2"
    assert abs(hearing.starts_at - starts) < timedelta(minutes=1)
    assert "Hearing scheduled for" in text_of(client.get(response["Location"]))


def test_a_hearing_in_the_past_is_refused(client: Client, cast: Cast) -> None:
    case = at_hearing(cast)
    before = audit_count(case)
    signed_in(client, cast.officer)

    response = client.post(
        reverse("cases:schedule_hearing", args=[case.pk]),
        {"starts_at": local_input(timezone.now() - timedelta(days=1)), "place": "Room 2"},
    )

    refused_on_the_page(response, "a hearing is scheduled in the future")
    assert not Hearing.objects.filter(case=case).exists()
    assert audit_count(case) == before


def scheduled(case: Case, cast: Cast) -> Hearing:
    starts = timezone.now() + timedelta(days=20)
    return services.schedule_hearing(case, starts_at=starts, place="Room 2", actor=cast.officer)


def test_the_panel_records_the_hearing_once_it_has_started(client: Client, cast: Cast) -> None:
    case = at_hearing(cast)
    hearing = scheduled(case, cast)
    signed_in(client, cast.panellist)
    assert client.get(reverse("cases:detail", args=[case.pk])).context["hearings"][0].actions == []

    with time_machine.travel(hearing.starts_at + timedelta(hours=3)):
        signed_in(client, cast.panellist)
        page = client.get(reverse("cases:detail", args=[case.pk]))
        assert page.context["hearings"][0].actions[0].key == f"held-{hearing.pk}"
        response = client.post(
            reverse("cases:hearing_held", args=[case.pk, hearing.pk]),
            {"record": "Both parties attended and were heard."},
        )

    assert response.status_code == 302
    hearing.refresh_from_db()
    assert hearing.held_at is not None
    assert hearing.record == "Both parties attended and were heard."


def test_a_hearing_not_yet_started_cannot_be_recorded(client: Client, cast: Cast) -> None:
    case = at_hearing(cast)
    hearing = scheduled(case, cast)
    before = audit_count(case)
    signed_in(client, cast.panellist)

    response = client.post(
        reverse("cases:hearing_held", args=[case.pk, hearing.pk]), {"record": "Too soon."}
    )

    refused_on_the_page(response, "the hearing has not started yet")
    hearing.refresh_from_db()
    assert hearing.held_at is None
    assert audit_count(case) == before
    assert "Record of the hearing" in text_of(response)
