"""The public report form: every mode files correctly through the real services, errors
re-render with nothing stored, and nothing personal travels in a URL."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from redress.audit.models import AuditEvent
from redress.cases.models import Case, Complaint, Notice
from redress.evidence import store
from redress.intake.models import EqualityResponse, HeldReport, IntakeEvidence, Receipt
from redress.people.models import Person
from redress.people.services import register_person
from tests.intake.helpers import receipt_on, text

pytestmark = pytest.mark.django_db

PNG = bytes.fromhex(  # a real 1 by 1 pixel PNG
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753"
    "de0000000c49444154789c63f8cfc0000003010100c9fe92ef0000000049454e44ae426082"
)


def form(mode: str, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "mode": mode,
        "categories": ["bullying", "antisemitism"],
        "what_happened": "He shouted at me at the branch meeting on Tuesday.",
        "when": "Last Tuesday",
        "where": "Branch meeting",
        "links": "https://example.org/post/1\nhttps://example.org/post/2",
        "respondent_name": "Rex Respondent",
        "witnesses": "Two other members",
        "outcome_wanted": "An apology",
    }
    if mode in ("named", "confidential"):
        data |= {"complainant_name": "Ada Lovelace", "complainant_email": "ada@example.org"}
    data.update(overrides)
    return data


@pytest.fixture
def rex(public):
    return register_person(organisation=public, name="Rex Respondent", membership_number="M777")


def test_the_form_renders_without_javascript_with_labels_and_csrf(public):
    client = Client(enforce_csrf_checks=True)
    response = client.get("/report/")

    page = text(response)
    assert response.status_code == 200
    assert "<script" not in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert "<legend><h2>How do you want to report?</h2></legend>" in page
    assert '<label for="id_what_happened">' in page
    assert 'name="viewport"' in page


def test_a_post_without_the_csrf_token_is_refused(public):
    response = Client(enforce_csrf_checks=True).post("/report/", form("anonymous"))

    assert response.status_code == 403
    assert not Complaint.objects.exists()


def test_a_named_report_files_a_complaint_with_an_acknowledgement(client, rex):
    response = client.post("/report/", form("named"))

    assert response.status_code == 200
    assert "Your receipt code" not in text(response)
    complaint = Complaint.objects.get()
    assert complaint.channel == "web"
    assert complaint.case.respondent == rex
    assert complaint.complainant.email == "ada@example.org"
    assert complaint.submitted["links"] == [
        "https://example.org/post/1",
        "https://example.org/post/2",
    ]
    assert complaint.submitted["respondent_on_register"] is True
    assert complaint.submitted["identity_confidential"] is False
    assert Notice.objects.filter(case=complaint.case, kind="acknowledgement").exists()
    assert AuditEvent.objects.filter(action="complaint.received", case_id=complaint.case_id)
    assert not Receipt.objects.exists()


def test_a_confidential_complainant_is_never_named_to_the_respondent(client, rex):
    response = client.post("/report/", form("confidential"))

    assert "Your receipt code" in text(response)
    complaint = Complaint.objects.get()
    assert complaint.submitted["identity_confidential"] is True
    assert Receipt.objects.get().complaint == complaint
    to_respondent = Notice.objects.filter(case=complaint.case, party="respondent")
    for notice in to_respondent:
        for secret in ("Ada", "Lovelace", "ada@example.org"):
            assert secret not in notice.subject + notice.body


def test_an_anonymous_report_stores_no_complainant(client, rex):
    response = client.post("/report/", form("anonymous"))

    receipt_on(text(response))
    complaint = Complaint.objects.get()
    assert complaint.anonymous is True
    assert complaint.complainant is None
    assert Person.objects.count() == 1  # only the respondent


def test_a_held_report_opens_no_case(client, rex):
    response = client.post("/report/", form("held"))

    assert "Report held" in text(response)
    receipt_on(text(response))
    assert not Case.objects.exists()
    assert HeldReport.objects.get().status == "held"


def test_a_respondent_not_on_the_register_is_filed_against_a_new_outside_person(client, public):
    client.post("/report/", form("anonymous", respondent_name="Nobody Known"))

    respondent = Case.objects.get().respondent
    assert respondent.kind == Person.Kind.EXTERNAL
    assert respondent.membership_number == ""
    assert Complaint.objects.get().submitted["respondent_match"] == "not_on_register"


def test_a_misspelt_name_finds_the_member_without_the_page_saying_so(client, rex):
    found = client.post("/report/", form("anonymous", respondent_name="Rex Respondant"))
    not_found = client.post("/report/", form("anonymous", respondent_name="Zed Unknown"))

    assert Case.objects.order_by("pk").first().respondent == rex
    strip = lambda page: re.sub(r"[2-9A-Z]{4}(-[2-9A-Z]{4}){4}|csrfmiddlewaretoken[^>]*", "", page)  # noqa: E731
    assert strip(text(found)) == strip(text(not_found))
    assert "Rex" not in text(found)


def test_the_receipt_is_shown_once_and_only_its_argon2_hash_is_kept(client, rex):
    response = client.post("/report/", form("anonymous"))
    code = receipt_on(text(response))

    receipt = Receipt.objects.get()
    assert receipt.code_hash.startswith("$argon2id$")
    assert code not in receipt.code_hash and code.replace("-", "") not in receipt.code_hash
    assert len(code.replace("-", "")) >= 16
    assert not set(code) & set("01OIL")
    assert code not in text(client.get("/report/status/"))
    assert code not in text(client.get("/report/"))


def test_evidence_is_stored_with_its_hash_and_type_from_its_bytes(client, rex):
    data = form("anonymous")
    data["evidence"] = [SimpleUploadedFile("photo", PNG, content_type="text/plain")]
    client.post("/report/", data)

    stored = IntakeEvidence.objects.get()
    assert stored.content_type == "image/png"
    assert stored.size == len(PNG)
    assert len(stored.sha256) == 64
    assert stored.complaint == Complaint.objects.get()
    # It is an item of the one evidence store, on the complaint's case, with its provenance.
    assert stored.item.file.sha256 == stored.sha256
    assert stored.item.case == stored.complaint.case
    assert stored.item.channel == "intake"
    assert store.read(stored.sha256) == PNG


def test_a_file_whose_name_says_another_type_is_refused(client, rex):
    data = form("anonymous")
    data["evidence"] = [SimpleUploadedFile("photo.txt", PNG, content_type="text/plain")]
    response = client.post("/report/", data)

    assert response.status_code == 400
    assert "named as plain text but its contents are a PNG image" in text(response)
    assert not Complaint.objects.exists()
    assert not IntakeEvidence.objects.exists()


def test_form_errors_re_render_with_a_linked_summary_and_store_nothing(client, rex):
    response = client.post(
        "/report/",
        form("confidential", complainant_email="", what_happened="", respondent_name="", links="x"),
    )

    page = text(response)
    assert response.status_code == 400
    assert "There is a problem" in page
    assert '<a href="#id_complainant_email">Enter your email address</a>' in page
    assert '<a href="#id_what_happened">Say what happened</a>' in page
    assert 'href="#id_respondent_name"' in page
    assert 'aria-invalid="true"' in page
    assert 'value="Last Tuesday"' in page  # what was typed is kept
    assert not Complaint.objects.exists()
    assert not Person.objects.exclude(pk=rex.pk).exists()
    assert not Receipt.objects.exists()
    assert not EqualityResponse.objects.exists()


def test_a_file_of_the_wrong_type_is_refused_and_nothing_is_stored(client, rex):
    data = form("anonymous")
    data["evidence"] = [SimpleUploadedFile("run.exe", b"MZ\x90\x00\x03" + b"\x00" * 20)]
    response = client.post("/report/", data)

    assert response.status_code == 400
    assert "is not a type we accept" in text(response)
    assert not Complaint.objects.exists()
    assert not IntakeEvidence.objects.exists()


def test_equality_answers_are_kept_apart_from_the_complaint(client, rex):
    client.post("/report/", form("named", equality_ethnicity="black", equality_religion="muslim"))

    answers = EqualityResponse.objects.get()
    assert answers.answers == {"ethnicity": "black", "religion": "muslim"}
    assert answers.month.day == 1
    columns = {f.name for f in EqualityResponse._meta.get_fields()}
    assert columns == {"id", "organisation", "month", "answers"}
    assert not AuditEvent.objects.filter(object_type="intake.equalityresponse").exists()


def test_no_personal_data_in_any_url(client, rex):
    response = client.post("/report/", form("confidential"))
    code = receipt_on(text(response))
    entered = client.post("/report/status/", {"action": "enter", "receipt": code})

    assert entered.status_code == 302
    assert entered["Location"] == "/report/status/"
    for url in re.findall(r'(?:href|action)="([^"]*)"', text(client.get("/report/status/"))):
        assert code not in url and "ada" not in url.lower() and "rex" not in url.lower()


def test_without_an_organisation_the_page_says_reporting_is_unavailable(client, db):
    response = client.get("/report/")

    assert response.status_code == 503
    assert "Reporting is not available" in text(response)
