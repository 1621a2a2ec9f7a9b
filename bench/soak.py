"""A soak: the production server and worker under a steady mix of work for a long time.

`redress serve` (gunicorn, 4 sync workers, DEBUG off) and `redress worker` run on a free
loopback port against PostgreSQL, over an organisation made with `redress seed`. Paced clients
send, for BENCH_SOAK_SECONDS (default 600, ten minutes):

- intake: POST /api/v1/complaints, an anonymous complaint filed by a coordinator (a new case);
- case reads: GET /api/v1/cases/{id} of a case the officer is on (an audited read);
- transitions: POST /api/v1/cases/{id}/transitions closing a case at triage whose decisions were
  recorded beforehand (the close serves a notice, which the worker e-mails to a file).

Every 5 s the resident memory of the server (gunicorn's master and workers) and of the worker
is read from /proc. The run is cut into windows (a tenth of it, at least 10 s); for the first and
the last, p50 and p99 latency per kind of request and the memory are reported, with the slope
of a straight line fitted through all memory samples and all windows' p99 (no growth trend:
the slopes are near zero). Any error or 5xx fails the run. Afterwards every complaint the server
acknowledged must be in the database and the audit chain must verify.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.harness import (
    REDRESS,
    BenchError,
    Databases,
    fresh_database,
    percentile,
    run_timed,
    write_result,
)

SECONDS = float(os.environ.get("BENCH_SOAK_SECONDS", "600"))
WORKERS = int(os.environ.get("BENCH_SOAK_WORKERS", "4"))
# Requests a second of each kind: a steady load well under the server's ceiling, so that
# latency measures the server, not a queue.
RATES = {"intake": 4.0, "case_read": 10.0, "transition": 1.0}
SAMPLE_SECONDS = 5.0
SLUG = "bench-soak"
HOST = "127.0.0.1"
RESULT_NAME = os.environ.get("BENCH_SOAK_RESULT", "soak")


def run(databases: Databases) -> None:
    fresh_database(databases)
    with tempfile.TemporaryDirectory(prefix="redress-bench-soak-") as folder:
        figures = soak(Path(folder), seconds=SECONDS)
    write_result(RESULT_NAME, figures, summary=summary(figures))
    if figures["errors"]["total"]:
        raise BenchError(f"{figures['errors']['total']} requests failed; see the results file")


def soak(folder: Path, *, seconds: float) -> dict[str, Any]:
    """Seed, serve, load for `seconds`, stop, check; the figures."""
    setup = _organisation(seconds)
    port = _free_port()
    env = _env(folder)
    server = _Child(["serve", "--host", HOST, "--port", str(port), "--workers", str(WORKERS)],
                    env, folder / "serve.log")  # fmt: skip
    worker = _Child(["worker"], env, folder / "worker.log")
    load = _Load(port, setup)
    try:
        server.start()
        worker.start()
        _wait_until_serving(server, port)
        memory = _MemorySampler({"server": server, "worker": worker})
        memory.start()
        load.run_for(seconds)
        memory.stop()
    finally:
        worker.stop()
        server.stop()
    checks = _check(load, setup)
    window = max(10.0, seconds / 10)
    return {
        "seconds": seconds,
        "rates_per_second": RATES,
        "window_seconds": window,
        "server": {"command": f"redress serve --workers {WORKERS}", "debug": False},
        "organisation": {k: v for k, v in setup.items() if k in {"seeded", "ready_to_close"}},
        "requests": len(load.samples),
        "errors": load.error_figures(),
        "latency_ms": _latency_figures(load.samples, seconds, window),
        "memory_mib": memory.figures(seconds, window),
        "verified": checks,
    }


# --- The organisation --------------------------------------------------------------------------


def _organisation(seconds: float) -> dict[str, Any]:
    """`redress seed`, API tokens for a coordinator and an officer, and enough cases at triage
    with their closing decisions recorded for the transitions of the whole run."""
    from redress.api.auth import create_token
    from redress.cases import services
    from redress.cases.models import Case
    from redress.people.models import Organisation, Person, StaffRole, User

    seeded = run_timed(
        [REDRESS, "seed", "--members", "300", "--cases", "60", "--slug", SLUG,
         "--name", "Bench Soak Union", "--skip-checks"],
        env=dict(os.environ),
    )  # fmt: skip
    organisation = Organisation.objects.get(slug=SLUG)
    staff = User.objects.filter(organisation=organisation, is_active=True)
    coordinator = next(u for u in staff if u.has_role(StaffRole.COORDINATOR))
    officer = next(u for u in staff if u.has_role(StaffRole.OFFICER))
    respondent = Person.objects.filter(organisation=organisation).order_by("pk").first()
    assert respondent is not None
    needed = int(RATES["transition"] * seconds * 1.2) + 10
    ready: list[int] = []
    for number in range(needed):
        complaint = services.file_complaint(
            organisation,
            categories=["bullying"],
            summary=f"Soak case {number}: abuse in the branch group chat.",
            respondent=respondent,
            complainant=None,
            anonymous=True,
        )
        case = complaint.case
        services.assign(case, user=officer, role="officer", actor=coordinator)
        for kind, outcome in (
            ("triage", "no_further_action"),
            ("interim_measures", "not_needed"),
            ("corroboration", "cannot_be_corroborated"),
        ):
            services.record_decision(
                case, kind=kind, outcome=outcome, reasons="Reasons in full.", actor=officer
            )
        ready.append(case.pk)
    readable = list(
        Case.objects.filter(assignments__user=officer, assignments__ended_at__isnull=True)
        .values_list("pk", flat=True)
        .distinct()
    )
    return {
        "seeded": {"seconds": round(seeded.seconds, 1), "members": 300, "cases": 60},
        "ready_to_close": len(ready),
        "ready": ready,
        "readable": readable,
        "respondent_name": respondent.name,
        "coordinator_token": create_token(user=coordinator, name="soak"),
        "officer_token": create_token(user=officer, name="soak"),
    }


def _env(folder: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "REDRESS_ORGANISATION": SLUG,
        "REDRESS_VAR_DIR": str(folder / "var"),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "LOG_LEVEL": "WARNING",
    }


# --- The processes -----------------------------------------------------------------------------


@dataclass
class _Child:
    arguments: list[str]
    env: dict[str, str]
    log: Path
    child: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("wb") as log:
            self.child = subprocess.Popen(
                [REDRESS, *self.arguments],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self.env,
                start_new_session=True,
            )

    def pids(self) -> list[int]:
        """The child and every process in its group (gunicorn's workers)."""
        if self.child is None or self.child.poll() is not None:
            return []
        group = self.child.pid
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            with contextlib.suppress(OSError, ValueError, IndexError):
                stat = (entry / "stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[2]) == group:
                    found.append(int(entry.name))
        return found

    def stop(self) -> None:
        if self.child is None or self.child.poll() is not None:
            return
        os.killpg(self.child.pid, signal.SIGTERM)
        try:
            self.child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.child.pid, signal.SIGKILL)
            self.child.wait()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _wait_until_serving(server: _Child, port: int) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.child is None or server.child.poll() is not None:
            raise BenchError(f"redress serve exited at start:\n{server.log.read_text()[-2000:]}")
        with (
            contextlib.suppress(OSError, urllib.error.URLError),
            urllib.request.urlopen(f"http://{HOST}:{port}/login/", timeout=5) as answer,
        ):
            if answer.status == 200:
                return
        time.sleep(0.3)
    raise BenchError("redress serve did not answer within 120 s")


def _rss_mib(pid: int) -> float:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class _MemorySampler(threading.Thread):
    def __init__(self, children: dict[str, _Child]) -> None:
        super().__init__(daemon=True)
        self.children = children
        self.samples: list[tuple[float, dict[str, float]]] = []
        self.started = time.monotonic()
        self.stopping = threading.Event()

    def run(self) -> None:
        while True:
            at = time.monotonic() - self.started
            self.samples.append(
                (at, {name: sum(_rss_mib(pid) for pid in child.pids())
                      for name, child in self.children.items()})
            )  # fmt: skip
            if self.stopping.wait(SAMPLE_SECONDS):
                return

    def stop(self) -> None:
        self.stopping.set()
        self.join()

    def figures(self, seconds: float, window: float) -> dict[str, Any]:
        figures: dict[str, Any] = {}
        for name in self.children:
            points = [(at, rss[name]) for at, rss in self.samples]
            first = [rss for at, rss in points if at <= window]
            last = [rss for at, rss in points if at >= seconds - window]
            figures[name] = {
                "start": round(sum(first) / len(first), 1) if first else None,
                "end": round(sum(last) / len(last), 1) if last else None,
                "max": round(max(rss for _, rss in points), 1),
                "slope_mib_per_minute": round(_slope(points) * 60, 3),
            }
        return figures


# --- The load ----------------------------------------------------------------------------------


@dataclass
class _Sample:
    kind: str
    at: float
    ms: float
    status: int


@dataclass
class _Load:
    port: int
    setup: dict[str, Any]
    samples: list[_Sample] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    filed: list[int] = field(default_factory=list)
    closed: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def run_for(self, seconds: float) -> None:
        self.started = time.monotonic()
        self.until = self.started + seconds
        ready = iter(self.setup["ready"])
        readable = self.setup["readable"]
        steps: dict[str, Callable[[int], tuple[str, str, str, Any]]] = {
            "intake": lambda n: ("POST", "/complaints", "coordinator_token", {
                "categories": ["bullying"],
                "summary": f"Soak complaint {n}: abuse at the branch meeting.",
                "respondent": {"name": self.setup["respondent_name"]},
                "complainant": {"anonymous": True},
            }),
            "case_read": lambda n: ("GET", f"/cases/{readable[n % len(readable)]}",
                                    "officer_token", None),
            "transition": lambda n: ("POST", f"/cases/{next(ready)}/transitions", "officer_token",
                                     {"to": "closed", "reason": "No further action."}),
        }  # fmt: skip
        threads = [
            threading.Thread(target=self._paced, args=(kind, steps[kind], rate), daemon=True)
            for kind, rate in RATES.items()
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def _paced(self, kind: str, step: Callable[[int], Any], rate: float) -> None:
        """Send `rate` requests a second, on a fixed schedule, each from its own thread so a
        slow answer does not hold back the next (an open loop, as real users are)."""
        interval = 1 / rate
        number = 0
        in_flight: list[threading.Thread] = []
        while True:
            due = self.started + number * interval
            if due >= self.until:
                break
            time.sleep(max(0.0, due - time.monotonic()))
            thread = threading.Thread(target=self._one, args=(kind, step, number), daemon=True)
            thread.start()
            in_flight.append(thread)
            number += 1
        for thread in in_flight:
            thread.join(timeout=120)

    def _one(self, kind: str, step: Callable[[int], Any], number: int) -> None:
        try:
            method, path, token, body = step(number)
        except StopIteration:
            with self.lock:
                self.errors.append(f"{kind}: no case left to close")
            return
        request = urllib.request.Request(
            f"http://{HOST}:{self.port}/api/v1{path}",
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {self.setup[token]}",
                     "Content-Type": "application/json"},
        )  # fmt: skip
        started = time.monotonic()
        status, answer = 0, None
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 # loopback
                status, answer = response.status, json.loads(response.read())
        except urllib.error.HTTPError as refused:
            status = refused.code
        except OSError as error:
            with self.lock:
                self.errors.append(f"{kind}: {type(error).__name__}")
        ms = (time.monotonic() - started) * 1000
        with self.lock:
            self.samples.append(_Sample(kind, started - self.started, ms, status))
            if status and status not in (200, 201):
                self.errors.append(f"{kind}: HTTP {status}")
            if kind == "intake" and status == 201 and answer:
                self.filed.append(answer["case_id"])
            if kind == "transition" and status == 200 and answer:
                self.closed.append(answer["id"])

    def error_figures(self) -> dict[str, Any]:
        kinds: dict[str, int] = {}
        for error in self.errors:
            kinds[error] = kinds.get(error, 0) + 1
        return {"total": len(self.errors), "by_kind": kinds}


def _latency_figures(samples: list[_Sample], seconds: float, window: float) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for kind in [*RATES, "all"]:
        mine = [s for s in samples if kind in {"all", s.kind}]
        first = sorted(s.ms for s in mine if s.at <= window)
        last = sorted(s.ms for s in mine if s.at >= seconds - window)
        windows = []
        start = 0.0
        while start < seconds:
            inside = sorted(s.ms for s in mine if start <= s.at < start + window)
            if inside:
                windows.append((start, percentile(inside, 0.99)))
            start += window
        figures[kind] = {
            "requests": len(mine),
            "per_second": round(len(mine) / seconds, 2),
            "start": {"p50": round(percentile(first, 0.5), 1),
                      "p99": round(percentile(first, 0.99), 1)},
            "end": {"p50": round(percentile(last, 0.5), 1),
                    "p99": round(percentile(last, 0.99), 1)},
            "p99_by_window": [round(p99, 1) for _, p99 in windows],
            "p99_slope_ms_per_minute": round(_slope(windows) * 60, 3),
        }  # fmt: skip
    return figures


def _slope(points: list[tuple[float, float]]) -> float:
    """The least-squares slope of y over x: how fast a figure grows (0 for a flat one)."""
    if len(points) < 2:
        return 0.0
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    if not spread:
        return 0.0
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread


# --- Afterwards --------------------------------------------------------------------------------


def _check(load: _Load, setup: dict[str, Any]) -> dict[str, Any]:
    """Every complaint and close the server acknowledged is in the database; the chain
    verifies."""
    from django.db import connections

    from redress.cases.models import Case

    connections.close_all()
    filed = set(Case.objects.filter(pk__in=load.filed).values_list("pk", flat=True))
    closed = set(
        Case.objects.filter(pk__in=load.closed, stage="closed").values_list("pk", flat=True)
    )
    lost = (len(load.filed) - len(filed)) + (len(load.closed) - len(closed))
    verified = subprocess.run(
        [REDRESS, "audit", "verify"], capture_output=True, text=True, env=dict(os.environ)
    )
    if lost or verified.returncode:
        raise BenchError(
            f"after the soak: {lost} acknowledged writes missing; audit verify said "
            f"{verified.stderr.strip() or 'ok'}"
        )
    return {
        "complaints_acknowledged": len(load.filed),
        "complaints_stored": len(filed),
        "closes_acknowledged": len(load.closed),
        "closes_stored": len(closed),
        "audit_verify": verified.stdout.strip().splitlines()[-1] if verified.stdout else "",
    }


def summary(figures: dict[str, Any]) -> str:
    latency, memory = figures["latency_ms"]["all"], figures["memory_mib"]
    return (
        f"{figures['seconds'] / 60:.0f} min at {latency['per_second']} requests/s "
        f"(intake, case reads, transitions): p99 {latency['start']['p99']} ms at the start, "
        f"{latency['end']['p99']} ms at the end (slope {latency['p99_slope_ms_per_minute']} "
        f"ms/min); server RSS {memory['server']['start']} -> {memory['server']['end']} MiB "
        f"(slope {memory['server']['slope_mib_per_minute']} MiB/min), worker "
        f"{memory['worker']['start']} -> {memory['worker']['end']} MiB; "
        f"errors {figures['errors']['total']}; every acknowledged write stored, audit verified"
    )


if __name__ == "__main__":
    sys.exit("run it as: python -m bench soak")
