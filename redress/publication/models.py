"""Documents redacted for publication, their redactions, and their release.

A document is prepared (the engine's redactions recorded), reviewed (a reviewer adds or undoes
redactions, each with a reason), submitted, and released only when a second person approves.
A released document, and its redactions, can no longer change: on PostgreSQL a trigger refuses
it at the database itself.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from redress.people.models import Organisation, User


class DocumentFormat(models.TextChoices):
    TEXT = "text", "Plain text"
    MARKDOWN = "markdown", "Markdown"
    DOCX = "docx", "Word (DOCX)"
    PDF = "pdf", "PDF"


class RedactionStyle(models.TextChoices):
    PSEUDONYM = "pseudonym", "Pseudonyms (Member A, Member B, ...)"
    BAR = "bar", "Black bars"


class RedactedDocument(models.Model):
    """A document on its way to publication, with what it looked like before redaction."""

    class State(models.TextChoices):
        REVIEW = "review", "In review"
        SUBMITTED = "submitted", "Awaiting a second person's approval"
        RELEASED = "released", "Released"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    filename = models.CharField(max_length=255)
    format = models.CharField(max_length=10, choices=DocumentFormat.choices)
    style = models.CharField(max_length=10, choices=RedactionStyle.choices)
    keep_public = models.BooleanField(
        help_text="Whether the names of people with a public role are kept."
    )
    source = models.BinaryField()
    source_sha256 = models.CharField(max_length=64)
    text = models.TextField(help_text="The document's text as the redaction engine read it.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.REVIEW)
    prepared_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    prepared_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    output = models.BinaryField(null=True, blank=True)
    output_sha256 = models.CharField(max_length=64, blank=True)
    audit_head_seq = models.BigIntegerField(null=True, blank=True)
    audit_head_hash = models.CharField(
        max_length=64, blank=True, help_text="The audit log's head hash when it was released."
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="released_document_approved_by_a_second_person",
                condition=~Q(state="released")
                | (
                    Q(approved_by__isnull=False, submitted_by__isnull=False, output__isnull=False)
                    & ~Q(approved_by=F("submitted_by"))
                    & ~Q(approved_by=F("prepared_by"))
                    & ~Q(audit_head_hash="")
                ),
            ),
        ]
        indexes = [models.Index(fields=["organisation", "state"])]

    def __str__(self) -> str:
        return self.title

    @property
    def released(self) -> bool:
        return self.state == self.State.RELEASED


class Redaction(models.Model):
    """One span of the document's text: redacted, or (`kept`) a public office holder's name
    left in. Undoing keeps the row, with who undid it and why."""

    class Origin(models.TextChoices):
        ENGINE = "engine", "Found by the engine"
        REVIEWER = "reviewer", "Added by a reviewer"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    document = models.ForeignKey(
        RedactedDocument, on_delete=models.PROTECT, related_name="redactions"
    )
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    rule = models.CharField(max_length=40)
    subject = models.CharField(max_length=200, blank=True)
    label = models.CharField(max_length=60, blank=True)
    kept = models.BooleanField(default=False)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.ENGINE)
    added_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True)
    undone_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undo_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(
                name="redaction_span_is_forward", condition=Q(end__gt=F("start"))
            ),
            models.CheckConstraint(
                name="reviewer_redaction_has_reason",
                condition=~Q(origin="reviewer") | ~Q(reason=""),
            ),
            models.CheckConstraint(
                name="undone_redaction_has_reason",
                condition=Q(undone_at__isnull=True) | ~Q(undo_reason=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule} at {self.start}"

    @property
    def active(self) -> bool:
        return self.undone_at is None
