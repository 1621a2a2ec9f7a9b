"""Putting staff on a case's team from the case page: the coordinator's form."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from redress.cases import services
from redress.cases.models import Assignment, Case
from tests.factories import Cast, file_case, make_staff

from .helpers import action_keys, audit_count, refused_on_the_page, signed_in, text_of

pytestmark = pytest.mark.django_db


def unstaffed(cast: Cast) -> Case:
    """A new case with nobody on its team: the coordinator's to staff."""
    return services.file_complaint(
        cast.organisation,
        categories=["bullying"],
        summary="Repeated abusive messages in the branch group chat.",
        respondent=cast.respondent,
        complainant=cast.complainant,
    ).case


def test_the_coordinator_adds_an_investigator_to_the_team(client: Client, cast: Cast) -> None:
    case = unstaffed(cast)
    signed_in(client, cast.coordinator)
    page = client.get(reverse("cases:detail", args=[case.pk]))
    assert action_keys(page, "team_actions") == ["assign"]

    response = client.post(
        reverse("cases:assign", args=[case.pk]), {"member": f"investigator:{cast.investigator.pk}"}
    )

    assert response.status_code == 302
    assignment = Assignment.objects.get(case=case, user=cast.investigator)
    assert (assignment.role, assignment.assigned_by) == ("investigator", cast.coordinator)
    assert "added to the team as investigator" in text_of(client.get(response["Location"]))


def test_nobody_plays_two_parts_and_the_refusal_is_on_the_form(client: Client, cast: Cast) -> None:
    both = make_staff(cast.organisation, "both", "investigator", "decision_maker")
    case = unstaffed(cast)
    services.assign(case, user=both, role="investigator", actor=cast.coordinator)
    before = audit_count(case)
    signed_in(client, cast.coordinator)

    response = client.post(
        reverse("cases:assign", args=[case.pk]), {"member": f"decision_maker:{both.pk}"}
    )

    refused_on_the_page(response, "both-")
    assert "cannot also be decision-maker" in text_of(response)
    assert not Assignment.objects.filter(case=case, role="decision_maker").exists()
    assert audit_count(case) == before


def test_an_officer_is_not_offered_the_form_and_is_refused(client: Client, cast: Cast) -> None:
    case = file_case(cast)
    signed_in(client, cast.officer)

    assert action_keys(client.get(reverse("cases:detail", args=[case.pk])), "team_actions") == []
    response = client.post(
        reverse("cases:assign", args=[case.pk]), {"member": f"investigator:{cast.investigator.pk}"}
    )

    refused_on_the_page(response, "only a complaints coordinator or an administrator")
    assert not Assignment.objects.filter(case=case, user=cast.investigator).exists()


def test_the_case_leaves_the_coordinators_sight_once_it_has_an_officer(
    client: Client, cast: Cast
) -> None:
    """Only the team sees a case: a coordinator staffs it until a case officer is on it, so the
    rest of the team is put in place first and the officer last."""
    case = unstaffed(cast)
    signed_in(client, cast.coordinator)

    client.post(
        reverse("cases:assign", args=[case.pk]), {"member": f"investigator:{cast.investigator.pk}"}
    )
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    response = client.post(
        reverse("cases:assign", args=[case.pk]), {"member": f"officer:{cast.officer.pk}"}
    )

    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 404
    assert set(Assignment.objects.filter(case=case).values_list("role", flat=True)) == {
        "investigator",
        "officer",
    }
