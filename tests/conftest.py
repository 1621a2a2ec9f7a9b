from pathlib import Path
from typing import Any

import pytest
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache

from tests.factories import Cast, make_cast


@pytest.fixture
def cast(db) -> Cast:
    return make_cast()


@pytest.fixture(autouse=True)
def evidence_root(settings: Any, tmp_path: Path) -> Path:
    """Each test keeps its evidence files in its own temporary folder."""
    settings.REDRESS_EVIDENCE_ROOT = tmp_path / "evidence"
    return settings.REDRESS_EVIDENCE_ROOT


@pytest.fixture(autouse=True)
def no_flood_counts_from_other_tests() -> None:
    """The flood limits count in this process's memory (the `ratelimit` cache); each test starts
    from none, as it starts from an empty database."""
    cache = caches["ratelimit"]
    if isinstance(cache, LocMemCache):
        cache.clear()
