"""Adding evidence to a case: stored once under its hash, with its provenance and audit trail;
every hostile upload refused with a message, leaving no file and no row."""

from __future__ import annotations

from pathlib import Path

import pytest

from redress.audit.models import AuditEvent
from redress.cases.services import CaseError
from redress.evidence import services, store
from redress.evidence.checks import EvidenceRefused
from redress.evidence.models import ChatExport, EvidenceItem, EvidencePolicy, StoredFile
from redress.evidence.services import Upload
from redress.evidence.synthetic import whatsapp_export
from tests.evidence import helpers
from tests.factories import Cast, file_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(cast: Cast):
    return file_case(cast)


def test_a_file_is_stored_once_under_its_hash_with_its_provenance(cast, case, evidence_root):
    data = helpers.png()
    first = services.add_evidence(case, upload=Upload("screenshot.png", data), actor=cast.officer)
    second = services.add_evidence(case, upload=Upload("again.png", data), actor=cast.officer)

    sha256 = store.sha256_of(data)
    assert first.file_id == second.file_id
    assert StoredFile.objects.get().sha256 == sha256
    stored = evidence_root / "sha256" / sha256[:2] / sha256[2:4] / sha256
    assert stored.read_bytes() == data
    assert not stored.stat().st_mode & 0o222, "stored files are read-only"
    assert first.file.content_type == "image/png"
    assert (first.file.width, first.file.height) == (20, 10)
    assert first.channel == "staff" and first.supplied_by == cast.officer
    events = AuditEvent.objects.filter(action="evidence.received", case_id=case.pk)
    assert events.count() == 2
    assert events.first().data["sha256"] == sha256


def test_the_type_comes_from_the_bytes_not_the_name(cast, case):
    item = services.add_evidence(
        case, upload=Upload("notes", helpers.pdf(author="Someone")), actor=cast.officer
    )
    assert item.file.content_type == "application/pdf"


HOSTILE = {
    "oversized": lambda: ("big.txt", b"a" * (2 * 1024 * 1024 + 1), "larger than 2 MB"),
    "empty": lambda: ("empty.txt", b"", "is empty"),
    "type mismatch": lambda: ("photo.jpg", helpers.pdf(), "named as a JPEG image"),
    "unknown type": lambda: ("tool.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04", "not a type"),
    "archive bomb": lambda: ("photos.zip", helpers.zip_bomb(), "archive bomb"),
    "archive path trick": lambda: (
        "export.zip",
        helpers.zip_of({"../../etc/cron.d/job": b"* * * * * root true"}),
        "outside the archive",
    ),
    "pdf with javascript": lambda: ("minutes.pdf", helpers.pdf(javascript=True), "JavaScript"),
    "pdf with escaped javascript": lambda: (
        "minutes.pdf",
        helpers.pdf(javascript=True, escaped=True),
        "JavaScript",
    ),
    "absurd image": lambda: (
        "wide.png",
        helpers.png_claiming(100_000, 100_000),
        "far larger than any photo",
    ),
    "damaged image": lambda: ("photo.png", helpers.png()[:40], "damaged image"),
    "path in name": lambda: ("../../settings.py", b"print(1)", "folders"),
    "hidden characters in name": lambda: ("invoice\u202egpj.exe", helpers.png(), "hidden"),
}


@pytest.mark.parametrize("kind", HOSTILE)
def test_a_hostile_upload_is_refused_and_leaves_nothing(cast, case, evidence_root, kind):
    EvidencePolicy.objects.create(organisation=cast.organisation, max_bytes=2 * 1024 * 1024)
    name, data, says = HOSTILE[kind]()
    before = AuditEvent.objects.count()

    with pytest.raises(EvidenceRefused, match=says):
        services.add_evidence(case, upload=Upload(name, data), actor=cast.officer)

    assert helpers.nothing_left(evidence_root)
    assert AuditEvent.objects.count() == before


def test_the_organisation_chooses_the_types_it_accepts(cast, case, evidence_root):
    EvidencePolicy.objects.create(organisation=cast.organisation, accepted_types=["image/*"])
    services.add_evidence(case, upload=Upload("a.png", helpers.png()), actor=cast.officer)
    with pytest.raises(EvidenceRefused, match="does not accept"):
        services.add_evidence(case, upload=Upload("a.pdf", helpers.pdf()), actor=cast.officer)
    assert EvidenceItem.objects.count() == 1


def test_a_chat_that_cannot_be_read_is_refused_whole(cast, case, evidence_root):
    with pytest.raises(EvidenceRefused, match="cannot be read as a chat"):
        services.add_evidence(
            case,
            upload=Upload("chat.txt", b"just some notes\nnot a chat\n"),
            actor=cast.officer,
            chat_export=True,
        )
    assert helpers.nothing_left(evidence_root)


def test_a_failure_after_the_write_removes_the_file(cast, case, evidence_root, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "_import", broken)
    export = whatsapp_export("android-24h", 50)
    with pytest.raises(RuntimeError):
        services.add_evidence(
            case,
            upload=Upload("chat.txt", export.text.encode()),
            actor=cast.officer,
            chat_export=True,
        )
    assert helpers.nothing_left(evidence_root)


def test_a_failed_upload_keeps_a_file_another_item_holds(cast, case, evidence_root, monkeypatch):
    export = whatsapp_export("android-24h", 50).text.encode()
    kept = services.add_evidence(case, upload=Upload("chat.txt", export), actor=cast.officer)
    monkeypatch.setattr(services, "_import", lambda *a, **k: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        services.add_evidence(
            case, upload=Upload("chat.txt", export), actor=cast.officer, chat_export=True
        )
    assert store.read(kept.file.sha256) == export


def test_only_the_officer_and_investigator_add_evidence(cast, case, evidence_root):
    for who in (cast.outsider, cast.oversight):
        with pytest.raises(CaseError):
            services.add_evidence(case, upload=Upload("a.png", helpers.png()), actor=who)
    assert helpers.nothing_left(evidence_root)


def test_a_whatsapp_zip_is_imported_with_its_attachments(cast, case):
    export = whatsapp_export("ios-12h", 400)
    item = services.add_evidence(
        case,
        upload=Upload("WhatsApp Chat.zip", export.as_zip()),
        actor=cast.officer,
        chat_export=True,
    )
    chat = ChatExport.objects.get(item=item)
    assert chat.message_count == 400
    assert chat.format == "whatsapp-ios" and chat.date_order == "month-first"
    assert chat.missing_attachments == []
    attached = chat.messages.exclude(attachment=None)
    assert attached.count() == len(export.attachments) > 0
    assert {m.attachment_name for m in attached} == set(export.attachments)
    assert AuditEvent.objects.filter(action="evidence.chat_imported").count() == 1


def test_disclosed_copies_lose_their_metadata_and_the_original_stays(cast, case):
    photo = helpers.jpeg_with_location()
    item = services.add_evidence(case, upload=Upload("p.jpg", photo), actor=cast.officer)

    copy = services.disclose(item, actor=cast.officer, to="respondent")

    from PIL import Image

    assert b"PhoneModel" in photo and b"PhoneModel" not in copy
    with Image.open(__import__("io").BytesIO(copy)) as image:
        assert not image.getexif()
        assert image.size == (40, 30)
    assert services.read_original(item, actor=cast.officer) == photo
    disclosed = AuditEvent.objects.get(action="evidence.disclosed")
    assert disclosed.data["to"] == "respondent"
    assert disclosed.data["copy_sha256"] == store.sha256_of(copy)
    assert AuditEvent.objects.filter(action="evidence.original_read").count() == 1


def test_a_disclosed_pdf_loses_its_author(cast, case):
    original = helpers.pdf(author="Branch Secretary")
    item = services.add_evidence(case, upload=Upload("m.pdf", original), actor=cast.officer)
    copy = services.disclose(item, actor=cast.officer, to="panel")

    from pypdf import PdfReader

    assert b"Branch Secretary" in original and b"Branch Secretary" not in copy
    assert len(PdfReader(__import__("io").BytesIO(copy)).pages) == 1


def test_a_disclosed_word_document_loses_its_author(cast, case):
    core = b"<cp:coreProperties><dc:creator>Branch Secretary</dc:creator></cp:coreProperties>"
    document = helpers.zip_of(
        {
            "[Content_Types].xml": b"<Types/>",
            "word/document.xml": b"<w/>",
            "docProps/core.xml": core,
        }
    )
    item = services.add_evidence(case, upload=Upload("m.docx", document), actor=cast.officer)
    assert item.file.content_type.endswith("wordprocessingml.document")
    copy = services.disclose(item, actor=cast.officer, to="respondent")
    assert b"Branch Secretary" not in helpers.zip_of({}) + copy
    assert (
        "word/document.xml"
        in __import__("zipfile").ZipFile(__import__("io").BytesIO(copy)).namelist()
    )


def test_stored_files_are_written_atomically(evidence_root: Path, monkeypatch):
    def no_space(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("os.replace", no_space)
    with pytest.raises(store.StoreError, match="No space left"):
        store.put(b"some evidence")
    assert not [p for p in evidence_root.rglob("*") if p.is_file()]


def test_an_image_over_the_organisations_pixel_limit_is_refused(cast, case, evidence_root):
    EvidencePolicy.objects.create(organisation=cast.organisation, max_image_pixels=10_000)
    with pytest.raises(EvidenceRefused, match="200 by 100 pixels"):
        services.add_evidence(
            case, upload=Upload("a.png", helpers.png(200, 100)), actor=cast.officer
        )
    assert helpers.nothing_left(evidence_root)
