"""Embeddings of cases' text, the source of truth from which every similar-case index is built."""

from __future__ import annotations

from django.db import models

from redress.cases.models import Case
from redress.people.models import Organisation


class CaseEmbedding(models.Model):
    """A sentence embedding of one case's allegations and facts, computed by the worker.

    Append-only: when a case's text changes the worker adds a row and deletes the case's older
    ones in the same transaction, so that the rows' ids, which only grow, tell a process's
    in-memory index what it has not seen yet (see `redress.consistency.index`)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    model = models.CharField(max_length=60, help_text="The embedding model the vector is from.")
    text_digest = models.CharField(
        max_length=64, help_text="SHA-256 of the text embedded, to tell when it has changed."
    )
    vector = models.BinaryField(help_text="384 little-endian float32 of unit length.")
    computed_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["organisation", "id"], name="case_embedding_org_idx"),
            models.Index(fields=["case", "-id"], name="case_embedding_case_idx"),
        ]

    def __str__(self) -> str:
        return f"embedding of {self.case_id}"
