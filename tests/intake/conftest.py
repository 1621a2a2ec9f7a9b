"""Fixtures for the public intake tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from redress.people.models import Organisation
from tests.factories import make_organisation


@pytest.fixture(autouse=True)
def intake_settings(settings: Any, tmp_path: Path) -> None:
    """Files go to a temporary folder; receipts are hashed with a cheap Argon2 cost (the
    production cost is measured in bench/, not paid in every test)."""
    settings.VAR_DIR = tmp_path
    settings.REDRESS_RECEIPT_ARGON2 = (1, 8, 1)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def organisation(db: None) -> Organisation:
    return make_organisation()


@pytest.fixture
def public(organisation: Organisation, settings: Any) -> Organisation:
    """The organisation the public pages take reports for."""
    settings.REDRESS_ORGANISATION = organisation.slug
    return organisation
