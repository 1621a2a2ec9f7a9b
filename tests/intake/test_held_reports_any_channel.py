"""Held reports open when a second, independent complainant names the same respondent on any
channel: the public form, the API, or a complaint staff file by hand; never when the held
report's own reporter complains again."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from redress.api.auth import create_token
from redress.audit.models import AuditEvent
from redress.cases import services as case_services
from redress.cases.models import Case, Channel
from redress.intake.models import HeldIdentifier, HeldReport
from redress.people.models import Organisation, Person, StaffRole, User
from redress.people.services import register_person
from tests.factories import make_staff
from tests.intake.helpers import submit

pytestmark = pytest.mark.django_db

FIRST_REPORTER = "first@example.org"


@pytest.fixture
def rex(organisation: Organisation) -> Person:
    return register_person(
        organisation=organisation,
        name="Rex Respondent",
        membership_number="M424242",
        aliases=["@rexr"],
    )


@pytest.fixture
def held(organisation: Organisation, rex: Person) -> HeldReport:
    """A report held by its first reporter, naming the respondent by name only."""
    submit(organisation, "held", complainant_name="First", complainant_email=FIRST_REPORTER)
    return HeldReport.objects.get()


@pytest.fixture
def coordinator(organisation: Organisation) -> User:
    return make_staff(organisation, "coordinator", StaffRole.COORDINATOR)


def api_complaint(user: User, *, respondent: dict[str, str], complainant: dict[str, Any]) -> Any:
    client = Client(headers={"Authorization": f"Bearer {create_token(user=user)}"})
    body = {
        "categories": ["bullying"],
        "summary": "Shouted abuse at a branch meeting.",
        "respondent": respondent,
        "complainant": complainant,
    }
    return client.post("/api/v1/complaints", data=json.dumps(body), content_type="application/json")


def test_an_anonymous_api_complaint_naming_the_membership_number_opens_it(
    held: HeldReport, rex: Person, coordinator: User
) -> None:
    response = api_complaint(
        coordinator, respondent={"membership_number": "M424242"}, complainant={"anonymous": True}
    )

    assert response.status_code == 201, response.content
    held.refresh_from_db()
    assert held.status == "opened"
    assert held.complaint is not None
    assert held.complaint.case.respondent == rex
    assert held.complaint.submitted["identity_confidential"] is True
    assert Case.objects.filter(respondent=rex).count() == 2
    assert not HeldIdentifier.objects.exists()
    assert AuditEvent.objects.filter(action="intake.held_report_opened").count() == 1


def test_a_named_api_complaint_by_someone_else_opens_it(
    organisation: Organisation, held: HeldReport, coordinator: User
) -> None:
    register_person(
        organisation=organisation, name="Beth", membership_number="M7", email="beth@example.org"
    )

    response = api_complaint(
        coordinator,
        respondent={"membership_number": "M424242"},
        complainant={"membership_number": "M7"},
    )

    assert response.status_code == 201, response.content
    held.refresh_from_db()
    assert held.status == "opened"


def test_the_held_reports_own_reporter_filing_through_the_api_opens_nothing(
    organisation: Organisation, held: HeldReport, coordinator: User
) -> None:
    register_person(
        organisation=organisation, name="First", membership_number="M1", email="FIRST@example.org"
    )

    response = api_complaint(
        coordinator,
        respondent={"membership_number": "M424242"},
        complainant={"membership_number": "M1"},
    )

    assert response.status_code == 201, response.content
    held.refresh_from_db()
    assert held.status == "held"
    assert Case.objects.count() == 1


def test_an_api_complaint_about_someone_else_opens_nothing(
    organisation: Organisation, held: HeldReport, coordinator: User
) -> None:
    register_person(organisation=organisation, name="Someone Else", membership_number="M9")

    response = api_complaint(
        coordinator, respondent={"membership_number": "M9"}, complainant={"anonymous": True}
    )

    assert response.status_code == 201, response.content
    held.refresh_from_db()
    assert held.status == "held"


def test_an_api_complaint_about_an_outsider_opens_a_report_held_about_them_by_name(
    organisation: Organisation, coordinator: User
) -> None:
    submit(organisation, "held", respondent_name="Outside Person")

    response = api_complaint(
        coordinator, respondent={"name": "outside person"}, complainant={"anonymous": True}
    )

    assert response.status_code == 201, response.content
    assert HeldReport.objects.get().status == "opened"


def test_a_complaint_staff_take_by_phone_opens_it(
    organisation: Organisation, held: HeldReport, rex: Person, coordinator: User
) -> None:
    caller = register_person(organisation=organisation, name="Cal", email="cal@example.org")

    case_services.file_complaint(
        organisation,
        categories=["bullying"],
        summary="Told us on the phone about abuse at a branch meeting.",
        respondent=rex,
        complainant=caller,
        channel=Channel.PHONE,
        filed_by=coordinator,
    )

    held.refresh_from_db()
    assert held.status == "opened"


def test_a_refused_api_complaint_opens_nothing(
    held: HeldReport, rex: Person, coordinator: User
) -> None:
    response = api_complaint(
        coordinator,
        respondent={"membership_number": "M424242"},
        complainant={"membership_number": "M424242"},  # the respondent complaining of himself
    )

    assert response.status_code == 422
    held.refresh_from_db()
    assert held.status == "held"


def test_a_report_held_after_another_complaint_about_the_respondent_is_filed_at_once(
    organisation: Organisation, rex: Person, coordinator: User
) -> None:
    api_complaint(
        coordinator, respondent={"membership_number": "M424242"}, complainant={"anonymous": True}
    )

    submit(organisation, "held", complainant_name="First", complainant_email=FIRST_REPORTER)

    assert not HeldReport.objects.exists()
    assert Case.objects.filter(respondent=rex).count() == 2


def test_a_report_held_after_the_reporters_own_complaint_stays_held(
    organisation: Organisation, rex: Person
) -> None:
    submit(organisation, "named", complainant_name="First", complainant_email=FIRST_REPORTER)

    submit(organisation, "held", complainant_name="First", complainant_email=FIRST_REPORTER)

    assert HeldReport.objects.get().status == "held"
    assert Case.objects.filter(respondent=rex).count() == 1
