from __future__ import annotations

import hashlib

import pytest

from redress.audit.models import AuditEvent
from redress.people.imports import MAX_PROBLEMS_KEPT, RegisterImportError, import_register
from redress.people.models import Organisation, Person, Unit
from redress.people.services import PeopleError, create_unit, register_person

HEADER = "membership_number,name,aliases,email,phone,unit,public_role"


def csv_bytes(*lines: str, newline: str = "\n") -> bytes:
    return newline.join(lines).encode() + newline.encode()


GOOD = csv_bytes(
    HEADER,
    "M1,Amira Haddad,Amy Haddad; A. Haddad,amira@example.org,+44 7700 900123,Leeds,",
    'M2,"Owen Price, Jr",,,,Leeds,Branch Secretary',
    "M3,Priya Shah,,priya@example.org,(0113) 496 0000,,",
)


@pytest.fixture
def leeds(organisation: Organisation) -> Unit:
    return create_unit(organisation=organisation, name="Leeds", kind=Unit.Kind.BRANCH)


def refused(organisation: Organisation, data: bytes, **options: bool) -> RegisterImportError:
    people_before = Person.objects.count()
    units_before = Unit.objects.count()
    with pytest.raises(RegisterImportError) as caught:
        import_register(organisation=organisation, data=data, **options)
    assert Person.objects.count() == people_before
    assert Unit.objects.count() == units_before
    assert not AuditEvent.objects.filter(action="people.imported").exists()
    return caught.value


def test_import_creates_members_with_their_details(organisation: Organisation, leeds: Unit) -> None:
    result = import_register(organisation=organisation, data=GOOD)

    assert (result.rows, result.created, result.updated, result.unchanged) == (3, 3, 0, 0)
    amira = Person.objects.get(organisation=organisation, membership_number="M1")
    assert amira.name == "Amira Haddad"
    assert amira.aliases == ["Amy Haddad", "A. Haddad"]
    assert (amira.email, amira.phone, amira.unit) == (
        "amira@example.org",
        "+44 7700 900123",
        leeds,
    )
    assert amira.kind == Person.Kind.MEMBER
    owen = Person.objects.get(membership_number="M2")
    assert (owen.name, owen.public_role, owen.aliases) == ("Owen Price, Jr", "Branch Secretary", [])
    assert Person.objects.get(membership_number="M3").unit is None


def test_import_records_one_audit_event_with_counts_and_the_file_hash(
    organisation: Organisation, leeds: Unit
) -> None:
    import_register(organisation=organisation, data=GOOD)

    [event] = AuditEvent.objects.filter(organisation=organisation, action="people.imported")
    assert event.data == {
        "sha256": hashlib.sha256(GOOD).hexdigest(),
        "rows": 3,
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "units_created": 0,
    }
    assert AuditEvent.objects.filter(organisation=organisation).count() == 3  # org, unit, import


def test_reimport_updates_changed_members_creates_new_ones_and_leaves_others_alone(
    organisation: Organisation, leeds: Unit
) -> None:
    import_register(organisation=organisation, data=GOOD)
    staff = register_person(
        organisation=organisation, name="Kim Lee", membership_number="S9", kind="staff"
    )

    result = import_register(
        organisation=organisation,
        data=csv_bytes(
            "name,membership_number,email,aliases,phone,unit,public_role",
            "Amira Haddad-Khan,M1,amira@example.org,Amy,+44 7700 900123,,",
            '"Owen Price, Jr",M2,,,,Leeds,Branch Secretary',
            "Dev Patel,M4,,,,Leeds,",
            "Kim Lee,S9,kim@example.org,,,,",
        ),
    )

    assert (result.rows, result.created, result.updated, result.unchanged) == (4, 1, 2, 1)
    amira = Person.objects.get(membership_number="M1")
    assert (amira.name, amira.aliases, amira.unit) == ("Amira Haddad-Khan", ["Amy"], None)
    assert Person.objects.get(membership_number="M4").unit == leeds
    assert Person.objects.get(membership_number="M3").name == "Priya Shah"
    staff.refresh_from_db()
    assert (staff.kind, staff.email) == ("staff", "kim@example.org")
    assert Person.objects.filter(organisation=organisation).count() == 5


def test_reimport_of_the_same_file_changes_nothing(organisation: Organisation, leeds: Unit) -> None:
    import_register(organisation=organisation, data=GOOD)

    result = import_register(organisation=organisation, data=GOOD)

    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)


def test_import_touches_only_its_own_organisation(
    organisation: Organisation, other_organisation: Organisation, leeds: Unit
) -> None:
    theirs = register_person(organisation=other_organisation, name="Zed", membership_number="M1")

    result = import_register(organisation=organisation, data=GOOD)

    assert result.created == 3
    theirs.refresh_from_db()
    assert theirs.name == "Zed"


def test_import_reads_utf8_with_bom_and_windows_line_endings_and_blank_lines(
    organisation: Organisation, leeds: Unit
) -> None:
    data = b"\xef\xbb\xbf" + csv_bytes(
        HEADER,
        "",
        "M1,Zoë Brontë,,,,Leeds,",
        ",,,,,,",
        "   ",
        "M2,Siân Ó Briain,,,,,",
        "",
        newline="\r\n",
    )

    result = import_register(organisation=organisation, data=data)

    assert result.created == 2
    assert Person.objects.get(membership_number="M1").name == "Zoë Brontë"
    assert Person.objects.get(membership_number="M2").name == "Siân Ó Briain"


def test_line_numbers_count_physical_lines_with_crlf_and_multiline_fields(
    organisation: Organisation,
) -> None:
    data = csv_bytes(
        HEADER,
        'M1,"Name over\r\ntwo lines",,,,,',
        "",
        "M2,Ok,,x@,,,",
        newline="\r\n",
    )

    error = refused(organisation, data)

    assert error.problems == ["line 5: email 'x@' is not a valid address"]


def test_import_reads_another_encoding_when_told(organisation: Organisation) -> None:
    data = csv_bytes(HEADER, "M1,Zoë Brontë,,,,,").decode().encode("cp1252")

    error = refused(organisation, data)
    assert error.problems == ["line 2: the file is not utf-8-sig text; save it as CSV UTF-8"]

    import_register(organisation=organisation, data=data, encoding="cp1252")  # type: ignore[arg-type]
    assert Person.objects.get().name == "Zoë Brontë"


def test_import_refuses_an_unknown_encoding(organisation: Organisation) -> None:
    with pytest.raises(PeopleError, match="unknown text encoding 'klingon'"):
        import_register(organisation=organisation, data=GOOD, encoding="klingon")


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("M2,,,,,,", "name is missing"),
        (",Sam Jones,,,,,", "membership number is missing"),
        ("M1,Sam Jones,,,,,", "membership number 'M1' is repeated (first on line 2)"),
        ("M2,Sam Jones,,x@,,,", "email 'x@' is not a valid address"),
        ("M2,Sam Jones,,,ring me,,", "phone 'ring me' does not look like a telephone number"),
        ("M2,Sam Jones,,,12,,", "phone '12' does not look like a telephone number"),
        ("M2,Sam Jones,,,,Atlantis,", "unit 'Atlantis' does not exist (use --create-units"),
        ("M2,Sam Jones,,,", "expected 7 fields, found 5"),
        ("M2,Sam Jones,,,,,,", "expected 7 fields, found 8"),
        ("M2," + "x" * 201 + ",,,,,", "name is longer than 200 characters"),
        ("M" + "9" * 40 + ",Sam,,,,,", "membership_number is longer than 40 characters"),
        ('M2,"Sam Jones,,,,,', "unexpected end of data"),
    ],
)
def test_a_bad_row_is_reported_by_line_and_nothing_is_imported(
    organisation: Organisation, leeds: Unit, row: str, problem: str
) -> None:
    data = csv_bytes(HEADER, "M1,Amira Haddad,,,,Leeds,", row, "M3,Priya Shah,,,,,")

    error = refused(organisation, data)

    assert error.problems[0].startswith(f"line 3: {problem}")
    assert str(error).startswith(f"line 3: {problem}")


@pytest.mark.parametrize(
    ("header", "problem"),
    [
        ("membership_number,name,aliases,email,phone,unit", "missing column public_role"),
        (HEADER + ",notes", "unexpected column 'notes'"),
        (HEADER + ",email", "repeated column email"),
        ("M1,Amira Haddad,,,,,", "missing column"),
    ],
)
def test_a_bad_header_is_refused(organisation: Organisation, header: str, problem: str) -> None:
    error = refused(organisation, csv_bytes(header, "M1,Amira Haddad,,,,,"))

    assert error.problems[0].startswith("line 1: ")
    assert problem in error.problems[0]


def test_an_empty_file_is_refused(organisation: Organisation) -> None:
    error = refused(organisation, b"\xef\xbb\xbf\r\n\r\n")

    assert error.problems == ["line 1: the file is empty; it needs a header row"]


def test_header_names_are_matched_without_regard_to_case_or_spaces(
    organisation: Organisation,
) -> None:
    data = csv_bytes(" Membership_Number , NAME,aliases,email,phone,unit,public_role", "M1,Al,,,,,")

    assert import_register(organisation=organisation, data=data).created == 1


def test_a_header_only_file_imports_nothing(organisation: Organisation) -> None:
    result = import_register(organisation=organisation, data=csv_bytes(HEADER))

    assert (result.rows, result.created) == (0, 0)


def test_every_bad_row_is_counted_and_the_first_twenty_kept(organisation: Organisation) -> None:
    rows = [f"M{n},Member {n},,bad@,,," for n in range(30)]

    error = refused(organisation, csv_bytes(HEADER, *rows))

    assert error.total == 30
    assert len(error.problems) == MAX_PROBLEMS_KEPT
    assert error.problems[19] == "line 21: email 'bad@' is not a valid address"
    assert str(error) == "line 2: email 'bad@' is not a valid address (and 29 more problems)"


def test_one_row_may_have_several_problems(organisation: Organisation) -> None:
    error = refused(organisation, csv_bytes(HEADER, ",,,x@,,,"))

    assert error.problems == [
        "line 2: membership number is missing",
        "line 2: name is missing",
        "line 2: email 'x@' is not a valid address",
    ]


def test_create_units_creates_unknown_units_as_branches(
    organisation: Organisation, leeds: Unit
) -> None:
    data = csv_bytes(HEADER, "M1,Al,,,,Leeds,", "M2,Bo,,,,York,", "M3,Cy,,,,York,")

    result = import_register(organisation=organisation, data=data, create_units=True)

    assert result.units_created == 1
    york = Unit.objects.get(organisation=organisation, name="York")
    assert york.kind == Unit.Kind.BRANCH
    assert set(york.people.values_list("membership_number", flat=True)) == {"M2", "M3"}
    assert Person.objects.get(membership_number="M1").unit == leeds


def test_a_failed_import_creates_no_units_even_with_create_units(
    organisation: Organisation,
) -> None:
    data = csv_bytes(HEADER, "M1,Al,,,,York,", "M2,,,,,York,")

    error = refused(organisation, data, create_units=True)

    assert error.problems == ["line 3: name is missing"]


def test_units_are_looked_up_in_the_importing_organisation_only(
    organisation: Organisation, other_organisation: Organisation
) -> None:
    create_unit(organisation=other_organisation, name="Leeds", kind="branch")

    error = refused(organisation, csv_bytes(HEADER, "M1,Al,,,,Leeds,"))

    assert error.problems[0].startswith("line 2: unit 'Leeds' does not exist")


def test_import_writes_in_batches(
    organisation: Organisation, leeds: Unit, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("redress.people.imports.BATCH_SIZE", 2)
    rows = [f"M{n},Member {n},,,,Leeds," for n in range(5)]
    import_register(organisation=organisation, data=csv_bytes(HEADER, *rows))
    changed = [f"M{n},Member {n} changed,,,,Leeds," for n in range(5)]

    result = import_register(
        organisation=organisation, data=csv_bytes(HEADER, *changed, "M9,N,,,,,")
    )

    assert (result.created, result.updated) == (1, 5)
    assert Person.objects.filter(name__endswith="changed").count() == 5
