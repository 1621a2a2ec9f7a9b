from __future__ import annotations

import pytest

from redress.people.models import Organisation
from redress.people.services import create_organisation


@pytest.fixture
def organisation(db: None) -> Organisation:
    return create_organisation(name="Northern Workers' Union", slug="nwu")


@pytest.fixture
def other_organisation(db: None) -> Organisation:
    return create_organisation(name="Southern Students' Union", slug="ssu")
