"""Fixtures for the audit tests, and a teardown that lets pytest-django empty the audit table."""

from __future__ import annotations

from collections.abc import Generator

import pytest
from django.db import connection
from pytest_django.plugin import blocking_manager_key

from redress.people.models import Organisation, User

from .helpers import make_officer, make_organisation


@pytest.fixture
def organisation(db: None) -> Organisation:
    return make_organisation()


@pytest.fixture
def officer(organisation: Organisation) -> User:
    return make_officer(organisation)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, None, None]:
    """Let a transactional test's flush (a TRUNCATE of every table) past the audit trigger.

    pytest-django empties the database after a `transaction=True` test with TRUNCATE, which the
    append-only trigger refuses. Triggers do not fire for a session in replica mode, so the
    flush runs in that mode, and the session returns to normal as soon as it is done.
    """
    marker = item.get_closest_marker("django_db")
    transactional = marker is not None and (
        marker.kwargs.get("transaction") or (marker.args and marker.args[0])
    )
    if transactional:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
    yield
    # After the session's last test the test database is gone and the connection with it.
    if transactional and connection.connection is not None:
        with item.config.stash[blocking_manager_key].unblock(), connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")
