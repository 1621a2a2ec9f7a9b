"""Bearer tokens: who gets in, what is stored, what is recorded."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from redress.api.auth import TOKEN_LENGTH, TokenError, create_token, hash_token, revoke_token
from redress.api.models import ApiToken
from redress.audit.models import AuditEvent
from redress.people.models import User
from tests.api.conftest import ApiClient
from tests.factories import Cast, make_staff

UNAUTHENTICATED = "send a valid API token as the header 'Authorization: Bearer <token>'"


def assert_unauthenticated(response) -> None:
    assert response.status_code == 401
    assert response.json() == {"error": UNAUTHENTICATED}
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer",
        "Basic dXNlcjpwYXNz",
        "Bearer rd_short",
        "Bearer " + "rd_" + "x" * 40,  # the right shape, but never issued
        "Token " + "rd_" + "x" * 40,
    ],
)
def test_a_request_without_a_live_token_is_refused(cast: Cast, case, header: str | None) -> None:
    headers = {"Authorization": header} if header is not None else {}
    client = ApiClient(None).client
    assert_unauthenticated(client.get(f"/api/v1/cases/{case.pk}", headers=headers))
    assert_unauthenticated(client.get("/api/v1/cases", headers=headers))
    assert_unauthenticated(
        client.post(
            "/api/v1/complaints", data="{}", content_type="application/json", headers=headers
        )
    )


def test_a_revoked_token_is_refused_at_once(cast: Cast, case) -> None:
    token = create_token(user=cast.officer)
    client = ApiClient(token)
    assert client.get(f"/cases/{case.pk}").status_code == 200

    revoke_token(prefix=token[:8])

    assert_unauthenticated(client.get(f"/cases/{case.pk}"))
    assert_unauthenticated(client.post(f"/cases/{case.pk}/transitions", {"to": "closed"}))


def test_the_token_of_a_deactivated_account_is_refused(cast: Cast, case) -> None:
    token = create_token(user=cast.officer)
    User.objects.filter(pk=cast.officer.pk).update(is_active=False)
    assert_unauthenticated(ApiClient(token).get(f"/cases/{case.pk}"))


def test_only_the_hash_of_a_token_is_stored(cast: Cast) -> None:
    token = create_token(user=cast.officer, name="membership sync")
    stored = ApiToken.objects.get(user=cast.officer)
    assert len(token) == TOKEN_LENGTH and token.startswith("rd_")
    assert stored.key_hash == hash_token(token) != token
    assert stored.prefix == token[:8]
    assert stored.name == "membership sync"
    for value in ApiToken.objects.filter(pk=stored.pk).values().get().values():
        assert value != token
    assert not AuditEvent.objects.filter(data__icontains=token[8:]).exists()


def test_issuing_and_revoking_are_audited_without_the_token(cast: Cast) -> None:
    token = create_token(user=cast.officer, actor=cast.coordinator)
    revoke_token(prefix=token[:8], actor=cast.coordinator)
    events = list(
        AuditEvent.objects.filter(action__startswith="api_token.")
        .order_by("id")
        .values("action", "actor_id", "data")
    )
    expected_data = {"user_id": cast.officer.pk, "prefix": token[:8]}
    assert events == [
        {"action": "api_token.created", "actor_id": cast.coordinator.pk, "data": expected_data},
        {"action": "api_token.revoked", "actor_id": cast.coordinator.pk, "data": expected_data},
    ]


def test_use_is_recorded_once_a_minute_per_token(cast: Cast, case) -> None:
    token = create_token(user=cast.officer)
    client = ApiClient(token)
    used = AuditEvent.objects.filter(action="api_token.used", actor_id=cast.officer.pk)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.get(f"/cases/{case.pk}")
        client.get(f"/cases/{case.pk}/transitions")
    assert used.count() == 1
    assert ApiToken.objects.get(user=cast.officer).last_used_at == start
    with time_machine.travel(start + timedelta(minutes=1, seconds=1), tick=False):
        client.get(f"/cases/{case.pk}")
    assert used.count() == 2
    assert used.last().data == {"prefix": token[:8], "method": "GET"}


def test_a_token_is_issued_only_to_active_staff_of_an_organisation(cast: Cast) -> None:
    stray = User.objects.create_user(username="no-organisation", password="a-long-password-1")
    with pytest.raises(TokenError, match="belongs to no organisation"):
        create_token(user=stray)
    leaver = make_staff(cast.organisation, "leaver", "officer")
    User.objects.filter(pk=leaver.pk).update(is_active=False)
    leaver.refresh_from_db()
    with pytest.raises(TokenError, match="is not active"):
        create_token(user=leaver)
    assert not ApiToken.objects.exists()


def test_revoking_twice_or_an_unknown_prefix_is_refused(cast: Cast) -> None:
    token = create_token(user=cast.officer)
    revoke_token(prefix=token[:8])
    with pytest.raises(TokenError, match="already revoked"):
        revoke_token(prefix=token[:8])
    with pytest.raises(TokenError, match="no token starts with"):
        revoke_token(prefix="rd_nope")
