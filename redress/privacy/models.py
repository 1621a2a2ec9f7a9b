"""Subject access requests: a person's right to everything Redress holds about them.

The statutory time limit is one calendar month from receipt (UK GDPR art. 12(3)); `due_on` is
recorded when the request is received, and `fulfilled_at` when the archive has been built.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from redress.people.models import Organisation, Person


class SubjectAccessRequest(models.Model):
    """One request by a person for their data, and the archive that answered it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="subject_access_requests"
    )
    received_at = models.DateTimeField()
    due_on = models.DateField(help_text="One calendar month after receipt.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The member of staff who logged it; empty for the operator at the console.",
    )
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    archive = models.BinaryField(null=True, blank=True, editable=False)
    archive_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["organisation", "due_on"],
                condition=Q(fulfilled_at__isnull=True),
                name="sar_open_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Subject access request {self.pk}"
