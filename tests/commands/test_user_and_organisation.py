"""`redress organisation create` and `redress user create|roles`."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.core.management.base import CommandError

from redress.audit.models import AuditEvent, AuditHead
from redress.people.models import Organisation, User
from tests.commands.conftest import redress

STAFF_ROLES = ["officer", "investigator", "panellist", "oversight", "admin"]


@pytest.fixture
def union(db) -> Organisation:
    redress("organisation", "create", "nwu", "--name", "Northern Workers' Union")
    return Organisation.objects.get(slug="nwu")


# --- Organisations -----------------------------------------------------------------------------


def test_an_organisation_starts_with_its_audit_chain(union: Organisation) -> None:
    assert union.name == "Northern Workers' Union"
    assert union.holiday_region == "england-and-wales"
    assert AuditHead.objects.filter(organisation=union).exists()
    assert AuditEvent.objects.filter(organisation=union, action="organisation.created").exists()


def test_an_organisation_keeps_scotlands_holidays_when_asked(db) -> None:
    out = redress("organisation", "create", "ssu", "--name", "SSU", "--holiday-region", "scotland")
    assert out == "Created organisation ssu.\n"
    assert Organisation.objects.get(slug="ssu").holiday_region == "scotland"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("create", "nwu", "--name", "Again"), "an organisation with slug 'nwu' already exists"),
        (("create", "two words", "--name", "X"), "may contain only letters, digits"),
        (("create", "blank", "--name", "  "), "an organisation needs a name"),
        (("create", "mars", "--name", "X", "--holiday-region", "mars"), "invalid choice"),
        (("create", "noname"), "the following arguments are required: --name"),
    ],
)
def test_a_bad_organisation_is_refused(union: Organisation, args, message) -> None:
    with pytest.raises(CommandError, match=message):
        redress("organisation", *args)
    assert list(Organisation.objects.values_list("slug", flat=True)) == ["nwu"]


# --- Staff accounts ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_an_account_is_opened_with_its_role(union: Organisation, role: str) -> None:
    out = redress("user", "create", "jo", "--role", role)

    user = User.objects.get(username="jo")
    assert user.organisation == union
    assert user.roles == {role}
    created, password_line = out.splitlines()
    assert created == f"Created jo in nwu as {role}."
    password = password_line.removeprefix("Password (shown only now): ")
    assert authenticate(username="jo", password=password) == user
    event = AuditEvent.objects.get(action="user.created")
    assert event.data == {"roles": [role], "password_generated": True}
    assert password not in str(event.data)


def test_an_account_may_hold_several_roles(union: Organisation) -> None:
    redress("user", "create", "jo", "--role", "officer", "--role", "investigator")
    assert User.objects.get(username="jo").roles == {"officer", "investigator"}


def test_roles_are_granted_and_taken_away(union: Organisation) -> None:
    redress("user", "create", "jo", "--role", "officer")

    out = redress("user", "roles", "jo", "--add", "panellist", "--remove", "officer")
    assert out == "jo holds panellist.\n"
    assert redress("user", "roles", "jo", "--add", "panellist").splitlines() == [
        "jo already held panellist.",
        "jo holds panellist.",
    ]
    actions = AuditEvent.objects.filter(action__startswith="role.").values_list("action", "data")
    assert list(actions.order_by("id")) == [
        ("role.granted", {"role": "panellist"}),
        ("role.revoked", {"role": "officer"}),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("create", "jo", "--role", "boss"), "argument --role: invalid choice: 'boss'"),
        (("create", "jo"), "the following arguments are required: --role"),
        (("create", "jo smith", "--role", "officer"), "may contain only letters, digits"),
        (("create", "jo", "--role", "officer", "--email", "jo@"), "is not a valid address"),
        (("create", "jo", "--role", "officer", "--organisation", "nope"), "no organisation has"),
        (("roles", "nobody", "--add", "officer"), "no user has the username 'nobody'"),
    ],
)
def test_a_bad_account_is_refused_and_nothing_is_made(union, args, message) -> None:
    with pytest.raises(CommandError, match=message):
        redress("user", *args)
    assert not User.objects.exists()


def test_a_username_is_taken_once_whatever_its_case(union: Organisation) -> None:
    redress("user", "create", "jo", "--role", "officer")
    with pytest.raises(CommandError, match="username 'JO' is already taken"):
        redress("user", "create", "JO", "--role", "admin")
    assert User.objects.count() == 1


def test_with_several_organisations_one_must_be_named(union: Organisation) -> None:
    redress("organisation", "create", "ssu", "--name", "Southern Students' Union")
    with pytest.raises(CommandError, match="name one with --organisation SLUG"):
        redress("user", "create", "jo", "--role", "officer")

    redress("user", "create", "jo", "--role", "officer", "--organisation", "ssu")
    assert User.objects.get(username="jo").organisation.slug == "ssu"


def test_roles_cannot_be_added_and_removed_at_once(union: Organisation) -> None:
    redress("user", "create", "jo", "--role", "officer")
    with pytest.raises(CommandError, match="cannot both add and remove officer"):
        redress("user", "roles", "jo", "--add", "officer", "--remove", "officer")
    assert User.objects.get(username="jo").roles == {"officer"}
