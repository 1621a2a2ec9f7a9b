"""Allegations from the case page: adding one, the charging decision on each, and the finding
(with its sanction) on each charge."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from redress.cases.models import Allegation
from tests.factories import REASONS, Cast, file_case, walk_to

from .helpers import action_keys, audit_count, refused_on_the_page, signed_in, text_of

pytestmark = pytest.mark.django_db


def test_the_officer_adds_an_allegation_at_triage(client: Client, cast: Cast) -> None:
    case = file_case(cast)
    signed_in(client, cast.officer)
    assert action_keys(client.get(reverse("cases:detail", args=[case.pk])), "allegation_actions")

    response = client.post(
        reverse("cases:add_allegation", args=[case.pk]),
        {"category": "sexism", "particulars": "Comments at the branch meeting.", "conduct_on": ""},
    )

    assert response.status_code == 302
    added = case.allegations.get(category="sexism")
    assert added.particulars == "Comments at the branch meeting."
    page = text_of(client.get(response["Location"]))
    assert "Allegation added." in page
    assert "Allegation 2: Sexism and misogyny" in page


def test_no_allegation_is_added_at_the_charging_stage(client: Client, cast: Cast) -> None:
    case = walk_to(file_case(cast), "charging", cast)
    before = audit_count(case)
    signed_in(client, cast.investigator)

    response = client.post(
        reverse("cases:add_allegation", args=[case.pk]),
        {"category": "sexism", "particulars": "Late.", "conduct_on": ""},
    )

    refused_on_the_page(response, "adding an allegation is not possible at the charging")
    assert case.allegations.count() == 1
    assert audit_count(case) == before


def test_the_decision_maker_charges_an_allegation(client: Client, cast: Cast) -> None:
    case = walk_to(file_case(cast), "charging", cast)
    allegation = case.allegations.get()
    signed_in(client, cast.decision_maker)
    page = client.get(reverse("cases:detail", args=[case.pk]))
    assert page.context["allegations"][0].actions[0].key == f"charge-{allegation.pk}"

    response = client.post(
        reverse("cases:charge", args=[case.pk, allegation.pk]),
        {"charged": "yes", "time_limit_exception": ""},
    )

    assert response.status_code == 302
    allegation.refresh_from_db()
    assert allegation.charged is True
    assert "Allegation charged." in text_of(client.get(response["Location"]))


def test_the_investigator_may_not_charge(client: Client, cast: Cast) -> None:
    case = walk_to(file_case(cast), "charging", cast)
    allegation = case.allegations.get()
    before = audit_count(case)
    signed_in(client, cast.investigator)
    page = client.get(reverse("cases:detail", args=[case.pk]))
    assert page.context["allegations"][0].actions == []

    response = client.post(
        reverse("cases:charge", args=[case.pk, allegation.pk]),
        {"charged": "yes", "time_limit_exception": ""},
    )

    refused_on_the_page(response, "only the decision-maker may take this step")
    allegation.refresh_from_db()
    assert allegation.charged is None
    assert audit_count(case) == before


def finding(sanction: str = "warning") -> dict[str, str]:
    return {
        "finding": "upheld",
        "reasons": REASONS,
        "sanction": sanction,
        "sanction_reasons": REASONS if sanction else "",
        "conduct": "harassment_of_a_person" if sanction else "",
    }


def test_the_panel_records_a_finding_and_sanction(client: Client, cast: Cast) -> None:
    case = walk_to(file_case(cast), "decision", cast)
    allegation = case.allegations.get()
    signed_in(client, cast.panellist)

    response = client.post(reverse("cases:finding", args=[case.pk, allegation.pk]), finding())

    assert response.status_code == 302
    allegation.refresh_from_db()
    assert (allegation.finding, allegation.sanction) == (Allegation.Finding.UPHELD, "warning")
    assert allegation.definition_applied.startswith("ACAS definition of bullying")
    page = text_of(client.get(response["Location"]))
    assert "Finding recorded." in page
    assert "Finding on an allegation: upheld" in page


def test_an_upheld_finding_without_a_sanction_is_refused(client: Client, cast: Cast) -> None:
    case = walk_to(file_case(cast), "decision", cast)
    allegation = case.allegations.get()
    before = audit_count(case)
    signed_in(client, cast.panellist)

    response = client.post(
        reverse("cases:finding", args=[case.pk, allegation.pk]), finding(sanction="")
    )

    refused_on_the_page(response, "choose a sanction from the rulebook's guidance")
    allegation.refresh_from_db()
    assert allegation.finding == ""
    assert audit_count(case) == before


def test_an_allegation_of_another_case_is_a_404(client: Client, cast: Cast) -> None:
    case = walk_to(file_case(cast), "charging", cast)
    other = walk_to(file_case(cast), "charging", cast)
    signed_in(client, cast.decision_maker)

    response = client.post(
        reverse("cases:charge", args=[case.pk, other.allegations.get().pk]), {"charged": "yes"}
    )

    assert response.status_code == 404
    assert other.allegations.get().charged is None
