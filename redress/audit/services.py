"""Writing to the audit log. Every service that changes state calls `record_event` inside its
own transaction; every staff read of a case calls it too."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from uuid import UUID

import orjson
from django.db import connections, models, router, transaction
from django.utils import timezone

from redress.audit.chain import (
    CONTENT_OPTIONS,
    GENESIS_HASH,
    canonical_content,
    content_after_time,
    event_hash,
)
from redress.audit.models import AuditEvent, AuditHead
from redress.people.models import Organisation, User

SYSTEM_LABEL = "system"
# Integers beyond 64 bits do not survive every JSON reader a verifier might use.
_INT_MIN, _INT_MAX = -(2**63), 2**63 - 1


class AuditDataError(TypeError):
    """Audit data must be plain JSON that survives a database round trip unchanged."""


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
    """Append one event to the organisation's chain.

    The head row is locked for the rest of the caller's transaction, so concurrent writers queue
    behind each other and the chain never forks. Call it as late in a transaction as is natural,
    to keep that lock short. On PostgreSQL the event's time is the database's clock when the lock
    was taken, so events in chain order are also in time order.
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
        tail = content_after_time(
            actor_id=event.actor_id,
            actor_label=event.actor_label,
            action=event.action,
            object_type=event.object_type,
            object_id=event.object_id,
            case_id=event.case_id,
            data=event.data,
        )
    except orjson.JSONEncodeError as error:
        raise AuditDataError(f"audit data cannot be written as JSON: {error}") from error
    alias = router.db_for_write(AuditEvent)
    if connections[alias].vendor == "postgresql":
        _append_on_postgresql(event, tail, alias)
    else:
        _append_portably(event, alias)
    return event


# One statement takes the head's row lock, reads the clock, hashes, inserts and moves the head,
# so the lock is held only for that statement and the commit: no round trips to Python under it.
# The hash input is `canonical_content` assembled by the database from its first three fields
# and the rest prepared by `content_after_time`.
_APPEND_SQL = """
WITH head AS (
    SELECT seq, hash FROM audit_audithead WHERE organisation_id = %(organisation_id)s FOR UPDATE
), next AS (
    SELECT head.seq + 1 AS seq, head.hash AS prev_hash, clock_timestamp() AS occurred_at
    FROM head
), hashed AS (
    SELECT next.seq, next.prev_hash, next.occurred_at, encode(sha256(
        convert_to(
            next.prev_hash || '[' || next.seq::text || ',' || %(organisation_id)s::bigint::text
            || ',"'
            || to_char(next.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
            || '",',
            'UTF8'
        ) || %(tail)s::bytea
    ), 'hex') AS hash
    FROM next
), inserted AS (
    INSERT INTO audit_auditevent (
        organisation_id, seq, occurred_at, actor_id, actor_label, action, object_type,
        object_id, case_id, data, prev_hash, hash
    )
    SELECT %(organisation_id)s, seq, occurred_at, %(actor_id)s, %(actor_label)s, %(action)s,
        %(object_type)s, %(object_id)s, %(case_id)s, %(data)s::jsonb, prev_hash, hash
    FROM hashed
    RETURNING id, seq, occurred_at, prev_hash, hash
)
UPDATE audit_audithead SET seq = inserted.seq, hash = inserted.hash
FROM inserted
WHERE audit_audithead.organisation_id = %(organisation_id)s
RETURNING inserted.id, inserted.seq, inserted.occurred_at, inserted.prev_hash, inserted.hash
"""


def _append_on_postgresql(event: AuditEvent, tail: bytes, alias: str) -> None:
    params = {
        "organisation_id": event.organisation_id,
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "case_id": event.case_id,
        "data": orjson.dumps(event.data).decode(),
        "tail": tail,
    }
    with connections[alias].cursor() as cursor:
        cursor.execute(_APPEND_SQL, params)
        row = cursor.fetchone()
    if row is None:
        raise AuditHead.DoesNotExist(
            f"organisation {event.organisation_id} has no audit chain: "
            "start_chain() must be called when the organisation is created"
        )
    event.id, event.seq, event.occurred_at, event.prev_hash, event.hash = row
    event._state.adding = False
    event._state.db = alias


def _append_portably(event: AuditEvent, alias: str) -> None:
    """Any other database (SQLite for the demo): lock, read, hash and write from Python."""
    with transaction.atomic(using=alias):
        head = (
            AuditHead.objects.using(alias)
            .select_for_update()
            .get(organisation_id=event.organisation_id)
        )
        event.seq = head.seq + 1
        event.occurred_at = timezone.now()
        event.prev_hash = head.hash
        event.hash = event_hash(head.hash, content_of(event))
        event.save(using=alias, force_insert=True)
        AuditHead.objects.using(alias).filter(organisation_id=event.organisation_id).update(
            seq=event.seq, hash=event.hash
        )


def content_of(event: AuditEvent) -> bytes:
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
