"""Voluntary equality monitoring: recording what a person chose to declare, and the few reads
that other parts of Redress are allowed to make of it.

This is the only module that touches `EqualityProfile`. Its readers are the panel proposer
(a panel's gender balance and minority member) and the fairness statistics, which count groups
and never show a person's answers. Audit events record that a profile changed, never what it
says; errors name the field, never the person or the value they hold.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from redress.audit.services import record_event
from redress.people.models import EqualityProfile, Organisation, Person, User


class EqualityError(ValueError):
    """An equality declaration that cannot be recorded, and why."""


@dataclass(frozen=True)
class Declaration:
    """A person's answers; an empty string is a question left unanswered."""

    gender: str = ""
    ethnic_group: str = ""
    disability: str = ""

    def problems(self) -> list[str]:
        found = []
        for field, value, allowed in (
            ("gender", self.gender, EqualityProfile.Gender.values),
            ("ethnic group", self.ethnic_group, EqualityProfile.EthnicGroup.values),
            ("disability", self.disability, EqualityProfile.Disability.values),
        ):
            if value and value not in allowed:
                found.append(f"the {field} answer is not one of the choices offered")
        return found


def declare_equality(
    person: Person, *, declaration: Declaration, actor: User | None = None
) -> EqualityProfile:
    """Record (or replace) what `person` chose to declare. Answering nothing at all withdraws
    the profile, so an empty profile never counts as a declaration."""
    problems = declaration.problems()
    if problems:
        raise EqualityError("; ".join(problems))
    with transaction.atomic():
        if not (declaration.gender or declaration.ethnic_group or declaration.disability):
            withdraw_equality(person, actor=actor)
            return EqualityProfile(organisation_id=person.organisation_id, person=person)
        profile, created = EqualityProfile.objects.update_or_create(
            person=person,
            defaults={
                "organisation_id": person.organisation_id,
                "gender": declaration.gender,
                "ethnic_group": declaration.ethnic_group,
                "disability": declaration.disability,
                "declared_at": timezone.now(),
            },
        )
        record_event(
            organisation=person.organisation_id,
            actor=actor,
            action="equality.declared" if created else "equality.updated",
            target=person,
        )
    return profile


def withdraw_equality(person: Person, *, actor: User | None = None) -> bool:
    """Delete what `person` declared. Returns False, and records nothing, if there was nothing."""
    with transaction.atomic():
        deleted, _ = EqualityProfile.objects.filter(person=person).delete()
        if deleted:
            record_event(
                organisation=person.organisation_id,
                actor=actor,
                action="equality.withdrawn",
                target=person,
            )
    return bool(deleted)


# --- Reads, for the services that need them ---------------------------------------------------


def profiles_of(organisation: Organisation) -> QuerySet[EqualityProfile]:
    """The organisation's declared profiles, for aggregate statistics (counts by group)."""
    return EqualityProfile.objects.filter(organisation=organisation)


@dataclass(frozen=True)
class CompositionFacts:
    """What panel composition may know of its candidates: gender and whether they declared an
    ethnic minority. People who declared nothing are simply absent from both."""

    gender: dict[int, str]
    ethnic_minority: frozenset[int]


def composition_facts(organisation: Organisation, person_ids: Iterable[int]) -> CompositionFacts:
    """Gender and minority membership of the given people, by person id, in one query."""
    rows = EqualityProfile.objects.filter(
        organisation=organisation, person_id__in=list(person_ids)
    ).values_list("person_id", "gender", "ethnic_group")
    gender: dict[int, str] = {}
    minority: set[int] = set()
    for person_id, declared_gender, ethnic_group in rows:
        if declared_gender:
            gender[person_id] = declared_gender
        if ethnic_group in EqualityProfile.MINORITY_GROUPS:
            minority.add(person_id)
    return CompositionFacts(gender=gender, ethnic_minority=frozenset(minority))
