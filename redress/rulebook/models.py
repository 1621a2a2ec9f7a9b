"""Stored rulebook versions. The procedure itself is YAML, parsed by `redress.rulebook.loader`."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from redress.people.models import Organisation


class RulebookVersion(models.Model):
    """One version of an organisation's procedure, exactly as adopted. Never edited: a change is
    a new version, and every case stays on the version it started under."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="rulebooks"
    )
    number = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    source = models.TextField(help_text="The YAML text as adopted.")
    sha256 = models.CharField(max_length=64)
    adopted_at = models.DateTimeField(auto_now_add=True)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"], name="rulebook_number_unique"
            ),
        ]
        ordering = ["organisation", "-number"]

    def __str__(self) -> str:
        return f"{self.name} v{self.number}"
