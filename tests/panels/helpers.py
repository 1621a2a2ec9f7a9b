"""Building a pool of panel members through the real services."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from redress.panels.services import offer_availability, record_training
from redress.people.equality import Declaration, declare_equality
from redress.people.models import Organisation, Person, Unit, User
from redress.people.services import link_person, register_person
from tests.factories import make_staff, train

ALL_BUT_CHAIRING = (
    "procedure",
    "antisemitism",
    "islamophobia",
    "anti_black_racism",
    "racism",
    "sexual_harassment",
    "lgbt_equality",
    "disability",
    "bullying",
)


def pool_member(
    organisation: Organisation,
    name: str,
    *,
    gender: str = "",
    ethnic_group: str = "",
    chair: bool = False,
    unit: Unit | None = None,
    available: list[date] | None = None,
    trained: bool = True,
) -> User:
    """A panel member on the register with a monitoring profile, trained in every subject (and
    to chair if `chair`), offering `available` days (the next 20 days if not given)."""
    user = make_staff(organisation, name.split()[0].lower(), "panellist", trained=False)
    person = register_person(
        organisation=organisation, name=name, kind=Person.Kind.STAFF, unit=unit
    )
    link_person(user=user, person=person)
    if gender or ethnic_group:
        declare_equality(person, declaration=Declaration(gender=gender, ethnic_group=ethnic_group))
    if trained:
        train(user, ALL_BUT_CHAIRING)
    if chair:
        record_training(user, subject="chairing", completed_on=timezone.localdate(), actor=None)
    today = timezone.localdate()
    offer_availability(user, days=available or [today + timedelta(days=d) for d in range(20)])
    return user


def balanced_pool(organisation: Organisation) -> list[User]:
    """Five members from whom every rule of the default rulebook can be met."""
    return [
        pool_member(organisation, "Grace Mensah", gender="woman", ethnic_group="black", chair=True),
        pool_member(organisation, "Tom Whitfield", gender="man", ethnic_group="white"),
        pool_member(organisation, "Priya Raman", gender="woman", ethnic_group="asian"),
        pool_member(organisation, "Dan Kowalski", gender="man", ethnic_group="white", chair=True),
        pool_member(organisation, "Sam Ellery", gender="non_binary", ethnic_group="white"),
    ]
