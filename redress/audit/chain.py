"""The canonical content of an audit event and its hash. Pure functions, no database.

An event's content is the compact JSON array

    [seq, organisation_id, occurred_at, actor_id, actor_label, action, object_type, object_id,
     case_id, data]

with the keys of every object in `data` sorted and `occurred_at` written as UTC with
microseconds (`2026-01-31T09:30:00.000000Z`). Its hash is the hex SHA-256 of the previous
event's hex hash (ASCII) followed by the content bytes; the first event follows `GENESIS_HASH`.
Anyone can re-check a chain from a database dump with these two rules.

`seq`, and so the hash, is given when the event is sealed, after its writer's transaction has
committed (see `redress.audit.services.seal_pending`); the rest is what the writer stored.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

import orjson

GENESIS_HASH = "0" * 64
CONTENT_OPTIONS = orjson.OPT_SORT_KEYS


def utc_iso(moment: datetime) -> str:
    """A fixed text form of an aware datetime: UTC, with microseconds."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_content(
    *,
    seq: int,
    organisation_id: int,
    occurred_at: datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    case_id: int | None,
    data: Any,
) -> bytes:
    """The bytes an event's hash covers besides the previous hash."""
    return content_of_fields(
        seq,
        organisation_id,
        utc_iso(occurred_at),
        actor_id,
        actor_label,
        action,
        object_type,
        object_id,
        case_id,
        data,
    )


def content_of_fields(
    seq: int,
    organisation_id: int,
    occurred_at_iso: str,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    case_id: int | None,
    data: Any,
) -> bytes:
    """`canonical_content` from a stored row, with the time already in `utc_iso` form.

    Positional, because `verify` calls it once per event, a million times and more.
    """
    return orjson.dumps(
        [
            seq,
            organisation_id,
            occurred_at_iso,
            actor_id,
            actor_label,
            action,
            object_type,
            object_id,
            case_id,
            data,
        ],
        option=CONTENT_OPTIONS,
    )


def event_hash(prev_hash: str, content: bytes) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + content).hexdigest()
