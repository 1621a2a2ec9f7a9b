"""Complainant concentration and near-identical complaints, shown to the officer at triage."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone

from redress.cases import services
from redress.cases.concentration import complainant_concentration
from redress.cases.models import Case
from redress.lib.similarity import text_similarity
from tests.factories import file_case, make_person, walk_to

CAMPAIGN = (
    "At the branch meeting on 3 March the councillor said that members like me should go back "
    "to where we came from, and nobody stopped him. I want the party to act on this."
)
CAMPAIGN_COPY = CAMPAIGN.replace("3 March", "4 March").replace("act on this", "do something")
OTHER_TEXT = "He shouted at volunteers at the street stall and threw their leaflets in the bin."


@pytest.fixture(autouse=True)
def quick_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def complain(cast, summary: str, *, complainant=None, respondent=None, days_ago: int = 0) -> Case:
    complaint = services.file_complaint(
        cast.organisation,
        categories=["other_racism"],
        summary=summary,
        respondent=respondent or cast.respondent,
        complainant=complainant or cast.complainant,
        received_at=timezone.now() - timedelta(days=days_ago),
    )
    return complaint.case


def on_team(cast, case: Case) -> Case:
    services.assign(case, user=cast.officer, role="officer", actor=cast.coordinator)
    return case


def test_the_complainants_complaints_are_counted(cast):
    other_respondent = make_person(cast.organisation, "Olga Other")
    complain(cast, OTHER_TEXT, days_ago=400)
    complain(cast, OTHER_TEXT, respondent=other_respondent, days_ago=30)
    case = on_team(cast, complain(cast, CAMPAIGN))
    figures = complainant_concentration(cast.officer, case)
    assert figures is not None
    [record] = figures.complainants
    assert (record.name, record.total, record.last_12_months, record.about_this_respondent) == (
        "Ada Complainant",
        3,
        2,
        2,
    )


def test_near_identical_complaints_about_the_respondent_are_found(cast):
    case = on_team(cast, complain(cast, CAMPAIGN))
    others = [make_person(cast.organisation, f"Member {i}") for i in range(4)]
    seen = on_team(cast, complain(cast, CAMPAIGN_COPY, complainant=others[0]))
    complain(cast, CAMPAIGN_COPY, complainant=others[1])  # the officer is not on this one
    complain(cast, OTHER_TEXT, complainant=others[2])  # about the respondent, but different
    elsewhere = make_person(cast.organisation, "Someone Else")
    on_team(cast, complain(cast, CAMPAIGN, complainant=others[3], respondent=elsewhere))
    figures = complainant_concentration(cast.officer, case)
    assert figures is not None
    assert [d.reference for d in figures.near_duplicates] == [seen.reference]
    assert figures.near_duplicates_not_visible == 1
    assert figures.near_duplicate_count == 2
    assert figures.compared == 3


def test_the_threshold_decides_what_is_near_identical(cast):
    similarity = text_similarity(CAMPAIGN, CAMPAIGN_COPY)
    assert 0.5 <= similarity < 1
    case = on_team(cast, complain(cast, CAMPAIGN))
    on_team(cast, complain(cast, CAMPAIGN_COPY, complainant=make_person(cast.organisation, "B")))
    at = complainant_concentration(cast.officer, case, threshold=similarity)
    above = complainant_concentration(cast.officer, case, threshold=similarity + 0.01)
    assert at is not None and above is not None
    assert at.near_duplicate_count == 1
    assert above.near_duplicate_count == 0


def test_oversight_sees_every_reference_and_an_outsider_nothing(cast):
    case = on_team(cast, complain(cast, CAMPAIGN))
    other = complain(cast, CAMPAIGN_COPY, complainant=make_person(cast.organisation, "B"))
    figures = complainant_concentration(cast.oversight, case)
    assert figures is not None
    assert [d.reference for d in figures.near_duplicates] == [other.reference]
    assert complainant_concentration(cast.outsider, case) is None


def test_anonymous_complaints_are_counted_and_name_nobody(cast):
    case = file_case(cast, anonymous=True)
    figures = complainant_concentration(cast.officer, case)
    assert figures is not None
    assert figures.complainants == []
    assert figures.anonymous_complaints == 1


PANEL = Template("{% load concentration %}{% complainant_concentration_panel case %}")


def render_panel(user, case: Case) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return PANEL.render(Context({"request": request, "case": case}))


def test_the_panel_shows_at_triage_with_its_caution(cast):
    case = on_team(cast, complain(cast, CAMPAIGN))
    other = on_team(
        cast, complain(cast, CAMPAIGN_COPY, complainant=make_person(cast.organisation, "B"))
    )
    html = render_panel(cast.officer, case)
    assert "never a reason on its own to dismiss a complaint" in html
    assert other.reference in html
    assert render_panel(cast.outsider, case).strip() == ""


def test_the_panel_is_not_shown_after_triage(cast):
    case = walk_to(file_case(cast), "investigation", cast)
    assert render_panel(cast.officer, case).strip() == ""
