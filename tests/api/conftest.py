"""Personas with API tokens, and a client that sends them."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from redress.api.auth import create_token
from redress.audit.models import AuditEvent
from redress.cases.models import Case
from redress.people.models import User
from tests.factories import Cast, file_case


@pytest.fixture(autouse=True)
def quick_passwords(settings: Any) -> None:
    # A cast has a dozen accounts; the production hasher would spend seconds on each test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class ApiClient:
    """The JSON API as one user's token sees it."""

    def __init__(self, token: str | None) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.client = Client(headers=headers)

    def get(self, path: str) -> Any:
        return self.client.get(f"/api/v1{path}")

    def post(self, path: str, body: Any = None, *, raw: str | None = None) -> Any:
        data = raw if raw is not None else json.dumps(body)
        return self.client.post(f"/api/v1{path}", data=data, content_type="application/json")


@pytest.fixture
def api_as() -> Callable[[User], ApiClient]:
    """A client whose requests carry a fresh token of `user`."""
    return lambda user: ApiClient(create_token(user=user))


@pytest.fixture
def case(cast: Cast) -> Case:
    """A case at triage with the cast's officer on its team."""
    return file_case(cast)


def audit_count(case: Case) -> int:
    return AuditEvent.objects.filter(case_id=case.pk).count()
