"""Preparing, reviewing and releasing redacted documents. Each step is one transaction with its
audit event; a release needs a second person, who neither prepared, submitted nor changed the
document's redactions."""

from __future__ import annotations

import hashlib
import re

from django.db import transaction
from django.utils import timezone

from redress.audit.models import AuditHead
from redress.audit.services import record_event
from redress.people.models import Organisation, StaffRole, User
from redress.publication import formats
from redress.publication.engine import Span, Style, find_spans, member_pseudonym
from redress.publication.matcher import build_matcher
from redress.publication.models import RedactedDocument, Redaction
from redress.publication.redaction import RedactionIncomplete, check_redacted
from redress.publication.register import people_on_register

# The coordinators run the process and administrators keep the register: either may publish.
PUBLISHERS = (StaffRole.COORDINATOR, StaffRole.ADMIN)
MAX_DOCUMENT_BYTES = 25 * 2**20
MAX_PHRASE_LENGTH = 200


class PublicationRefused(ValueError):
    """A publication step that cannot be taken, with a reason a person can act on."""


def may_publish(user: User) -> bool:
    return (
        user.is_active
        and user.organisation_id is not None
        and any(user.has_role(role) for role in PUBLISHERS)
    )


def _check_publisher(user: User, organisation_id: int) -> None:
    if not may_publish(user) or user.organisation_id != organisation_id:
        raise PublicationRefused("only a complaints coordinator or an administrator publishes")


def prepare_document(
    *,
    organisation: Organisation,
    actor: User,
    title: str,
    filename: str,
    data: bytes,
    style: Style,
    keep_public: bool,
) -> RedactedDocument:
    """Redact a document against the organisation's register and hold it for review."""
    _check_publisher(actor, organisation.pk)
    if not title.strip():
        raise PublicationRefused("give the document a title")
    if len(data) > MAX_DOCUMENT_BYTES:
        raise PublicationRefused("the document is larger than 25 MB")
    try:
        kind = formats.format_of(filename)
        text = formats.extract(data, kind)
    except formats.DocumentError as error:
        raise PublicationRefused(str(error)) from None
    matcher = build_matcher(people_on_register(organisation))
    spans = find_spans(text, matcher, keep_public=keep_public)
    with transaction.atomic():
        document = RedactedDocument.objects.create(
            organisation=organisation,
            title=title.strip(),
            filename=filename,
            format=kind.value,
            style=style.value,
            keep_public=keep_public,
            source=data,
            source_sha256=hashlib.sha256(data).hexdigest(),
            text=text,
            prepared_by=actor,
        )
        Redaction.objects.bulk_create(
            Redaction(
                organisation=organisation,
                document=document,
                start=span.start,
                end=span.end,
                rule=span.rule,
                subject=span.subject,
                label=span.label,
                kept=span.kept,
            )
            for span in spans
        )
        record_event(
            organisation=organisation,
            actor=actor,
            action="publication.prepared",
            target=document,
            data={
                "sha256": document.source_sha256,
                "format": kind.value,
                "redactions": sum(1 for span in spans if not span.kept),
                "kept": sum(1 for span in spans if span.kept),
            },
        )
    return document


def add_redaction(
    document: RedactedDocument, *, actor: User, phrase: str, reason: str
) -> list[Redaction]:
    """Redact every occurrence of `phrase` (any case, any spacing) not yet redacted."""
    words = phrase.split()
    if not words:
        raise PublicationRefused("give the words to redact")
    if len(phrase) > MAX_PHRASE_LENGTH:
        raise PublicationRefused(f"redact at most {MAX_PHRASE_LENGTH} characters at a time")
    if not reason.strip():
        raise PublicationRefused("give the reason for the redaction")
    pattern = re.compile(
        r"(?<!\w)" + r"\s+".join(re.escape(word) for word in words) + r"(?!\w)", re.IGNORECASE
    )
    with transaction.atomic():
        document = _lock(document, actor)
        covered = [(r.start, r.end) for r in document.redactions.filter(undone_at=None, kept=False)]
        found = [
            match.span()
            for match in pattern.finditer(document.text)
            if not any(start <= match.start() and match.end() <= end for start, end in covered)
        ]
        if not found:
            raise PublicationRefused("those words are not in the document, or are redacted")
        label = _next_pseudonym(document)
        added = Redaction.objects.bulk_create(
            Redaction(
                organisation_id=document.organisation_id,
                document=document,
                start=start,
                end=end,
                rule="reviewer",
                subject=f"reviewer:{label}",
                label=label,
                origin=Redaction.Origin.REVIEWER,
                added_by=actor,
                reason=reason.strip(),
            )
            for start, end in found
        )
        _back_to_review(document, actor)
        record_event(
            organisation=document.organisation_id,
            actor=actor,
            action="publication.redaction_added",
            target=document,
            data={"occurrences": len(added), "reason": reason.strip()},
        )
    return added


def undo_redaction(redaction: Redaction, *, actor: User, reason: str) -> Redaction:
    """Leave a redaction's words in the published document, saying why."""
    if not reason.strip():
        raise PublicationRefused("give the reason for undoing the redaction")
    with transaction.atomic():
        document = _lock(redaction.document, actor)
        redaction = Redaction.objects.select_for_update().get(pk=redaction.pk, document=document)
        if redaction.kept:
            raise PublicationRefused("that name is kept already (a public role)")
        if redaction.undone_at is not None:
            raise PublicationRefused("that redaction has been undone already")
        redaction.undone_at = timezone.now()
        redaction.undone_by = actor
        redaction.undo_reason = reason.strip()
        redaction.save(update_fields=["undone_at", "undone_by", "undo_reason"])
        _back_to_review(document, actor)
        record_event(
            organisation=document.organisation_id,
            actor=actor,
            action="publication.redaction_undone",
            target=document,
            data={
                "redaction": redaction.pk,
                "rule": redaction.rule,
                "reason": redaction.undo_reason,
            },
        )
    return redaction


def submit_for_release(document: RedactedDocument, *, actor: User) -> RedactedDocument:
    """Declare the review finished; a second person must now approve."""
    with transaction.atomic():
        document = _lock(document, actor)
        if document.state != RedactedDocument.State.REVIEW:
            raise PublicationRefused(f"the document is {document.get_state_display().lower()}")
        document.state = RedactedDocument.State.SUBMITTED
        document.submitted_by = actor
        document.submitted_at = timezone.now()
        document.save(update_fields=["state", "submitted_by", "submitted_at"])
        record_event(
            organisation=document.organisation_id,
            actor=actor,
            action="publication.submitted",
            target=document,
        )
    return document


def approve_release(document: RedactedDocument, *, actor: User) -> RedactedDocument:
    """As the second person, approve the redactions: write the redacted document, check it,
    and release it with the audit log's head hash. Nothing about it can change afterwards."""
    with transaction.atomic():
        document = _lock(document, actor)
        if document.state != RedactedDocument.State.SUBMITTED:
            raise PublicationRefused("only a document submitted for release can be approved")
        if actor.pk in _people_who_shaped(document):
            raise PublicationRefused(
                "a second person must approve: you prepared, submitted or changed this document"
            )
        output = render_release(document)
        head = AuditHead.objects.get(organisation_id=document.organisation_id)
        document.state = RedactedDocument.State.RELEASED
        document.approved_by = actor
        document.released_at = timezone.now()
        document.output = output
        document.output_sha256 = hashlib.sha256(output).hexdigest()
        document.audit_head_seq = head.seq
        document.audit_head_hash = head.hash
        document.save(
            update_fields=[
                "state", "approved_by", "released_at", "output", "output_sha256",
                "audit_head_seq", "audit_head_hash",
            ]
        )  # fmt: skip
        record_event(
            organisation=document.organisation_id,
            actor=actor,
            action="publication.released",
            target=document,
            data={
                "sha256": document.output_sha256,
                "audit_head_seq": head.seq,
                "audit_head_hash": head.hash,
            },
        )
    return document


def render_release(document: RedactedDocument) -> bytes:
    """The redacted document from its current redactions, read back and checked."""
    kind = formats.Format(document.format)
    style = Style(document.style)
    spans = document_spans(document)
    source = bytes(document.source)
    try:
        output = formats.render(source, kind, spans, style)
        undone = [
            document.text[r.start : r.end] for r in document.redactions.exclude(undone_at=None)
        ]
        matcher = build_matcher(people_on_register(document.organisation))
        check_redacted(
            output, kind, document.text, spans, matcher,
            keep_public=document.keep_public, allowed=undone,
        )  # fmt: skip
    except (formats.DocumentError, RedactionIncomplete) as error:
        raise PublicationRefused(f"the redacted document failed its check: {error}") from None
    return output


def document_spans(document: RedactedDocument) -> list[Span]:
    """The document's redactions in force, as the engine's spans, without overlaps: a
    redaction wins over a kept name it overlaps."""
    rows = list(document.redactions.filter(undone_at=None).order_by("start", "-end"))
    redacted = [row for row in rows if not row.kept]
    spans: list[Span] = []
    for row in rows:
        if row.kept and any(r.start < row.end and row.start < r.end for r in redacted):
            continue
        span = Span(row.start, row.end, row.rule, row.subject, row.label, row.kept)
        if spans and span.start < spans[-1].end:
            last = spans[-1]
            if span.end > last.end:
                spans[-1] = Span(last.start, span.end, last.rule, last.subject, last.label)
            continue
        spans.append(span)
    return spans


def _lock(document: RedactedDocument, actor: User) -> RedactedDocument:
    _check_publisher(actor, document.organisation_id)
    locked = RedactedDocument.objects.select_for_update().get(pk=document.pk)
    if locked.released:
        raise PublicationRefused("the document has been released and cannot change")
    return locked


def _back_to_review(document: RedactedDocument, actor: User) -> None:
    """A change after submission withdraws it: the second person must see the final set."""
    if document.state == RedactedDocument.State.SUBMITTED:
        document.state = RedactedDocument.State.REVIEW
        document.submitted_by = None
        document.submitted_at = None
        document.save(update_fields=["state", "submitted_by", "submitted_at"])
        record_event(
            organisation=document.organisation_id,
            actor=actor,
            action="publication.withdrawn",
            target=document,
            data={"why": "the redactions changed after submission"},
        )


def _people_who_shaped(document: RedactedDocument) -> set[int]:
    shaped = {document.prepared_by_id, document.submitted_by_id}
    shaped |= set(document.redactions.exclude(added_by=None).values_list("added_by_id", flat=True))
    shaped |= set(
        document.redactions.exclude(undone_by=None).values_list("undone_by_id", flat=True)
    )
    return {pk for pk in shaped if pk is not None}


def _next_pseudonym(document: RedactedDocument) -> str:
    """The first "Member X" the document does not use yet."""
    used = set(document.redactions.values_list("label", flat=True))
    number = 0
    while member_pseudonym(number) in used:
        number += 1
    return member_pseudonym(number)
