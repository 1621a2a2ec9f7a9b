"""`redress token create|list|revoke`."""

from __future__ import annotations

import pytest
from django.core.management.base import CommandError
from django.test import Client

from redress.api.auth import TOKEN_LENGTH, hash_token
from redress.api.models import ApiToken
from redress.audit.models import AuditEvent
from redress.people.models import User
from tests.commands.conftest import redress
from tests.factories import Cast


def test_create_prints_only_a_token_that_opens_the_api(cast: Cast) -> None:
    out = redress("token", "create", cast.officer.username, "--name", "membership sync")

    token = out.strip()
    assert out == token + "\n"
    assert len(token) == TOKEN_LENGTH
    stored = ApiToken.objects.get(user=cast.officer)
    assert (stored.key_hash, stored.name) == (hash_token(token), "membership sync")
    response = Client().get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    created = AuditEvent.objects.get(action="api_token.created")
    assert (created.actor_id, created.data["user_id"]) == (None, cast.officer.pk)


def test_the_username_is_matched_without_regard_to_case(cast: Cast) -> None:
    redress("token", "create", cast.officer.username.upper())
    assert ApiToken.objects.filter(user=cast.officer).count() == 1


def test_list_shows_prefixes_and_state_never_tokens(cast: Cast) -> None:
    live = redress("token", "create", cast.officer.username, "--name", "sync").strip()
    gone = redress("token", "create", cast.oversight.username).strip()
    redress("token", "revoke", gone[:8])

    lines = redress("token", "list").splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{live[:8]}  {cast.officer.username}  live  last used never")
    assert lines[0].endswith("sync")
    assert lines[1].startswith(f"{gone[:8]}  {cast.oversight.username}  revoked ")
    assert live not in "\n".join(lines) and gone not in "\n".join(lines)

    only_officer = redress("token", "list", cast.officer.username).splitlines()
    assert [line[:8] for line in only_officer] == [live[:8]]


def test_revoke_takes_a_prefix_or_the_whole_token(cast: Cast) -> None:
    first = redress("token", "create", cast.officer.username).strip()
    second = redress("token", "create", cast.officer.username).strip()

    assert redress("token", "revoke", first[:8]) == f"Revoked token {first[:8]}.\n"
    assert redress("token", "revoke", second) == f"Revoked token {second[:8]}.\n"
    assert not ApiToken.objects.filter(revoked_at__isnull=True).exists()
    assert AuditEvent.objects.filter(action="api_token.revoked").count() == 2


def test_a_shared_prefix_needs_the_whole_token(cast: Cast) -> None:
    first = redress("token", "create", cast.officer.username).strip()
    second = redress("token", "create", cast.officer.username).strip()
    ApiToken.objects.update(prefix=first[:8])  # as if the random letters had coincided

    with pytest.raises(CommandError, match="more than one live token starts with"):
        redress("token", "revoke", first[:8])
    redress("token", "revoke", second)
    assert ApiToken.objects.get(revoked_at__isnull=True).key_hash == hash_token(first)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("create", "nobody"), "no user has the username 'nobody'"),
        (("revoke", "rd_nope1"), "no token starts with 'rd_nope1'"),
        (("list", "nobody"), "no user has the username 'nobody'"),
        (("delete", "x"), "invalid choice: 'delete'"),
        ((), "the following arguments are required: ACTION"),
    ],
)
def test_bad_input_is_refused_with_a_reason(cast: Cast, args, message) -> None:
    with pytest.raises(CommandError, match=message):
        redress("token", *args)
    assert not ApiToken.objects.exists()


def test_no_token_for_an_inactive_account_or_an_overlong_name(cast: Cast) -> None:
    with pytest.raises(CommandError, match="at most 100 characters"):
        redress("token", "create", cast.officer.username, "--name", "x" * 101)
    User.objects.filter(pk=cast.officer.pk).update(is_active=False)
    with pytest.raises(CommandError, match="is not active"):
        redress("token", "create", cast.officer.username)
    assert not ApiToken.objects.exists()
