"""What the public intake keeps: receipts, held reports (the matching escrow), evidence taken in
at intake, messages between a case officer and a complainant, and equality monitoring answers.

Three of these are designed so that the database alone gives little away:
- a `Receipt` holds only an Argon2 hash of the code and a short keyed lookup prefix;
- a `HeldReport` is ciphertext; its respondent is known only through keyed hashes
  (`HeldIdentifier.digest`), and its content key is wrapped under keys derived from the
  respondent's identifiers, so it can be read only once someone else names the same person;
- an `EqualityResponse` carries no link to any complaint: a random id, the organisation, a month.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from redress.cases.models import Case, Complaint
from redress.people.models import Organisation


class ReportMode(models.TextChoices):
    """How the complainant chose to report."""

    NAMED = "named", "Named"
    CONFIDENTIAL = "confidential", "Confidential"
    ANONYMOUS = "anonymous", "Anonymous"
    HELD = "held", "Held until someone else reports the same person"


class HeldReport(models.Model):
    """A report held in escrow until a second, independent complainant names the same
    respondent. No case exists while it is held, and nothing in its row says whom it is about."""

    class Status(models.TextChoices):
        HELD = "held", "Held"
        OPENED = "opened", "Opened"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.HELD)
    held_on = models.DateField(help_text="The day only: the time could link it to other records.")
    ciphertext = models.BinaryField(
        help_text="The report, encrypted with a random key that is stored only wrapped."
    )
    reporter_digest = models.CharField(
        max_length=64,
        help_text="A keyed hash of who reported (e-mail or receipt): tells apart a second, "
        "independent complainant from the same one reporting twice.",
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    complaint = models.OneToOneField(
        Complaint, null=True, blank=True, on_delete=models.PROTECT, related_name="held_report"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(status="held", complaint__isnull=True)
                | Q(status="opened", complaint__isnull=False),
                name="held_report_opens_into_a_complaint",
            ),
        ]

    def __str__(self) -> str:
        return f"Held report {self.pk} ({self.status})"


class HeldIdentifier(models.Model):
    """One identifier of a held report's respondent, as a keyed hash, with the report's content
    key wrapped under a key derived from the same identifier and the server's escrow key."""

    held_report = models.ForeignKey(HeldReport, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64)
    wrapped_key = models.BinaryField()

    class Meta:
        indexes = [models.Index(fields=["digest"], name="held_identifier_digest_idx")]

    def __str__(self) -> str:
        return f"Identifier of held report {self.held_report_id}"


class Receipt(models.Model):
    """The code an anonymous, confidential or held reporter returns with. Only an Argon2 hash
    of it is kept; `lookup` (a keyed hash of its first characters) finds the row to verify."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    lookup = models.CharField(max_length=16)
    code_hash = models.CharField(max_length=200)
    complaint = models.OneToOneField(
        Complaint, null=True, blank=True, on_delete=models.PROTECT, related_name="receipt"
    )
    held_report = models.OneToOneField(
        HeldReport, null=True, blank=True, on_delete=models.PROTECT, related_name="receipt"
    )
    issued_on = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["lookup"], name="receipt_lookup_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(complaint__isnull=False) | Q(held_report__isnull=False),
                name="receipt_is_for_something",
            ),
        ]

    def __str__(self) -> str:
        return f"Receipt {self.pk}"


class FailedReceiptAttempt(models.Model):
    """One wrong receipt entered, counted per client and per lookup prefix to rate-limit
    guessing. Kept in the database so the limit holds across every server process."""

    client_digest = models.CharField(max_length=64)
    lookup = models.CharField(max_length=16)
    at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["client_digest", "at"], name="failed_receipt_client_idx"),
            models.Index(fields=["lookup", "at"], name="failed_receipt_lookup_idx"),
        ]

    def __str__(self) -> str:
        return f"Failed receipt attempt at {self.at:%Y-%m-%d %H:%M}"


class IntakeEvidence(models.Model):
    """A file given with a report or added later with a receipt. Once its complaint is filed it
    is an item of the evidence store (`item`: provenance, hash, chain of custody). A held
    report's files are kept in the store encrypted, under random names (`stored_as`), with their
    name, type and hash inside the held report's ciphertext until it opens."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    complaint = models.ForeignKey(
        Complaint, null=True, blank=True, on_delete=models.PROTECT, related_name="intake_evidence"
    )
    held_report = models.ForeignKey(
        HeldReport, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    encrypted = models.BooleanField(default=False)
    original_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, blank=True)
    stored_as = models.CharField(
        max_length=200, help_text="Where the evidence store keeps it: held/… or sha256/…"
    )
    received_on = models.DateField()
    item = models.OneToOneField(
        "evidence.EvidenceItem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="intake_evidence",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(complaint__isnull=False) | Q(held_report__isnull=False),
                name="intake_evidence_belongs_somewhere",
            ),
        ]

    def __str__(self) -> str:
        return f"Evidence {self.pk}"


class Message(models.Model):
    """A message between the case officer and the complainant of one complaint, read and
    answered by the complainant on the status page with their receipt."""

    class Direction(models.TextChoices):
        TO_COMPLAINANT = "to_complainant", "From the case officer"
        FROM_COMPLAINANT = "from_complainant", "From the complainant"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="messages")
    direction = models.CharField(max_length=20, choices=Direction.choices)
    body = models.TextField()
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["complaint", "sent_at"], name="message_thread_idx")]

    def __str__(self) -> str:
        return f"Message {self.pk} ({self.direction})"


class EqualityResponse(models.Model):
    """Voluntary equality monitoring answers, deliberately unlinkable to any complaint: a random
    id (no sequence to line up with complaints), the organisation and the month, nothing else."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    month = models.DateField(help_text="The first day of the month the answers were given.")
    answers = models.JSONField()

    def __str__(self) -> str:
        return f"Equality answers for {self.month:%B %Y}"
