"""POST /api/v1/complaints: filing a complaint from another system."""

from __future__ import annotations

from typing import Any

import pytest

from redress.audit.models import AuditEvent
from redress.cases.models import Assignment, Case, Complaint
from redress.people.models import Person
from redress.people.services import create_organisation
from tests.factories import Cast, make_cast, make_person, make_staff


def complaint_body(cast: Cast, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "categories": ["bullying", "sexism"],
        "summary": "Shouted down and mocked at two branch meetings.",
        "respondent": {"membership_number": cast.respondent.membership_number},
        "complainant": {"membership_number": cast.complainant.membership_number},
    }
    body.update(changes)
    return body


def snapshot() -> tuple[int, int, int, int]:
    """How many rows filing writes to: nothing may be half-written by a refused complaint."""
    return (
        Case.objects.count(),
        Complaint.objects.count(),
        Person.objects.count(),
        AuditEvent.objects.exclude(action__startswith="api_token.").count(),
    )


def test_a_complaint_opens_a_case_and_answers_with_its_id(cast: Cast, api_as) -> None:
    response = api_as(cast.coordinator).post("/complaints", complaint_body(cast))

    assert response.status_code == 201
    body = response.json()
    case = Case.objects.get(pk=body["case_id"])
    assert body == {"case_id": case.pk, "reference": case.reference, "stage": "triage"}
    assert case.respondent == cast.respondent
    assert case.organisation == cast.organisation
    complaint = case.complaints.get()
    assert complaint.complainant == cast.complainant
    assert complaint.channel == "api"
    assert complaint.filed_by == cast.coordinator
    assert sorted(case.allegations.values_list("category", flat=True)) == ["bullying", "sexism"]
    received = AuditEvent.objects.get(action="complaint.received", case_id=case.pk)
    assert received.actor_id == cast.coordinator.pk


def test_the_filer_is_not_put_on_the_case_team(cast: Cast, api_as) -> None:
    officer = api_as(cast.officer)
    response = officer.post("/complaints", complaint_body(cast))

    assert response.status_code == 201
    case_id = response.json()["case_id"]
    assert not Assignment.objects.filter(case_id=case_id).exists()
    # Not on the team, so the case is as invisible to the filer as anyone else's.
    assert officer.get(f"/cases/{case_id}").status_code == 404


def test_an_anonymous_complaint_names_no_complainant(cast: Cast, api_as) -> None:
    body = complaint_body(cast, complainant={"anonymous": True})
    response = api_as(cast.coordinator).post("/complaints", body)

    assert response.status_code == 201
    complaint = Complaint.objects.get(case_id=response.json()["case_id"])
    assert complaint.anonymous is True
    assert complaint.complainant is None


def test_a_respondent_named_as_on_the_register_is_found(cast: Cast, api_as) -> None:
    body = complaint_body(cast, respondent={"name": cast.respondent.name.upper()})
    before = Person.objects.count()
    response = api_as(cast.coordinator).post("/complaints", body)

    assert response.status_code == 201
    assert Case.objects.get(pk=response.json()["case_id"]).respondent == cast.respondent
    assert Person.objects.count() == before


def test_a_respondent_not_on_the_register_is_recorded_as_an_outsider(cast: Cast, api_as) -> None:
    body = complaint_body(cast, respondent={"name": "Vic Visitor"})
    response = api_as(cast.coordinator).post("/complaints", body)

    assert response.status_code == 201
    respondent = Case.objects.get(pk=response.json()["case_id"]).respondent
    assert (respondent.name, respondent.kind) == ("Vic Visitor", Person.Kind.EXTERNAL)
    assert respondent.organisation == cast.organisation


@pytest.mark.parametrize("role", ["investigator", "oversight", "panellist"])
def test_only_coordinators_officers_and_administrators_file(cast: Cast, api_as, role) -> None:
    user = {"investigator": cast.investigator, "oversight": cast.oversight}.get(
        role, cast.panellist
    )
    before = snapshot()
    response = api_as(user).post("/complaints", complaint_body(cast))

    assert response.status_code == 403
    assert "may file complaints" in response.json()["error"]
    assert snapshot() == before


INVALID_BODIES = [
    pytest.param({}, ["categories", "summary", "respondent", "complainant"], id="empty"),
    pytest.param({"categories": []}, ["categories"], id="no-category"),
    pytest.param({"categories": ["not_a_category"]}, ["categories.0"], id="unknown-category"),
    pytest.param({"summary": "   "}, ["summary"], id="blank-summary"),
    pytest.param({"summary": "a\x00b"}, ["summary"], id="nul-in-summary"),
    pytest.param({"summary": "\ud800"}, ["summary"], id="lone-surrogate"),
    pytest.param({"summary": 12}, ["summary"], id="summary-not-text"),
    pytest.param({"respondent": {}}, ["respondent"], id="respondent-unnamed"),
    pytest.param(
        {"respondent": {"name": "Rex", "membership_number": "M1"}}, ["respondent"], id="both-ways"
    ),
    pytest.param({"respondent": {"name": "x" * 201}}, ["respondent.name"], id="long-name"),
    pytest.param({"complainant": {}}, ["complainant"], id="complainant-unnamed"),
    pytest.param(
        {"complainant": {"anonymous": True, "membership_number": "M1"}},
        ["complainant"],
        id="named-and-anonymous",
    ),
    pytest.param({"complainant": {"anonymous": "perhaps"}}, ["complainant.anonymous"], id="bool"),
    pytest.param({"channel": "pigeon"}, ["channel"], id="unknown-channel"),
    pytest.param({"respondnet": {"name": "Rex"}}, ["respondnet"], id="misspelt-field"),
]


@pytest.mark.parametrize(("changes", "fields"), INVALID_BODIES)
def test_an_invalid_body_is_refused_field_by_field(cast: Cast, api_as, changes, fields) -> None:
    body = {} if changes == {} else complaint_body(cast, **changes)
    before = snapshot()
    response = api_as(cast.coordinator).post("/complaints", body)

    assert response.status_code == 422
    answer = response.json()
    assert answer["error"] == "the request is not valid"
    assert [line.split(":")[0] for line in answer["detail"]] == fields
    for line in answer["detail"]:
        assert "\n" not in line and "loc" not in line and "body" not in line
    assert snapshot() == before


@pytest.mark.parametrize(
    ("raw", "detail"),
    [
        ("{not json", "the body is not valid JSON"),
        ("", "the body must be a JSON object"),
        ("[]", "the body must be a JSON object"),
        ("null", "the body must be a JSON object"),
        ('"a complaint"', "the body must be a JSON object"),
    ],
)
def test_a_body_that_is_no_json_object_is_refused(cast: Cast, api_as, raw, detail) -> None:
    before = snapshot()
    response = api_as(cast.coordinator).post("/complaints", raw=raw)

    assert response.status_code == 422
    assert response.json() == {"error": "the request is not valid", "detail": [detail]}
    assert snapshot() == before


@pytest.mark.parametrize("party", ["respondent", "complainant"])
def test_an_unknown_membership_number_is_refused(cast: Cast, api_as, party) -> None:
    body = complaint_body(cast, **{party: {"membership_number": "NOBODY-1"}})
    before = snapshot()
    response = api_as(cast.coordinator).post("/complaints", body)

    assert response.status_code == 422
    answer = response.json()
    assert answer["detail"] == [f"{party}.membership_number: {answer['error']}"]
    assert "NOBODY-1" not in response.content.decode()
    assert snapshot() == before


def test_an_ambiguous_respondent_name_is_refused_and_registers_nobody(cast: Cast, api_as) -> None:
    make_person(cast.organisation, "Sam Twin")
    make_person(cast.organisation, "Sam Twin")
    before = snapshot()
    response = api_as(cast.coordinator).post(
        "/complaints", complaint_body(cast, respondent={"name": "Sam Twin"})
    )

    assert response.status_code == 422
    assert "give the respondent's membership number" in response.json()["error"]
    assert "Sam Twin" not in response.content.decode()
    assert snapshot() == before


def test_complaining_about_oneself_is_refused(cast: Cast, api_as) -> None:
    body = complaint_body(
        cast, complainant={"membership_number": cast.respondent.membership_number}
    )
    before = snapshot()
    response = api_as(cast.coordinator).post("/complaints", body)

    assert response.status_code == 422
    assert response.json()["error"] == "the complainant and the respondent are the same person"
    assert snapshot() == before


def test_a_refused_complaint_leaves_no_new_outside_respondent(db, api_as) -> None:
    """The respondent is registered in the complaint's transaction, so it goes when that does:
    here the organisation has adopted no rulebook yet, which only the filing itself finds."""
    organisation = create_organisation(name="Newly Formed Union", slug="newly-formed")
    coordinator = make_staff(organisation, "coordinator", "coordinator")
    body = {
        "categories": ["other"],
        "summary": "Threatened at the gate.",
        "respondent": {"name": "Una Unregistered"},
        "complainant": {"anonymous": True},
    }
    before = snapshot()
    response = api_as(coordinator).post("/complaints", body)

    assert response.status_code == 409
    assert response.json() == {"error": f"{organisation} has not adopted a rulebook"}
    assert snapshot() == before
    assert not Person.objects.filter(name="Una Unregistered").exists()


def test_people_of_another_organisation_are_not_found(cast: Cast, api_as) -> None:
    other = make_cast()
    body = complaint_body(
        other, complainant={"membership_number": cast.complainant.membership_number}
    )
    before = snapshot()
    response = api_as(cast.coordinator).post("/complaints", body)

    assert response.status_code == 422
    assert response.json()["detail"] == [
        "respondent.membership_number: nobody on the register has that membership number"
    ]
    assert snapshot() == before


def test_a_body_over_the_size_limit_is_a_413(cast: Cast, api_as, settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    body = complaint_body(cast, summary="x" * 2_000)
    before = snapshot()
    response = api_as(cast.coordinator).post("/complaints", body)

    assert response.status_code == 413
    assert response.json() == {"error": "the body is larger than the limit of 1000 bytes"}
    assert snapshot() == before
