"""The status page: a receipt (by POST) opens the report's stage, next date and messages; wrong
receipts are rate-limited with the same answer; the officer's messages go both ways."""

from __future__ import annotations

import re
from typing import Any
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from redress.audit.models import AuditEvent
from redress.cases import services as case_services
from redress.cases.models import Complaint
from redress.intake import receipts, services
from redress.intake.models import FailedReceiptAttempt, IntakeEvidence, Message
from redress.people.services import register_person
from tests.evidence.helpers import pdf
from tests.factories import make_staff
from tests.intake.helpers import submit, text

pytestmark = pytest.mark.django_db

WRONG = "We could not open a report with that receipt code."


@pytest.fixture
def rex(public):
    return register_person(organisation=public, name="Rex Respondent", membership_number="M777")


@pytest.fixture
def code(public, rex) -> str:
    outcome = submit(public, "anonymous")
    assert outcome.receipt is not None
    return outcome.receipt


def enter(client: Client, receipt: str, ip: str = "10.0.0.1") -> Any:
    return client.post(
        "/report/status/", {"action": "enter", "receipt": receipt}, REMOTE_ADDR=ip, follow=True
    )


def test_the_receipt_opens_the_stage_and_the_next_date(client, code):
    page = text(enter(client, code.lower().replace("-", " ")))

    assert "A case officer is looking at your report" in page
    deadline = Complaint.objects.get().case.deadlines.filter(met_at=None).order_by("due_on")[0]
    assert f"{deadline.due_on:%-d %B %Y}" in page
    assert "No messages yet." in page


def test_the_receipt_form_is_post_only_and_never_in_the_url(client, code):
    response = client.get("/report/status/", {"receipt": code})

    assert "Enter the receipt code" in text(response)
    assert "A case officer" not in text(response)


def test_messages_go_both_ways_and_are_audited(client, public, code):
    complaint = Complaint.objects.get()
    coordinator = make_staff(public, "coord", "coordinator")
    officer = make_staff(public, "officer", "officer")
    case_services.assign(complaint.case, user=officer, role="officer", actor=coordinator)
    services.send_message_to_complainant(
        complaint, body="Can you tell us the date of the meeting?", actor=officer
    )

    enter(client, code)
    page = text(client.get("/report/status/"))
    reply = client.post(
        "/report/status/", {"action": "message", "body": "It was 3 March."}, follow=True
    )

    assert "Can you tell us the date of the meeting?" in page
    assert "It was 3 March." in text(reply)
    assert list(Message.objects.values_list("direction", flat=True)) == [
        "to_complainant",
        "from_complainant",
    ]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"intake.message_sent", "intake.message_received"} <= actions
    assert not AuditEvent.objects.filter(data__icontains="3 March").exists()


def test_only_the_cases_officer_may_message_the_complainant(public, code):
    outsider = make_staff(public, "outsider", "officer")

    with pytest.raises(case_services.CaseError):
        services.send_message_to_complainant(Complaint.objects.get(), body="Hello", actor=outsider)
    assert not Message.objects.exists()


def test_evidence_can_be_added_with_the_receipt(client, code):
    enter(client, code)
    upload = SimpleUploadedFile("more.pdf", pdf())
    response = client.post(
        "/report/status/", {"action": "evidence", "evidence": upload}, follow=True
    )

    assert "1 file(s) added" in text(response)
    assert IntakeEvidence.objects.get().content_type == "application/pdf"


def test_a_held_report_shows_it_is_held_and_takes_no_messages(client, public, rex):
    code = submit(public, "held").receipt
    assert code is not None

    page = text(enter(client, code))

    assert "Your report is held. Nobody has read it." in page
    assert "Send message" not in page


def test_wrong_receipts_get_one_answer_and_are_rate_limited(client, code):
    wrong = "ABCD-EFGH-JKMN-PQRS-TUVW"
    first = text(enter(client, wrong))
    for _ in range(5):
        enter(client, wrong)

    with mock.patch.object(receipts, "verify", wraps=receipts.verify) as verify:
        limited = enter(client, code)  # the right code, but from a client that guessed too often

    assert WRONG in first
    assert WRONG in text(limited)
    assert "A case officer" not in text(limited)
    assert verify.call_count == 1  # an Argon2 verification runs even when refused
    strip = lambda page: re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)  # noqa: E731
    assert strip(first) == strip(text(limited))
    assert FailedReceiptAttempt.objects.count() == 5  # refused attempts are not counted


def test_another_client_is_not_limited_by_someone_elses_guessing(client, code):
    for _ in range(5):
        enter(client, "ABCD-EFGH-JKMN-PQRS-TUVW", ip="10.0.0.9")

    assert "A case officer" in text(enter(Client(), code, ip="10.0.0.2"))


def test_a_receipts_lookup_is_limited_whatever_the_client(client, code):
    guess = code[:4] + "-" + "2222-2222-2222-2222"
    for n in range(5):
        enter(Client(), guess, ip=f"10.1.0.{n}")

    assert WRONG in text(enter(Client(), code, ip="10.2.0.1"))


def test_a_missing_receipt_costs_one_argon2_verification_too(code):
    with mock.patch.object(receipts, "verify", wraps=receipts.verify) as verify:
        services.check_receipt(
            Complaint.objects.get().organisation, entered="ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ", client="x"
        )
    assert verify.call_count == 1


def test_the_staff_page_shows_and_sends_messages_for_the_officer_only(client, public, code):
    complaint = Complaint.objects.get()
    coordinator = make_staff(public, "coord", "coordinator")
    officer = make_staff(public, "officer", "officer")
    outsider = make_staff(public, "outsider", "officer")
    case_services.assign(complaint.case, user=officer, role="officer", actor=coordinator)
    url = f"/report/cases/{complaint.case_id}/messages/"

    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(officer)
    sent = client.post(url, {"complaint": complaint.pk, "body": "We have opened a case."})

    assert sent.status_code == 302
    assert Message.objects.get().sent_by == officer
    assert "We have opened a case." in text(client.get(url))


def test_the_staff_page_needs_sign_in(client, code):
    response = client.get(f"/report/cases/{Complaint.objects.get().case_id}/messages/")

    assert response.status_code == 302
    assert "/login/" in response["Location"]
