"""Fixtures for the staff page tests."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def quick_password_hashing(settings: Any) -> None:
    """Every persona has a password; hashing a dozen of them per test with the production
    hasher's work factor would make these tests slow for nothing they check."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
