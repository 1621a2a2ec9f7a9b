"""The staff evidence pages: adding files, downloads recorded, chat messages searched, chosen for
an allegation and read in context, the bundle; and a 404 for anyone off the case's team."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from redress.audit.models import AuditEvent
from redress.evidence import services
from redress.evidence.models import ChatMessage, EvidenceItem, ReliedOnMessage
from redress.evidence.services import Upload
from redress.evidence.synthetic import whatsapp_export
from tests.evidence import helpers
from tests.factories import Cast, file_case
from tests.pages.helpers import signed_in, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(cast: Cast):
    return file_case(cast)


@pytest.fixture
def chat_case(cast: Cast, case):
    export = whatsapp_export("android-24h", 120, seed=3)
    text = export.text.replace("Thanks all", "you people are vermin", 1)
    services.add_evidence(
        case, upload=Upload("chat.txt", text.encode()), actor=cast.officer, chat_export=True
    )
    assert case.allegations.exists(), "filing the complaint drafts its allegations"
    return case


def test_the_officer_adds_a_file_and_sees_it_with_its_hash(client: Client, cast, case):
    signed_in(client, cast.officer)
    data = helpers.png()
    response = client.post(
        f"/cases/{case.pk}/evidence/",
        {"file": SimpleUploadedFile("shot.png", data), "description": "Screenshot"},
        follow=True,
    )
    page = text_of(response)
    item = EvidenceItem.objects.get()
    assert "Added shot.png" in page
    assert item.file.sha256 in page
    assert "Screenshot" in page


def test_a_refused_upload_says_why_and_leaves_nothing(client: Client, cast, case, evidence_root):
    signed_in(client, cast.officer)
    response = client.post(
        f"/cases/{case.pk}/evidence/",
        {"file": SimpleUploadedFile("minutes.pdf", helpers.pdf(javascript=True))},
    )
    assert response.status_code == 400
    assert "contains JavaScript" in text_of(response)
    assert helpers.nothing_left(evidence_root)


def test_oversight_reads_but_cannot_add(client: Client, cast, case, evidence_root):
    signed_in(client, cast.oversight)
    assert client.get(f"/cases/{case.pk}/evidence/").status_code == 200
    response = client.post(
        f"/cases/{case.pk}/evidence/", {"file": SimpleUploadedFile("a.png", helpers.png())}
    )
    assert response.status_code == 400
    assert "oversight reads every case and changes none" in text_of(response)
    assert helpers.nothing_left(evidence_root)


def test_downloads_are_recorded_and_copies_lose_metadata(client: Client, cast, case):
    photo = helpers.jpeg_with_location()
    item = services.add_evidence(case, upload=Upload("p.jpg", photo), actor=cast.officer)
    signed_in(client, cast.officer)

    original = client.get(f"/cases/{case.pk}/evidence/{item.pk}/original/")
    copy = client.get(f"/cases/{case.pk}/evidence/{item.pk}/for/respondent/")

    assert original.content == photo
    assert b"PhoneModel" not in copy.content
    assert "p.jpg" not in original["Content-Disposition"]
    assert AuditEvent.objects.filter(action="evidence.original_read", actor=cast.officer).exists()
    assert AuditEvent.objects.get(action="evidence.disclosed").data["to"] == "respondent"
    assert client.get(f"/cases/{case.pk}/evidence/{item.pk}/for/press/").status_code == 404


def test_oversight_reads_the_original_but_discloses_nothing(client: Client, cast, case):
    item = services.add_evidence(case, upload=Upload("p.png", helpers.png()), actor=cast.officer)
    signed_in(client, cast.oversight)

    assert client.get(f"/cases/{case.pk}/evidence/{item.pk}/original/").status_code == 200
    assert client.get(f"/cases/{case.pk}/evidence/{item.pk}/for/respondent/").status_code == 403
    assert not AuditEvent.objects.filter(action="evidence.disclosed").exists()


def test_messages_are_searched_chosen_and_read_in_context(client: Client, cast, chat_case):
    case = chat_case
    signed_in(client, cast.officer)
    found = client.post(
        f"/cases/{case.pk}/evidence/messages/", {"search": "1", "query": "vermin", "sender": ""}
    )
    page = text_of(found)
    assert "you people are vermin" in page
    message = ChatMessage.objects.get(text__contains="vermin")
    allegation = case.allegations.order_by("pk").first()

    client.post(
        f"/cases/{case.pk}/evidence/messages/rely/",
        {"allegation": allegation.pk, "message": [message.pk]},
    )
    assert ReliedOnMessage.objects.get().message == message
    assert AuditEvent.objects.filter(action="evidence.message_relied_on").count() == 1

    context = text_of(client.get(f"/cases/{case.pk}/evidence/messages/{message.pk}/"))
    before = ChatMessage.objects.get(export=message.export, position=message.position - 1)
    assert "you people are vermin" in context
    assert before.text.split("\n")[0] in context
    assert 'aria-current="true"' in context
    assert f"allegation {allegation.pk}" in context

    client.post(
        f"/cases/{case.pk}/evidence/messages/rely/",
        {"allegation": allegation.pk, "message": [message.pk], "stop": "1"},
    )
    assert not ReliedOnMessage.objects.exists()


def test_the_bundle_downloads_and_its_export_is_recorded(client: Client, cast, chat_case):
    signed_in(client, cast.officer)
    response = client.get(f"/cases/{chat_case.pk}/evidence/bundle.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert AuditEvent.objects.filter(action="evidence.bundle_exported").count() == 1


def test_outsiders_get_a_404_on_every_evidence_page(client: Client, cast, chat_case):
    case = chat_case
    item = EvidenceItem.objects.get()
    message = ChatMessage.objects.first()
    signed_in(client, cast.outsider)
    for url in (
        f"/cases/{case.pk}/evidence/",
        f"/cases/{case.pk}/evidence/{item.pk}/original/",
        f"/cases/{case.pk}/evidence/{item.pk}/for/respondent/",
        f"/cases/{case.pk}/evidence/messages/",
        f"/cases/{case.pk}/evidence/messages/{message.pk}/",
        f"/cases/{case.pk}/evidence/bundle.pdf",
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(
        f"/cases/{case.pk}/evidence/messages/rely/",
        {"allegation": case.allegations.order_by("pk").first().pk, "message": [message.pk]},
    )
    assert response.status_code == 404
    assert not ReliedOnMessage.objects.exists()
    assert not AuditEvent.objects.filter(actor=cast.outsider).exists()


def test_evidence_of_another_case_is_not_reached_through_this_one(client: Client, cast, case):
    other = file_case(cast)
    item = services.add_evidence(other, upload=Upload("a.png", helpers.png()), actor=cast.officer)
    signed_in(client, cast.officer)
    assert client.get(f"/cases/{case.pk}/evidence/{item.pk}/original/").status_code == 404
