"""Beside a proposed decision: the most similar decided cases and their sanctions."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from redress.cases import services
from redress.cases.models import Allegation, Case
from redress.cases.similar import similar_decided_cases
from tests.factories import Cast, file_case, walk_to
from tests.pages.helpers import signed_in, text_of

pytestmark = pytest.mark.django_db


def decided(cast: Cast, summary: str, category: str, sanction: str) -> Case:
    case = services.file_complaint(
        cast.organisation,
        categories=[category],
        summary=summary,
        respondent=cast.respondent,
        complainant=cast.complainant,
    ).case
    services.assign(case, user=cast.officer, role="officer", actor=cast.coordinator)
    Allegation.objects.filter(case=case).update(
        charged=True, finding="upheld", sanction=sanction, conduct="harassment_of_a_person"
    )
    return case


def test_the_most_similar_decided_case_in_the_same_category_comes_first(cast: Cast) -> None:
    near = decided(
        cast, "Repeated abusive messages in the branch group chat at night.", "bullying", "warning"
    )
    far = decided(cast, "Shouted at a steward during the count.", "bullying", "suspension")
    decided(cast, "Repeated abusive messages in the branch group chat.", "sexism", "expulsion")
    case = file_case(cast)  # "Repeated abusive messages in the branch group chat."

    found = similar_decided_cases(case, 5)

    assert [s.reference for s in found] == [near.reference, far.reference]
    assert found[0].similarity > found[1].similarity
    assert found[0].allegations[0].sanction == "warning"
    assert similar_decided_cases(case, 1) == found[:1]


def test_undecided_cases_and_the_case_itself_are_left_out(cast: Cast) -> None:
    case = file_case(cast)
    file_case(cast)
    assert similar_decided_cases(case, 5) == []


def test_the_panel_sees_them_beside_the_finding_form(client: Client, cast: Cast) -> None:
    earlier = decided(
        cast, "Repeated abusive messages in the branch group chat.", "bullying", "warning"
    )
    case = walk_to(file_case(cast), "decision", cast)
    signed_in(client, cast.panellist)

    page = text_of(client.get(reverse("cases:detail", args=[case.pk])))

    assert "Similar decided cases" in page
    assert earlier.reference in page and "formal warning" in page
    signed_in(client, cast.officer)
    assert "Similar decided cases" not in text_of(
        client.get(reverse("cases:detail", args=[case.pk]))
    )
