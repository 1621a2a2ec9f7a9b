"""The audit log: append-only, hash-chained per organisation.

Each event's hash covers the previous event's hash and the event's canonical content (see
`redress.audit.chain`), so changing, removing or reordering any event breaks every hash after it.

An event is written unsealed, in its writer's transaction, and sealed after that commits: given
its place in the chain (`seq`), the previous event's hash and its own hash, many events to a
transaction, by one sealer at a time (`redress.audit.services.seal_pending`). On PostgreSQL a
trigger refuses DELETE, TRUNCATE and every UPDATE except that sealing.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from redress.people.models import Organisation


class AuditEvent(models.Model):
    """One thing that happened, or one read of case data, by whom and when."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    # seq, prev_hash and hash are NULL from the writer's commit until the event is sealed.
    seq = models.BigIntegerField(
        null=True, help_text="Position in the organisation's chain, from 1; empty until sealed."
    )
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
    prev_hash = models.CharField(max_length=64, null=True)  # noqa: DJ001 - NULL means unsealed
    hash = models.CharField(max_length=64, null=True)  # noqa: DJ001 - NULL means unsealed

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "seq"], name="audit_seq_unique"),
            # Sealed in one step: all three or none.
            models.CheckConstraint(
                condition=(
                    Q(seq__isnull=True, prev_hash__isnull=True, hash__isnull=True)
                    | Q(seq__isnull=False, prev_hash__isnull=False, hash__isnull=False)
                ),
                name="audit_sealed_whole",
            ),
        ]
        indexes = [
            # A case's timeline, in the order things happened, sealed or not.
            models.Index(fields=["case_id", "occurred_at", "id"], name="audit_case_time_idx"),
            models.Index(fields=["organisation", "action", "occurred_at"], name="audit_action_idx"),
            # What the sealer reads: only the events not yet sealed, a handful at any moment.
            models.Index(
                fields=["organisation", "id"],
                condition=Q(hash__isnull=True),
                name="audit_unsealed_idx",
            ),
        ]

    def __str__(self) -> str:
        place = f"#{self.seq}" if self.seq is not None else f"unsealed (id {self.pk})"
        return f"{place} {self.action}"

    @property
    def sealed(self) -> bool:
        return self.hash is not None


class AuditHead(models.Model):
    """The last sealed event of an organisation's chain. Its row lock admits one sealer."""

    organisation = models.OneToOneField(
        Organisation, primary_key=True, on_delete=models.PROTECT, related_name="+"
    )
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"{self.organisation_id} at #{self.seq}"
