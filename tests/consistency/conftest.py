import pytest

from redress.consistency.index import forget_indexes


@pytest.fixture(autouse=True)
def similar_cases_dir(settings, tmp_path):
    """Each test starts with no index in memory and an empty snapshot folder of its own."""
    settings.SIMILAR_CASES_DIR = tmp_path / "similar-cases"
    forget_indexes()
    yield settings.SIMILAR_CASES_DIR
    forget_indexes()
