"""The demo organisation's register: its tree of units, its members, staff and outsiders, and
the staff accounts that run the process, all made through the people services."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from redress.demo import corpus
from redress.people.models import Organisation, Person, StaffRole, Unit, User
from redress.people.services import (
    create_organisation,
    create_staff_user,
    create_unit,
    register_person,
)
from redress.rulebook.services import adopt_default_rulebook

# The one password every demo account has. It is printed by `redress demo`; never seed a
# database that real people use.
DEMO_PASSWORD = "redress-demo-only"  # noqa: S105 - a published demo credential, not a secret

# One sign-in per role, named after it, so the demo can be explored role by role.
LOGIN_ROLES = (
    StaffRole.COORDINATOR,
    StaffRole.OFFICER,
    StaffRole.INVESTIGATOR,
    StaffRole.DECISION_MAKER,
    StaffRole.PANELLIST,
    StaffRole.REVIEWER,
    StaffRole.OVERSIGHT,
    StaffRole.ADMIN,
)
# Colleagues who share the work, so that case teams vary: a panel of three and an appeal panel
# of three others need six panel members.
EXTRA_STAFF = (
    (StaffRole.OFFICER, 1),
    (StaffRole.INVESTIGATOR, 1),
    (StaffRole.PANELLIST, 5),
)
BRANCHES_PER_REGION = (2, 4)
PUBLIC_ROLE_SHARE = 0.04
NO_EMAIL_SHARE = 0.12


@dataclass
class Staff:
    """The staff accounts, by the role each holds; the first of each pool is the demo login."""

    by_role: dict[str, list[User]] = field(default_factory=dict)

    def first(self, role: str) -> User:
        return self.by_role[role][0]

    def pool(self, role: str) -> list[User]:
        return self.by_role[role]

    @property
    def logins(self) -> list[tuple[str, User]]:
        return [(StaffRole(role).label, self.first(role)) for role in LOGIN_ROLES]


@dataclass
class Register:
    organisation: Organisation
    branches: list[Unit]
    members: list[Person]
    staff_people: list[Person]
    outsiders: list[Person]
    staff: Staff


def build_register(
    rng: random.Random, *, name: str, slug: str, members: int, password: str
) -> Register:
    organisation = create_organisation(name=name, slug=slug)
    staff = Staff()
    admin = _staff_account(organisation, staff, StaffRole.ADMIN, "admin", password, None)
    adopt_default_rulebook(organisation, actor=admin)
    for role in LOGIN_ROLES:
        if role != StaffRole.ADMIN:
            _staff_account(organisation, staff, role, str(role), password, admin)
    taken = {u.username for pool in staff.by_role.values() for u in pool}
    for role, count in EXTRA_STAFF:
        for _ in range(count):
            username = _colleague_username(rng, taken)
            _staff_account(organisation, staff, role, username, password, admin)
    branches = _units(rng, organisation, admin)
    numbers = iter(range(1, 1_000_000))
    return Register(
        organisation=organisation,
        branches=branches,
        members=[
            _member(rng, organisation, branches, next(numbers), admin) for _ in range(members)
        ],
        staff_people=[
            _person(rng, organisation, Person.Kind.STAFF, next(numbers), admin)
            for _ in range(max(4, members // 40))
        ],
        outsiders=[
            _person(rng, organisation, Person.Kind.EXTERNAL, next(numbers), admin)
            for _ in range(max(3, members // 50))
        ],
        staff=staff,
    )


def _staff_account(
    organisation: Organisation,
    staff: Staff,
    role: str,
    username: str,
    password: str,
    actor: User | None,
) -> User:
    user, _ = create_staff_user(
        organisation=organisation,
        username=username,
        roles=[role],
        email=f"{username}@staff.example.org",
        password=password,
        actor=actor,
    )
    staff.by_role.setdefault(role, []).append(user)
    return user


def _colleague_username(rng: random.Random, taken: set[str]) -> str:
    given, family = corpus.person_name(rng).split(" ", 1)
    base = f"{given[0]}.{family}".lower().replace("'", "")
    username, n = base, 1
    while username in taken:
        n += 1
        username = f"{base}{n}"
    taken.add(username)
    return username


def _units(rng: random.Random, organisation: Organisation, admin: User) -> list[Unit]:
    branches: list[Unit] = []
    taken: set[str] = set()
    for nation_name, regions in corpus.NATIONS.items():
        nation = create_unit(
            organisation=organisation, name=nation_name, kind=Unit.Kind.NATION, actor=admin
        )
        for region_name in regions:
            region = create_unit(
                organisation=organisation,
                name=region_name,
                kind=Unit.Kind.REGION,
                parent=nation,
                actor=admin,
            )
            for _ in range(rng.randint(*BRANCHES_PER_REGION)):
                branches.append(
                    create_unit(
                        organisation=organisation,
                        name=corpus.town_name(rng, taken),
                        kind=Unit.Kind.BRANCH,
                        parent=region,
                        actor=admin,
                    )
                )
    return branches


def _member(
    rng: random.Random, organisation: Organisation, branches: list[Unit], number: int, admin: User
) -> Person:
    name = corpus.person_name(rng)
    branch = rng.choice(branches)
    public_role = ""
    if rng.random() < PUBLIC_ROLE_SHARE:
        public_role = rng.choice(corpus.PUBLIC_ROLES).format(place=branch.name)
    return register_person(
        organisation=organisation,
        name=name,
        membership_number=f"DEMO-{number:06d}",
        email="" if rng.random() < NO_EMAIL_SHARE else corpus.email_for(name, number),
        phone=f"07700 900{number % 1000:03d}",  # Ofcom's range reserved for drama
        unit=branch,
        public_role=public_role,
        actor=admin,
    )


def _person(
    rng: random.Random, organisation: Organisation, kind: str, number: int, admin: User
) -> Person:
    name = corpus.person_name(rng)
    return register_person(
        organisation=organisation,
        name=name,
        kind=kind,
        email=corpus.email_for(name, number),
        public_role=rng.choice(corpus.STAFF_JOBS) if kind == Person.Kind.STAFF else "",
        actor=admin,
    )


def existing_logins() -> list[tuple[str, str]]:
    """The demo sign-ins already in the database, by role, for printing on a later start."""
    usernames = set(
        User.objects.filter(username__in=[str(role) for role in LOGIN_ROLES]).values_list(
            "username", flat=True
        )
    )
    return [(StaffRole(role).label, str(role)) for role in LOGIN_ROLES if str(role) in usernames]
