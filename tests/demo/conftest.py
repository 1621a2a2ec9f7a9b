"""Demo tests hash the demo password with a fast hasher."""

from __future__ import annotations

from typing import Any

import pytest

from .helpers import FAST_HASHERS


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = FAST_HASHERS
