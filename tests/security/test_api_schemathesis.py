"""Schemathesis fuzzes the JSON API against its own schema, /api/v1/openapi.json: whatever it
sends, no answer is a 5xx, and every answer has a status code, content type and body that the
schema lists for that operation.

The caller is the officer on a real case's team, with a live token, and half of the generated
case ids are that case's, so that requests get past the 404 to the code behind it. The budget is
bounded (`EXAMPLES` per operation) so that the suite stays quick.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import checks

from redress.api.api import api
from redress.api.auth import create_token
from redress.cases.models import Case
from tests.factories import Cast, file_case, make_cast

EXAMPLES = 40
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]


# The schema is the one /api/v1/openapi.json serves, read from the API when the tests are
# collected (not over HTTP: the rate limits count every request in the database, which is closed
# to collection), and the requests go to the whole WSGI application, middleware and all.
schema = schemathesis.openapi.from_dict(json.loads(json.dumps(api.get_openapi_schema())))
schema.app = get_wsgi_application()


@pytest.fixture(autouse=True)
def connection_kept_between_requests() -> Iterator[None]:
    """As Django's test client does, keep the database connection between requests, so that the
    application sees the test's data (each test runs in a transaction that is rolled back)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def cast(db: Any) -> Cast:
    return make_cast()


@pytest.fixture
def case_on_team(cast: Cast) -> Case:
    return file_case(cast)


@pytest.fixture
def token(cast: Cast) -> str:
    return create_token(user=cast.officer)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    # One case per operation, shared by its examples; each example may add to it.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_keeps_to_its_schema_whatever_it_is_sent(
    case: Any, case_on_team: Case, token: str
) -> None:
    case_id = (case.path_parameters or {}).get("case_id")
    if isinstance(case_id, int) and case_id % 2 == 0:
        case.path_parameters["case_id"] = case_on_team.pk
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
