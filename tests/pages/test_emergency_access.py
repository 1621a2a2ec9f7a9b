"""The emergency access path: a written reason, an audit row, a flag to oversight, a review."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from redress.audit.models import AuditEvent
from redress.cases.models import EmergencyAccess
from tests.factories import Cast, file_case, make_cast

from .helpers import signed_in, text_of

pytestmark = pytest.mark.django_db

GOOD_REASON = "The respondent is threatening the complainant tonight; the team is unreachable."


def test_the_404_page_points_to_emergency_access(client: Client, cast: Cast) -> None:
    case = file_case(cast)
    signed_in(client, cast.outsider)

    page = text_of(client.get(reverse("cases:detail", args=[case.pk])))

    assert reverse("cases:emergency_access", args=[case.pk]) in page


def test_the_form_says_nothing_about_whether_the_case_exists(client: Client, cast: Cast) -> None:
    case = file_case(cast)
    signed_in(client, cast.outsider)

    real = client.get(reverse("cases:emergency_access", args=[case.pk]))
    missing = client.get(reverse("cases:emergency_access", args=[case.pk + 1000]))

    assert real.status_code == missing.status_code == 200
    assert case.reference not in text_of(real)


def test_a_short_reason_is_refused_and_grants_nothing(client: Client, cast: Cast) -> None:
    case = file_case(cast)
    signed_in(client, cast.outsider)

    response = client.post(
        reverse("cases:emergency_access", args=[case.pk]), {"reason": "need it now"}
    )

    assert response.status_code == 400
    assert "Ensure this value has at least 20 characters" in text_of(response)
    assert not EmergencyAccess.objects.exists()
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404


def test_a_good_reason_opens_the_case_audits_it_and_flags_it_to_oversight(
    client: Client, cast: Cast
) -> None:
    case = file_case(cast)
    signed_in(client, cast.outsider)

    response = client.post(
        reverse("cases:emergency_access", args=[case.pk]), {"reason": GOOD_REASON}
    )

    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "You are seeing this case under emergency access" in text_of(page)
    assert "Emergency access granted for 24 hours" in text_of(page)
    granted = AuditEvent.objects.get(case_id=case.pk, action="case.emergency_access")
    assert (granted.actor_id, granted.data["reason"]) == (cast.outsider.pk, GOOD_REASON)
    # Even with access, an outsider takes no step: the rulebook still refuses them.
    assert page.context["allowed"] == []

    signed_in(client, cast.oversight)
    reviews = client.get(reverse("cases:emergency_reviews"))
    assert case.reference in text_of(reviews)
    assert GOOD_REASON in text_of(reviews)


def test_oversight_marks_an_access_reviewed(client: Client, cast: Cast) -> None:
    case = file_case(cast)
    signed_in(client, cast.outsider)
    client.post(reverse("cases:emergency_access", args=[case.pk]), {"reason": GOOD_REASON})
    access = EmergencyAccess.objects.get()
    signed_in(client, cast.oversight)

    response = client.post(reverse("cases:mark_reviewed", args=[access.pk]), follow=True)

    access.refresh_from_db()
    assert access.reviewed_by_oversight_at is not None
    assert "No emergency access is waiting for review." in text_of(response)
    assert AuditEvent.objects.filter(
        case_id=case.pk, action="case.emergency_access_reviewed", actor=cast.oversight
    ).exists()


def test_only_oversight_has_the_review_page(client: Client, cast: Cast) -> None:
    case = file_case(cast)
    signed_in(client, cast.outsider)
    client.post(reverse("cases:emergency_access", args=[case.pk]), {"reason": GOOD_REASON})
    access = EmergencyAccess.objects.get()
    signed_in(client, cast.officer)

    assert client.get(reverse("cases:emergency_reviews")).status_code == 403
    assert client.post(reverse("cases:mark_reviewed", args=[access.pk])).status_code == 404
    access.refresh_from_db()
    assert access.reviewed_by_oversight_at is None


def test_no_access_to_a_case_that_is_not_there(client: Client, cast: Cast) -> None:
    elsewhere = file_case(make_cast())
    signed_in(client, cast.outsider)

    for case_id in (elsewhere.pk, elsewhere.pk + 1000):
        response = client.post(
            reverse("cases:emergency_access", args=[case_id]), {"reason": GOOD_REASON}
        )
        assert response.status_code == 404
    assert not EmergencyAccess.objects.exists()


def test_the_team_is_sent_straight_to_the_case(client: Client, cast: Cast) -> None:
    case = file_case(cast)
    signed_in(client, cast.officer)

    response = client.post(
        reverse("cases:emergency_access", args=[case.pk]), {"reason": GOOD_REASON}
    )

    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    assert not EmergencyAccess.objects.exists()
