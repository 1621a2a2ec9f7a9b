from pathlib import Path
from typing import Any

import pytest

from tests.factories import Cast, make_cast


@pytest.fixture
def cast(db) -> Cast:
    return make_cast()


@pytest.fixture(autouse=True)
def evidence_root(settings: Any, tmp_path: Path) -> Path:
    """Each test keeps its evidence files in its own temporary folder."""
    settings.REDRESS_EVIDENCE_ROOT = tmp_path / "evidence"
    return settings.REDRESS_EVIDENCE_ROOT
