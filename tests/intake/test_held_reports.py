"""Held reports: the matching escrow opens exactly when a second, independent complainant
names the same respondent, and the database alone does not say whom a held report names."""

from __future__ import annotations

import orjson
import pytest
from django.apps import apps
from django.db.models import BinaryField
from django.forms.models import model_to_dict

from redress.cases.models import Case, Complaint
from redress.intake.models import HeldIdentifier, HeldReport, Receipt
from redress.people.models import Organisation
from redress.people.services import register_person
from tests.intake.helpers import submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def rex(organisation: Organisation):
    return register_person(
        organisation=organisation,
        name="Rex Respondent",
        membership_number="M424242",
        aliases=["@rexr"],
    )


def test_a_held_report_files_nothing_until_someone_else_names_the_respondent(organisation, rex):
    outcome = submit(
        organisation, "held", complainant_name="First", complainant_email="first@example.org"
    )

    assert outcome.receipt is not None
    assert Case.objects.count() == 0
    assert HeldReport.objects.get().status == "held"


def test_a_second_independent_report_by_another_identifier_opens_it(organisation, rex):
    submit(
        organisation,
        "held",
        complainant_name="First",
        complainant_email="one@example.org",
    )

    submit(
        organisation,
        "anonymous",
        respondent_name="",
        respondent_membership_number="m-424242",
    )

    held = HeldReport.objects.get()
    assert held.status == "opened"
    assert held.complaint is not None
    assert held.complaint.case.respondent == rex
    assert held.complaint.submitted["held_since"]
    assert held.complaint.submitted["identity_confidential"] is True
    assert Case.objects.filter(respondent=rex).count() == 2
    assert HeldIdentifier.objects.count() == 0
    assert Receipt.objects.get(held_report=held).complaint == held.complaint


def test_two_held_reports_open_each_other(organisation, rex):
    submit(organisation, "held", complainant_name="One", complainant_email="one@example.org")
    submit(organisation, "held", respondent_name="", respondent_handle="@RexR")

    assert set(HeldReport.objects.values_list("status", flat=True)) == {"opened"}
    assert Complaint.objects.count() == 2


def test_the_same_person_reporting_twice_opens_nothing(organisation, rex):
    submit(organisation, "held", complainant_name="Sam", complainant_email="same@example.org")
    submit(organisation, "held", complainant_name="Sam", complainant_email="SAME@example.org")
    submit(
        organisation, "confidential", complainant_name="Same", complainant_email="same@example.org"
    )

    assert list(HeldReport.objects.values_list("status", flat=True)) == ["held", "held"]


def test_a_report_about_someone_else_opens_nothing(organisation, rex):
    submit(organisation, "held")
    submit(organisation, "anonymous", respondent_name="Somebody Else Entirely")

    assert HeldReport.objects.get().status == "held"


def test_respondents_outside_the_register_match_by_name(organisation):
    submit(organisation, "held", respondent_name="Outside Person")
    assert HeldReport.objects.get().status == "held"

    submit(organisation, "anonymous", respondent_name="  outside  PERSON ")

    assert HeldReport.objects.get().status == "opened"


def test_no_intake_row_contains_the_respondents_name_or_number(organisation, rex):
    submit(
        organisation,
        "held",
        complainant_name="Wanda Witness",
        complainant_email="wanda@example.org",
        respondent_name="Rex Respondent",
        respondent_membership_number="M424242",
        respondent_handle="@rexr",
    )

    rows = [
        row for model in apps.get_app_config("intake").get_models() for row in model.objects.all()
    ]
    assert rows
    # Text columns are searched ignoring case; binary ones (ciphertext, wrapped keys: random-
    # looking bytes in which three letters may turn up by chance) exactly, as bytes.
    dumped = orjson.dumps([model_to_dict(row) for row in rows], default=_text_only).decode()
    for secret in ("rex", "respondent", "424242", "wanda", "example.org"):
        assert secret not in dumped.lower()
    binary = b"".join(
        bytes(getattr(row, f.name))
        for row in rows
        for f in row._meta.concrete_fields
        if isinstance(f, BinaryField)
    )
    for secret_bytes in (b"Rex Respondent", b"M424242", b"@rexr", b"Wanda", b"wanda@example.org"):
        assert secret_bytes not in binary


def _text_only(value: object) -> str:
    if isinstance(value, bytes | memoryview):
        return f"<{len(value)} bytes>"
    return str(value)
