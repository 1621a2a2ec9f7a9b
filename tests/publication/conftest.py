"""Fixtures for the publication tests: the test register as a matcher."""

from __future__ import annotations

import pytest

from redress.publication.matcher import Matcher, build_matcher
from redress.publication.register import people_in_file
from tests.publication.documents import REGISTER_CSV


@pytest.fixture(scope="session")
def matcher() -> Matcher:
    return build_matcher(people_in_file(REGISTER_CSV.encode()))


@pytest.fixture(autouse=True)
def quick_password_hashing(settings: object) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]
