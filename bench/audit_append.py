"""Audit appends per second with 4 concurrent writers (target: at least 2,000 events/s).

Four writer processes, each with its own database connection, call
`redress.audit.services.record_event` in a transaction of its own, one event per transaction,
for a fixed time. Each append is timed from its start until its transaction has committed and
its seal attempt (`seal_pending`, on commit) has returned. A watcher process polls the chain
every `WATCH_INTERVAL` for newly sealed events, so each event's sealing lag (from its commit to
the watcher seeing it sealed, an overestimate by up to one poll) and the moment the chain was
fully sealed after the writers stopped are known. Afterwards the chain is verified: it must hold
every event appended, each exactly once, sealed, with no fork. Beside it, with the same four
writers doing the same Python work per event:

- `plain_insert`: an INSERT into a table of the audit table's shape and indexes with no chain
  (no head lock, no hash of the previous event): the ceiling for an append-only table here;
- `chained_4_organisations`: `record_event`, each writer on its own organisation's chain, so
  each writer seals its own events;
- `chained_1_writer`: `record_event` from one writer alone (no contention at all);
- `record_event_synchronous_commit_off`, `plain_insert_synchronous_commit_off`: the first two
  with commits that do not wait for the disk, to tell the chain's cost from the disk's.

The disk's rate of flushes is measured before and after: every append waits for its own commit's
flush, and every seal for one more.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import threading
import time
from array import array
from typing import Any

import orjson
from django.db import connection, transaction

from bench.harness import BenchError, Databases, fresh_database, percentile, write_result

WRITERS = 4
SECONDS = float(os.environ.get("BENCH_APPEND_SECONDS", "15"))
TARGET_PER_SECOND = 2_000
WARM_UP = 20  # events each writer appends, untimed, before the clock starts
WATCH_INTERVAL = 0.002  # seconds between the watcher's looks for newly sealed events
SEALED_WITHIN = 120  # seconds after the writers stop by which the chain must be fully sealed

# name: (what each writer calls, which organisations the writers append to, synchronous_commit)
VARIANTS = {
    "record_event": ("record_event", "shared", True),
    "plain_insert": ("plain_insert", "shared", True),
    "chained_4_organisations": ("record_event", "apart", True),
    "chained_1_writer": ("record_event", "alone", True),
    "record_event_synchronous_commit_off": ("record_event", "shared", False),
    "plain_insert_synchronous_commit_off": ("plain_insert", "shared", False),
}


def run(databases: Databases) -> None:
    fresh_database(databases)
    from redress.people.models import User
    from redress.people.services import create_organisation

    organisations = [
        create_organisation(name=f"Bench Union {number}", slug=f"bench-union-{number}")
        for number in range(WRITERS)
    ]
    officers = [
        User.objects.create_user(username=f"officer{number}", organisation=organisation)
        for number, organisation in enumerate(organisations)
    ]
    with connection.cursor() as cursor:
        # The audit table's columns, defaults and indexes, without its chain or triggers.
        cursor.execute(
            "CREATE TABLE bench_plain_event (LIKE audit_auditevent INCLUDING ALL);"
            "CREATE SEQUENCE bench_plain_seq;"
        )
    shared = [(organisations[0].pk, officers[0].pk)] * WRITERS
    apart = [
        (organisation.pk, officer.pk)
        for organisation, officer in zip(organisations, officers, strict=True)
    ]
    flushes_before = _flushes_per_second()
    writers_of = {"shared": shared, "apart": apart, "alone": shared[:1]}
    variants = {
        name: _measure(kind, writers_of[shape], synchronous_commit=synchronous)
        for name, (kind, shape, synchronous) in VARIANTS.items()
    }

    from redress.audit.verify import verify_audit_log

    started = time.perf_counter()
    verified = verify_audit_log()
    verify_seconds = time.perf_counter() - started
    if not verified.ok:
        raise BenchError(f"the chain does not verify after the run: {verified.failure}")
    appended: dict[int, int] = {}
    for name, figures_of_variant in variants.items():
        by_organisation = figures_of_variant.pop("_by_organisation")
        if VARIANTS[name][0] == "record_event":
            for organisation_id, count in by_organisation.items():
                appended[organisation_id] = appended.get(organisation_id, 0) + count
    for organisation in organisations:
        chain = next(c for c in verified.chains if c.organisation == organisation.slug)
        expected = 1 + appended.get(organisation.pk, 0)  # and the organisation.created event
        if chain.events != expected:
            raise BenchError(
                f"{organisation.slug}: {chain.events} events verified, {expected} appended"
            )

    if verified.unsealed:
        raise BenchError(f"{verified.unsealed} events are still unsealed after the run")
    main = variants["record_event"]
    ceiling = variants["plain_insert"]
    unflushed = variants["record_event_synchronous_commit_off"]
    figures: dict[str, Any] = {
        "writers": WRITERS,
        "seconds_each": SECONDS,
        "target_events_per_second": TARGET_PER_SECOND,
        "disk_flushes_per_second": {"before": flushes_before, "after": _flushes_per_second()},
        "chain_verified": {
            "events": verified.events_checked,
            "forks": 0,
            "seconds": round(verify_seconds, 2),
        },
        **variants,
    }
    within = "meets" if main["events_per_second"] >= TARGET_PER_SECOND else "BELOW"
    write_result(
        "audit_append",
        figures,
        summary=(
            f"{main['events_per_second']:,} events/s appended by {WRITERS} writers to one chain "
            f"({within} the {TARGET_PER_SECOND:,}/s target; p50 {main['latency_ms']['p50']} ms, "
            f"p95 {main['latency_ms']['p95']} ms); sealed p50 {main['seal_lag_ms']['p50']} ms, "
            f"p95 {main['seal_lag_ms']['p95']} ms after commit, fully "
            f"{main['seal_lag_ms']['last_commit_to_fully_sealed']} ms after the last; plain INSERT "
            "ceiling "
            f"{ceiling['events_per_second']:,}/s; with synchronous_commit off "
            f"{unflushed['events_per_second']:,}/s; {verified.events_checked:,} events verified, "
            f"no fork"
        ),
    )


def _settle() -> None:
    """Write dirty buffers out before a run, so that no run pays for the one before it (or for
    the copy of the template database) in the middle of its measurement."""
    from django.db import DatabaseError

    try:
        with connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")
    except DatabaseError:
        pass  # CHECKPOINT needs a superuser or pg_checkpoint; the figures are noisier without
    os.sync()
    time.sleep(1)


def _flushes_per_second() -> int:
    """How many 8 kB write-and-fdatasync rounds the temporary folder's disk does in a second,
    written as PostgreSQL writes its WAL: onward through a preallocated 16 MB file.

    An append holds its chain's head lock until its commit is on disk, so one chain takes at
    most about this many appends a second when every commit waits for the disk.
    """
    segment = 16 << 20
    with tempfile.NamedTemporaryFile(dir="/var/tmp") as file:
        descriptor = file.fileno()
        os.write(descriptor, bytes(segment))
        os.fsync(descriptor)
        block = b"\x01" * 8192
        rounds = 0
        started = time.perf_counter()
        while time.perf_counter() - started < 2:
            os.pwrite(descriptor, block, (rounds * len(block)) % segment)
            os.fdatasync(descriptor)
            rounds += 1
        return round(rounds / (time.perf_counter() - started))


def _measure(
    kind: str, writers: list[tuple[int, int]], *, synchronous_commit: bool
) -> dict[str, Any]:
    """Run one writer process per (organisation, actor) for SECONDS; their combined figures."""
    import multiprocessing

    _settle()
    context = multiprocessing.get_context("spawn")
    chained = kind == "record_event"
    ready = context.Barrier(len(writers) + 1 + chained)
    results = context.Queue()
    processes = [
        context.Process(
            target=_writer,
            args=(kind, synchronous_commit, organisation_id, actor_id, number, ready, results),
        )
        for number, (organisation_id, actor_id) in enumerate(writers)
    ]
    if chained:
        writers_stopped = context.Event()
        watched = context.Queue()
        organisation_ids = sorted({organisation_id for organisation_id, _ in writers})
        watcher = context.Process(
            target=_watcher, args=(organisation_ids, ready, writers_stopped, watched)
        )
        watcher.start()
    for process in processes:
        process.start()
    # Every writer connected and warmed up; or one failed first, and says why on the queue.
    with contextlib.suppress(threading.BrokenBarrierError):
        ready.wait(timeout=120)
    outcomes = [results.get(timeout=SECONDS + 120) for _ in processes]
    for process in processes:
        process.join()
    if chained:
        writers_stopped.set()
        seen = watched.get(timeout=SEALED_WITHIN + 60)
        watcher.join()
    failures = [outcome for outcome in outcomes if isinstance(outcome, str)]
    if failures:
        raise BenchError(f"a {kind} writer failed:\n{failures[0]}")
    if chained and isinstance(seen, str):
        raise BenchError(f"the seal watcher failed:\n{seen}")
    latencies = array("d")
    by_organisation: dict[int, int] = {}
    commits: dict[int, float] = {}
    for organisation_id, _, _, timings, ids, committed in outcomes:
        latencies.frombytes(timings)
        appended = WARM_UP + len(timings) // latencies.itemsize
        by_organisation[organisation_id] = by_organisation.get(organisation_id, 0) + appended
        commits.update(zip(array("q", ids), array("d", committed), strict=True))
    began = min(outcome[1] for outcome in outcomes)
    ended = max(outcome[2] for outcome in outcomes)
    ordered = sorted(latencies)
    figures: dict[str, Any] = {
        "writers": len(writers),
        "synchronous_commit": synchronous_commit,
        "events": len(ordered),
        "events_per_second": round(len(ordered) / (ended - began)),
        "latency_ms": {
            "p50": round(percentile(ordered, 0.50) * 1000, 2),
            "p95": round(percentile(ordered, 0.95) * 1000, 2),
            "p99": round(percentile(ordered, 0.99) * 1000, 2),
            "max": round(ordered[-1] * 1000, 2),
            "mean": round(sum(ordered) / len(ordered) * 1000, 2),
        },
        "_by_organisation": by_organisation,
    }
    if chained:
        figures["seal_lag_ms"] = _seal_lags(commits, seen, writers_stopped_at=ended)
    return figures


def _seal_lags(
    commits: dict[int, float], seen: dict[int, float], *, writers_stopped_at: float
) -> dict[str, Any]:
    """From each timed event's commit to the watcher seeing it sealed; and from the last commit
    (and from the moment the writers stopped) to the chain being fully sealed."""
    missing = commits.keys() - seen.keys()
    if missing:
        raise BenchError(f"{len(missing)} committed events were never seen sealed")
    lags = sorted(seen[event_id] - committed for event_id, committed in commits.items())
    fully_sealed = max(seen.values())
    return {
        "events": len(lags),
        "watch_interval_ms": WATCH_INTERVAL * 1000,
        "p50": round(percentile(lags, 0.50) * 1000, 2),
        "p95": round(percentile(lags, 0.95) * 1000, 2),
        "p99": round(percentile(lags, 0.99) * 1000, 2),
        "max": round(lags[-1] * 1000, 2),
        "last_commit_to_fully_sealed": round((fully_sealed - max(commits.values())) * 1000, 2),
        "writers_stopped_to_fully_sealed": round(
            max(0.0, fully_sealed - writers_stopped_at) * 1000, 2
        ),
    }


def _watcher(organisation_ids: list[int], ready: Any, writers_stopped: Any, out: Any) -> None:
    """Poll the chains for newly sealed events and note when each was first seen sealed, until
    the writers have stopped and nothing is left unsealed; put {event id: time seen} on `out`."""
    try:
        import django

        django.setup()
        from redress.audit.selectors import has_unsealed

        seen: dict[int, float] = {}
        last_seq = dict.fromkeys(organisation_ids, 0)
        clock = time.monotonic
        ready.wait(timeout=120)
        give_up = float("inf")
        with connection.cursor() as cursor:
            while True:
                stopped = writers_stopped.is_set()
                for organisation_id in organisation_ids:
                    cursor.execute(
                        "SELECT id, seq FROM audit_auditevent "
                        "WHERE organisation_id = %s AND seq > %s ORDER BY seq",
                        [organisation_id, last_seq[organisation_id]],
                    )
                    rows = cursor.fetchall()
                    now = clock()
                    for event_id, _ in rows:
                        seen[event_id] = now
                    if rows:
                        last_seq[organisation_id] = rows[-1][1]
                if stopped:
                    if not any(has_unsealed(o) for o in organisation_ids):
                        break
                    give_up = min(give_up, clock() + SEALED_WITHIN)
                    if clock() > give_up:
                        raise BenchError(
                            f"events still unsealed {SEALED_WITHIN} s after the writers stopped"
                        )
                time.sleep(WATCH_INTERVAL)
        out.put(seen)
    except BaseException:  # reported to the parent, which fails the benchmark
        import traceback

        ready.abort()
        out.put(traceback.format_exc())
        raise
    finally:
        connection.close()


def _writer(
    kind: str,
    synchronous_commit: bool,
    organisation_id: int,
    actor_id: int,
    number: int,
    ready: Any,
    results: Any,
) -> None:
    """One writer process: append events one transaction each until the time is up."""
    try:
        import django

        django.setup()
        from redress.audit.services import record_event
        from redress.people.models import User

        actor = User.objects.get(pk=actor_id)
        if not synchronous_commit:
            # Commits stop waiting for the WAL to reach the disk: what the chain costs when a
            # disk flush is not on every append's path (a crash may lose the last moments).
            with connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit = off")
        append = _append_chained if kind == "record_event" else _append_plain
        ids, committed = array("q"), array("d")
        for warm_up in range(WARM_UP):
            append(record_event, organisation_id, actor, number, -warm_up, None, None)
        ready.wait(timeout=120)
        timings = array("d")
        # Monotonic, the same clock in every process, so commits compare with the watcher's.
        clock = time.monotonic
        began = clock()
        deadline = began + SECONDS
        sequence = 0
        while (start := clock()) < deadline:
            sequence += 1
            append(record_event, organisation_id, actor, number, sequence, ids, committed)
            timings.append(clock() - start)
        results.put(
            (
                organisation_id,
                began,
                clock(),
                timings.tobytes(),
                ids.tobytes(),
                committed.tobytes(),
            )
        )
    except BaseException:  # reported to the parent, which fails the benchmark
        import traceback

        ready.abort()  # so that nobody waits for this writer to be ready
        results.put(traceback.format_exc())
        raise
    finally:
        connection.close()


def _event_data(writer: int, sequence: int) -> dict[str, Any]:
    """What a staff read of a case records: which case and which part of it."""
    return {
        "case_reference": f"BU-{(writer * 7919 + sequence) % 40_000:06d}",
        "tab": ("summary", "evidence", "timeline")[sequence % 3],
        "writer": writer,
    }


def _append_chained(
    record_event: Any,
    organisation_id: int,
    actor: Any,
    writer: int,
    n: int,
    ids: array[int] | None,
    committed: array[float] | None,
) -> None:
    with transaction.atomic():
        if committed is not None:
            # Registered before record_event's own callback, so it runs first: the moment the
            # commit returned, before the seal attempt.
            transaction.on_commit(lambda: committed.append(time.monotonic()))
        event = record_event(
            organisation=organisation_id,
            actor=actor,
            action="case.viewed",
            case_id=1 + (writer * 7919 + n) % 40_000,
            data=_event_data(writer, n),
        )
    if ids is not None:
        ids.append(event.pk)


_PLAIN_INSERT_SQL = """
INSERT INTO bench_plain_event (
    organisation_id, seq, occurred_at, actor_id, actor_label, action, object_type, object_id,
    case_id, data, prev_hash, hash
) VALUES (
    %s, nextval('bench_plain_seq'), clock_timestamp(), %s, %s, %s, '', '', %s, %s::jsonb, '', %s
)
"""


def _append_plain(
    _: Any, organisation_id: int, actor: Any, writer: int, n: int, *unused: Any
) -> None:
    # The same serialising and hashing per event as record_event, without the chain.
    case_id = 1 + (writer * 7919 + n) % 40_000
    data = orjson.dumps(_event_data(writer, n))
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            _PLAIN_INSERT_SQL,
            [
                organisation_id,
                actor.pk,
                actor.username,
                "case.viewed",
                case_id,
                data.decode(),
                digest,
            ],
        )
