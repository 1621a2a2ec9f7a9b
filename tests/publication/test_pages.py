"""The publication pages: prepare from an upload, the review page with its highlighted text and
log, add and undo with reasons, submit, approve as a second person, download; outsiders and
other organisations kept out; refusals shown on the page, never a 500."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from redress.audit.models import AuditEvent
from redress.people.imports import import_register
from redress.people.models import StaffRole
from redress.publication.models import RedactedDocument
from tests.factories import make_organisation, make_staff
from tests.publication.documents import REGISTER_CSV, text_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    organisation = make_organisation()
    import_register(organisation=organisation, data=REGISTER_CSV.encode())
    return organisation


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _upload(client: Client, name: str = "report.txt", data: bytes | None = None):
    return client.post(
        reverse("publication:documents"),
        {
            "title": "Investigation report",
            "file": SimpleUploadedFile(name, text_document() if data is None else data),
            "style": "pseudonym",
            "keep_public": "on",
        },
    )


def test_a_document_goes_from_upload_to_download(org) -> None:
    reviewer = make_staff(org, "reviewer", StaffRole.COORDINATOR)
    approver = make_staff(org, "approver", StaffRole.ADMIN)
    client = _client(reviewer)
    response = _upload(client)
    document = RedactedDocument.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("publication:document", args=[document.pk])

    page = client.get(response["Location"]).content.decode()
    assert '<mark class="redaction" title="full_name: Member A">Aisha Khan</mark>' in page
    assert '<mark class="kept" title="full_name">Keir Morgan</mark>' in page
    assert "(line 3)" in page  # the log says where

    added = client.post(
        reverse("publication:add", args=[document.pk]),
        {"phrase": "witness", "reason": "says who saw it"},
    )
    assert added.status_code == 302
    handle = document.redactions.get(rule="handle")
    undone = client.post(
        reverse("publication:undo", args=[document.pk, handle.pk]),
        {"reason": "an official party account"},
    )
    assert undone.status_code == 302
    assert client.post(reverse("publication:submit", args=[document.pk])).status_code == 302

    refused = client.post(reverse("publication:approve", args=[document.pk]))
    assert refused.status_code == 400
    assert "A second person must approve" in refused.content.decode()

    second = _client(approver)
    assert second.post(reverse("publication:approve", args=[document.pk])).status_code == 302
    released = second.get(reverse("publication:document", args=[document.pk])).content.decode()
    document.refresh_from_db()
    assert document.audit_head_hash in released
    download = second.get(reverse("publication:download", args=[document.pk]))
    body = download.content.decode()
    assert download["Content-Disposition"] == f'attachment; filename="released-{document.pk}.txt"'
    assert "Aisha" not in body and "witness" not in body and "@danny_oc" in body
    actions = set(AuditEvent.objects.filter(organisation=org).values_list("action", flat=True))
    assert {"publication.viewed", "publication.downloaded", "publication.released"} <= actions


def test_bad_uploads_and_forms_are_refused_on_the_page(org) -> None:
    client = _client(make_staff(org, "reviewer", StaffRole.COORDINATOR))
    response = _upload(client, name="report.exe")
    assert response.status_code == 400
    assert "cannot redact a .exe file" in response.content.decode()
    assert not RedactedDocument.objects.exists()
    _upload(client)
    document = RedactedDocument.objects.get()
    no_reason = client.post(
        reverse("publication:add", args=[document.pk]), {"phrase": "witness", "reason": ""}
    )
    assert no_reason.status_code == 400
    undo = client.post(
        reverse("publication:undo", args=[document.pk, document.redactions.first().pk]),
        {"reason": ""},
    )
    assert undo.status_code == 400
    assert not document.redactions.exclude(undone_at=None).exists()
    not_released = client.get(reverse("publication:download", args=[document.pk]))
    assert not_released.status_code == 404


def test_outsiders_and_other_organisations_are_kept_out(org) -> None:
    reviewer = make_staff(org, "reviewer", StaffRole.COORDINATOR)
    _upload(_client(reviewer))
    document = RedactedDocument.objects.get()
    officer = _client(make_staff(org, "officer", StaffRole.OFFICER))
    for url in (
        reverse("publication:documents"),
        reverse("publication:document", args=[document.pk]),
    ):
        assert officer.get(url).status_code == 403
    assert officer.post(reverse("publication:submit", args=[document.pk])).status_code == 403
    elsewhere = _client(make_staff(make_organisation(), "admin", StaffRole.ADMIN))
    assert elsewhere.get(reverse("publication:document", args=[document.pk])).status_code == 404
    assert elsewhere.post(reverse("publication:submit", args=[document.pk])).status_code == 404
    anonymous = Client().get(reverse("publication:documents"))
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    document.refresh_from_db()
    assert document.state == RedactedDocument.State.REVIEW
