"""The people a redaction protects, read from the database's register or from a CSV file in the
register import format (`redress import-people`), as plain rows the matcher is built from."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from redress.people.imports import ALIAS_SEPARATOR, COLUMNS
from redress.people.models import Organisation, Person
from redress.people.services import clean_aliases

REGISTER_CHUNK = 5_000


class RegisterFileError(ValueError):
    """The people file cannot be read; the message names the line."""


@dataclass(frozen=True, slots=True)
class RegisterPerson:
    """One person as the redaction engine sees them. `key` is their register id (or, for a
    file, its membership number), never printed in a redacted document."""

    key: str
    name: str
    aliases: tuple[str, ...]
    membership_number: str
    public_role: str


def people_on_register(organisation: Organisation) -> Iterator[RegisterPerson]:
    """Everyone on the organisation's register, streamed in chunks."""
    rows = (
        Person.objects.filter(organisation=organisation)
        .order_by("pk")
        .values_list("pk", "name", "aliases", "membership_number", "public_role")
    )
    for pk, name, aliases, membership_number, public_role in rows.iterator(
        chunk_size=REGISTER_CHUNK
    ):
        yield RegisterPerson(
            key=str(pk),
            name=name,
            aliases=tuple(aliases or ()),
            membership_number=membership_number,
            public_role=public_role,
        )


def people_in_file(data: bytes) -> Iterator[RegisterPerson]:
    """The people of a register CSV (the import format's columns, in any order).

    Only the columns the redaction needs are read; rows without a name are refused by line.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RegisterFileError("the people file is not UTF-8 text; save it as CSV UTF-8") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [column.strip().lower() for column in next(reader, [])]
    except csv.Error as error:
        raise RegisterFileError(f"the people file cannot be read: {error}") from None
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        raise RegisterFileError("the people file lacks the column " + ", ".join(missing))
    position = {column: header.index(column) for column in COLUMNS}
    try:
        for fields in reader:
            if not any(field.strip() for field in fields):
                continue
            if len(fields) != len(header):
                raise RegisterFileError(
                    f"line {reader.line_num} of the people file has {len(fields)} fields, "
                    f"expected {len(header)}"
                )
            value = {column: fields[index].strip() for column, index in position.items()}
            if not value["name"]:
                raise RegisterFileError(f"line {reader.line_num} of the people file has no name")
            yield RegisterPerson(
                key=value["membership_number"] or f"line-{reader.line_num}",
                name=value["name"],
                aliases=tuple(clean_aliases(value["aliases"].split(ALIAS_SEPARATOR))),
                membership_number=value["membership_number"],
                public_role=value["public_role"],
            )
    except csv.Error as error:
        raise RegisterFileError(
            f"line {reader.line_num} of the people file cannot be read: {error}"
        ) from None
