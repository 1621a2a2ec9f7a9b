from __future__ import annotations

import json

import pytest
from django.contrib.auth import authenticate

from redress.audit.models import AuditEvent, AuditHead
from redress.audit.services import seal_pending
from redress.people.models import Organisation, Person, RoleGrant, StaffRole, Unit, User
from redress.people.services import (
    PeopleError,
    create_organisation,
    create_staff_user,
    create_unit,
    grant_role,
    register_person,
    revoke_role,
)


def events(organisation: Organisation, action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(organisation=organisation, action=action))


# Organisations


@pytest.mark.django_db
def test_create_organisation_starts_its_audit_chain_with_its_creation() -> None:
    organisation = create_organisation(
        name=" Party of Hope ", slug="hope", holiday_region="scotland"
    )

    assert organisation.name == "Party of Hope"
    assert organisation.holiday_region == "scotland"
    seal_pending(organisation.pk)  # as the commit would (a test's transaction never commits)
    head = AuditHead.objects.get(organisation=organisation)
    [event] = events(organisation, "organisation.created")
    assert (head.seq, head.hash) == (1, event.hash)
    assert event.object_id == str(organisation.pk)


@pytest.mark.parametrize(
    ("name", "slug", "region", "message"),
    [
        ("", "ok", "england-and-wales", "needs a name"),
        ("Name", "not a slug", "england-and-wales", "slug 'not a slug'"),
        ("Name", "ok", "atlantis", "unknown holiday region 'atlantis'"),
    ],
)
@pytest.mark.django_db
def test_create_organisation_refuses_bad_details(
    name: str, slug: str, region: str, message: str
) -> None:
    with pytest.raises(PeopleError, match=message):
        create_organisation(name=name, slug=slug, holiday_region=region)
    assert not Organisation.objects.exists()


def test_create_organisation_refuses_a_slug_in_use(organisation: Organisation) -> None:
    with pytest.raises(PeopleError, match="slug 'nwu' already exists"):
        create_organisation(name="Another", slug="nwu")


# Units


def test_units_form_a_tree_of_nation_region_branch(organisation: Organisation) -> None:
    nation = create_unit(organisation=organisation, name="Scotland", kind=Unit.Kind.NATION)
    region = create_unit(
        organisation=organisation, name="Highlands", kind=Unit.Kind.REGION, parent=nation
    )
    branch = create_unit(
        organisation=organisation, name="Inverness", kind=Unit.Kind.BRANCH, parent=region
    )

    assert branch.parent == region and region.parent == nation
    assert [e.data["kind"] for e in events(organisation, "unit.created")] == [
        "nation",
        "region",
        "branch",
    ]


@pytest.mark.parametrize(
    ("kind", "parent_kind", "message"),
    [
        (Unit.Kind.NATION, Unit.Kind.NATION, "a nation cannot sit inside a nation"),
        (Unit.Kind.REGION, Unit.Kind.BRANCH, "a region cannot sit inside a branch"),
        (Unit.Kind.BRANCH, Unit.Kind.NATION, "a branch cannot sit inside a nation"),
        (Unit.Kind.REGION, Unit.Kind.REGION, "a region cannot sit inside a region"),
    ],
)
def test_create_unit_refuses_a_parent_out_of_order(
    organisation: Organisation, kind: str, parent_kind: str, message: str
) -> None:
    parent = create_unit(organisation=organisation, name="Parent", kind=parent_kind)

    with pytest.raises(PeopleError, match=message):
        create_unit(organisation=organisation, name="Child", kind=kind, parent=parent)
    assert not Unit.objects.filter(name="Child").exists()


def test_create_unit_refuses_a_parent_of_another_organisation(
    organisation: Organisation, other_organisation: Organisation
) -> None:
    nation = create_unit(organisation=other_organisation, name="Wales", kind=Unit.Kind.NATION)

    with pytest.raises(PeopleError, match="another organisation"):
        create_unit(organisation=organisation, name="Cardiff", kind="region", parent=nation)


def test_create_unit_refuses_an_unknown_kind_and_a_name_in_use(
    organisation: Organisation,
) -> None:
    create_unit(organisation=organisation, name="Leeds", kind=Unit.Kind.BRANCH)

    with pytest.raises(PeopleError, match="unknown unit kind 'ward'"):
        create_unit(organisation=organisation, name="Ward 1", kind="ward")
    with pytest.raises(PeopleError, match="'Leeds' already exists"):
        create_unit(organisation=organisation, name="Leeds", kind=Unit.Kind.BRANCH)


# People


def test_register_person_records_no_personal_data_in_the_audit_log(
    organisation: Organisation,
) -> None:
    unit = create_unit(organisation=organisation, name="Leeds", kind=Unit.Kind.BRANCH)

    person = register_person(
        organisation=organisation,
        name="Amira Haddad",
        membership_number="M100",
        aliases=["Amy Haddad", " ", "Amy Haddad"],
        email="amira@example.org",
        phone="+44 7700 900123",
        unit=unit,
    )

    assert person.aliases == ["Amy Haddad"]
    [event] = events(organisation, "person.registered")
    assert event.object_id == str(person.pk)
    text = json.dumps(event.data)
    assert "Amira" not in text and "example.org" not in text and "M100" not in text


@pytest.mark.parametrize(
    ("details", "message"),
    [
        ({"name": " "}, "needs a name"),
        ({"email": "x@"}, "email 'x@' is not a valid address"),
        ({"phone": "call me"}, "phone 'call me' does not look like a telephone number"),
        ({"phone": "12345"}, "does not look like a telephone number"),
        ({"kind": "alien"}, "unknown kind of person 'alien'"),
    ],
)
def test_register_person_refuses_bad_details(
    organisation: Organisation, details: dict[str, str], message: str
) -> None:
    with pytest.raises(PeopleError, match=message):
        register_person(organisation=organisation, **{"name": "Sam Jones", **details})
    assert not Person.objects.exists()


def test_register_person_refuses_a_membership_number_in_use(organisation: Organisation) -> None:
    register_person(organisation=organisation, name="Sam Jones", membership_number="M1")

    with pytest.raises(PeopleError, match="'M1' is already registered"):
        register_person(organisation=organisation, name="Sam Smith", membership_number="M1")


def test_register_person_allows_a_membership_number_used_by_another_organisation(
    organisation: Organisation, other_organisation: Organisation
) -> None:
    register_person(organisation=organisation, name="Sam Jones", membership_number="M1")
    register_person(organisation=other_organisation, name="Sam Smith", membership_number="M1")

    assert Person.objects.filter(membership_number="M1").count() == 2


def test_register_person_refuses_a_unit_of_another_organisation(
    organisation: Organisation, other_organisation: Organisation
) -> None:
    unit = create_unit(organisation=other_organisation, name="Bristol", kind="branch")

    with pytest.raises(PeopleError, match="another organisation"):
        register_person(organisation=organisation, name="Sam Jones", unit=unit)


# Staff accounts


def test_create_staff_user_generates_a_strong_password_that_signs_in(
    organisation: Organisation,
) -> None:
    user, password = create_staff_user(
        organisation=organisation,
        username="officer1",
        roles=[StaffRole.OFFICER, StaffRole.INVESTIGATOR, StaffRole.OFFICER],
        email="officer1@example.org",
    )

    assert password is not None and len(password) >= 20
    assert authenticate(username="officer1", password=password) == user
    assert user.organisation == organisation
    assert user.roles == {"officer", "investigator"}
    [event] = events(organisation, "user.created")
    assert event.data == {"roles": ["investigator", "officer"], "password_generated": True}


def test_create_staff_user_generates_a_different_password_each_time(
    organisation: Organisation,
) -> None:
    _, first = create_staff_user(organisation=organisation, username="a1", roles=["officer"])
    _, second = create_staff_user(organisation=organisation, username="a2", roles=["officer"])

    assert first != second


def test_create_staff_user_keeps_a_given_password_and_returns_none(
    organisation: Organisation,
) -> None:
    user, password = create_staff_user(
        organisation=organisation,
        username="reviewer",
        roles=["reviewer"],
        password="correct horse battery staple",
    )

    assert password is None
    assert user.check_password("correct horse battery staple")


@pytest.mark.parametrize(
    ("details", "message"),
    [
        ({"roles": ["officer", "king"]}, "unknown role 'king'"),
        ({"roles": []}, "at least one role"),
        ({"username": "has space"}, "username 'has space' may contain only"),
        ({"email": "nobody@"}, "email 'nobody@' is not a valid address"),
        ({"password": "short"}, "the password is too weak"),
    ],
)
def test_create_staff_user_refuses_bad_details(
    organisation: Organisation, details: dict[str, object], message: str
) -> None:
    arguments: dict[str, object] = {"username": "officer1", "roles": ["officer"], **details}

    with pytest.raises(PeopleError, match=message):
        create_staff_user(organisation=organisation, **arguments)  # type: ignore[arg-type]
    assert not User.objects.exists()


def test_create_staff_user_refuses_a_username_taken_in_any_case(
    organisation: Organisation, other_organisation: Organisation
) -> None:
    create_staff_user(organisation=organisation, username="Officer1", roles=["officer"])

    with pytest.raises(PeopleError, match="username 'officer1' is already taken"):
        create_staff_user(organisation=other_organisation, username="officer1", roles=["admin"])
    assert User.objects.count() == 1


def test_grant_and_revoke_role_record_changes_and_skip_no_ops(
    organisation: Organisation,
) -> None:
    user, _ = create_staff_user(organisation=organisation, username="o1", roles=["officer"])
    assert user.roles == {"officer"}

    assert grant_role(user=user, role=StaffRole.PANELLIST) is True
    assert grant_role(user=user, role=StaffRole.PANELLIST) is False
    assert user.roles == {"officer", "panellist"}
    assert revoke_role(user=user, role=StaffRole.OFFICER) is True
    assert revoke_role(user=user, role=StaffRole.OFFICER) is False
    assert user.roles == {"panellist"}

    assert [e.data for e in events(organisation, "role.granted")] == [{"role": "panellist"}]
    assert [e.data for e in events(organisation, "role.revoked")] == [{"role": "officer"}]
    assert RoleGrant.objects.get(user=user).organisation == organisation


def test_grant_role_refuses_an_unknown_role_and_a_user_without_organisation(
    organisation: Organisation,
) -> None:
    user, _ = create_staff_user(organisation=organisation, username="o1", roles=["officer"])
    stray = User.objects.create_user(username="stray")

    with pytest.raises(PeopleError, match="unknown role 'emperor'"):
        grant_role(user=user, role="emperor")
    with pytest.raises(PeopleError, match="belongs to no organisation"):
        grant_role(user=stray, role="officer")
