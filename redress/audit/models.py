"""The audit log: append-only, hash-chained per organisation.

Each event's hash covers the previous event's hash and the event's canonical content (see
`redress.audit.chain`), so changing, removing or reordering any event breaks every hash after it.
On PostgreSQL a trigger refuses UPDATE, DELETE and TRUNCATE on the table.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from redress.people.models import Organisation


class AuditEvent(models.Model):
    """One thing that happened, or one read of case data, by whom and when."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    seq = models.BigIntegerField(help_text="Position in the organisation's chain, from 1.")
    occurred_at = models.DateTimeField()
    # No foreign key constraint: the chain must outlive any account.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(max_length=150)
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=60, blank=True)
    case_id = models.BigIntegerField(null=True, blank=True)
    data = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "seq"], name="audit_seq_unique"),
        ]
        indexes = [
            models.Index(fields=["case_id", "seq"], name="audit_case_idx"),
            models.Index(fields=["organisation", "action", "occurred_at"], name="audit_action_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"


class AuditHead(models.Model):
    """The last event of an organisation's chain. Its row lock serialises appends."""

    organisation = models.OneToOneField(
        Organisation, primary_key=True, on_delete=models.PROTECT, related_name="+"
    )
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"{self.organisation_id} at #{self.seq}"
