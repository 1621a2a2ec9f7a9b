"""Changes to organisations, their units, their register of people and their staff accounts.

Every function here runs in one transaction and writes its audit event inside it. Audit data
holds ids and counts, never names, e-mail addresses or other personal data.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email, validate_slug
from django.db import transaction

from redress.audit.services import record_event, start_chain
from redress.lib.workdays import HOLIDAY_REGIONS
from redress.people.models import Organisation, Person, RoleGrant, StaffRole, Unit, User

# A unit's parent must be the kind just above it: nation > region > branch.
PARENT_KIND: dict[str, str | None] = {
    Unit.Kind.NATION: None,
    Unit.Kind.REGION: Unit.Kind.NATION,
    Unit.Kind.BRANCH: Unit.Kind.REGION,
}

# Digits with the usual separators, an optional leading +; 7 to 15 digits (E.164 allows 15).
PHONE_SHAPE = re.compile(r"\+?[0-9 ()./-]+")
PHONE_DIGITS = range(7, 16)

GENERATED_PASSWORD_BYTES = 18  # 24 URL-safe characters, 144 bits


class PeopleError(ValueError):
    """A change to people, units or staff accounts that cannot be made, and why."""


def create_organisation(
    *,
    name: str,
    slug: str,
    holiday_region: str = "england-and-wales",
    actor: User | None = None,
) -> Organisation:
    """Create a tenant and start its audit chain with an event recording its creation."""
    name = name.strip()
    if not name:
        raise PeopleError("an organisation needs a name")
    try:
        validate_slug(slug)
    except ValidationError:
        raise PeopleError(
            f"slug {slug!r} may contain only letters, digits, hyphens and underscores"
        ) from None
    if holiday_region not in HOLIDAY_REGIONS:
        known = ", ".join(sorted(HOLIDAY_REGIONS))
        raise PeopleError(f"unknown holiday region {holiday_region!r}; use one of {known}")
    with transaction.atomic():
        if Organisation.objects.filter(slug=slug).exists():
            raise PeopleError(f"an organisation with slug {slug!r} already exists")
        organisation = Organisation.objects.create(
            name=name, slug=slug, holiday_region=holiday_region
        )
        start_chain(organisation)
        record_event(
            organisation=organisation,
            actor=actor,
            action="organisation.created",
            target=organisation,
            data={"holiday_region": holiday_region},
        )
    return organisation


def create_unit(
    *,
    organisation: Organisation,
    name: str,
    kind: str,
    parent: Unit | None = None,
    actor: User | None = None,
) -> Unit:
    """Add a nation, region or branch to the organisation's tree.

    A parent, when given, must be of the kind just above (a region sits in a nation, a branch in
    a region); a nation has no parent. Regions and branches may stand at the top for
    organisations without nations.
    """
    name = name.strip()
    if not name:
        raise PeopleError("a unit needs a name")
    if kind not in PARENT_KIND:
        raise PeopleError(f"unknown unit kind {kind!r}; use one of {', '.join(PARENT_KIND)}")
    if parent is not None:
        if parent.organisation_id != organisation.pk:
            raise PeopleError(f"unit {parent.pk} belongs to another organisation")
        if parent.kind != PARENT_KIND[kind]:
            raise PeopleError(f"a {kind} cannot sit inside a {parent.kind}")
    with transaction.atomic():
        if Unit.objects.filter(organisation=organisation, name=name).exists():
            raise PeopleError(f"a unit named {name!r} already exists")
        unit = Unit.objects.create(organisation=organisation, name=name, kind=kind, parent=parent)
        record_event(
            organisation=organisation,
            actor=actor,
            action="unit.created",
            target=unit,
            data={"kind": kind, "parent_id": parent.pk if parent is not None else None},
        )
    return unit


def register_person(
    *,
    organisation: Organisation,
    name: str,
    kind: str = Person.Kind.MEMBER,
    membership_number: str = "",
    aliases: Iterable[str] = (),
    email: str = "",
    phone: str = "",
    unit: Unit | None = None,
    public_role: str = "",
    actor: User | None = None,
) -> Person:
    """Add a member, a member of staff or an outsider to the organisation's register."""
    name = name.strip()
    membership_number = membership_number.strip()
    email = email.strip()
    phone = phone.strip()
    if not name:
        raise PeopleError("a person needs a name")
    if kind not in Person.Kind.values:
        raise PeopleError(f"unknown kind of person {kind!r}")
    for problem in (email_problem(email), phone_problem(phone)):
        if problem:
            raise PeopleError(problem)
    if unit is not None and unit.organisation_id != organisation.pk:
        raise PeopleError(f"unit {unit.pk} belongs to another organisation")
    with transaction.atomic():
        taken = Person.objects.filter(
            organisation=organisation, membership_number=membership_number
        )
        if membership_number and taken.exists():
            raise PeopleError(f"membership number {membership_number!r} is already registered")
        person = Person.objects.create(
            organisation=organisation,
            kind=kind,
            name=name,
            aliases=clean_aliases(aliases),
            membership_number=membership_number,
            email=email,
            phone=phone,
            unit=unit,
            public_role=public_role.strip(),
        )
        record_event(
            organisation=organisation,
            actor=actor,
            action="person.registered",
            target=person,
            data={"kind": kind, "unit_id": unit.pk if unit is not None else None},
        )
    return person


def create_staff_user(
    *,
    organisation: Organisation,
    username: str,
    roles: Iterable[str],
    email: str = "",
    password: str | None = None,
    actor: User | None = None,
) -> tuple[User, str | None]:
    """Open a staff account holding `roles`.

    Returns the user and, when no password was given, the strong password generated for it
    (shown once to whoever runs this; only its hash is kept).
    """
    username = username.strip()
    email = email.strip()
    wanted = sorted(set(roles))
    try:
        User.username_validator(username)
    except ValidationError:
        raise PeopleError(
            f"username {username!r} may contain only letters, digits and @ . + - _"
        ) from None
    check_roles(wanted)
    if not wanted:
        raise PeopleError("a staff account needs at least one role")
    problem = email_problem(email)
    if problem:
        raise PeopleError(problem)
    generated = None
    if password is None:
        generated = password = secrets.token_urlsafe(GENERATED_PASSWORD_BYTES)
    with transaction.atomic():
        if User.objects.filter(username__iexact=username).exists():
            raise PeopleError(f"username {username!r} is already taken")
        user = User(username=username, email=email, organisation=organisation)
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise PeopleError("the password is too weak: " + " ".join(error.messages)) from None
        user.set_password(password)
        user.save()
        RoleGrant.objects.bulk_create(
            RoleGrant(organisation=organisation, user=user, role=role) for role in wanted
        )
        record_event(
            organisation=organisation,
            actor=actor,
            action="user.created",
            target=user,
            data={"roles": wanted, "password_generated": generated is not None},
        )
    return user, generated


def grant_role(*, user: User, role: str, actor: User | None = None) -> bool:
    """Give `user` a staff role. Returns False, and records nothing, if they already held it."""
    check_roles([role])
    organisation = _organisation_of(user)
    with transaction.atomic():
        _, created = RoleGrant.objects.get_or_create(
            user=user, role=role, defaults={"organisation": organisation}
        )
        if created:
            record_event(
                organisation=organisation,
                actor=actor,
                action="role.granted",
                target=user,
                data={"role": role},
            )
    _forget_roles(user)
    return created


def revoke_role(*, user: User, role: str, actor: User | None = None) -> bool:
    """Take a staff role away. Returns False, and records nothing, if they did not hold it."""
    check_roles([role])
    organisation = _organisation_of(user)
    with transaction.atomic():
        deleted, _ = RoleGrant.objects.filter(user=user, role=role).delete()
        if deleted:
            record_event(
                organisation=organisation,
                actor=actor,
                action="role.revoked",
                target=user,
                data={"role": role},
            )
    _forget_roles(user)
    return bool(deleted)


def link_person(*, user: User, person: Person, actor: User | None = None) -> None:
    """Record that a staff account is this person on the register, so that the conflict rules
    can see their unit and anything naming them."""
    organisation = _organisation_of(user)
    if person.organisation_id != organisation.pk:
        raise PeopleError(f"person {person.pk} belongs to another organisation")
    with transaction.atomic():
        if User.objects.filter(person=person).exclude(pk=user.pk).exists():
            raise PeopleError(f"person {person.pk} is already another account's person")
        User.objects.filter(pk=user.pk).update(person=person)
        user.person = person
        record_event(
            organisation=organisation,
            actor=actor,
            action="user.person_linked",
            target=user,
            data={"person_id": person.pk},
        )


def check_roles(roles: Iterable[str]) -> None:
    unknown = sorted(set(roles) - set(StaffRole.values))
    if unknown:
        named = ", ".join(map(repr, unknown))
        raise PeopleError(f"unknown role {named}; use one of {', '.join(StaffRole.values)}")


def email_problem(email: str) -> str | None:
    """Why `email` is not a usable address, or None if it is (or is empty)."""
    if not email:
        return None
    try:
        validate_email(email)
    except ValidationError:
        return f"email {email!r} is not a valid address"
    return None


def phone_problem(phone: str) -> str | None:
    """Why `phone` does not look like a telephone number, or None if it does (or is empty)."""
    if not phone:
        return None
    digits = sum(character.isdigit() for character in phone)
    if not PHONE_SHAPE.fullmatch(phone) or digits not in PHONE_DIGITS:
        return f"phone {phone!r} does not look like a telephone number"
    return None


def clean_aliases(aliases: Iterable[str]) -> list[str]:
    """Aliases stripped, without blanks or repeats, in the order given."""
    seen: dict[str, None] = {}
    for alias in aliases:
        alias = alias.strip()
        if alias:
            seen.setdefault(alias)
    return list(seen)


def _organisation_of(user: User) -> Organisation:
    if user.organisation is None:
        raise PeopleError(f"user {user.pk} belongs to no organisation, so holds no staff roles")
    return user.organisation


def _forget_roles(user: User) -> None:
    # `User.roles` caches on the instance; drop it so the next read sees the change.
    user.__dict__.pop("_roles", None)
