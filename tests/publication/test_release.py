"""Review and release: a reviewer adds and undoes redactions with reasons, a second person must
approve, a released document carries the audit head hash and can no longer change, even at the
database; every step is in the audit log."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, InternalError, ProgrammingError, connection, transaction

from redress.audit.models import AuditEvent, AuditHead
from redress.people.imports import import_register
from redress.people.models import StaffRole
from redress.publication import services
from redress.publication.engine import Style
from redress.publication.formats import Format, extract
from redress.publication.models import RedactedDocument, Redaction
from tests.factories import make_organisation, make_staff
from tests.publication.documents import REGISTER_CSV, pdf_document, text_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    organisation = make_organisation()
    import_register(organisation=organisation, data=REGISTER_CSV.encode())
    return organisation


@pytest.fixture
def reviewer(org):
    return make_staff(org, "reviewer", StaffRole.COORDINATOR)


@pytest.fixture
def approver(org):
    return make_staff(org, "approver", StaffRole.ADMIN)


def _prepare(org, actor, *, data=None, filename="report.txt", style=Style.PSEUDONYM):
    return services.prepare_document(
        organisation=org, actor=actor, title="Investigation report", filename=filename,
        data=data if data is not None else text_document(), style=style, keep_public=True,
    )  # fmt: skip


def _actions(org) -> list[str]:
    return list(
        AuditEvent.objects.filter(organisation=org, action__startswith="publication.")
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_a_prepared_document_holds_the_engines_redactions(org, reviewer) -> None:
    document = _prepare(org, reviewer)
    assert document.state == RedactedDocument.State.REVIEW
    rows = list(document.redactions.all())
    found = {(r.rule, document.text[r.start : r.end]) for r in rows}
    assert ("full_name", "Aisha Khan") in found
    kept = [document.text[r.start : r.end] for r in rows if r.kept]
    assert kept == ["Keir Morgan"]
    assert _actions(org) == ["publication.prepared"]


def test_the_whole_journey_to_release(org, reviewer, approver) -> None:
    document = _prepare(org, reviewer)
    added = services.add_redaction(
        document, actor=reviewer, phrase="branch  MEMBERS", reason="identifies the branch"
    )
    assert len(added) == 1 and added[0].origin == Redaction.Origin.REVIEWER
    postcode = document.redactions.get(rule="postcode")
    services.undo_redaction(postcode, actor=reviewer, reason="the party's head office address")
    services.submit_for_release(document, actor=reviewer)
    released = services.approve_release(document, actor=approver)
    head = AuditHead.objects.get(organisation=org)
    assert released.state == RedactedDocument.State.RELEASED
    assert released.audit_head_hash == head.hash and len(head.hash) == 64
    text = bytes(released.output).decode()
    assert "Aisha" not in text and "branch members" not in text
    assert "SW1A 2AA" in text  # the undone redaction is published
    assert added[0].label in text
    assert _actions(org) == [
        "publication.prepared",
        "publication.redaction_added",
        "publication.redaction_undone",
        "publication.submitted",
        "publication.released",
    ]


def test_nobody_approves_a_document_they_prepared_submitted_or_changed(
    org, reviewer, approver
) -> None:
    document = _prepare(org, reviewer)
    services.submit_for_release(document, actor=reviewer)
    with pytest.raises(services.PublicationRefused, match="a second person must approve"):
        services.approve_release(document, actor=reviewer)
    third = make_staff(org, "third", StaffRole.COORDINATOR)
    services.add_redaction(document, actor=approver, phrase="witness", reason="a role")
    document.refresh_from_db()
    assert document.state == RedactedDocument.State.REVIEW  # the change withdrew it
    services.submit_for_release(document, actor=third)
    with pytest.raises(services.PublicationRefused, match="a second person"):
        services.approve_release(document, actor=approver)  # changed a redaction
    with pytest.raises(services.PublicationRefused, match="a second person"):
        services.approve_release(document, actor=third)  # submitted it
    fourth = make_staff(org, "fourth", StaffRole.ADMIN)
    assert services.approve_release(document, actor=fourth).released
    assert "publication.withdrawn" in _actions(org)


def test_only_publishers_of_the_organisation_take_any_step(org, reviewer) -> None:
    officer = make_staff(org, "officer", StaffRole.OFFICER)
    with pytest.raises(services.PublicationRefused, match="only a complaints coordinator"):
        _prepare(org, officer)
    document = _prepare(org, reviewer)
    stranger = make_staff(make_organisation(), "stranger", StaffRole.ADMIN)
    with pytest.raises(services.PublicationRefused):
        services.submit_for_release(document, actor=stranger)
    assert RedactedDocument.objects.count() == 1


def test_bad_steps_are_refused_and_change_nothing(org, reviewer, approver) -> None:
    with pytest.raises(services.PublicationRefused, match=r"cannot redact a \.exe"):
        _prepare(org, reviewer, filename="report.exe")
    with pytest.raises(services.PublicationRefused, match="PDF cannot be opened"):
        _prepare(org, reviewer, data=b"not a pdf", filename="report.pdf")
    document = _prepare(org, reviewer)
    before = document.redactions.count()
    with pytest.raises(services.PublicationRefused, match="reason"):
        services.add_redaction(document, actor=reviewer, phrase="witness", reason=" ")
    with pytest.raises(services.PublicationRefused, match="not in the document"):
        services.add_redaction(document, actor=reviewer, phrase="zebra", reason="x")
    with pytest.raises(services.PublicationRefused, match="reason"):
        services.undo_redaction(document.redactions.first(), actor=reviewer, reason="")
    with pytest.raises(services.PublicationRefused, match="only a document submitted"):
        services.approve_release(document, actor=approver)
    assert document.redactions.count() == before
    assert _actions(org) == ["publication.prepared"]


def test_a_released_document_cannot_change_even_at_the_database(org, reviewer, approver) -> None:
    document = _prepare(org, reviewer, data=pdf_document(), filename="report.pdf")
    services.submit_for_release(document, actor=reviewer)
    services.approve_release(document, actor=approver)
    output = extract(bytes(RedactedDocument.objects.get(pk=document.pk).output), Format.PDF)
    assert "Aisha" not in output and "Keir Morgan" in output
    with pytest.raises(services.PublicationRefused, match="released"):
        services.add_redaction(document, actor=reviewer, phrase="witness", reason="late")
    for attempt in (
        lambda: RedactedDocument.objects.filter(pk=document.pk).update(title="changed"),
        lambda: _sql("DELETE FROM publication_redacteddocument WHERE id = %s", document.pk),
        lambda: Redaction.objects.filter(document=document).update(label="x"),
        lambda: Redaction.objects.filter(document=document).delete(),
    ):
        with pytest.raises((InternalError, ProgrammingError)), transaction.atomic():
            attempt()
    assert RedactedDocument.objects.get(pk=document.pk).title == "Investigation report"


def _sql(statement: str, *parameters: object) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, parameters)


def test_the_database_refuses_a_release_approved_by_its_submitter(org, reviewer) -> None:
    document = _prepare(org, reviewer)
    with pytest.raises(IntegrityError), transaction.atomic():
        RedactedDocument.objects.filter(pk=document.pk).update(
            state="released", submitted_by=reviewer, approved_by=reviewer, output=b"x",
            audit_head_hash="0" * 64,
        )  # fmt: skip
