"""Reading redacted documents: the organisation's documents, one document's redactions, and the
document's text cut into plain and redacted pieces for the review page."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from redress.people.models import User
from redress.publication.models import RedactedDocument, Redaction


def documents_for(user: User) -> QuerySet[RedactedDocument]:
    """The documents of the user's organisation, newest first, without their files."""
    if user.organisation_id is None:
        return RedactedDocument.objects.none()
    return (
        RedactedDocument.objects.filter(organisation_id=user.organisation_id)
        .defer("source", "output", "text")
        .select_related("prepared_by", "submitted_by", "approved_by")
        .order_by("-prepared_at", "-pk")
    )


def document_for(user: User, document_id: int) -> RedactedDocument | None:
    if user.organisation_id is None:
        return None
    return (
        RedactedDocument.objects.filter(organisation_id=user.organisation_id, pk=document_id)
        .select_related("prepared_by", "submitted_by", "approved_by")
        .first()
    )


def redactions_of(document: RedactedDocument) -> list[Redaction]:
    return list(document.redactions.select_related("added_by", "undone_by").order_by("start", "pk"))


@dataclass(frozen=True)
class Piece:
    """A run of the document's text; `redaction` is set where a redaction (or a kept name)
    covers it."""

    text: str
    redaction: Redaction | None = None


def pieces_of(text: str, redactions: list[Redaction]) -> list[Piece]:
    """The text cut at each redaction, for highlighting; overlapping ones show as the first."""
    pieces = []
    position = 0
    for redaction in sorted(redactions, key=lambda r: (r.start, r.undone_at is not None)):
        if redaction.start < position:
            continue
        pieces.append(Piece(text[position : redaction.start]))
        pieces.append(Piece(text[redaction.start : redaction.end], redaction))
        position = redaction.end
    pieces.append(Piece(text[position:]))
    return [piece for piece in pieces if piece.text]


@dataclass(frozen=True)
class LogRow:
    """A line of the redaction log: the redaction, its words, and the line, paragraph or page
    number it starts on."""

    redaction: Redaction
    text: str
    where: int


def log_of(text: str, redactions: list[Redaction], separator: str) -> list[LogRow]:
    rows = []
    position, number = 0, 1
    for redaction in redactions:  # in order of the text
        number += text.count(separator, position, redaction.start)
        position = redaction.start
        rows.append(LogRow(redaction, text[redaction.start : redaction.end], number))
    return rows
