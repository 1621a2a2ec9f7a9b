"""Checking the audit log: does every organisation's chain still hash up to its head?

For each organisation, its events in seq order must be numbered 1..n without gaps, each must
name the previous event's hash (the first names `GENESIS_HASH`), each must match the hash of its
own canonical content, and the organisation's head must be the last event. The first event that
fails is reported in plain words; a chain that passes has not been changed, cut or reordered
since it was sealed.

Events committed but not yet sealed (see `redress.audit.services.seal_pending`) are not in the
chain: they are counted, not failed. Chain order is the order events were sealed in, which is
about the order their writers committed in, not the order of their `occurred_at` (a writer's
clock is read before its commit, and a long transaction commits late), so the times are covered
by the hashes but not checked for order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass, field

import orjson

from redress.audit import selectors
from redress.audit.chain import GENESIS_HASH, content_of_fields
from redress.audit.selectors import ChainRow
from redress.people.models import Organisation


@dataclass(frozen=True)
class ChainFailure:
    """The first event (or head) of a chain that does not verify, and why, in plain words."""

    organisation: str
    seq: int | None
    event_id: int | None
    reason: str

    def __str__(self) -> str:
        return f"the audit log of {self.organisation} does not verify: {self.reason}"


@dataclass(frozen=True)
class ChainSummary:
    """One organisation's verified chain: how many events, the head hash to publish, and how
    many committed events were waiting to be sealed when it was checked."""

    organisation: str
    events: int
    head_hash: str
    unsealed: int = 0


@dataclass
class VerificationResult:
    """What `verify_audit_log` found: the chains it checked, and the first failure if any."""

    chains: list[ChainSummary] = field(default_factory=list)
    failure: ChainFailure | None = None

    @property
    def ok(self) -> bool:
        return self.failure is None

    @property
    def events_checked(self) -> int:
        return sum(chain.events for chain in self.chains)

    @property
    def unsealed(self) -> int:
        return sum(chain.unsealed for chain in self.chains)

    @property
    def head_hashes(self) -> dict[str, str]:
        return {chain.organisation: chain.head_hash for chain in self.chains}


def verify_audit_log(*, organisation: str | None = None) -> VerificationResult:
    """Verify every organisation's chain, or only the one with slug `organisation`.

    Stops at the first failure. Raises Organisation.DoesNotExist for an unknown slug.
    """
    organisations = Organisation.objects.order_by("slug")
    if organisation is not None:
        organisations = organisations.filter(pk=Organisation.objects.get(slug=organisation).pk)
    result = VerificationResult()
    for organisation_id, slug in organisations.values_list("pk", "slug"):
        summary, failure = verify_chain(organisation_id, slug)
        result.chains.append(summary)
        if failure is not None:
            result.failure = failure
            break
    return result


@dataclass
class _Position:
    """Where the walk along a chain has got to: the last event that verified."""

    seq: int = 0
    hash: str = GENESIS_HASH
    event_id: int | None = None


def verify_chain(organisation_id: int, slug: str) -> tuple[ChainSummary, ChainFailure | None]:
    """Walk one organisation's sealed chain; the summary counts the events that verified."""
    position = _Position()
    while True:
        seq_before = position.seq
        with closing(selectors.chain_rows(organisation_id, after_seq=seq_before)) as batches:
            bad = _walk(batches, organisation_id, position)
        if bad is not None:
            return _summary(slug, position, organisation_id), ChainFailure(slug, *bad)
        # The head is read after the events, so it can only be at or past the last event read.
        # Past it means events appended meanwhile (walk on to them) or events cut off the end.
        head = selectors.chain_head(organisation_id)
        if head is not None and head[0] > position.seq and position.seq > seq_before:
            continue
        reason = _head_reason(head, position)
        failure = None
        if reason is not None:
            failure = ChainFailure(slug, position.seq or None, position.event_id, reason)
        return _summary(slug, position, organisation_id), failure


def _summary(slug: str, position: _Position, organisation_id: int) -> ChainSummary:
    return ChainSummary(
        organisation=slug,
        events=position.seq,
        head_hash=position.hash,
        unsealed=selectors.unsealed_count(organisation_id),
    )


_Bad = tuple[int, int | None, str]


def _walk(
    batches: Iterable[list[ChainRow]], organisation_id: int, position: _Position
) -> _Bad | None:
    """Check rows in order from `position`, moving it on: the first bad row's seq, id and why.

    This loop runs once per event, so it keeps everything in local variables.
    """
    loads, content, sha256 = orjson.loads, content_of_fields, hashlib.sha256
    expected_seq = position.seq + 1
    prev = position.hash
    event_id = position.event_id
    try:
        for batch in batches:
            for (
                event_id,
                seq,
                occurred_at,
                actor_id,
                actor_label,
                action,
                object_type,
                object_id,
                case_id,
                data,
                prev_hash,
                stored_hash,
            ) in batch:
                if seq != expected_seq:
                    return seq, event_id, _gap_reason(expected_seq, seq, event_id)
                if prev_hash != prev:
                    return seq, event_id, _link_reason(seq, event_id)
                digest = sha256(
                    prev_hash.encode("ascii")
                    + content(
                        seq,
                        organisation_id,
                        occurred_at,
                        actor_id,
                        actor_label,
                        action,
                        object_type,
                        object_id,
                        case_id,
                        loads(data),
                    )
                ).hexdigest()
                if digest != stored_hash:
                    return seq, event_id, _changed_reason(seq, event_id)
                prev = stored_hash
                position.seq, position.hash, position.event_id = seq, prev, event_id
                expected_seq += 1
    except (orjson.JSONDecodeError, UnicodeEncodeError):
        # Data that is not JSON, or a hash that is not ASCII, was not written by Redress.
        return expected_seq, event_id, _changed_reason(expected_seq, event_id)
    return None


def _link_reason(seq: int, event_id: int) -> str:
    if seq == 1:
        return (
            f"event #1 (id {event_id}) does not start the chain: the previous hash it names is "
            "not the genesis hash"
        )
    return (
        f"event #{seq} (id {event_id}) does not follow event #{seq - 1}: the previous hash it "
        f"names is not the hash of #{seq - 1}, so #{seq - 1} was replaced"
    )


def _gap_reason(expected_seq: int, seq: int, event_id: int) -> str:
    if seq > expected_seq:
        missing = (
            f"event #{expected_seq} is missing"
            if seq == expected_seq + 1
            else f"events #{expected_seq} to #{seq - 1} are missing"
        )
        return (
            f"event #{seq} (id {event_id}) comes after event #{expected_seq - 1}: {missing}, "
            "so events were deleted"
        )
    return f"event #{seq} (id {event_id}) is out of sequence: #{expected_seq} was expected"


def _changed_reason(seq: int, event_id: int | None) -> str:
    return (
        f"event #{seq} (id {event_id}) does not match its hash: it was changed after it was written"
    )


def _head_reason(head: tuple[int, str] | None, position: _Position) -> str | None:
    last = f"event #{position.seq} (id {position.event_id})"
    if head is None:
        if position.seq == 0:
            return None
        return f"the chain has {position.seq} events but no head: the head was deleted"
    head_seq, head_hash = head
    if head_seq > position.seq:
        return (
            f"the head says the chain ends at event #{head_seq} but the last event is "
            f"{last}: events at the end were deleted"
            if position.seq
            else f"the head says the chain ends at event #{head_seq} but it has no events: "
            "they were deleted"
        )
    if head_seq < position.seq:
        return (
            f"the head says the chain ends at event #{head_seq} but {last} follows it: "
            "the head was changed"
        )
    if head_hash != position.hash:
        if position.seq == 0:
            return "the chain has no events but its head is not the genesis hash: it was changed"
        return f"the head's hash is not the hash of {last}, the last event: the head was changed"
    return None
