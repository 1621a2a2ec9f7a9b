"""The demo organisation's pool of deciders: everyone who decides is trained (and some also to
chair), every panel member is on the register as a member of staff with a monitoring profile,
and panel members have offered the coming working days to sit, so the panel proposer finds a
valid panel on the demo."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.utils import timezone

from redress.demo import corpus
from redress.demo.register import DEMO_PASSWORD, Register, _colleague_username, _staff_account
from redress.lib.workdays import WorkingCalendar
from redress.panels.services import offer_availability, record_training
from redress.people.equality import Declaration, declare_equality
from redress.people.models import Person, StaffRole, User
from redress.people.services import link_person, register_person
from redress.rulebook.selectors import current_version, parsed

EXTRA_PANELLISTS = 12  # beside the register's panel members: a pool big enough to choose from
OFFERED_WORKING_DAYS = 60  # every member offers the next 60 working days from the real today
# A balanced pool, by construction (not drawn at random), so every rule can be met.
POOL_PROFILES = (
    ("woman", "black"),
    ("man", "white"),
    ("woman", "white"),
    ("man", "asian"),
    ("woman", "asian"),
    ("non_binary", "white"),
    ("man", "mixed"),
    ("woman", "white"),
    ("man", "black"),
    ("woman", "other"),
    ("man", "white"),
    ("woman", "mixed"),
)
CHAIRS_EVERY = 3  # one member in three is trained to chair
DECIDING_ROLES = (StaffRole.DECISION_MAKER, StaffRole.PANELLIST, StaffRole.REVIEWER)


def build_pool(
    rng: random.Random, register: Register, calendar: WorkingCalendar, *, today: date
) -> None:
    """Run at the founding (under time-machine); `today` is the real today, from which the
    members' offered days run."""
    organisation = register.organisation
    admin = register.staff.first(StaffRole.ADMIN)
    taken = {u.username for pool in register.staff.by_role.values() for u in pool}
    for _ in range(EXTRA_PANELLISTS):
        username = _colleague_username(rng, taken)
        _staff_account(
            organisation, register.staff, StaffRole.PANELLIST, username, DEMO_PASSWORD, admin
        )
    rulebook = parsed(current_version(organisation))
    trained_on = timezone.localdate() - timedelta(days=14)
    subjects = [s for s in rulebook.training.subjects if s != rulebook.panels.chair_subject]
    deciders: list[User] = []
    for role in DECIDING_ROLES:
        deciders += [u for u in register.staff.pool(role) if u not in deciders]
    for user in deciders:
        for subject in subjects:
            record_training(user, subject=subject, completed_on=trained_on, actor=admin)
    days = _working_days(calendar, today, OFFERED_WORKING_DAYS)
    for number, user in enumerate(register.staff.pool(StaffRole.PANELLIST)):
        _on_register(rng, user, number, admin)
        if number % CHAIRS_EVERY == 0 and rulebook.panels.chair_subject:
            record_training(
                user, subject=rulebook.panels.chair_subject, completed_on=trained_on, actor=admin
            )
        offer_availability(user, days=days, actor=admin)


def _on_register(rng: random.Random, user: User, number: int, admin: User) -> None:
    assert user.organisation is not None
    person = register_person(
        organisation=user.organisation,
        name=corpus.person_name(rng),
        kind=Person.Kind.STAFF,
        email=user.email,
        actor=admin,
    )
    link_person(user=user, person=person, actor=admin)
    gender, ethnic_group = POOL_PROFILES[number % len(POOL_PROFILES)]
    declare_equality(
        person, declaration=Declaration(gender=gender, ethnic_group=ethnic_group), actor=admin
    )


def _working_days(calendar: WorkingCalendar, start: date, count: int) -> list[date]:
    days: list[date] = []
    day = start
    while len(days) < count:
        if calendar.is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days
