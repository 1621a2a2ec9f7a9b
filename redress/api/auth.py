"""API tokens: issuing, revoking and checking them.

A token is `rd_` and 40 random letters and digits (about 238 bits). Only its SHA-256 is stored,
and a presented token is found by the SHA-256 of what was presented, so no comparison of secret
bytes happens whose timing could leak the token.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import string
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from redress.api.models import ApiToken
from redress.audit.services import record_event
from redress.people.models import User

logger = logging.getLogger(__name__)

TOKEN_PREFIX = "rd_"  # noqa: S105 -- marks a string as a Redress token; not a secret
TOKEN_ALPHABET = string.ascii_letters + string.digits
TOKEN_RANDOM_LENGTH = 40
TOKEN_LENGTH = len(TOKEN_PREFIX) + TOKEN_RANDOM_LENGTH
DISPLAY_PREFIX_LENGTH = 8
# Writing last_used_at on every request would turn each read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenError(ValueError):
    """A token cannot be issued or revoked, and why."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(*, user: User, name: str = "", actor: User | None = None) -> str:
    """Issue a new API token for `user` and return it. It is not stored, so cannot be shown
    again."""
    if user.organisation_id is None:
        raise TokenError(f"user {user.pk} belongs to no organisation, so cannot use the API")
    if not user.is_active:
        raise TokenError(f"user {user.pk} is not active")
    name = name.strip()
    if len(name) > ApiToken._meta.get_field("name").max_length:  # type: ignore[operator]
        raise TokenError("a token's name must be at most 100 characters")
    token = TOKEN_PREFIX + "".join(
        secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_RANDOM_LENGTH)
    )
    with transaction.atomic():
        api_token = ApiToken.objects.create(
            organisation_id=user.organisation_id,
            user=user,
            name=name,
            key_hash=hash_token(token),
            prefix=token[:DISPLAY_PREFIX_LENGTH],
        )
        record_event(
            organisation=user.organisation_id,
            actor=actor,
            action="api_token.created",
            target=api_token,
            data={"user_id": user.pk, "prefix": api_token.prefix},
        )
    return token


def revoke_token(*, prefix: str, actor: User | None = None) -> ApiToken:
    """Revoke the one live token whose display prefix is `prefix` (or which is `prefix`, given
    the whole token, for when two live tokens share a prefix)."""
    prefix = prefix.strip()
    if len(prefix) == TOKEN_LENGTH:
        matching = ApiToken.objects.filter(key_hash=hash_token(prefix))
    else:
        matching = ApiToken.objects.filter(prefix=prefix)
    shown = prefix[:DISPLAY_PREFIX_LENGTH]
    with transaction.atomic():
        live = list(matching.select_for_update().filter(revoked_at__isnull=True)[:2])
        if not live:
            if matching.exists():
                raise TokenError(f"token {shown} is already revoked")
            raise TokenError(f"no token starts with {shown!r}")
        if len(live) > 1:
            raise TokenError(
                f"more than one live token starts with {shown!r}; give the whole token"
            )
        api_token = live[0]
        api_token.revoked_at = timezone.now()
        api_token.save(update_fields=["revoked_at"])
        record_event(
            organisation=api_token.organisation_id,
            actor=actor,
            action="api_token.revoked",
            target=api_token,
            data={"user_id": api_token.user_id, "prefix": api_token.prefix},
        )
    return api_token


class TokenAuth(HttpBearer):
    """`Authorization: Bearer rd_…` for the JSON API: the token's user, if it is live."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if len(token) != TOKEN_LENGTH or not token.startswith(TOKEN_PREFIX):
            return None
        api_token = (
            ApiToken.objects.select_related("user").filter(key_hash=hash_token(token)).first()
        )
        if api_token is None:
            return None
        if api_token.revoked_at is not None:
            # The prefix is what operators see in `redress token list`; it is no secret.
            logger.warning("revoked API token %s was presented", api_token.prefix)
            return None
        user = api_token.user
        if not user.is_active or user.organisation_id != api_token.organisation_id:
            return None
        note_use(api_token, request)
        request.user = user
        return user


def note_use(api_token: ApiToken, request: HttpRequest) -> None:
    """Record that the token was used: `last_used_at`, and an audit event, at most once a
    `LAST_USED_RESOLUTION` per token, so that a busy integration does not turn every read into
    two writes. What the token then does is audited by the services it calls."""
    now = timezone.now()
    if api_token.last_used_at is not None and now - api_token.last_used_at < LAST_USED_RESOLUTION:
        return
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_RESOLUTION)
    with transaction.atomic():
        # The conditional update lets only one of several concurrent requests write the event.
        if not ApiToken.objects.filter(stale, pk=api_token.pk).update(last_used_at=now):
            return
        record_event(
            organisation=api_token.organisation_id,
            actor=api_token.user,
            action="api_token.used",
            target=api_token,
            data={"prefix": api_token.prefix, "method": request.method},
        )
    api_token.last_used_at = now
