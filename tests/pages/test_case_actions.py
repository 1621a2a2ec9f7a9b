"""Taking a step, recording a decision and serving a notice from the case page: what is
allowed happens, what is refused changes nothing and says why, and outsiders get 404."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from redress.audit.models import AuditEvent
from redress.cases import services
from redress.cases.models import Case, Decision, Notice
from tests.factories import REASONS, Cast, file_case

from .helpers import ready_for_investigation, signed_in, text_of

pytestmark = pytest.mark.django_db


def audit_count(case: Case) -> int:
    return AuditEvent.objects.filter(case_id=case.pk).count()


def test_an_allowed_step_moves_the_case_and_says_so(client: Client, cast: Cast) -> None:
    case = ready_for_investigation(file_case(cast), cast)
    signed_in(client, cast.officer)

    response = client.post(
        reverse("cases:transition", args=[case.pk]),
        {"to": "investigation", "reason": "Serious enough to investigate."},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    case.refresh_from_db()
    assert case.stage == "investigation"
    moved = AuditEvent.objects.get(case_id=case.pk, action="case.transitioned", actor=cast.officer)
    assert moved.data["reason"] == "Serious enough to investigate."
    assert "The case moved to Investigation." in text_of(client.get(response["Location"]))


def test_a_refused_step_changes_nothing_and_says_why(client: Client, cast: Cast) -> None:
    case = file_case(cast)
    before = audit_count(case)
    signed_in(client, cast.officer)

    response = client.post(reverse("cases:transition", args=[case.pk]), {"to": "investigation"})

    case.refresh_from_db()
    assert case.stage == "triage"
    assert audit_count(case) == before
    page = text_of(client.get(response["Location"]))
    assert "The case was not moved to Investigation, because" in page
    assert "nobody has been assigned as investigator on this case" in page
    assert "Nothing was changed." in page


def test_a_step_the_rulebook_does_not_have_is_refused(client: Client, cast: Cast) -> None:
    case = file_case(cast)
    signed_in(client, cast.officer)

    response = client.post(
        reverse("cases:transition", args=[case.pk]), {"to": "appeal"}, follow=True
    )

    assert "the rulebook has no step from Triage to Appeal" in text_of(response)
    case.refresh_from_db()
    assert case.stage == "triage"


def test_a_step_without_a_stage_is_refused(client: Client, cast: Cast) -> None:
    case = file_case(cast)
    signed_in(client, cast.officer)

    response = client.post(reverse("cases:transition", args=[case.pk]), {}, follow=True)

    assert "That step could not be read; nothing was changed." in text_of(response)


def test_oversight_cannot_take_an_allowed_step(client: Client, cast: Cast) -> None:
    case = ready_for_investigation(file_case(cast), cast)
    signed_in(client, cast.oversight)

    response = client.post(
        reverse("cases:transition", args=[case.pk]), {"to": "investigation"}, follow=True
    )

    assert "oversight reads every case and changes none" in text_of(response)
    case.refresh_from_db()
    assert case.stage == "triage"


def test_recording_a_decision(client: Client, cast: Cast) -> None:
    case = file_case(cast)
    signed_in(client, cast.officer)

    response = client.post(
        reverse("cases:decision", args=[case.pk, "triage"]),
        {"outcome": "investigation", "reasons": REASONS},
    )

    assert response.status_code == 302
    decision = Decision.objects.get(case=case, kind="triage")
    assert (decision.outcome, decision.decided_by) == ("investigation", cast.officer)
    page = text_of(client.get(response["Location"]))
    assert "Triage assessment recorded." in page
    assert "Triage assessment: Investigation" in page


def test_a_decision_without_reasons_is_refused_on_its_form(client: Client, cast: Cast) -> None:
    case = file_case(cast)
    signed_in(client, cast.officer)

    response = client.post(
        reverse("cases:decision", args=[case.pk, "triage"]),
        {"outcome": "investigation", "reasons": "ok"},
    )

    assert response.status_code == 400
    assert "write the reasons for this decision (at least a sentence)" in text_of(response)
    assert not Decision.objects.filter(case=case).exists()


def test_a_decision_by_the_wrong_role_is_refused(client: Client, cast: Cast) -> None:
    case = file_case(cast)
    services.assign(case, user=cast.investigator, role="investigator", actor=cast.coordinator)
    signed_in(client, cast.investigator)

    response = client.post(
        reverse("cases:decision", args=[case.pk, "triage"]),
        {"outcome": "investigation", "reasons": REASONS},
    )

    assert response.status_code == 400
    assert "only the case officer may take this step" in text_of(response)
    assert not Decision.objects.filter(case=case).exists()


def test_an_unknown_decision_is_a_404(client: Client, cast: Cast) -> None:
    case = file_case(cast)
    signed_in(client, cast.officer)

    response = client.post(
        reverse("cases:decision", args=[case.pk, "no_such_decision"]),
        {"outcome": "x", "reasons": REASONS},
    )

    assert response.status_code == 404


def test_serving_a_notice(client: Client, cast: Cast) -> None:
    case = file_case(cast)
    before = Notice.objects.filter(case=case).count()
    signed_in(client, cast.officer)

    response = client.post(reverse("cases:notice", args=[case.pk]), {"kind": "feedback"})

    assert response.status_code == 302
    assert Notice.objects.filter(case=case).count() == before + 1
    assert Notice.objects.filter(case=case, kind="feedback", served_by=cast.officer).exists()


def test_outsiders_get_404_from_every_action_and_nothing_changes(
    client: Client, cast: Cast
) -> None:
    case = ready_for_investigation(file_case(cast), cast)
    before = audit_count(case)
    signed_in(client, cast.outsider)

    posts = [
        (reverse("cases:transition", args=[case.pk]), {"to": "investigation"}),
        (
            reverse("cases:decision", args=[case.pk, "triage"]),
            {"outcome": "investigation", "reasons": REASONS},
        ),
        (reverse("cases:notice", args=[case.pk]), {"kind": "feedback"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url

    case.refresh_from_db()
    assert case.stage == "triage"
    assert audit_count(case) == before


def test_actions_are_posts_only(client: Client, cast: Cast) -> None:
    case = file_case(cast)
    signed_in(client, cast.officer)

    assert client.get(reverse("cases:transition", args=[case.pk])).status_code == 405
    assert client.get(reverse("cases:notice", args=[case.pk])).status_code == 405
