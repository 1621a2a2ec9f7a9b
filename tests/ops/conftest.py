"""Fixtures for the operations tests: databases of their own beside the test database, and the
`redress` console script run as a separate process, as an operator runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings as django_settings
from django.db import connection, connections

REDRESS = str(Path(sys.executable).with_name("redress"))


@pytest.fixture
def committed_db(transactional_db: None) -> Iterator[None]:
    """A database whose writes commit, for other processes (pg_dump, a server) to read.

    pytest-django empties it afterwards with TRUNCATE, which the audit log's append-only trigger
    refuses; triggers do not fire for a session in replica mode, so the session enters it just
    before that flush (this fixture's teardown runs first, as it asks for the database first),
    and the connection is closed after it, so the next test starts in the normal mode.
    """
    yield
    connections.close_all()
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")


def server_url(database: str = "") -> str:
    """A libpq URL for `database` on the test database's server."""
    db = django_settings.DATABASES["default"]
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgresql://{user}{password}@{host}:{port}/{database}"


def test_database_name() -> str:
    return str(django_settings.DATABASES["default"]["NAME"])


def admin(*statements: str) -> None:
    with psycopg.connect(server_url("postgres"), autocommit=True) as connection:
        for statement in statements:
            connection.execute(statement)  # type: ignore[arg-type]


@pytest.fixture
def spare_database() -> Iterator[str]:
    """An empty PostgreSQL database beside the test database, dropped afterwards; its URL."""
    name = f"{test_database_name()}_spare"
    admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    try:
        yield server_url(name)
    finally:
        admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def redress(
    *arguments: str, env: dict[str, str], timeout: float = 60, check: bool = False
) -> subprocess.CompletedProcess[str]:
    """Run `redress ARGUMENTS` in its own process with `env` over this one's environment."""
    done = subprocess.run(  # noqa: S603 # the project's own console script
        [REDRESS, *arguments],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if check and done.returncode:
        raise AssertionError(f"redress {' '.join(arguments)} failed:\n{done.stderr}")
    return done


def the_test_database_url() -> str:
    return server_url(test_database_name())


def query(url: str, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as connection:
        return connection.execute(sql, params).fetchall()  # type: ignore[arg-type]
