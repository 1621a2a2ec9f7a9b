"""The public report form under 50 concurrent clients: submissions a second and latency.

The real server (`redress serve`: gunicorn, DEBUG off, its own SECRET_KEY, ALLOWED_HOSTS
127.0.0.1) runs on a free loopback port against PostgreSQL, over an organisation seeded with
`redress seed` and a register of 20,000 members brought in with `redress import-people`. Fifty
clients, each with its own cookies, walk the journey for a fixed time: GET /report/ (the CSRF
cookie and token), POST a complete report as a browser sends it (multipart, no file), and read
the receipt from the response. Reports are a mix of anonymous and confidential (both get a
receipt, kept as an Argon2 hash at the production cost); they name the person reported by
membership number, by their name on the register, or by a name the register does not know.

Beside it, under the same 50 clients on the same server:

- `named_reports`: the same journey with named reports, which get no receipt, so no Argon2
  hash: the difference is what hashing the receipt costs under load;
- `login_page`: GET /login/, a page rendered with no database query: the server's ceiling;
- `argon2_in_process`: one receipt hash timed alone in this process (wall and CPU time), and
  as many processes as CPUs hashing at once (hashes a second for the machine).

Afterwards the server is stopped, and the database must hold one complaint and (for receipts)
one receipt per report the server accepted, and the audit chain must verify.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import multiprocessing
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.harness import (
    BENCH_DATABASE,
    REDRESS,
    BenchError,
    Databases,
    fresh_database,
    percentile,
    run_timed,
    write_result,
)

SECONDS = float(os.environ.get("BENCH_INTAKE_SECONDS", "30"))
CLIENTS = int(os.environ.get("BENCH_INTAKE_CLIENTS", "50"))
# Gunicorn's sync workers; 4 on 2 CPUs, so a worker waiting on PostgreSQL leaves a CPU busy.
WORKERS = int(os.environ.get("BENCH_INTAKE_WORKERS", "4"))
MEMBERS = int(os.environ.get("BENCH_INTAKE_MEMBERS", "20000"))
SEED_MEMBERS, SEED_CASES = 300, 100
# Load before the measured window, so it starts in the steady state: a journey under 50
# clients can take longer than 10 s here, queued behind other reports.
WARM_UP_SECONDS = float(os.environ.get("BENCH_INTAKE_WARM_UP_SECONDS", "20"))
SLUG = "bench-intake"
HOST = "127.0.0.1"
HASHES_ALONE = 20
HASHES_PER_PROCESS = 10

CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
RECEIPT = re.compile(r'<p class="receipt"><strong>([2-9A-Z]{4}(?:-[2-9A-Z]{4}){4})</strong>')
ACCEPTED = re.compile(r"<h1>Report received</h1>")
# Given and family names of the synthetic register (the demo's corpus has only 60 x 60).
GIVEN = (
    "Aisha", "Ben", "Catrin", "Dafydd", "Eilidh", "Fatima", "Gareth", "Hannah", "Imran",
    "Joanne", "Kwame", "Laura", "Mohammed", "Niamh", "Oluwaseun", "Priya", "Rhys", "Siân",
    "Tomasz", "Zoë", "Amara", "Bilal", "Chidi", "Deborah", "Esther", "Farah", "Grace", "Hamza",
    "Ifeoma", "Ioana", "Jasmine", "Kasia", "Leah", "Marcus", "Miriam", "Nathan", "Omar",
    "Parveen", "Rachel", "Samira", "Tariq", "Thandiwe", "Yusuf", "Zara", "Zoltan",
)  # fmt: skip
FAMILY = (
    "Ahmed", "Baker", "Campbell", "Davies", "Evans", "Ó Briain", "Green", "Hughes", "Iqbal",
    "Jones", "Kowalski", "Lewis", "MacDonald", "Nowak", "Okafor", "Patel", "Roberts", "Smith",
    "Thomas", "Williams", "Adeyemi", "Bennett", "Chaudhry", "Doherty", "Fitzgerald", "Gallagher",
    "Hussain", "Kaur", "Lindqvist", "Mensah", "Nair", "O'Connor", "Pritchard", "Quinn", "Rahman",
    "Szabo", "Thompson", "Van der Berg", "Wójcik", "Yilmaz",
)  # fmt: skip
EQUALITY = {
    "age": ("", "under_25", "25_44", "45_64", "65_plus", "prefer_not"),
    "sex": ("", "woman", "man", "non_binary", "prefer_not"),
    "ethnicity": ("", "asian", "black", "mixed", "white", "other"),
    "religion": ("", "none", "christian", "jewish", "muslim", "prefer_not"),
    "disability": ("", "yes", "no"),
}


def run(databases: Databases) -> None:
    _wait_for_other_benchmarks(databases)
    fresh_database(databases)
    argon2 = _production_argon2()
    with tempfile.TemporaryDirectory(prefix="redress-bench-intake-") as folder:
        setup = _organisation(Path(folder))
        print(f"intake: organisation ready: {setup}", file=sys.stderr)
        respondents = _respondents()
        port = _free_port()
        server = _Server(Path(folder), port)
        try:
            server.start()
            before = _counts()
            phases = asyncio.run(_drive(port, respondents))
        finally:
            stopped = server.stop()
        after = _counts()
        server_errors = server.errors()
    checks = _verify(phases, before, after, argon2)
    alone = _argon2_alone()
    figures: dict[str, Any] = {
        "clients": CLIENTS,
        "seconds_measured": SECONDS,
        "warm_up_seconds": WARM_UP_SECONDS,
        "server": {
            "command": f"redress serve --workers {WORKERS}",
            "workers": WORKERS,
            "worker_class": "sync",
            "debug": False,
            "stopped_cleanly": stopped,
            "errors_logged": server_errors,
        },
        "organisation": setup,
        "argon2": argon2,
        "report_journey": phases["report_journey"].figures(),
        "named_reports": phases["named_reports"].figures(),
        "login_page": phases["login_page"].figures(),
        "argon2_in_process": alone,
        "verified": checks,
    }
    journey = figures["report_journey"]
    named = figures["named_reports"]
    errors = sum(phase["errors"]["total"] for phase in (journey, named, figures["login_page"]))
    write_result(
        "intake",
        figures,
        summary=(
            f"{journey['submissions_per_second']} reports/s from {CLIENTS} clients "
            f"(POST p50 {journey['post_ms']['p50']} ms, p95 {journey['post_ms']['p95']} ms, "
            f"p99 {journey['post_ms']['p99']} ms; GET p50 {journey['get_ms']['p50']} ms); "
            f"named reports without a receipt {named['submissions_per_second']}/s; "
            f"GET /login/ {figures['login_page']['requests_per_second']}/s; one Argon2 hash "
            f"{alone['one_hash']['wall_ms']} ms; errors {errors}"
        ),
    )
    if errors:
        raise BenchError(f"{errors} requests failed; see bench/results/intake.json")


def _wait_for_other_benchmarks(databases: Databases) -> None:
    """Every benchmark uses `redress_bench`, and making it afresh drops it WITH (FORCE): wait
    (up to 15 minutes) while another benchmark on this server is connected to it."""
    import psycopg
    from django.db import connections

    connections.close_all()
    server = "postgresql://" + databases.server_url.split("://", 1)[1] + "postgres"
    deadline = time.monotonic() + 900
    while True:
        with psycopg.connect(server, autocommit=True) as admin:
            row = admin.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [BENCH_DATABASE]
            ).fetchone()
        if not row or not row[0]:
            return
        if time.monotonic() > deadline:
            raise BenchError(f"another benchmark has been using {BENCH_DATABASE} for 15 minutes")
        print(
            f"intake: waiting for another benchmark to finish with {BENCH_DATABASE}",
            file=sys.stderr,
        )
        time.sleep(10)


# --- The organisation --------------------------------------------------------------------------


def _organisation(folder: Path) -> dict[str, Any]:
    """`redress seed` (staff, rulebook, units, cases with their history), then a register of
    MEMBERS members imported beside the seed's own, as an organisation's register would be."""
    seeded = run_timed(
        [
            *(REDRESS, "seed", "--members", str(SEED_MEMBERS), "--cases", str(SEED_CASES)),
            *("--slug", SLUG, "--name", "Bench Intake Union", "--skip-checks"),
        ],
        env=dict(os.environ),
    )
    register = folder / "register.csv"
    _write_register(register)
    imported = run_timed(
        [
            *(REDRESS, "import-people", str(register), "--organisation", SLUG),
            *("--create-units", "--skip-checks"),
        ],
        env=dict(os.environ),
    )
    from redress.cases.models import Complaint
    from redress.people.models import Person

    return {
        "how": f"redress seed --members {SEED_MEMBERS} --cases {SEED_CASES}, then "
        f"redress import-people of {MEMBERS:,} more members",
        "people_on_register": Person.objects.filter(organisation__slug=SLUG).count(),
        "complaints_before": Complaint.objects.filter(organisation__slug=SLUG).count(),
        "seed_seconds": round(seeded.seconds, 1),
        "import_seconds": round(imported.seconds, 1),
    }


def _write_register(path: Path) -> None:
    rng = random.Random(3)
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(
            ["membership_number", "name", "aliases", "email", "phone", "unit", "public_role"]
        )
        for number in range(1, MEMBERS + 1):
            first, last = rng.choice(GIVEN), rng.choice(FAMILY)
            local = f"{first}.{last}".lower().replace(" ", "").replace("'", "")
            local = local.encode("ascii", "ignore").decode()
            handle = f"@{local.replace('.', '_')}{number % 97}" if number % 13 == 0 else ""
            writer.writerow(
                [
                    f"BI{number:06d}",
                    f"{first} {last}",
                    handle,
                    "" if number % 9 == 0 else f"{local}.{number}@example.org",
                    f"07700 9{number % 100_000:05d}",
                    f"Branch {number % 150:03d}",
                    "Branch Secretary" if number % 150 == 7 else "",
                ]
            )


@dataclass(frozen=True)
class Respondents:
    numbers: list[str]
    names: list[str]
    places: list[str]


def _respondents() -> Respondents:
    """Members to name in reports, by number or by name, as a complainant would know them."""
    from redress.people.models import Person, Unit

    members = Person.objects.filter(organisation__slug=SLUG, kind=Person.Kind.MEMBER)
    rows = list(members.order_by("?").values_list("membership_number", "name")[:2000])
    places = list(
        Unit.objects.filter(organisation__slug=SLUG, kind=Unit.Kind.BRANCH).values_list(
            "name", flat=True
        )
    )
    return Respondents(
        numbers=[number for number, _ in rows if number],
        names=[name for _, name in rows],
        # The seed's branches are named after towns; the imported ones are "Branch 042".
        places=[p for p in places if not p.startswith("Branch ")] or ["Northgate"],
    )


def _counts() -> dict[str, int]:
    from redress.audit.models import AuditEvent
    from redress.cases.models import Complaint
    from redress.intake.models import HeldReport, Receipt

    return {
        "complaints": Complaint.objects.filter(organisation__slug=SLUG).count(),
        "receipts": Receipt.objects.filter(organisation__slug=SLUG).count(),
        "held_reports": HeldReport.objects.filter(organisation__slug=SLUG).count(),
        "audit_events": AuditEvent.objects.count(),
    }


# --- Argon2 ------------------------------------------------------------------------------------


def _production_argon2() -> dict[str, Any]:
    """The receipt hasher the server uses, from the settings it runs with (no test override)."""
    from django.conf import settings

    from redress.intake import receipts

    if hasattr(settings, "REDRESS_RECEIPT_ARGON2"):
        raise BenchError(
            "REDRESS_RECEIPT_ARGON2 is set: the benchmark measures the production cost, unset it"
        )
    hasher = receipts.hasher()
    return {
        "type": hasher.type.name,
        "time_cost": hasher.time_cost,
        "memory_cost_kib": hasher.memory_cost,
        "parallelism": hasher.parallelism,
        "hash_len": hasher.hash_len,
        "salt_len": hasher.salt_len,
        "settings_override": None,
    }


def _hash_params(code_hash: str) -> str:
    """`m=65536,t=3,p=4` from an encoded Argon2 hash."""
    return code_hash.split("$")[3]


def _argon2_alone() -> dict[str, Any]:
    """One receipt hash timed in this process, then one process per CPU hashing at once."""
    from redress.intake import receipts

    hasher = receipts.hasher()
    hasher.hash(receipts.new_code())  # allocate once before timing
    walls, cpus = [], []
    for _ in range(HASHES_ALONE):
        code = receipts.new_code()
        wall, cpu = time.perf_counter(), time.process_time()
        hasher.hash(code)
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
    walls.sort()
    cpus.sort()
    processes = os.cpu_count() or 1
    context = multiprocessing.get_context("spawn")
    with context.Pool(processes) as pool:
        pool.map(_hash_many, [1] * processes)  # start the processes before timing
        started = time.perf_counter()
        pool.map(_hash_many, [HASHES_PER_PROCESS] * processes)
        seconds = time.perf_counter() - started
    together = processes * HASHES_PER_PROCESS / seconds
    return {
        "what": "PasswordHasher.hash of one receipt code at the production parameters",
        "one_hash": {
            "hashes": HASHES_ALONE,
            "wall_ms": round(percentile(walls, 0.5) * 1000, 1),
            "cpu_ms": round(percentile(cpus, 0.5) * 1000, 1),
            "note": "median; CPU time counts every thread of the hash (parallelism lanes)",
        },
        "all_cpus": {
            "processes": processes,
            "hashes_per_second": round(together, 1),
            "hashes_per_second_per_cpu": round(together / processes, 1),
        },
    }


def _hash_many(count: int) -> None:
    from argon2 import PasswordHasher

    hasher = PasswordHasher()  # argon2-cffi's defaults are the production parameters
    for _ in range(count):
        hasher.hash(secrets.token_hex(10))


# --- The server --------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


class _Server:
    """`redress serve` in a child process, in its own process group, logging to a file."""

    def __init__(self, folder: Path, port: int) -> None:
        self.port = port
        self.log = folder / "serve.log"
        self.env = {
            **os.environ,
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": HOST,
            "REDRESS_ORGANISATION": SLUG,
            "REDRESS_VAR_DIR": str(folder / "var"),
            "DJANGO_SETTINGS_MODULE": "redress.settings",
            "LOG_LEVEL": "WARNING",
            # The simulated clients all come from loopback; the per-client limits would stop them.
            "RATE_LIMIT_EXEMPT": "127.0.0.1",
        }
        self.child: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("wb") as log:
            self.child = subprocess.Popen(
                [
                    *(REDRESS, "serve", "--host", HOST, "--port", str(self.port)),
                    *("--workers", str(WORKERS)),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self.env,
                start_new_session=True,
            )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.child.poll() is not None:
                raise BenchError(f"redress serve exited at start:\n{self._tail()}")
            url = f"http://{HOST}:{self.port}/login/"
            with (
                contextlib.suppress(OSError, urllib.error.URLError),
                urllib.request.urlopen(url, timeout=5) as answer,
            ):
                if answer.status == 200:
                    return
            time.sleep(0.5)
        raise BenchError(f"redress serve did not answer within 120 s:\n{self._tail()}")

    def stop(self) -> bool:
        """SIGTERM to gunicorn's master (a graceful stop); whether it exited by itself."""
        if self.child is None or self.child.poll() is not None:
            return False
        self.child.send_signal(signal.SIGTERM)
        try:
            self.child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.child.pid, signal.SIGKILL)
            self.child.wait()
            return False
        return self.child.returncode == 0

    def errors(self) -> list[str]:
        """Lines of the server's log that report an error (tracebacks, worker failures)."""
        lines = self.log.read_text(errors="replace").splitlines()
        wanted = ("ERROR", "Traceback", "CRITICAL", "WORKER TIMEOUT")
        return [line for line in lines if any(word in line for word in wanted)][:20]

    def _tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-30:])


# --- The clients -------------------------------------------------------------------------------


@dataclass
class Phase:
    """What the clients of one phase saw."""

    name: str
    what: str
    started: float = 0.0
    measured_from: float = 0.0
    deadline: float = 0.0
    finished: float = 0.0
    get_ms: list[float] = field(default_factory=list)
    post_ms: list[float] = field(default_factory=list)
    accepted: dict[str, int] = field(default_factory=dict)  # all, for the check afterwards
    accepted_in_time: int = 0
    receipts: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)
    load: list[list[float]] = field(default_factory=list)

    def error(self, kind: str, detail: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1
        if len(self.error_samples) < 10:
            self.error_samples.append(f"{kind}: {detail[:300]}")
        if kind.startswith("5"):
            print(f"intake: SERVER ERROR {kind} in {self.name}: {detail[:200]}", file=sys.stderr)

    def measured(self, done: float) -> bool:
        """Whether a response that came at `done` is in the measured window."""
        return self.measured_from <= done <= self.deadline

    def figures(self) -> dict[str, Any]:
        # The rates and latencies are of the responses that came within the measured window,
        # after the warm-up under the same load; the journeys still in flight at its end are
        # waited for (a report cut off could be stored unseen), and counted only in the check.
        seconds = self.deadline - self.measured_from
        result: dict[str, Any] = {
            "what": self.what,
            "seconds_measured": round(seconds, 1),
            "warm_up_seconds": round(self.measured_from - self.started, 1),
            "drain_seconds": round(self.finished - self.deadline, 1),
        }
        if self.post_ms:
            result["submissions_measured"] = self.accepted_in_time
            result["submissions_per_second"] = round(self.accepted_in_time / seconds, 2)
            result["submissions_all"] = sum(self.accepted.values())
            result["by_mode_all"] = dict(sorted(self.accepted.items()))
            result["receipts_read_all"] = self.receipts
            result["post_ms"] = _latencies(self.post_ms)
            result["get_ms"] = _latencies(self.get_ms)
        else:
            result["requests_measured"] = len(self.get_ms)
            result["requests_per_second"] = round(len(self.get_ms) / seconds, 1)
            result["get_ms"] = _latencies(self.get_ms)
        server_errors = sum(n for kind, n in self.errors.items() if kind.startswith("5"))
        result["errors"] = {
            "total": sum(self.errors.values()),
            "server_5xx": server_errors,
            "by_kind": self.errors,
            "samples": self.error_samples,
        }
        result["load_average"] = {"at_start": self.load[0], "at_end": self.load[-1]}
        return result


def _latencies(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "count": len(ordered),
        "p50": round(percentile(ordered, 0.50), 1),
        "p95": round(percentile(ordered, 0.95), 1),
        "p99": round(percentile(ordered, 0.99), 1),
        "max": round(ordered[-1], 1) if ordered else float("nan"),
    }


def _load() -> list[float]:
    return [round(load, 2) for load in os.getloadavg()]


async def _drive(port: int, respondents: Respondents) -> dict[str, Phase]:
    import aiohttp

    base = f"http://{HOST}:{port}"
    rng = random.Random(7)
    phases = {
        "login_page": Phase("login_page", "GET /login/: a page with no database query"),
        "report_journey": Phase(
            "report_journey",
            "GET /report/, then POST a report (anonymous or confidential, with a receipt "
            "hashed with Argon2) and read the receipt",
        ),
        "named_reports": Phase(
            "named_reports",
            "the same journey with named reports: no receipt, so no Argon2 hash",
        ),
    }
    modes: dict[str, Callable[[random.Random], str]] = {
        "report_journey": lambda r: r.choice(("anonymous", "confidential")),
        "named_reports": lambda _: "named",
    }
    timeout = aiohttp.ClientTimeout(total=300)

    async def client(number: int, phase: Phase, deadline: float, journey: bool) -> None:
        jar = aiohttp.CookieJar(unsafe=True)  # cookies from an IP address, as a browser keeps
        connector = aiohttp.TCPConnector(limit=1)
        own = random.Random(rng.random())
        async with aiohttp.ClientSession(
            base, cookie_jar=jar, connector=connector, timeout=timeout
        ) as session:
            while time.perf_counter() < deadline:
                if journey:
                    mode = modes[phase.name](own)
                    await _journey(session, phase, own, respondents, mode, base)
                else:
                    await _get(session, phase, "/login/")

    async def run_phase(name: str, warm_up: float) -> None:
        phase = phases[name]
        print(f"intake: {name}, {warm_up:g} s warm-up, {SECONDS:g} s measured", file=sys.stderr)
        journey = name != "login_page"
        phase.started = time.perf_counter()
        phase.measured_from = phase.started + warm_up
        deadline = phase.deadline = phase.measured_from + SECONDS

        async def note_load() -> None:
            await asyncio.sleep(warm_up)
            phase.load.append(_load())
            await asyncio.sleep(SECONDS)
            phase.load.append(_load())

        await asyncio.gather(
            note_load(), *(client(n, phase, deadline, journey) for n in range(CLIENTS))
        )
        phase.finished = time.perf_counter()

    await run_phase("login_page", min(WARM_UP_SECONDS, 5.0))
    await run_phase("report_journey", WARM_UP_SECONDS)
    await run_phase("named_reports", WARM_UP_SECONDS)
    return phases


async def _get(session: Any, phase: Phase, path: str) -> str | None:
    started = time.perf_counter()
    try:
        async with session.get(path) as response:
            body = await response.text()
            status = response.status
    except Exception as error:  # every failure is counted, none stops the run
        phase.error("transport", f"GET {path}: {type(error).__name__}: {error}")
        return None
    done = time.perf_counter()
    if phase.measured(done):
        phase.get_ms.append((done - started) * 1000)
    if status != 200:
        phase.error(str(status), f"GET {path}")
        return None
    return str(body)


async def _journey(
    session: Any, phase: Phase, rng: random.Random, respondents: Respondents, mode: str, base: str
) -> None:
    import aiohttp

    page = await _get(session, phase, "/report/")
    if page is None:
        return
    token = CSRF_TOKEN.search(page)
    if token is None:
        phase.error("no_csrf_token", "GET /report/ had no CSRF token")
        return
    form = aiohttp.FormData()
    form.add_field("csrfmiddlewaretoken", token.group(1))
    for name, value in _report(rng, respondents, mode):
        form.add_field(name, value)
    # The empty file input a browser sends with a report that has no evidence.
    form.add_field("evidence", b"", filename="", content_type="application/octet-stream")
    started = time.perf_counter()
    try:
        async with session.post("/report/", data=form, headers={"Origin": base}) as response:
            body = await response.text()
            status = response.status
    except Exception as error:  # every failure is counted, none stops the run
        phase.error("transport", f"POST /report/: {type(error).__name__}: {error}")
        return
    done = time.perf_counter()
    if phase.measured(done):
        phase.post_ms.append((done - started) * 1000)
    if status != 200 or not ACCEPTED.search(body):
        phase.error(str(status), f"POST /report/ ({mode}): {_visible_error(body)}")
        return
    phase.accepted[mode] = phase.accepted.get(mode, 0) + 1
    if phase.measured(done):
        phase.accepted_in_time += 1
    if mode != "named":
        if RECEIPT.search(body) is None:
            phase.error("no_receipt", f"a {mode} report was accepted without a receipt shown")
            return
        phase.receipts += 1


def _visible_error(body: str) -> str:
    found = re.findall(r'class="error-message"[^>]*>(.*?)<', body, re.S)
    return "; ".join(text.strip() for text in found[:3]) or body[:200]


def _report(rng: random.Random, respondents: Respondents, mode: str) -> list[tuple[str, str]]:
    """A complete report as the form posts it: realistic text, one to three categories."""
    from redress.demo import corpus

    categories = rng.sample(sorted(corpus.SUMMARIES), rng.choice((1, 1, 1, 2, 3)))
    place = rng.choice(respondents.places)
    sentences = [corpus.complaint_summary(rng, category, place) for category in categories]
    sentences += rng.sample(DETAILS, 2)
    fields = [("mode", mode), *(("categories", category) for category in categories)]
    fields += [
        ("what_happened", " ".join(sentences)),
        ("when", rng.choice(("Last Tuesday evening", "March 2025", "About three weeks ago"))),
        ("where", rng.choice(corpus.PLACES_SAID).format(place=place)),
        (
            "links",
            "https://example.org/posts/" + str(rng.randrange(10**6)) if rng.random() < 0.3 else "",
        ),
        ("witnesses", rng.choice(("", "The branch secretary was there and heard it."))),
        ("outcome_wanted", rng.choice(("", "An apology and training.", "That it stops."))),
    ]
    roll = rng.random()
    if roll < 0.45:
        fields.append(("respondent_membership_number", rng.choice(respondents.numbers)))
    elif roll < 0.85:
        fields.append(("respondent_name", rng.choice(respondents.names)))
    else:  # someone the register does not know: a new person outside the register
        fields.append(("respondent_name", f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}-Outsider"))
    if mode != "anonymous":
        first, last = rng.choice(GIVEN), rng.choice(FAMILY)
        local = f"{first}.{last}".lower().encode("ascii", "ignore").decode().replace(" ", "")
        fields += [
            ("complainant_name", f"{first} {last}"),
            ("complainant_email", f"{local}.{rng.randrange(10**6)}@example.net"),
            ("complainant_phone", rng.choice(("", "07700 900123"))),
        ]
    fields += [(f"equality_{name}", rng.choice(choices)) for name, choices in EQUALITY.items()]
    return fields


DETAILS = (
    "Several people heard it and nobody challenged it at the time.",
    "I raised it with the chair afterwards, who said to put it in writing.",
    "It was not the first time; something similar happened at the last meeting.",
    "I have screenshots and can send them if that helps.",
    "I am worried about what will happen if they find out I reported this.",
    "Other members have told me they felt the same but did not want to complain.",
)


# --- Afterwards --------------------------------------------------------------------------------


def _verify(
    phases: dict[str, Phase], before: dict[str, int], after: dict[str, int], argon2: Any
) -> dict[str, Any]:
    """No report lost: one complaint per accepted report, one receipt per receipt shown; the
    receipts were hashed at the production parameters; the audit chain verifies."""
    from redress.intake.models import Receipt

    accepted = sum(sum(phase.accepted.values()) for phase in phases.values())
    shown = sum(phase.receipts for phase in phases.values())
    complaints = after["complaints"] - before["complaints"]
    receipts = after["receipts"] - before["receipts"]
    held = after["held_reports"] - before["held_reports"]
    params = set(
        _hash_params(code_hash)
        for code_hash in Receipt.objects.filter(organisation__slug=SLUG).values_list(
            "code_hash", flat=True
        )
    )
    expected = f"m={argon2['memory_cost_kib']},t={argon2['time_cost']},p={argon2['parallelism']}"
    problems = []
    if complaints != accepted or held:
        problems.append(f"{accepted} reports accepted, {complaints} complaints and {held} held")
    if receipts != shown:
        problems.append(f"{shown} receipts shown, {receipts} stored")
    if params != {expected}:
        problems.append(f"receipts hashed with {sorted(params)}, not {expected}")
    verified = run_timed([REDRESS, "audit", "verify"], env=dict(os.environ))
    line = verified.stdout.strip().splitlines()[-1]
    if problems:
        raise BenchError("after the run: " + "; ".join(problems))
    return {
        "reports_accepted": accepted,
        "complaints_stored": complaints,
        "receipts_shown": shown,
        "receipts_stored": receipts,
        "receipt_hash_parameters": sorted(params),
        "audit_events_added": after["audit_events"] - before["audit_events"],
        "audit_verify": line,
    }
