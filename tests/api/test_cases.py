"""GET /api/v1/cases and /api/v1/cases/{id}: reading cases, only as their team and oversight."""

from __future__ import annotations

import pytest
from django.utils import timezone

from redress.audit.models import AuditEvent
from redress.cases import services
from redress.cases.models import Case
from tests.factories import Cast, file_case, make_cast


def test_the_team_reads_the_stage_deadline_categories_and_officer(cast: Cast, case, api_as):
    response = api_as(cast.officer).get(f"/cases/{case.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == case.pk
    assert body["reference"] == case.reference
    assert (body["stage"], body["stage_label"]) == ("triage", "Triage")
    assert body["categories"] == ["bullying"]
    assert body["assigned_officer"] == cast.officer.username
    assert body["closed_at"] is None and body["outcome"] is None
    assert body["deadlines"], "a case at triage has its clocks running"
    due_dates = [d["due_on"] for d in body["deadlines"]]
    assert body["deadline"] == min(due_dates) == due_dates[0]
    assert body["deadline"] > timezone.localdate().isoformat()


def test_oversight_reads_any_case_of_its_organisation(cast: Cast, case, api_as) -> None:
    assert api_as(cast.oversight).get(f"/cases/{case.pk}").status_code == 200


def test_a_read_is_written_to_the_audit_log(cast: Cast, case, api_as) -> None:
    api_as(cast.investigator).get(f"/cases/{case.pk}")  # off the team: nothing was read
    api_as(cast.oversight).get(f"/cases/{case.pk}")

    viewed = AuditEvent.objects.filter(case_id=case.pk, action="case.viewed")
    assert list(viewed.values_list("actor_id", flat=True)) == [cast.oversight.pk]


@pytest.mark.parametrize("who", ["outsider", "investigator", "panellist", "decision_maker"])
def test_anyone_off_the_team_is_told_there_is_no_such_case(cast: Cast, case, api_as, who):
    client = api_as(getattr(cast, who))
    for path in (f"/cases/{case.pk}", f"/cases/{case.pk}/transitions"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.json() == {"error": "no such case"}


def test_another_organisations_case_does_not_exist_even_for_its_oversight(cast, api_as):
    theirs = file_case(make_cast())
    for user in (cast.officer, cast.oversight, cast.coordinator):
        response = api_as(user).get(f"/cases/{theirs.pk}")
        assert response.status_code == 404
        assert response.json() == {"error": "no such case"}


@pytest.mark.parametrize("case_id", ["0", "-1", "99999999", str(2**63), "9" * 30])
def test_a_case_id_that_names_no_case_is_a_404(cast: Cast, api_as, case_id) -> None:
    response = api_as(cast.oversight).get(f"/cases/{case_id}")
    assert response.status_code == 404
    assert response.json() == {"error": "no such case"}


def test_a_case_id_that_is_no_number_is_a_422(cast: Cast, api_as) -> None:
    response = api_as(cast.oversight).get("/cases/RD-000001")
    assert response.status_code == 422
    assert response.json()["detail"] == [
        "case_id: Input should be a valid integer, unable to parse string as an integer"
    ]


def test_an_unknown_path_is_a_json_404(cast: Cast, api_as) -> None:
    response = api_as(cast.oversight).get("/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {"error": "no such endpoint"}


def test_a_closed_case_shows_its_outcome_and_no_deadline(cast: Cast, case, api_as) -> None:
    close_at_triage(case, cast)
    body = api_as(cast.officer).get(f"/cases/{case.pk}").json()
    assert body["stage"] == "closed"
    assert body["outcome"] == "no_further_action"
    assert body["closed_at"] is not None
    assert (body["deadline"], body["deadlines"]) == (None, [])


def close_at_triage(case: Case, cast: Cast) -> None:
    reasons = "No case to answer on the complaint as made."
    services.record_decision(
        case, kind="triage", outcome="no_further_action", reasons=reasons, actor=cast.officer
    )
    services.record_decision(
        case, kind="interim_measures", outcome="not_needed", reasons=reasons, actor=cast.officer
    )
    services.transition_case(case, to="closed", actor=cast.officer, reason="nothing to answer")


# --- The list ----------------------------------------------------------------------------------


def test_the_list_holds_only_the_cases_the_caller_may_see(cast: Cast, case, api_as) -> None:
    other_case = file_case(cast)
    services.end_assignment(
        other_case.assignments.get(user=cast.officer), actor=None, reason="moved to another case"
    )
    file_case(make_cast())

    mine = api_as(cast.officer).get("/cases").json()
    assert mine["count"] == 1
    assert [item["id"] for item in mine["items"]] == [case.pk]
    assert mine["items"][0]["categories"] == ["bullying"]

    everything = api_as(cast.oversight).get("/cases").json()
    assert {item["id"] for item in everything["items"]} == {case.pk, other_case.pk}

    assert api_as(cast.outsider).get("/cases").json() == {
        "count": 0,
        "limit": 50,
        "offset": 0,
        "items": [],
    }


def test_the_list_filters_and_pages(cast: Cast, api_as) -> None:
    cases = [file_case(cast, categories=(c,)) for c in ("bullying", "sexism", "bullying")]
    client = api_as(cast.oversight)

    bullying = client.get("/cases?category=bullying").json()
    assert {i["id"] for i in bullying["items"]} == {cases[0].pk, cases[2].pk}

    first = client.get("/cases?limit=2").json()
    rest = client.get("/cases?limit=2&offset=2").json()
    assert first["count"] == rest["count"] == 3
    assert len(first["items"]) == 2 and len(rest["items"]) == 1
    assert {i["id"] for i in first["items"] + rest["items"]} == {c.pk for c in cases}

    assert client.get("/cases?stage=closed").json()["count"] == 0


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        ("limit=0", "limit: Input should be greater than or equal to 1"),
        ("limit=201", "limit: Input should be less than or equal to 200"),
        ("offset=-1", "offset: Input should be greater than or equal to 0"),
        ("category=gossip", "category: Input should be"),
        ("stage=%00", "stage: text may not contain NUL characters"),
    ],
)
def test_a_bad_query_is_a_422_naming_the_parameter(cast: Cast, api_as, query, detail) -> None:
    response = api_as(cast.oversight).get(f"/cases?{query}")
    assert response.status_code == 422
    [line] = response.json()["detail"]
    assert line.startswith(detail)
