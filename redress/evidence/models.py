"""What the evidence store keeps: files by content address, the items that say who gave each file
and how, chat exports read into messages, and the messages an allegation relies on.

A file's bytes live on disk under `REDRESS_EVIDENCE_ROOT`, named by their SHA-256, and never
change; the rows here say what they are. Every access, disclosure and export of an item is an
audit event (redress.audit), which is the item's chain of custody.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from redress.cases.models import Allegation, Case, Complaint
from redress.people.models import Organisation


class EvidencePolicy(models.Model):
    """An organisation's limits on what it accepts (without one, the defaults below)."""

    DEFAULT_MAX_BYTES = 25 * 1024 * 1024
    DEFAULT_MAX_IMAGE_PIXELS = 60_000_000
    DEFAULT_MAX_INFLATED_BYTES = 256 * 1024 * 1024

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="evidence_policy"
    )
    max_bytes = models.PositiveBigIntegerField(default=DEFAULT_MAX_BYTES)
    accepted_types = models.JSONField(
        default=list, blank=True, help_text="Media types accepted; empty for every known type."
    )
    max_image_pixels = models.PositiveBigIntegerField(default=DEFAULT_MAX_IMAGE_PIXELS)
    max_inflated_bytes = models.PositiveBigIntegerField(
        default=DEFAULT_MAX_INFLATED_BYTES, help_text="What a ZIP may unpack to, in all."
    )

    class Meta:
        verbose_name_plural = "evidence policies"

    def __str__(self) -> str:
        return f"Evidence policy of organisation {self.organisation_id}"


class StoredFile(models.Model):
    """One file's bytes, kept once per organisation under their SHA-256, never changed."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100, help_text="Found from the bytes.")
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    stored_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "sha256"], name="stored_file_once_per_organisation"
            ),
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="stored_file_sha256_hex"
            ),
        ]

    def __str__(self) -> str:
        return f"File {self.sha256[:12]}"


class Channel(models.TextChoices):
    INTAKE = "intake", "Public report form"
    PORTAL = "portal", "Party portal"
    STAFF = "staff", "Staff upload"
    CONSOLE = "console", "Operator console"


class EvidenceItem(models.Model):
    """A file given as evidence: who gave it, when, through which channel, on which case or
    complaint. The same file given twice is two items over one StoredFile."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence_items"
    )
    complaint = models.ForeignKey(
        Complaint, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence_items"
    )
    file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="items")
    original_name = models.CharField(max_length=200)
    description = models.CharField(max_length=300, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    supplied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    supplied_by_label = models.CharField(
        max_length=100, help_text="Who gave it, in words: a member of staff, the complainant."
    )
    received_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["case", "received_at"], name="evidence_item_case_idx")]

    def __str__(self) -> str:
        return f"Evidence item {self.pk}"


class ChatExport(models.Model):
    """An evidence item read as a chat export."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    item = models.OneToOneField(EvidenceItem, on_delete=models.PROTECT, related_name="chat")
    format = models.CharField(max_length=20)
    date_order = models.CharField(max_length=12)
    message_count = models.PositiveIntegerField()
    senders = models.JSONField(default=list)
    missing_attachments = models.JSONField(default=list)
    imported_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Chat export {self.pk}"


class ChatMessage(models.Model):
    """One message of an imported chat, at its place in the export."""

    class Kind(models.TextChoices):
        MESSAGE = "message", "Message"
        SYSTEM = "system", "System notice"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    export = models.ForeignKey(ChatExport, on_delete=models.PROTECT, related_name="messages")
    position = models.PositiveIntegerField(help_text="Its place in the export, from 1.")
    sent_at = models.DateTimeField(help_text="The export's local time, read as the server's.")
    sender = models.CharField(max_length=200, blank=True)
    text = models.TextField(blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    attachment_name = models.CharField(max_length=200, blank=True)
    attachment = models.ForeignKey(
        StoredFile, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["export", "position"], name="chat_message_position_unique"
            )
        ]
        indexes = [models.Index(fields=["case", "sent_at"], name="chat_message_case_idx")]

    def __str__(self) -> str:
        return f"Chat message {self.pk}"


class ReliedOnMessage(models.Model):
    """A chat message an allegation relies on, chosen by a member of the case's team."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    allegation = models.ForeignKey(
        Allegation, on_delete=models.PROTECT, related_name="relied_on_messages"
    )
    message = models.ForeignKey(ChatMessage, on_delete=models.PROTECT, related_name="relied_on")
    selected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    selected_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["allegation", "message"], name="relied_on_message_once")
        ]

    def __str__(self) -> str:
        return f"Message {self.message_id} relied on by allegation {self.allegation_id}"
