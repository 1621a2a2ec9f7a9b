"""Interim suspension from the case page: decide, serve, review or lift, and extend."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from redress.cases import services, suspensions
from redress.cases.models import Case, InterimSuspension
from tests.factories import REASONS, Cast, file_case

from .helpers import action_keys, audit_count, refused_on_the_page, signed_in, text_of

pytestmark = pytest.mark.django_db
Status = InterimSuspension.Status


def with_decision_maker(cast: Cast) -> Case:
    case = file_case(cast)
    services.assign(case, user=cast.decision_maker, role="decision_maker", actor=cast.coordinator)
    services.assign(case, user=cast.investigator, role="investigator", actor=cast.coordinator)
    return case


def decided(case: Case, cast: Cast) -> InterimSuspension:
    return suspensions.decide_suspension(
        case, ground="risk_to_people", reasons=REASONS, actor=cast.decision_maker
    )


def in_force(case: Case, cast: Cast) -> InterimSuspension:
    return suspensions.serve_suspension(decided(case, cast), actor=cast.decision_maker)


def row_keys(client: Client, case: Case) -> list[str]:
    page = client.get(reverse("cases:detail", args=[case.pk]))
    return [action.key for row in page.context["suspensions"] for action in row.actions]


def test_the_decision_maker_decides_a_suspension(client: Client, cast: Cast) -> None:
    case = with_decision_maker(cast)
    signed_in(client, cast.decision_maker)
    page = client.get(reverse("cases:detail", args=[case.pk]))
    assert action_keys(page, "suspension_actions") == ["suspension"]

    response = client.post(
        reverse("cases:decide_suspension", args=[case.pk]),
        {"ground": "risk_to_people", "reasons": REASONS, "selection_pending_caution": ""},
    )

    assert response.status_code == 302
    suspension = InterimSuspension.objects.get(case=case)
    assert suspension.status == Status.DECIDED
    assert "not in force until its notice is served" in text_of(client.get(response["Location"]))


def test_the_investigator_may_not_suspend(client: Client, cast: Cast) -> None:
    case = with_decision_maker(cast)
    before = audit_count(case)
    signed_in(client, cast.investigator)
    page = client.get(reverse("cases:detail", args=[case.pk]))
    assert action_keys(page, "suspension_actions") == []

    response = client.post(
        reverse("cases:decide_suspension", args=[case.pk]),
        {"ground": "risk_to_people", "reasons": REASONS},
    )

    refused_on_the_page(response, "only the decision-maker may take this step")
    assert not InterimSuspension.objects.filter(case=case).exists()
    assert audit_count(case) == before


def test_serving_the_notice_puts_it_in_force(client: Client, cast: Cast) -> None:
    case = with_decision_maker(cast)
    suspension = decided(case, cast)
    signed_in(client, cast.decision_maker)
    assert row_keys(client, case) == [f"serve-{suspension.pk}", f"review-{suspension.pk}"]

    response = client.post(reverse("cases:serve_suspension", args=[case.pk, suspension.pk]))

    assert response.status_code == 302
    suspension.refresh_from_db()
    assert suspension.status == Status.IN_FORCE
    assert suspension.notice is not None
    assert "the suspension is in force" in text_of(client.get(response["Location"]))


def test_serving_twice_is_refused(client: Client, cast: Cast) -> None:
    case = with_decision_maker(cast)
    suspension = in_force(case, cast)
    before = audit_count(case)
    signed_in(client, cast.decision_maker)

    response = client.post(reverse("cases:serve_suspension", args=[case.pk, suspension.pk]))

    refused_on_the_page(response, "only a decided suspension that has not been served")
    assert case.notices.filter(kind="suspension").count() == 1
    assert audit_count(case) == before


def test_a_review_keeps_it_or_lifts_it(client: Client, cast: Cast) -> None:
    case = with_decision_maker(cast)
    suspension = in_force(case, cast)
    url = reverse("cases:review_suspension", args=[case.pk, suspension.pk])
    signed_in(client, cast.decision_maker)

    kept = client.post(url, {"keep": "keep", "reasons": REASONS})
    assert kept.status_code == 302
    assert "Suspension kept; next review by" in text_of(client.get(kept["Location"]))

    lifted = client.post(url, {"keep": "lift", "reasons": REASONS})
    assert lifted.status_code == 302
    suspension.refresh_from_db()
    assert suspension.status == Status.LIFTED
    assert row_keys(client, case) == []


def test_a_review_without_reasons_changes_nothing(client: Client, cast: Cast) -> None:
    case = with_decision_maker(cast)
    suspension = in_force(case, cast)
    before = audit_count(case)
    signed_in(client, cast.decision_maker)

    response = client.post(
        reverse("cases:review_suspension", args=[case.pk, suspension.pk]),
        {"keep": "lift", "reasons": "no"},
    )

    refused_on_the_page(response, "write the reasons for this decision")
    suspension.refresh_from_db()
    assert suspension.status == Status.IN_FORCE
    assert audit_count(case) == before


def test_the_independent_reviewer_extends_it(client: Client, cast: Cast) -> None:
    case = with_decision_maker(cast)
    services.assign(case, user=cast.reviewer, role="reviewer", actor=cast.coordinator)
    suspension = in_force(case, cast)
    lapses = suspension.lapses_on
    signed_in(client, cast.reviewer)
    assert row_keys(client, case) == [f"extend-{suspension.pk}"]

    response = client.post(
        reverse("cases:extend_suspension", args=[case.pk, suspension.pk]),
        {"working_days": "10", "reasons": REASONS},
    )

    assert response.status_code == 302
    suspension.refresh_from_db()
    assert lapses is not None and suspension.lapses_on is not None
    assert suspension.lapses_on > lapses


def test_the_decision_maker_may_not_extend_it(client: Client, cast: Cast) -> None:
    case = with_decision_maker(cast)
    suspension = in_force(case, cast)
    before = audit_count(case)
    signed_in(client, cast.decision_maker)

    response = client.post(
        reverse("cases:extend_suspension", args=[case.pk, suspension.pk]),
        {"working_days": "10", "reasons": REASONS},
    )

    refused_on_the_page(response, "only the independent reviewer may take this step")
    assert InterimSuspension.objects.get(pk=suspension.pk).lapses_on == suspension.lapses_on
    assert audit_count(case) == before
