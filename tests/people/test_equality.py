from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from redress.audit.models import AuditEvent
from redress.people.equality import (
    Declaration,
    EqualityError,
    composition_facts,
    declare_equality,
    profiles_of,
    withdraw_equality,
)
from redress.people.models import EqualityProfile, Organisation, Person
from redress.people.services import register_person


@pytest.fixture
def person(organisation: Organisation) -> Person:
    return register_person(organisation=organisation, name="Amira Haddad")


def test_a_declaration_is_recorded_and_audited_without_its_answers(person: Person) -> None:
    profile = declare_equality(
        person, declaration=Declaration(gender="woman", ethnic_group="asian", disability="no")
    )

    assert (profile.gender, profile.ethnic_group, profile.disability) == ("woman", "asian", "no")
    assert profile.declared_at is not None
    [event] = AuditEvent.objects.filter(action="equality.declared")
    assert event.data == {}
    assert "asian" not in str(profile) and "woman" not in str(profile)


def test_a_second_declaration_replaces_the_first(person: Person) -> None:
    declare_equality(person, declaration=Declaration(ethnic_group="white"))
    declare_equality(person, declaration=Declaration(ethnic_group="black"))

    assert EqualityProfile.objects.get(person=person).ethnic_group == "black"
    assert AuditEvent.objects.filter(action="equality.updated").count() == 1


@pytest.mark.parametrize(
    ("ethnic_group", "minority"),
    [
        ("asian", True),
        ("black", True),
        ("mixed", True),
        ("other", True),
        ("white", False),
        ("prefer_not_to_say", False),
        ("", False),
    ],
)
def test_only_a_declared_group_other_than_white_counts_as_a_minority(
    person: Person, ethnic_group: str, minority: bool
) -> None:
    profile = declare_equality(
        person, declaration=Declaration(gender="man", ethnic_group=ethnic_group)
    )

    assert profile.declares_ethnic_minority is minority
    facts = composition_facts(person.organisation, [person.pk])
    assert (person.pk in facts.ethnic_minority) is minority
    assert facts.gender == {person.pk: "man"}


def test_an_answer_outside_the_choices_is_refused_without_echoing_it(person: Person) -> None:
    with pytest.raises(EqualityError) as refused:
        declare_equality(person, declaration=Declaration(ethnic_group="martian"))

    assert "martian" not in str(refused.value)
    assert "ethnic group" in str(refused.value)
    assert not EqualityProfile.objects.exists()


def test_the_database_refuses_an_answer_outside_the_choices(person: Person) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        EqualityProfile.objects.create(
            organisation=person.organisation, person=person, gender="x", declared_at=timezone.now()
        )


def test_answering_nothing_withdraws_the_profile(person: Person) -> None:
    declare_equality(person, declaration=Declaration(disability="yes"))
    declare_equality(person, declaration=Declaration())

    assert not EqualityProfile.objects.filter(person=person).exists()
    assert AuditEvent.objects.filter(action="equality.withdrawn").count() == 1
    assert withdraw_equality(person) is False


def test_profiles_are_read_per_organisation(
    person: Person, other_organisation: Organisation
) -> None:
    stranger = register_person(organisation=other_organisation, name="Someone Else")
    declare_equality(person, declaration=Declaration(gender="woman"))
    declare_equality(stranger, declaration=Declaration(gender="man"))

    assert list(profiles_of(person.organisation)) == [person.equality_profile]
    assert composition_facts(person.organisation, [stranger.pk]).gender == {}
