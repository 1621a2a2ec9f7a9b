"""Writing to the audit log. Every service that changes state calls `record_event` inside its
own transaction; every staff read of a case calls it too. Events are chained after commit, in
batches, by `seal_pending`."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from uuid import UUID

import orjson
from django.db import connections, models, router, transaction
from django.utils import timezone

from redress.audit import selectors
from redress.audit.chain import (
    CONTENT_OPTIONS,
    GENESIS_HASH,
    canonical_content,
    content_of_fields,
    event_hash,
)
from redress.audit.models import AuditEvent, AuditHead
from redress.audit.selectors import UnsealedRow
from redress.people.models import Organisation, User

logger = logging.getLogger(__name__)

SYSTEM_LABEL = "system"
# Integers beyond 64 bits do not survive every JSON reader a verifier might use.
_INT_MIN, _INT_MAX = -(2**63), 2**63 - 1
# Events sealed in one transaction: enough that a sealer catches up with any burst in a few
# commits, few enough that the head is never locked for long.
SEAL_BATCH = 5_000


class AuditDataError(TypeError):
    """Audit data must be plain JSON that survives a database round trip unchanged."""


class AuditSealError(RuntimeError):
    """Sealing found the log other than only the sealer can leave it; nothing was sealed."""


def start_chain(organisation: Organisation) -> AuditHead:
    """Create the empty chain of a new organisation (called when it is created)."""
    head, _ = AuditHead.objects.get_or_create(
        organisation=organisation, defaults={"seq": 0, "hash": GENESIS_HASH}
    )
    return head


def record_event(
    *,
    organisation: Organisation | int,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    case_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one event to the organisation's audit log, in the caller's transaction.

    The event is written unsealed (no `seq`, `prev_hash` or `hash`) and takes no lock, so
    concurrent writers never wait for each other. When the caller's transaction commits, the
    organisation's pending events are sealed into its chain (`seal_pending`, registered once per
    transaction and organisation); if the transaction rolls back, the event was never written.
    On PostgreSQL the event's time is the database's clock.
    """
    organisation_id = organisation if isinstance(organisation, int) else organisation.pk
    event = AuditEvent(
        organisation_id=organisation_id,
        actor_id=actor.pk if actor is not None else None,
        actor_label=actor.username if actor is not None else SYSTEM_LABEL,
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        case_id=case_id,
        data=_plain(data or {}),
    )
    try:
        data_json = orjson.dumps(event.data, option=CONTENT_OPTIONS).decode()
    except orjson.JSONEncodeError as error:
        raise AuditDataError(f"audit data cannot be written as JSON: {error}") from error
    alias = router.db_for_write(AuditEvent)
    if connections[alias].vendor == "postgresql":
        _insert_on_postgresql(event, data_json, alias)
    else:
        _insert_portably(event, alias)
    _seal_after_commit(organisation_id, alias)
    return event


# One statement, one round trip: it also refuses an organisation without a chain (no head row,
# nothing inserted). It reads the head without locking it, so it never waits for a sealer.
_INSERT_SQL = """
INSERT INTO audit_auditevent (
    organisation_id, occurred_at, actor_id, actor_label, action, object_type, object_id,
    case_id, data
)
SELECT organisation_id, clock_timestamp(), %(actor_id)s, %(actor_label)s, %(action)s,
    %(object_type)s, %(object_id)s, %(case_id)s, %(data)s::jsonb
FROM audit_audithead
WHERE organisation_id = %(organisation_id)s
RETURNING id, occurred_at
"""


def _insert_on_postgresql(event: AuditEvent, data_json: str, alias: str) -> None:
    params = {
        "organisation_id": event.organisation_id,
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "case_id": event.case_id,
        "data": data_json,
    }
    with connections[alias].cursor() as cursor:
        cursor.execute(_INSERT_SQL, params)
        row = cursor.fetchone()
    if row is None:
        raise _no_chain(event.organisation_id)
    event.id, event.occurred_at = row
    event._state.adding = False
    event._state.db = alias


def _insert_portably(event: AuditEvent, alias: str) -> None:
    """Any other database (SQLite for the demo), through the ORM."""
    if not AuditHead.objects.using(alias).filter(organisation_id=event.organisation_id).exists():
        raise _no_chain(event.organisation_id)
    event.occurred_at = timezone.now()
    event.save(using=alias, force_insert=True)


def _no_chain(organisation_id: int) -> AuditHead.DoesNotExist:
    return AuditHead.DoesNotExist(
        f"organisation {organisation_id} has no audit chain: "
        "start_chain() must be called when the organisation is created"
    )


@dataclass(frozen=True)
class _SealAfterCommit:
    """The on-commit callback that seals an organisation's pending events."""

    organisation_id: int
    alias: str

    def __call__(self) -> None:
        # The caller's transaction has committed by now, and a failure to seal must not undo
        # what it did: the events wait, and the next writer or `redress audit seal` seals them.
        try:
            seal_pending(self.organisation_id, using=self.alias)
        except Exception:
            logger.exception(
                "could not seal the audit events of organisation %s; they wait for the next "
                "writer or `redress audit seal`",
                self.organisation_id,
            )


def _seal_after_commit(organisation_id: int, alias: str) -> None:
    """Seal the organisation's pending events once the current transaction commits (at once
    without one), registering that only once per transaction and organisation."""
    connection = connections[alias]
    # Django drops a callback with the savepoint it was registered in, so a callback found here
    # will run if this event is committed. Index 1 is the callback in every Django since 3.2.
    if any(
        entry[1] == _SealAfterCommit(organisation_id, alias) for entry in connection.run_on_commit
    ):
        return
    transaction.on_commit(_SealAfterCommit(organisation_id, alias), using=alias)


def seal_pending(organisation_id: int, *, using: str | None = None) -> int:
    """Seal the organisation's committed, unsealed events into its chain; how many this call
    sealed (0 when another sealer is at work: it will seal them).

    In a loop, each turn one transaction: lock the organisation's head, skipping it if another
    sealer holds it (then return); read up to `SEAL_BATCH` unsealed events in the order they
    were written (by id), number them on from the head's seq, hash each over the previous hash
    and its canonical content (`redress.audit.chain`), write them and move the head; commit.
    After each commit, look again for unsealed events and go round again until there are none.

    Why every committed event is sealed although a writer whose attempt is skipped just returns:
    a writer calls this after its commit, so if its attempt to lock the head is skipped, the
    holder of the lock releases it after the writer's commit, and the holder looks again after
    its release. That look sees the writer's event (or its sealed form), and the holder seals it
    or is itself skipped by a later holder, who owes the same look.

    One sealer at a time (the head's row lock; on SQLite the database's single writer) means
    the chain never forks; the unique (organisation, seq) constraint would refuse a fork anyway.

    Called on commit by `record_event`, by `redress audit seal` and before `redress audit
    verify`. Inside a caller's transaction the head stays locked until that transaction ends.
    """
    alias = using or router.db_for_write(AuditEvent)
    sealed = 0
    while True:
        with transaction.atomic(using=alias):
            head = _lock_head(organisation_id, alias)
            if head is None:
                return sealed  # another sealer holds the head (or there is no chain)
            rows = selectors.unsealed_rows(organisation_id, limit=SEAL_BATCH, using=alias)
            if rows:
                _seal(organisation_id, head, rows, alias)
            else:
                # Nothing to seal: roll back, so the head's row lock does not cost a WAL flush.
                transaction.set_rollback(True, using=alias)
        sealed += len(rows)
        if not selectors.has_unsealed(organisation_id, using=alias):
            return sealed


def _lock_head(organisation_id: int, alias: str) -> tuple[int, str] | None:
    """The head's seq and hash, locked for this transaction; None if another sealer holds it.

    `select_for_update(skip_locked=True)` in SQL: this runs after every audited commit, and
    the queryset costs several times the query's own time in Python. As with the queryset,
    a database without row locks (SQLite, whose writers are serialised anyway) locks nothing.
    """
    connection = connections[alias]
    features = connection.features
    lock = (
        connection.ops.for_update_sql(skip_locked=True)
        if features.has_select_for_update and features.has_select_for_update_skip_locked
        else ""
    )
    # The lock clause comes from Django's backend, not from input.
    sql = f"SELECT seq, hash FROM audit_audithead WHERE organisation_id = %s {lock}"  # noqa: S608
    params = [organisation_id]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return (row[0], row[1]) if row is not None else None


# One statement seals a whole batch and moves the head. `hash IS NULL` makes re-sealing
# impossible here too; the head moves only if every event was sealed.
#
# It also makes the sealing transaction's commit asynchronous (`SET LOCAL synchronous_commit =
# off`, without another round trip), so sealers, which run one at a time, do not queue behind a
# WAL flush each. That is safe because a seal is derived from committed, durable events: a crash
# can lose only seals that no durable commit followed (WAL is flushed in order), and then those
# events are unsealed again, with the same head before them and the same events after it, and
# the next sealer gives them the same seq and hashes as before.
_SEAL_SQL = """
WITH sealed AS (
    UPDATE audit_auditevent AS event
    SET seq = batch.seq, prev_hash = batch.prev_hash, hash = batch.hash
    FROM unnest(%(ids)s::bigint[], %(seqs)s::bigint[], %(prev_hashes)s::text[],
        %(hashes)s::text[]) AS batch (id, seq, prev_hash, hash)
    WHERE event.id = batch.id AND event.hash IS NULL
    RETURNING event.id
), written AS (
    SELECT count(*) AS events FROM sealed
)
UPDATE audit_audithead SET seq = %(seq)s, hash = %(hash)s
FROM written, (SELECT set_config('synchronous_commit', 'off', true)) AS asynchronous_commit
WHERE organisation_id = %(organisation_id)s AND written.events = %(count)s
RETURNING written.events
"""


def _seal(organisation_id: int, head: tuple[int, str], rows: list[UnsealedRow], alias: str) -> None:
    """Chain `rows` on from `head`, write them and move the head (under the head's lock)."""
    seq, prev = head
    ids: list[int] = []
    seqs: list[int] = []
    prev_hashes: list[str] = []
    hashes: list[str] = []
    loads = orjson.loads
    for event_id, occurred_at, actor_id, label, action, otype, oid, case_id, data in rows:
        seq += 1
        content = content_of_fields(
            seq,
            organisation_id,
            occurred_at,
            actor_id,
            label,
            action,
            otype,
            oid,
            case_id,
            loads(data),
        )
        ids.append(event_id)
        seqs.append(seq)
        prev_hashes.append(prev)
        prev = event_hash(prev, content)
        hashes.append(prev)
    connection = connections[alias]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                _SEAL_SQL,
                {
                    "ids": ids,
                    "seqs": seqs,
                    "prev_hashes": prev_hashes,
                    "hashes": hashes,
                    "seq": seq,
                    "hash": prev,
                    "organisation_id": organisation_id,
                    "count": len(rows),
                },
            )
            written = cursor.rowcount
    else:
        events = [
            AuditEvent(id=event_id, seq=seq, prev_hash=prev_hash, hash=hash_)
            for event_id, seq, prev_hash, hash_ in zip(ids, seqs, prev_hashes, hashes, strict=True)
        ]
        written = 0
        if AuditEvent.objects.using(alias).bulk_update(events, ["seq", "prev_hash", "hash"]) == len(
            rows
        ):
            heads = AuditHead.objects.using(alias).filter(organisation_id=organisation_id)
            written = heads.update(seq=seq, hash=prev)
    if written != 1:
        # Rolls the batch back with the transaction.
        raise AuditSealError(
            f"sealing {len(rows)} events of organisation {organisation_id} did not seal them "
            "all: an event was sealed or removed outside the sealer"
        )


def content_of(event: AuditEvent) -> bytes:
    """A sealed event's canonical content, from the model instance."""
    if event.seq is None:
        raise ValueError(f"audit event {event.pk} is not sealed: it has no content to hash yet")
    return canonical_content(
        seq=event.seq,
        organisation_id=event.organisation_id,
        occurred_at=event.occurred_at,
        actor_id=event.actor_id,
        actor_label=event.actor_label,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        case_id=event.case_id,
        data=event.data,
    )


def _plain(value: Any) -> Any:
    """Dates become ISO strings; anything that would not round-trip exactly is refused."""
    if isinstance(value, dict):
        plain: dict[str, Any] = {}
        for key, item in value.items():
            name = _key(key)
            if name in plain:
                raise AuditDataError(f"audit data has the key {name!r} twice")
            plain[name] = _plain(item)
        return plain
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, set | frozenset):
        return sorted((_plain(item) for item in value), key=_sort_key)
    if isinstance(value, str):
        return _text(value)
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        if not _INT_MIN <= value <= _INT_MAX:
            raise AuditDataError(f"audit data integers must fit in 64 bits, not {value}")
        return value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    raise AuditDataError(
        f"audit data cannot hold a {type(value).__name__}: "
        "give it as a string, an integer, a list or a dict"
    )


def _sort_key(item: Any) -> bytes:
    return orjson.dumps(item, option=CONTENT_OPTIONS)


def _key(key: Any) -> str:
    if isinstance(key, str):
        return _text(key)
    if isinstance(key, int | UUID) and not isinstance(key, bool):
        return str(key)
    raise AuditDataError(f"audit data keys must be strings, not {type(key).__name__}")


def _text(value: str) -> str:
    # PostgreSQL's jsonb cannot store NUL, and lone surrogates are not valid UTF-8.
    if "\x00" in value:
        raise AuditDataError("audit data text cannot contain a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise AuditDataError("audit data text must be valid Unicode") from error
    return value
