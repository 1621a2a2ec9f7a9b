"""Bearer tokens with which staff systems call the JSON API."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from redress.people.models import Organisation


class ApiToken(models.Model):
    """One API token of one user. Only the SHA-256 of the token is kept; the token itself is
    shown once, when it is made. `prefix` (its first characters) identifies it to people."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="api_tokens"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, blank=True, help_text="What the token is for.")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})" if self.name else f"{self.prefix}…"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
