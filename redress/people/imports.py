"""Importing an organisation's register of members from a CSV file.

The file is checked from end to end before anything is written: one bad row and nothing of the
file is imported, and the problems are reported by line number. A good file is written in one
transaction: members already registered under the same membership number are updated, the rest
created. Members on the register but absent from the file are left alone.

A register may hold half a million members, so the file is read twice rather than held as
objects (once to check it, once to write it), people are written in batches (on PostgreSQL with
COPY), and only people whose details changed are updated.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection, models, transaction
from django.utils import timezone

from redress.audit.services import record_event
from redress.people.models import Organisation, Person, Unit, User
from redress.people.selectors import unit_ids_by_name
from redress.people.services import PeopleError, clean_aliases, email_problem, phone_problem

COLUMNS = ("membership_number", "name", "aliases", "email", "phone", "unit", "public_role")
ALIAS_SEPARATOR = ";"
BATCH_SIZE = 2_000
MAX_PROBLEMS_KEPT = 20
UPDATED_FIELDS = ["name", "aliases", "email", "phone", "unit", "public_role"]
DETAIL_ATTRIBUTES = ["name", "aliases", "email", "phone", "unit_id", "public_role"]

# Field lengths of the Person and Unit models, checked here so a long value is a line-numbered
# problem rather than a database error that aborts the import.
MAX_LENGTHS = {
    "membership_number": Person._meta.get_field("membership_number").max_length,
    "name": Person._meta.get_field("name").max_length,
    "email": Person._meta.get_field("email").max_length,
    "phone": Person._meta.get_field("phone").max_length,
    "unit": Unit._meta.get_field("name").max_length,
    "public_role": Person._meta.get_field("public_role").max_length,
}


class RegisterImportError(PeopleError):
    """The file cannot be imported. `problems` holds the first few, `total` counts them all."""

    def __init__(self, problems: list[str], total: int) -> None:
        self.problems = problems
        self.total = total
        more = f" (and {total - 1} more problems)" if total > 1 else ""
        super().__init__(problems[0] + more)


@dataclass(frozen=True, slots=True)
class RegisterRow:
    """One member as the file gives them, whitespace stripped."""

    line: int
    membership_number: str
    name: str
    aliases: list[str]
    email: str
    phone: str
    unit: str
    public_role: str


@dataclass(frozen=True)
class RegisterImport:
    """What an import did."""

    rows: int
    created: int
    updated: int
    unchanged: int
    units_created: int
    sha256: str


def import_register(
    *,
    organisation: Organisation,
    data: bytes,
    create_units: bool = False,
    encoding: str = "utf-8-sig",
    actor: User | None = None,
) -> RegisterImport:
    """Check the whole CSV register in `data`, then create and update its members.

    Units are referenced by name; an unknown unit is a problem unless `create_units`, when it is
    created as a branch. Raises `RegisterImportError`, having written nothing, if any row is bad.
    """
    sha256 = hashlib.sha256(data).hexdigest()
    text = _decode(data, encoding)
    with transaction.atomic():
        # Imports into one organisation queue behind each other; NO KEY so that rows referring
        # to the organisation can still be inserted meanwhile.
        Organisation.objects.select_for_update(no_key=True).filter(pk=organisation.pk).exists()
        unit_ids = unit_ids_by_name(organisation)
        new_unit_names = _check(text, unit_ids=unit_ids, create_units=create_units)
        units = [
            Unit(organisation=organisation, name=name, kind=Unit.Kind.BRANCH)
            for name in sorted(new_unit_names)
        ]
        for unit in Unit.objects.bulk_create(units):
            unit_ids[unit.name] = unit.pk
        counts = _write(text, organisation=organisation, unit_ids=unit_ids)
        result = RegisterImport(units_created=len(units), sha256=sha256, **counts)
        record_event(
            organisation=organisation,
            actor=actor,
            action="people.imported",
            data={
                "sha256": sha256,
                "rows": result.rows,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "units_created": result.units_created,
            },
        )
    return result


def _decode(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except LookupError:
        raise PeopleError(f"unknown text encoding {encoding!r}") from None
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise RegisterImportError(
            [f"line {line}: the file is not {encoding} text; save it as CSV UTF-8"], 1
        ) from None


def _check(text: str, *, unit_ids: dict[str, int], create_units: bool) -> set[str]:
    """Every problem in the file, or the names of the units it needs created."""
    problems: list[str] = []
    total = 0
    first_line_of: dict[str, int] = {}
    new_unit_names: set[str] = set()
    for line, row in _parse(text):
        row_problems = [row] if isinstance(row, str) else _row_problems(row)
        if isinstance(row, RegisterRow) and row.membership_number:
            first = first_line_of.setdefault(row.membership_number, line)
            if first != line:
                row_problems.append(
                    f"membership number {row.membership_number!r} is repeated "
                    f"(first on line {first})"
                )
        if isinstance(row, RegisterRow) and row.unit and row.unit not in unit_ids:
            if create_units:
                new_unit_names.add(row.unit)
            else:
                row_problems.append(
                    f"unit {row.unit!r} does not exist (use --create-units to create it)"
                )
        total += len(row_problems)
        room = MAX_PROBLEMS_KEPT - len(problems)
        problems.extend(f"line {line}: {problem}" for problem in row_problems[:room])
    if total:
        raise RegisterImportError(problems, total)
    return new_unit_names


def _row_problems(row: RegisterRow) -> list[str]:
    problems = []
    if not row.membership_number:
        problems.append("membership number is missing")
    if not row.name:
        problems.append("name is missing")
    for column, limit in MAX_LENGTHS.items():
        value: str = getattr(row, column)
        if limit is not None and len(value) > limit:
            problems.append(f"{column} is longer than {limit} characters")
    for problem in (email_problem(row.email), phone_problem(row.phone)):
        if problem:
            problems.append(problem)
    return problems


def _parse(text: str) -> Iterator[tuple[int, RegisterRow | str]]:
    """Each non-blank row, with the line it starts on, as a `RegisterRow` or a problem."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        while header is not None and _is_blank(header):
            header = next(reader, None)
    except csv.Error as error:
        raise RegisterImportError([f"line {reader.line_num}: {error}"], 1) from None
    if header is None:
        raise RegisterImportError(["line 1: the file is empty; it needs a header row"], 1)
    position = _column_positions(header, line=reader.line_num)
    previous_line = reader.line_num
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield previous_line + 1, str(error)
            return  # the reader cannot resynchronise after a malformed quote
        line = previous_line + 1
        previous_line = reader.line_num
        if _is_blank(fields):
            continue
        if len(fields) != len(COLUMNS):
            yield line, f"expected {len(COLUMNS)} fields, found {len(fields)}"
            continue
        value = {column: fields[index].strip() for column, index in position.items()}
        yield (
            line,
            RegisterRow(
                line=line,
                membership_number=value["membership_number"],
                name=value["name"],
                aliases=clean_aliases(value["aliases"].split(ALIAS_SEPARATOR)),
                email=value["email"],
                phone=value["phone"],
                unit=value["unit"],
                public_role=value["public_role"],
            ),
        )


def _column_positions(header: list[str], *, line: int) -> dict[str, int]:
    names = [name.strip().lower() for name in header]
    missing = [column for column in COLUMNS if column not in names]
    unexpected = [name for name in names if name not in COLUMNS]
    repeated = sorted({name for name in names if names.count(name) > 1})
    faults = []
    if missing:
        faults.append("missing column " + ", ".join(missing))
    if unexpected:
        faults.append("unexpected column " + ", ".join(repr(name) for name in unexpected))
    if repeated:
        faults.append("repeated column " + ", ".join(repeated))
    if faults:
        expected = ",".join(COLUMNS)
        raise RegisterImportError(
            [f"line {line}: {'; '.join(faults)} (the header must be {expected})"], 1
        )
    return {name: index for index, name in enumerate(names)}


def _is_blank(fields: list[str]) -> bool:
    return not any(field.strip() for field in fields)


# A member's details as the register holds them: name, aliases, email, phone, unit id, public
# role (the order of DETAIL_ATTRIBUTES).
Details = tuple[str, list[str], str, str, int | None, str]


def _write(text: str, *, organisation: Organisation, unit_ids: dict[str, int]) -> dict[str, int]:
    existing = _registered(organisation)
    counts = {"rows": 0, "created": 0, "updated": 0, "unchanged": 0}
    to_create: list[tuple[str, Details]] = []
    to_update: list[tuple[int, Details]] = []
    changes = _Changes()
    for _, row in _parse(text):
        assert isinstance(row, RegisterRow)  # _check has refused any file with a bad row
        counts["rows"] += 1
        unit_id = unit_ids[row.unit] if row.unit else None
        details: Details = (row.name, row.aliases, row.email, row.phone, unit_id, row.public_role)
        known = existing.get(row.membership_number)
        if known is None:
            to_create.append((row.membership_number, details))
        elif known[1] == _fingerprint(*details):
            counts["unchanged"] += 1
        else:
            to_update.append((known[0], details))
        if len(to_create) >= BATCH_SIZE:
            counts["created"] += _create(organisation, to_create)
            to_create.clear()
        if len(to_update) >= BATCH_SIZE:
            changes.add(to_update)
            to_update.clear()
    counts["created"] += _create(organisation, to_create)
    changes.add(to_update)
    counts["updated"] += changes.apply()
    return counts


def _create(organisation: Organisation, people: list[tuple[str, Details]]) -> int:
    """Register new members (membership number and details); return how many.

    On PostgreSQL with COPY: `bulk_create` spends most of an import's time building its SQL.
    """
    if not people:
        return 0
    if connection.vendor != "postgresql":
        members = [
            Person(
                organisation=organisation,
                kind=Person.Kind.MEMBER,
                membership_number=number,
                **dict(zip(DETAIL_ATTRIBUTES, details, strict=True)),
            )
            for number, details in people
        ]
        return len(Person.objects.bulk_create(members))
    now = timezone.now()
    columns = ["organisation", "kind", "membership_number", *UPDATED_FIELDS, "created_at"]
    kind = Person.Kind.MEMBER.value
    with connection.cursor() as cursor, cursor.copy(_copy_sql(columns)) as copy:
        for number, (name, aliases, email, phone, unit_id, role) in people:
            copy.write_row(
                (
                    organisation.pk,
                    kind,
                    number,
                    name,
                    json.dumps(aliases),
                    email,
                    phone,
                    unit_id,
                    role,
                    now,
                )
            )
    return len(people)


class _Changes:
    """Members whose details changed, gathered batch by batch and written at the end.

    On PostgreSQL they are copied into a temporary table and written with one `UPDATE ...
    FROM`: `bulk_update`'s `CASE WHEN` per row and field takes some fifteen times as long, and
    passing the batch as array parameters spends most of its time quoting arrays in Python.
    """

    def __init__(self) -> None:
        self.people: list[tuple[int, Details]] = []
        self.copied = False

    def add(self, people: list[tuple[int, Details]]) -> None:
        if not people:
            return
        if connection.vendor != "postgresql":
            self.people.extend(people)
            return
        with connection.cursor() as cursor:
            if not self.copied:
                cursor.execute(
                    "CREATE TEMPORARY TABLE redress_register_changes (id bigint, name text, "
                    "aliases jsonb, email text, phone text, unit_id bigint, public_role text) "
                    "ON COMMIT DROP"
                )
                self.copied = True
            with cursor.copy("COPY redress_register_changes FROM STDIN") as copy:
                for pk, (name, aliases, email, phone, unit_id, role) in people:
                    copy.write_row((pk, name, json.dumps(aliases), email, phone, unit_id, role))

    def apply(self) -> int:
        """Write every change gathered; return how many members were updated."""
        if connection.vendor != "postgresql":
            members = [
                Person(pk=pk, **dict(zip(DETAIL_ATTRIBUTES, details, strict=True)))
                for pk, details in self.people
            ]
            return Person.objects.bulk_update(members, UPDATED_FIELDS, batch_size=BATCH_SIZE)
        if not self.copied:
            return 0
        quote = connection.ops.quote_name
        assignments = ", ".join(
            f"{quote(_column(name))} = changed.{quote(_column(name))}" for name in UPDATED_FIELDS
        )
        # Identifiers come from the model's own metadata, quoted; there are no values.
        sql = (
            f"UPDATE {quote(Person._meta.db_table)} AS person SET {assignments} "  # noqa: S608
            "FROM redress_register_changes AS changed WHERE person.id = changed.id"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql)
            updated = cursor.rowcount
            cursor.execute("DROP TABLE redress_register_changes")
        return updated


def _copy_sql(field_names: list[str]) -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(_column(name)) for name in field_names)
    return f"COPY {quote(Person._meta.db_table)} ({columns}) FROM STDIN"


def _column(field_name: str) -> str:
    field = Person._meta.get_field(field_name)
    assert isinstance(field, models.Field)
    return field.column


def _registered(organisation: Organisation) -> dict[str, tuple[int, bytes]]:
    """Each membership number on the register: its person's id and a digest of their details.

    A digest rather than the details themselves keeps half a million members in little memory.
    """
    rows = (
        Person.objects.filter(organisation=organisation)
        .exclude(membership_number="")
        .values_list(
            "membership_number", "pk", "name", "aliases", "email", "phone", "unit_id", "public_role"
        )
        .iterator(chunk_size=10_000)
    )
    return {number: (pk, _fingerprint(*details)) for number, pk, *details in rows}


def _fingerprint(
    name: str, aliases: list[str], email: str, phone: str, unit_id: int | None, public_role: str
) -> bytes:
    details = [name, "\x1e".join(aliases), email, phone, str(unit_id or ""), public_role]
    return hashlib.blake2b("\x1f".join(details).encode(), digest_size=16).digest()
