"""The one rule for finding a named person on the register (the API and the public form)."""

from __future__ import annotations

import pytest

from redress.people.selectors import match_on_register
from redress.people.services import register_person
from tests.factories import make_organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def register():
    organisation = make_organisation()
    people = {
        "sean": register_person(
            organisation=organisation,
            name="Seán O'Brien",
            membership_number="M100200",
            aliases=["Sean Obrien", "@seanob"],
        ),
        "jo1": register_person(organisation=organisation, name="Jo Smith"),
        "jo2": register_person(organisation=organisation, name="Jo Smith"),
        "mary": register_person(organisation=organisation, name="Mary Jones"),
        "marie": register_person(organisation=organisation, name="Marie Jones"),
    }
    return organisation, people


@pytest.mark.parametrize(
    ("given", "who", "how"),
    [
        ({"membership_number": "M100200"}, "sean", "membership_number"),
        ({"membership_number": "m-100 200"}, "sean", "membership_number"),
        ({"name": "sean o'brien"}, "sean", "name"),
        ({"name": "SEAN OBRIEN"}, "sean", "name"),
        ({"handle": "@SeanOB"}, "sean", "handle"),
        ({"name": "Sean O'Brian", "fuzzy": True}, "sean", "fuzzy"),
    ],
)
def test_a_confident_match(register, given, who, how):
    organisation, people = register

    match = match_on_register(organisation, **given)

    assert match.person == people[who]
    assert match.how == how


@pytest.mark.parametrize(
    "given",
    [
        {"name": "Jo Smith"},  # two people share the name
        {"name": "Mari Jones", "fuzzy": True},  # as close to Mary as to Marie
        {"name": "Sean O'Brian"},  # close, but fuzzy matching was not asked for
        {"membership_number": "M999999"},
        {"name": "Nobody Like Them", "fuzzy": True},
    ],
)
def test_no_guess_between_people_or_from_nothing(register, given):
    organisation, _ = register

    assert match_on_register(organisation, **given).person is None


def test_ambiguity_is_reported_so_staff_can_be_asked_for_a_number(register):
    organisation, _ = register

    assert match_on_register(organisation, name="Jo Smith").ambiguous
