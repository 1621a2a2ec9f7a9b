"""Staffing cases with least access: the coordinator's list of cases that need someone, and a
case's team page, which shows who is on the case and never what the case is about."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from django.test import Client
from django.urls import reverse

from redress.audit.models import AuditEvent
from redress.cases import services
from redress.cases.models import Assignment, Case
from redress.cases.selectors import roles_needed
from redress.rulebook.loader import parse_rulebook
from redress.rulebook.selectors import parsed
from tests.factories import REASONS, Cast, file_case, make_cast, make_staff, walk_to

from .helpers import signed_in, text_of

pytestmark = pytest.mark.django_db

CONTENT = ("Rex Respondent", "Ada Complainant", "Repeated abusive messages", REASONS)


def team_url(case: Case) -> str:
    return reverse("cases:team", args=[case.pk])


def end_url(assignment: Assignment) -> str:
    return reverse("cases:end_assignment", args=[assignment.case_id, assignment.pk])


def events(case: Case, action: str) -> int:
    return AuditEvent.objects.filter(case_id=case.pk, action=action).count()


# --- Needed roles come from the rulebook -------------------------------------------------------


def test_needed_roles_are_read_from_the_rulebooks_transitions(cast: Cast) -> None:
    rulebook = parsed(file_case(cast).rulebook)

    charging = roles_needed(rulebook, "charging")
    assert charging.now == ("decision_maker",)  # who takes the steps out of charging
    assert charging.next == ("panellist",)  # who takes the steps out of the hearing it leads to
    assert "investigator" in roles_needed(rulebook, "triage").now  # a team_includes guard
    assert roles_needed(rulebook, "appeal_window").now == ("officer", "appeal_panellist")
    assert roles_needed(rulebook, "closed").all == ()


def test_a_rulebook_that_asks_for_more_asks_the_coordinator_for_more(cast: Cast) -> None:
    """One rule: add a `team_includes` guard to the rulebook and the staffing need follows."""
    source = parsed(file_case(cast).rulebook).model_dump(mode="json", by_alias=True)
    for transition in source["transitions"]:
        if (transition["from"], transition["to"]) == ("charging", "hearing"):
            transition["guards"] = [
                *transition["guards"],
                {"name": "team_includes", "args": {"value": "reviewer"}},
            ]
    stricter = parse_rulebook(yaml.safe_dump(source))

    assert roles_needed(stricter, "charging").now == ("decision_maker", "reviewer")


# --- The list ----------------------------------------------------------------------------------


def test_a_case_at_charging_is_listed_as_needing_a_panellist(client: Client, cast: Cast) -> None:
    at_charging = walk_to(file_case(cast), "charging", cast)
    staffed = walk_to(file_case(cast), "charging", cast)
    services.assign(staffed, user=cast.panellist, role="panellist", actor=cast.coordinator)
    signed_in(client, cast.coordinator)

    response = client.get(reverse("cases:staffing"))

    assert response.status_code == 200
    needs = {need.case.pk: need for need in response.context["needs"]}
    assert set(needs) == {at_charging.pk}
    need = needs[at_charging.pk]
    assert (need.stage_label, need.missing_now, need.missing_next) == (
        "Charging decision",
        [],
        ["Panel member"],
    )
    page = text_of(response)
    assert at_charging.reference in page and "Panel member" in page
    assert not any(text in page for text in CONTENT)


def test_the_list_costs_the_same_queries_however_many_cases_it_shows(
    client: Client, cast: Cast, django_assert_max_num_queries: Any
) -> None:
    walk_to(file_case(cast), "charging", cast)
    signed_in(client, cast.coordinator)
    client.get(reverse("cases:staffing"))  # warm the session and the parsed rulebook
    with django_assert_max_num_queries(12) as one:
        client.get(reverse("cases:staffing"))
    for stage in ("triage", "investigation", "charging", "hearing"):
        walk_to(file_case(cast), stage, cast)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(reverse("cases:staffing"))
    assert len(response.context["needs"]) == 5


# --- The team page -----------------------------------------------------------------------------


def test_the_coordinator_puts_a_panellist_on_a_case_after_charging(
    client: Client, cast: Cast
) -> None:
    case = walk_to(file_case(cast), "hearing", cast)
    signed_in(client, cast.coordinator)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404  # not the team

    page = client.get(team_url(case))
    assert page.status_code == 200
    assert page.context["missing_now"] == ["Panel member"]
    response = client.post(team_url(case), {"member": f"panellist:{cast.panellist.pk}"})

    assert response.status_code == 302 and response["Location"] == team_url(case)
    assignment = Assignment.objects.get(case=case, user=cast.panellist, ended_at__isnull=True)
    assert (assignment.role, assignment.assigned_by) == ("panellist", cast.coordinator)
    after = client.get(response["Location"])
    assert "added to the team as panel member" in text_of(after)
    assert after.context["missing_now"] == []
    assert events(case, "case.assigned") == 4  # officer, investigator, decision-maker, panellist


def test_the_team_page_shows_who_is_on_the_case_and_nothing_of_the_case(
    client: Client, cast: Cast
) -> None:
    case = walk_to(file_case(cast), "charging", cast)
    signed_in(client, cast.coordinator)

    page = text_of(client.get(team_url(case)))

    assert case.reference in page and "Charging decision" in page
    for name in (cast.officer, cast.investigator, cast.decision_maker):
        assert name.display_name in page
    for text in (*CONTENT, "Bullying and harassment", "I deny the allegations"):
        assert text not in page, text


def test_reading_the_team_page_is_audited_as_a_look_at_the_team(client: Client, cast: Cast) -> None:
    case = file_case(cast)
    signed_in(client, cast.officer)
    before = len(client.get(reverse("cases:detail", args=[case.pk])).context["timeline"])
    signed_in(client, cast.coordinator)

    client.get(team_url(case))

    event = AuditEvent.objects.get(case_id=case.pk, action="case.team_viewed")
    assert event.actor_id == cast.coordinator.pk
    assert events(case, "case.viewed") == 1  # the officer's, not the coordinator's
    signed_in(client, cast.officer)  # a read is not something that happened to the case
    assert len(client.get(reverse("cases:detail", args=[case.pk])).context["timeline"]) == before


def test_taking_someone_off_needs_a_reason_and_records_it(client: Client, cast: Cast) -> None:
    case = walk_to(file_case(cast), "investigation", cast)
    investigator = Assignment.objects.get(case=case, role="investigator")
    signed_in(client, cast.coordinator)

    refused = client.post(end_url(investigator), {"reason": "  "})

    assert refused.status_code == 400
    assert "There is a problem" in text_of(refused)
    assert Assignment.objects.get(pk=investigator.pk).ended_at is None
    assert events(case, "case.unassigned") == 0

    done = client.post(end_url(investigator), {"reason": "Declared a conflict of interest."})

    assert done.status_code == 302 and done["Location"] == team_url(case)
    assert Assignment.objects.get(pk=investigator.pk).ended_at is not None
    event = AuditEvent.objects.get(case_id=case.pk, action="case.unassigned")
    assert event.data["reason"] == "Declared a conflict of interest."
    page = client.get(done["Location"])
    assert "taken off the team as investigator" in text_of(page)
    assert page.context["missing_now"] == ["Investigator", "Decision-maker"]
    assert client.post(end_url(investigator), {"reason": "Again."}).status_code == 404


def test_a_refused_assignment_comes_back_on_the_team_page(client: Client, cast: Cast) -> None:
    both = make_staff(cast.organisation, "both", "investigator", "panellist")
    case = walk_to(file_case(cast), "charging", cast)
    services.assign(case, user=both, role="investigator", actor=cast.coordinator)
    services.end_assignment(
        Assignment.objects.get(case=case, user=both), actor=cast.coordinator, reason=REASONS
    )
    signed_in(client, cast.coordinator)

    response = client.post(team_url(case), {"member": f"panellist:{both.pk}"})

    assert response.status_code == 400
    assert "Nothing was changed, because" in text_of(response)
    assert "cannot also be panel member" in text_of(response)
    assert not Assignment.objects.filter(case=case, user=both, ended_at__isnull=True).exists()


def test_an_administrator_staffs_cases_too(client: Client, cast: Cast) -> None:
    admin = make_staff(cast.organisation, "admin", "admin")
    case = walk_to(file_case(cast), "charging", cast)
    signed_in(client, admin)

    assert client.get(reverse("cases:staffing")).status_code == 200
    assert client.get(team_url(case)).status_code == 200


# --- Nobody else -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["officer", "decision_maker", "oversight", "outsider"])
def test_nobody_else_may_staff_cases(client: Client, cast: Cast, who: str) -> None:
    case = walk_to(file_case(cast), "charging", cast)
    assignment = Assignment.objects.get(case=case, role="decision_maker")
    signed_in(client, getattr(cast, who))

    assert client.get(reverse("cases:staffing")).status_code == 403
    assert client.get(team_url(case)).status_code == 404
    post = client.post(team_url(case), {"member": f"panellist:{cast.panellist.pk}"})
    assert post.status_code == 404
    assert client.post(end_url(assignment), {"reason": REASONS}).status_code == 404
    assert not Assignment.objects.filter(case=case, role="panellist").exists()
    assert Assignment.objects.get(pk=assignment.pk).ended_at is None
    assert events(case, "case.team_viewed") == 0


def test_a_coordinator_of_another_organisation_is_told_no_such_case(
    client: Client, cast: Cast
) -> None:
    case = file_case(cast)
    signed_in(client, make_cast().coordinator)

    assert client.get(team_url(case)).status_code == 404
    assert client.get(reverse("cases:staffing")).context["needs"] == []


def test_a_closed_case_is_not_staffed(client: Client, cast: Cast) -> None:
    case = file_case(cast)
    Case.objects.filter(pk=case.pk).update(closed_at=case.opened_at)
    signed_in(client, cast.coordinator)

    assert client.get(team_url(case)).status_code == 404


# --- Links -------------------------------------------------------------------------------------


def test_the_case_page_links_a_coordinator_on_the_team_to_the_team_page(
    client: Client, cast: Cast
) -> None:
    both = make_staff(cast.organisation, "both", "coordinator", "officer")
    case = services.file_complaint(
        cast.organisation,
        categories=["bullying"],
        summary="Repeated abusive messages in the branch group chat.",
        respondent=cast.respondent,
        complainant=cast.complainant,
    ).case
    services.assign(case, user=both, role="officer", actor=cast.coordinator)

    signed_in(client, both)
    assert f'href="{team_url(case)}"' in text_of(
        client.get(reverse("cases:detail", args=[case.pk]))
    )
    assert f'href="{reverse("cases:staffing")}"' in text_of(client.get(reverse("cases:list")))
    services.assign(case, user=cast.investigator, role="investigator", actor=cast.coordinator)
    signed_in(client, cast.investigator)
    page = text_of(client.get(reverse("cases:detail", args=[case.pk])))
    assert f'href="{team_url(case)}"' not in page
    assert f'href="{reverse("cases:staffing")}"' not in page
