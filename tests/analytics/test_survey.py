"""The confidence survey: both parties invited on closure, answers kept apart, results by group
with small numbers withheld."""

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from redress.analytics import survey
from redress.analytics.models import SurveyAnswer, SurveyInvitation
from redress.cases import services
from redress.people.equality import Declaration, declare_equality
from tests.factories import file_case, make_person
from tests.portal.helpers import sign_in, text_of

pytestmark = pytest.mark.django_db


def closed_case(cast):
    case = file_case(cast, categories=("islamophobia",))
    for kind, outcome in (("triage", "no_further_action"), ("interim_measures", "not_needed")):
        services.record_decision(
            case, kind=kind, outcome=outcome, reasons="Reasons in full.", actor=cast.officer
        )
    services.transition_case(case, to="closed", actor=cast.officer)
    return case


def test_closing_a_case_invites_both_parties_once_and_emails_them(
    cast, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = closed_case(cast)
    invitations = SurveyInvitation.objects.filter(case=case)
    assert {(i.person_id, i.party) for i in invitations} == {
        (cast.complainant.pk, "complainant"),
        (cast.respondent.pk, "respondent"),
    }
    assert all(i.emailed_at for i in invitations)
    assert survey.invite_parties(case) == []
    for person in (cast.complainant, cast.respondent):
        [message] = [m for m in smtp_server.to(person.email) if "survey" in m.subject]
        assert case.reference not in message.body
        assert cast.respondent.name not in message.body
        assert "/survey/" in message.body
    assert not survey.email_invitation(invitations[0].pk)  # sent once


def test_an_open_case_invites_nobody(cast):
    case = file_case(cast)
    assert survey.invite_parties(case) == []


def test_a_party_answers_once_through_the_portal_and_the_answer_names_nobody(cast, client):
    declare_equality(cast.complainant, declaration=Declaration(ethnic_group="asian"))
    case = closed_case(cast)
    invitation = SurveyInvitation.objects.get(case=case, person=cast.complainant)
    sign_in(client, cast.complainant)
    listing = client.get(reverse("survey:list"))
    assert reverse("survey:answer", args=[invitation.pk]) in text_of(listing)
    bad = client.post(reverse("survey:answer", args=[invitation.pk]), {"treated_fairly": "9"})
    assert bad.status_code == 400
    assert "on the scale from 1 to 5" in text_of(bad)
    assert not SurveyAnswer.objects.exists()
    answers = {"treated_fairly": "4", "listened_to": "5", "confidence": "3"}
    done = client.post(reverse("survey:answer", args=[invitation.pk]), answers)
    assert done.status_code == 302
    answer = SurveyAnswer.objects.get()
    assert (answer.party, answer.category, answer.group) == ("complainant", "islamophobia", "asian")
    again = client.post(reverse("survey:answer", args=[invitation.pk]), answers)
    assert again.status_code == 404
    assert SurveyAnswer.objects.count() == 1


def test_someone_else_cannot_answer_a_partys_survey(cast, client):
    case = closed_case(cast)
    invitation = SurveyInvitation.objects.get(case=case, person=cast.complainant)
    sign_in(client, cast.respondent)
    answers = {"treated_fairly": "1", "listened_to": "1", "confidence": "1"}
    assert client.post(reverse("survey:answer", args=[invitation.pk]), answers).status_code == 404
    with pytest.raises(survey.SurveyError):
        survey.answer_survey(cast.respondent, invitation.pk, answers={k: 1 for k in answers})
    assert client.get(reverse("survey:list")).status_code == 200


def test_a_signed_out_visitor_is_sent_to_sign_in(client):
    assert client.get(reverse("survey:list")).url == reverse("portal:sign_in")


def test_results_by_group_withhold_groups_under_five(cast):
    people = [make_person(cast.organisation, f"Member {k}") for k in range(8)]
    for k, person in enumerate(people):
        group = "black" if k < 6 else "white"
        declare_equality(person, declaration=Declaration(ethnic_group=group))
        invitation = SurveyInvitation.objects.create(
            organisation=cast.organisation,
            case=file_case(cast),
            person=person,
            party="complainant",
            invited_at=timezone.now(),
        )
        with time_machine.travel("2025-05-01"):
            survey.answer_survey(
                person,
                invitation.pk,
                answers={"treated_fairly": 2 + (k % 2), "listened_to": 3, "confidence": 2},
            )
    results = {r.group: r for r in survey.survey_results(cast.organisation, by="group")}
    assert results["black"].answers == 6
    assert results["black"].treated_fairly == 2.5
    assert results["white"].suppressed and results["white"].answers == 0
    by_quarter = survey.survey_results(cast.organisation, by="quarter")
    assert [r.group for r in by_quarter] == ["2025-Q2"]
