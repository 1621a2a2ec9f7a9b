"""Reading the audit log: a case's timeline, the raw rows the chain verifier streams, and the
events waiting to be sealed."""

from __future__ import annotations

from collections.abc import Generator, Iterator
from contextlib import closing
from itertools import islice
from typing import Any

import orjson
import psycopg
from django.db import connections, router, transaction
from django.db.models import QuerySet

from redress.audit.chain import utc_iso
from redress.audit.models import AuditEvent, AuditHead

# One stored event as the verifier reads it, in this order: id, seq, occurred_at (in the
# `utc_iso` form), actor_id, actor_label, action, object_type, object_id, case_id, data (JSON
# text), prev_hash, hash.
ChainRow = tuple[int, int, str, int | None, str, str, str, str, int | None, str, str, str]

CHAIN_BATCH_SIZE = 10_000
# `Cursor.stream(size=...)` needs libpq's chunked rows mode, new in libpq 17.
_CHUNKED_ROWS_LIBPQ = 170000

# The database writes the time in the canonical form itself, and hands over the jsonb as text, so
# Python parses neither a timestamp nor Django's JSONField per row.
_CHAIN_ROWS_SQL = """
SELECT id, seq, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    actor_id, actor_label, action, object_type, object_id, case_id, data::text, prev_hash, hash
FROM audit_auditevent
WHERE organisation_id = %s AND seq > %s
ORDER BY seq
"""


# One event waiting to be sealed, as the sealer reads it: id, occurred_at (in the `utc_iso`
# form), actor_id, actor_label, action, object_type, object_id, case_id, data (JSON text).
UnsealedRow = tuple[int, str, int | None, str, str, str, str, int | None, str]

_UNSEALED_ROWS_SQL = """
SELECT id, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    actor_id, actor_label, action, object_type, object_id, case_id, data::text
FROM audit_auditevent
WHERE organisation_id = %s AND hash IS NULL
ORDER BY id
LIMIT %s
"""


# The columns an event's hash covers, besides its seq and its organisation, in the chain's order.
CONTENT_FIELDS = (
    "occurred_at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "case_id",
    "data",
)


def events_for_case(case_id: int) -> QuerySet[AuditEvent]:
    """Everything recorded about one case, in the order it happened (the case timeline).

    In time order rather than chain order, so that events not yet sealed are in it too.
    """
    return AuditEvent.objects.filter(case_id=case_id).order_by("occurred_at", "id")


def unsealed_rows(organisation_id: int, *, limit: int, using: str) -> list[UnsealedRow]:
    """The organisation's first `limit` events not yet sealed, in the order they were written.

    The sealer hashes exactly what a verifier will read back, so on PostgreSQL the database
    writes the time and the data as text here just as `chain_rows` does.
    """
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_UNSEALED_ROWS_SQL, [organisation_id, limit])
            return cursor.fetchall()
    rows = (
        AuditEvent.objects.using(using)
        .filter(organisation_id=organisation_id, hash__isnull=True)
        .order_by("id")
        .values_list("id", *CONTENT_FIELDS)[:limit]
    )
    return [
        (
            event_id,
            utc_iso(occurred_at),
            actor_id,
            label,
            action,
            otype,
            oid,
            case_id,
            orjson.dumps(data).decode(),
        )
        for event_id, occurred_at, actor_id, label, action, otype, oid, case_id, data in rows
    ]


def has_unsealed(organisation_id: int, *, using: str | None = None) -> bool:
    """Whether any of the organisation's committed events are waiting to be sealed.

    In SQL, because every sealer asks after every commit, and the queryset's `exists()` costs
    five times the query in Python.
    """
    with connections[using or router.db_for_read(AuditEvent)].cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM audit_auditevent WHERE organisation_id = %s AND hash IS NULL LIMIT 1",
            [organisation_id],
        )
        return cursor.fetchone() is not None


def unsealed_count(organisation_id: int) -> int:
    """How many of the organisation's committed events are waiting to be sealed."""
    return AuditEvent.objects.filter(organisation_id=organisation_id, hash__isnull=True).count()


def chain_head(organisation_id: int) -> tuple[int, str] | None:
    """The organisation's head (last seq and hash) as committed now, or None without a chain."""
    return (
        AuditHead.objects.filter(organisation_id=organisation_id).values_list("seq", "hash").first()
    )


def chain_rows(
    organisation_id: int, *, after_seq: int = 0
) -> Generator[list[ChainRow], None, None]:
    """The organisation's events after `after_seq`, in seq order, in batches.

    On PostgreSQL the rows stream from the server in chunks (through a server-side cursor with
    an older libpq), so a chain of any length is read in constant memory; elsewhere (SQLite)
    through the ORM.
    """
    alias = router.db_for_read(AuditEvent)
    if connections[alias].vendor == "postgresql":
        yield from _chain_rows_on_postgresql(organisation_id, after_seq, alias)
    else:
        yield from _chain_rows_portably(organisation_id, after_seq, alias)


def _chain_rows_on_postgresql(
    organisation_id: int, after_seq: int, alias: str
) -> Iterator[list[ChainRow]]:
    connection = connections[alias]
    if psycopg.pq.version() >= _CHUNKED_ROWS_LIBPQ:
        # The server sends rows as fast as it makes them and the client takes them in chunks,
        # so PostgreSQL formats the next rows while Python checks these: a third faster than
        # a named cursor's FETCH round trips, and still in constant memory (bench/audit_verify).
        with (
            connection.cursor() as cursor,
            closing(
                cursor.stream(_CHAIN_ROWS_SQL, [organisation_id, after_seq], size=CHAIN_BATCH_SIZE)
            ) as rows,
        ):
            while batch := list(islice(rows, CHAIN_BATCH_SIZE)):
                yield batch
        return
    # A named cursor lives inside a transaction; inside one it is not materialised WITH HOLD.
    with transaction.atomic(using=alias), connection.chunked_cursor() as cursor:
        cursor.execute(_CHAIN_ROWS_SQL, [organisation_id, after_seq])
        while batch := cursor.fetchmany(CHAIN_BATCH_SIZE):
            yield batch


def _chain_rows_portably(
    organisation_id: int, after_seq: int, alias: str
) -> Iterator[list[ChainRow]]:
    rows = (
        AuditEvent.objects.using(alias)
        .filter(organisation_id=organisation_id, seq__gt=after_seq)
        .order_by("seq")
        .values_list("id", "seq", *CONTENT_FIELDS, "prev_hash", "hash")
        .iterator(chunk_size=2_000)
    )
    batch: list[ChainRow] = []
    for row in rows:
        batch.append(_as_chain_row(row))
        if len(batch) == CHAIN_BATCH_SIZE:
            yield batch
            batch = []
    if batch:
        yield batch


def _as_chain_row(row: tuple[Any, ...]) -> ChainRow:
    (event_id, seq, occurred_at, actor_id, label, action, otype, oid, case_id, data, prev, hsh) = (
        row
    )
    return (
        event_id,
        seq,
        utc_iso(occurred_at),
        actor_id,
        label,
        action,
        otype,
        oid,
        case_id,
        orjson.dumps(data).decode(),
        prev,
        hsh,
    )
