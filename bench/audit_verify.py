"""How long `redress audit verify` takes over a chain of 1,000,000 events (target: under 10 s).

The chain is built here in Python with the functions of `redress.audit.chain` and copied in with
COPY: a valid chain, written in seconds rather than the minutes the service would take through
its one-event-per-transaction path (measured by `audit_append`). The verifier is then timed as
an operator runs it (the console command, start to exit) and as a library call in a clean
process, each with its peak memory. Beside it, the ceilings of its parts: streaming the same
rows without checking them, `sha256sum` over the same bytes in one stream, and PostgreSQL
hashing an equivalent content for every row itself.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
from django.db import connection, transaction

from bench.harness import (
    REDRESS,
    BenchError,
    Databases,
    fresh_database,
    in_child,
    median,
    run_timed,
    self_max_rss_mib,
    write_result,
)

EVENTS = int(os.environ.get("BENCH_VERIFY_EVENTS", "1000000"))
RUNS = 3
TARGET_SECONDS = 10.0
COPY_CHUNK = 20_000
SLUG = "bench-union"

# What a complaints office records, roughly in these proportions: reads of case data by staff
# (most of it), transitions, notes, evidence; a few by the system (deadline reminders).
ACTIONS = (
    ("case.viewed", "cases.case"),
    ("case.viewed", "cases.case"),
    ("case.viewed", "cases.case"),
    ("case.transitioned", "cases.case"),
    ("case.note_added", "cases.note"),
    ("evidence.uploaded", "cases.evidence"),
    ("case.viewed", "cases.case"),
    ("notice.served", "cases.notice"),
)
STAGES = ("received", "triage", "investigation", "panel", "decided", "appeal", "closed")


def run(databases: Databases) -> None:
    fresh_database(databases)
    from redress.people.models import User
    from redress.people.services import create_organisation

    organisation = create_organisation(name="Bench Union", slug=SLUG)
    staff = [
        User.objects.create_user(username=f"officer{number:02d}", organisation=organisation)
        for number in range(1, 21)
    ]
    staff.append(User.objects.create_user(username="siân.ní-bhriain", organisation=organisation))
    with tempfile.TemporaryDirectory(prefix="redress-bench-") as folder:
        stream = Path(folder) / "hash-input.bin"
        started = time.perf_counter()
        _load(organisation.pk, [(user.pk, user.username) for user in staff], stream)
        load_seconds = time.perf_counter() - started
        started = time.perf_counter()
        with connection.cursor() as cursor:
            # As an audit table that has been in use is: vacuumed, hint bits set, statistics.
            cursor.execute("VACUUM (ANALYZE) audit_auditevent")
        vacuum_seconds = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM audit_auditevent")
            (events,) = cursor.fetchone()
        if events != EVENTS:
            raise BenchError(f"loaded {events} events, not {EVENTS}")

        command = [REDRESS, "audit", "verify"]
        cli_runs = [run_timed(command, env=dict(os.environ)) for _ in range(RUNS)]
        for timed in cli_runs:
            if f"verified {EVENTS} events" not in timed.stdout:
                raise BenchError(f"`redress audit verify` did not verify the chain:\n{timed}")
        library_runs = [in_child(verify_in_process) for _ in range(RUNS)]
        for _, checked, ok, _ in library_runs:
            if not ok or checked != EVENTS:
                raise BenchError(f"verify_audit_log checked {checked} events, ok={ok}")
        stream_runs = [in_child(stream_rows_only) for _ in range(RUNS)]
        sha256sum_runs = [_sha256sum(stream) for _ in range(RUNS)]
        stream_bytes = stream.stat().st_size
    postgres_runs = [_postgres_digest() for _ in range(RUNS)]

    cli_seconds = median([timed.seconds for timed in cli_runs])
    figures: dict[str, Any] = {
        "events": EVENTS,
        "target_seconds": TARGET_SECONDS,
        "load_seconds": round(load_seconds, 1),
        "vacuum_seconds": round(vacuum_seconds, 1),
        "loader_max_rss_mib": round(self_max_rss_mib()),
        "runs": RUNS,
        "redress_audit_verify": {
            "what": "`redress audit verify`, process start to exit (median of runs)",
            "seconds": round(cli_seconds, 2),
            "seconds_each": [round(timed.seconds, 2) for timed in cli_runs],
            "events_per_second": round(EVENTS / cli_seconds),
            "max_rss_mib": round(max(timed.max_rss_mib for timed in cli_runs)),
        },
        "verify_audit_log": {
            "what": "verify_audit_log() called in a process with Django already set up",
            "seconds": round(median([run[0] for run in library_runs]), 2),
            "seconds_each": [round(run[0], 2) for run in library_runs],
            "max_rss_mib": round(max(run[3] for run in library_runs)),
        },
        "peers": {
            "stream_rows_only": {
                "what": "the verifier's rows read exactly as it reads them "
                "(redress.audit.selectors.chain_rows), counted, nothing checked: the floor for "
                "reading",
                "seconds": round(median(stream_runs), 2),
            },
            "sha256sum": {
                "what": f"coreutils sha256sum over the {stream_bytes:,} bytes the chain's hashes "
                "cover, as one stream: the floor for hashing",
                "seconds": round(median(sha256sum_runs), 2),
            },
            "postgresql_sha256": {
                "what": "PostgreSQL builds an equivalent content (json_build_array) and sha256 "
                "for every row in one backend",
                "seconds": round(median(postgres_runs), 2),
            },
        },
    }
    within = "within" if cli_seconds < TARGET_SECONDS else "OVER"
    write_result(
        "audit_verify",
        figures,
        summary=(
            f"`redress audit verify` of {EVENTS:,} events in {cli_seconds:.1f} s "
            f"({within} the {TARGET_SECONDS:.0f} s target), "
            f"peak RSS {figures['redress_audit_verify']['max_rss_mib']} MiB; "
            f"reading the rows alone {figures['peers']['stream_rows_only']['seconds']} s, "
            f"sha256sum {figures['peers']['sha256sum']['seconds']} s"
        ),
    )


def _load(organisation_id: int, staff: list[tuple[int, str]], stream: Path) -> None:
    """Append events after the organisation's head up to EVENTS, with COPY, and move the head."""
    from redress.audit.models import AuditHead

    head = AuditHead.objects.get(organisation_id=organisation_id)
    last = head.seq, head.hash
    rows = _chain(organisation_id, staff, head.seq, head.hash, EVENTS - head.seq)
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        stream.open("wb") as hash_input,
    ):
        # Replica mode skips the deferred foreign key check on each of the million rows; the
        # rows name the one organisation created above, so there is nothing for it to find.
        cursor.execute("SET LOCAL session_replication_role = replica")
        with cursor.copy(
            "COPY audit_auditevent (organisation_id, seq, occurred_at, actor_id, actor_label, "
            "action, object_type, object_id, case_id, data, prev_hash, hash) FROM STDIN"
        ) as copy:
            lines: list[bytes] = []
            covered: list[bytes] = []
            for line, hash_input_bytes, seq, digest in rows:
                lines.append(line)
                covered.append(hash_input_bytes)
                last = seq, digest
                if len(lines) == COPY_CHUNK:
                    copy.write(b"".join(lines))
                    hash_input.write(b"".join(covered))
                    lines.clear()
                    covered.clear()
            copy.write(b"".join(lines))
            hash_input.write(b"".join(covered))
        AuditHead.objects.filter(organisation_id=organisation_id).update(seq=last[0], hash=last[1])


def _chain(
    organisation_id: int, staff: list[tuple[int, str]], after_seq: int, prev: str, count: int
) -> Iterator[tuple[bytes, bytes, int, str]]:
    """The next `count` events of a valid chain after (`seq`, `prev`): each as a line of COPY
    text, the bytes its hash covers, its seq and its hash."""
    from redress.audit.chain import content_of_fields, utc_iso

    sha256, dumps = hashlib.sha256, orjson.dumps
    moment = datetime(2025, 1, 6, 8, 0, tzinfo=UTC)
    for seq in range(after_seq + 1, after_seq + 1 + count):
        # About a second apart, with a working day's jitter in the microseconds.
        moment += timedelta(microseconds=900_000 + (seq * 7919) % 200_000)
        action, object_type = ACTIONS[seq % len(ACTIONS)]
        case_id = 1 + (seq * 31) % 40_000
        if seq % 23 == 0:
            actor_id, actor_label = None, "system"
            action, data = "deadline.reminded", {"case": case_id, "working_days_left": seq % 10}
        else:
            actor_id, actor_label = staff[seq % len(staff)]
            data = _data(action, case_id, seq)
        object_id = str(case_id if object_type == "cases.case" else seq)
        occurred_at = utc_iso(moment)
        content = content_of_fields(
            seq,
            organisation_id,
            occurred_at,
            actor_id,
            actor_label,
            action,
            object_type,
            object_id,
            case_id,
            data,
        )
        covered = prev.encode("ascii") + content
        digest = sha256(covered).hexdigest()
        fields = [
            str(organisation_id).encode(),
            str(seq).encode(),
            occurred_at.encode(),
            b"\\N" if actor_id is None else str(actor_id).encode(),
            _copy_text(actor_label.encode()),
            action.encode(),
            object_type.encode(),
            object_id.encode(),
            str(case_id).encode(),
            _copy_text(dumps(data)),
            prev.encode(),
            digest.encode(),
        ]
        yield b"\t".join(fields) + b"\n", covered, seq, digest
        prev = digest


def _data(action: str, case_id: int, seq: int) -> dict[str, Any]:
    if action == "case.viewed":
        return {"case_reference": f"BU-{case_id:06d}", "tab": ("summary", "evidence")[seq % 2]}
    if action == "case.transitioned":
        stage = seq % (len(STAGES) - 1)
        return {
            "from": STAGES[stage],
            "to": STAGES[stage + 1],
            "reason": "The respondent has been served the allegations and replied in time.",
            "deadline": "2025-03-14",
        }
    if action == "evidence.uploaded":
        return {
            "filename": f"statement-{seq}.pdf",
            "sha256": hashlib.sha256(str(seq).encode()).hexdigest(),
            "bytes": 20_000 + seq % 500_000,
        }
    if action == "notice.served":
        return {"notice": "allegations", "to": "respondent", "by": ["email", "post"]}
    return {"note_id": seq, "visibility": "staff", "words": 40 + seq % 300}


def _copy_text(value: bytes) -> bytes:
    """COPY's text format: backslash, tab and line breaks escaped."""
    if b"\\" in value or b"\t" in value or b"\n" in value or b"\r" in value:
        value = value.replace(b"\\", b"\\\\").replace(b"\t", b"\\t")
        value = value.replace(b"\n", b"\\n").replace(b"\r", b"\\r")
    return value


def verify_in_process() -> tuple[float, int, bool, float]:
    """Run in a clean child: the library call's time, events checked, verdict and peak RSS."""
    from redress.audit.verify import verify_audit_log

    connection.ensure_connection()
    started = time.perf_counter()
    result = verify_audit_log()
    seconds = time.perf_counter() - started
    return seconds, result.events_checked, result.ok, self_max_rss_mib()


def stream_rows_only() -> float:
    """Run in a clean child: read every event as the verifier does, checking nothing."""
    from redress.audit import selectors
    from redress.people.models import Organisation

    organisation_id = Organisation.objects.get(slug=SLUG).pk
    connection.ensure_connection()
    started = time.perf_counter()
    rows = 0
    for batch in selectors.chain_rows(organisation_id):
        rows += len(batch)
    seconds = time.perf_counter() - started
    if rows != EVENTS:
        raise BenchError(f"streamed {rows} rows, not {EVENTS}")
    return seconds


def _sha256sum(path: Path) -> float:
    started = time.perf_counter()
    subprocess.run(["sha256sum", str(path)], check=True, capture_output=True)
    return time.perf_counter() - started


_POSTGRES_DIGEST_SQL = """
SELECT count(*) FROM audit_auditevent
WHERE encode(sha256(convert_to(prev_hash || json_build_array(
    seq, organisation_id,
    to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    actor_id, actor_label, action, object_type, object_id, case_id, data
)::text, 'UTF8')), 'hex') <> ''
"""


def _postgres_digest() -> float:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET max_parallel_workers_per_gather = 0")
        cursor.execute(_POSTGRES_DIGEST_SQL)
        (rows,) = cursor.fetchone()
        cursor.execute("RESET max_parallel_workers_per_gather")
    if rows != EVENTS:
        raise BenchError(f"PostgreSQL hashed {rows} rows, not {EVENTS}")
    return time.perf_counter() - started
