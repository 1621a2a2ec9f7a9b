"""GET and POST /api/v1/cases/{id}/transitions: moving a case through the rulebook."""

from __future__ import annotations

from redress.audit.models import AuditEvent
from redress.cases import services
from redress.cases.models import Case
from tests.api.conftest import audit_count
from tests.factories import REASONS, Cast

TRIAGE_EXITS = {"closed", "informal_resolution", "investigation"}


def decide_no_further_action(case: Case, cast: Cast) -> None:
    services.record_decision(
        case, kind="triage", outcome="no_further_action", reasons=REASONS, actor=cast.officer
    )
    services.record_decision(
        case, kind="interim_measures", outcome="not_needed", reasons=REASONS, actor=cast.officer
    )


def test_every_way_out_is_listed_with_the_reasons_it_is_shut(cast: Cast, case, api_as) -> None:
    response = api_as(cast.officer).get(f"/cases/{case.pk}/transitions")

    assert response.status_code == 200
    body = response.json()
    assert body["allowed"] == []
    assert {option["to"] for option in body["refused"]} == TRIAGE_EXITS
    for option in body["refused"]:
        assert option["label"]
        assert option["reasons"] and all(isinstance(r, str) and r for r in option["reasons"])


def test_a_way_out_opens_once_its_conditions_hold(cast: Cast, case, api_as) -> None:
    decide_no_further_action(case, cast)
    body = api_as(cast.officer).get(f"/cases/{case.pk}/transitions").json()

    assert body["allowed"] == [{"to": "closed", "label": "Closed"}]
    assert {option["to"] for option in body["refused"]} == TRIAGE_EXITS - {"closed"}


def test_oversight_sees_every_way_shut_to_it(cast: Cast, case, api_as) -> None:
    decide_no_further_action(case, cast)
    body = api_as(cast.oversight).get(f"/cases/{case.pk}/transitions").json()
    assert body["allowed"] == []
    assert {option["to"] for option in body["refused"]} == TRIAGE_EXITS


def test_an_allowed_transition_moves_the_case(cast: Cast, case, api_as) -> None:
    decide_no_further_action(case, cast)
    response = api_as(cast.officer).post(
        f"/cases/{case.pk}/transitions", {"to": "closed", "reason": "no case to answer"}
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["stage"], body["outcome"]) == ("closed", "no_further_action")
    case.refresh_from_db()
    assert (case.stage, case.outcome) == ("closed", "no_further_action")
    moved = AuditEvent.objects.get(
        case_id=case.pk, action="case.transitioned", actor_id__isnull=False
    )
    assert moved.actor_id == cast.officer.pk
    assert moved.data["reason"] == "no case to answer"


def test_a_refused_transition_is_a_409_and_changes_nothing(cast: Cast, case, api_as) -> None:
    client = api_as(cast.officer)
    listed = client.get(f"/cases/{case.pk}/transitions").json()["refused"]
    expected = next(option["reasons"] for option in listed if option["to"] == "investigation")
    stage, entered, events = case.stage, case.stage_entered_at, audit_count(case)

    response = client.post(f"/cases/{case.pk}/transitions", {"to": "investigation"})

    assert response.status_code == 409
    assert response.json() == {"error": "transition refused", "reasons": expected}
    assert len(expected) >= 2
    case.refresh_from_db()
    assert (case.stage, case.stage_entered_at) == (stage, entered)
    assert audit_count(case) == events


def test_a_step_the_rulebook_lacks_or_a_stage_it_lacks_is_refused(cast: Cast, case, api_as):
    client = api_as(cast.officer)
    events = audit_count(case)

    to_hearing = client.post(f"/cases/{case.pk}/transitions", {"to": "hearing"})
    to_nowhere = client.post(f"/cases/{case.pk}/transitions", {"to": "limbo"})

    assert to_hearing.status_code == to_nowhere.status_code == 409
    assert to_hearing.json()["reasons"] == ["the rulebook has no step from Triage to Hearing"]
    assert to_nowhere.json()["reasons"] == ["there is no stage called “limbo”"]
    case.refresh_from_db()
    assert case.stage == "triage"
    assert audit_count(case) == events


def test_oversight_changes_nothing(cast: Cast, case, api_as) -> None:
    decide_no_further_action(case, cast)
    events = audit_count(case)
    response = api_as(cast.oversight).post(f"/cases/{case.pk}/transitions", {"to": "closed"})

    assert response.status_code == 409
    assert response.json()["reasons"]
    case.refresh_from_db()
    assert case.stage == "triage"
    assert audit_count(case) == events


def test_an_outsider_cannot_move_or_even_find_the_case(cast: Cast, case, api_as) -> None:
    decide_no_further_action(case, cast)
    events = audit_count(case)
    response = api_as(cast.outsider).post(f"/cases/{case.pk}/transitions", {"to": "closed"})

    assert response.status_code == 404
    assert response.json() == {"error": "no such case"}
    case.refresh_from_db()
    assert case.stage == "triage"
    assert audit_count(case) == events


def test_an_invalid_transition_request_is_a_422(cast: Cast, case, api_as) -> None:
    client = api_as(cast.officer)
    bodies = {
        "{}": ["to: this field is required"],
        '{"to": ""}': ["to: String should have at least 1 character"],
        '{"to": "closed", "why": "x"}': ["why: this field is not expected"],
        '{"to": 7}': ["to: Input should be a valid string"],
        '{"to": "closed", "reason": "x\\u0000"}': ["reason: text may not contain NUL characters"],
        "closed": ["the body is not valid JSON"],
    }
    for raw, detail in bodies.items():
        response = client.post(f"/cases/{case.pk}/transitions", raw=raw)
        assert response.status_code == 422, raw
        assert response.json() == {"error": "the request is not valid", "detail": detail}
    case.refresh_from_db()
    assert case.stage == "triage"
