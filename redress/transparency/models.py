"""Published statistics releases: one per organisation and quarter, never changed afterwards.

A release keeps the exact CSV and JSON it published, so a download today is byte for byte what
anyone downloaded on the day, and the audit log's head hash as it stood, so anyone who kept a copy
can later check that the log's history up to then was not rewritten. Beside the public figures
it keeps each cell's spec and whether it was withheld as a small count (never the count itself):
later releases are checked against them. On PostgreSQL a trigger refuses UPDATE, DELETE and
TRUNCATE.
"""

from __future__ import annotations

from django.db import models

from redress.people.models import Organisation


class Release(models.Model):
    """A quarter's public statistics, as published."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    period = models.CharField(max_length=7, help_text="The quarter, as 2026Q3.")
    published_at = models.DateTimeField()
    audit_seq = models.BigIntegerField(help_text="The audit log's last sealed event then.")
    audit_head_hash = models.CharField(max_length=64)
    content = models.JSONField(help_text="The public release: tables, withheld cells as null.")
    json_text = models.TextField(help_text="The JSON download, exactly as published.")
    csv_text = models.TextField(help_text="The CSV download, exactly as published.")
    cells = models.JSONField(
        help_text="Each count's spec, whether it was published and whether it was small; "
        "for checking later releases. Not public."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "period"], name="one_release_per_quarter"
            ),
        ]
        ordering = ["organisation", "-period"]

    def __str__(self) -> str:
        return f"Statistics for {self.period}"
