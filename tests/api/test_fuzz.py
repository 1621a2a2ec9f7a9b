"""POST /api/v1/complaints with bodies Hypothesis makes up: never a 500, never half a complaint.

The bodies mix the right shape with wrong values and plain junk, so that they get past the
schema often enough to reach the register look-ups and the filing service behind it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from redress.audit.models import AuditEvent
from redress.cases.models import Assignment, Case, Category, Complaint
from redress.people.models import Person
from tests.factories import Cast, make_cast

# Text that PostgreSQL or the JSON encoder cannot take (NUL, a lone surrogate), and other oddities.
AWKWARD_TEXT = st.sampled_from(
    ["", " \t\n", "\x00", "said \x00 it", "\ud800", "é" * 300, "Robert'); DROP TABLE--"]
)
TEXT = st.text(max_size=40) | AWKWARD_TEXT
JUNK = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)


# Each field of a body is mostly right, so that a good share of bodies reach the filing service.
FIELD_FATES = st.sampled_from(["right"] * 7 + ["wrong", "absent"])


@st.composite
def complaint_bodies(draw: Any, cast: Cast, stranger: Person) -> Any:
    if draw(st.integers(0, 9)) == 0:
        return draw(JUNK)
    numbers = [cast.complainant.membership_number, cast.respondent.membership_number]
    right = {
        "categories": st.lists(st.sampled_from(Category.values), min_size=1, max_size=3),
        "summary": st.sampled_from(["Abused at a meeting."]) | TEXT,
        "respondent": st.sampled_from(numbers).map(lambda n: {"membership_number": n})
        | st.sampled_from([cast.respondent.name.upper(), "Someone Off The Register"]).map(
            lambda name: {"name": name}
        ),
        "complainant": st.sampled_from(numbers).map(lambda n: {"membership_number": n})
        | st.just({"anonymous": True}),
    }
    wrong = {
        "categories": st.lists(st.sampled_from([*Category.values, "nope"]), max_size=4) | JUNK,
        "summary": JUNK,
        "respondent": st.fixed_dictionaries(
            {},
            optional={
                "membership_number": st.just(stranger.membership_number) | TEXT | JUNK,
                "name": TEXT | JUNK,
            },
        )
        | JUNK,
        "complainant": st.fixed_dictionaries(
            {},
            optional={
                "membership_number": st.just(stranger.membership_number) | TEXT | JUNK,
                "anonymous": st.booleans() | JUNK,
            },
        )
        | JUNK,
    }
    body = {}
    for field in right:
        fate = draw(FIELD_FATES)
        if fate != "absent":
            body[field] = draw(right[field] if fate == "right" else wrong[field])
    optional = {
        "channel": st.sampled_from(["api", "email", "pigeon"]) | JUNK,
        "respondent_as_named": TEXT,
        "extra": JUNK,
    }
    return body | draw(st.fixed_dictionaries({}, optional=optional))


@pytest.fixture
def stranger(db) -> Person:
    """A member of another organisation, whose membership number must find nobody here."""
    return make_cast().complainant


@pytest.fixture
def coordinator_api(cast: Cast, api_as: Any) -> Any:
    """One client for all the examples: a fixture is set up once per test, not per example."""
    return api_as(cast.coordinator)


def counts() -> tuple[int, int, int, int]:
    return (
        Case.objects.count(),
        Complaint.objects.count(),
        Person.objects.count(),
        AuditEvent.objects.exclude(action="api_token.used").count(),
    )


@settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_body_is_filed_whole_or_refused_with_a_reason(
    cast: Cast, stranger: Person, coordinator_api, data
) -> None:
    body = data.draw(complaint_bodies(cast, stranger), label="body")
    before = counts()

    response = coordinator_api.post("/complaints", raw=json.dumps(body))

    assert response.status_code in (201, 422), response.content
    event(str(response.status_code))
    answer = response.json()
    cases, complaints, people, events = counts()
    if response.status_code == 201:
        assert (cases, complaints) == (before[0] + 1, before[1] + 1)
        assert people - before[2] in (0, 1)  # a respondent new to the register, perhaps
        assert events > before[3]
        assert not Assignment.objects.filter(case_id=answer["case_id"]).exists()
    else:
        assert (cases, complaints, people, events) == before
        assert isinstance(answer["error"], str) and answer["error"]
        assert answer["detail"] and all(isinstance(line, str) for line in answer["detail"])
