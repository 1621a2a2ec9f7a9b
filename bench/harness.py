"""What every benchmark shares: a database of its own, a description of the machine, timed
child processes, and the results file."""

from __future__ import annotations

import json
import multiprocessing
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import psycopg

# BENCH_DATABASE gives runs that share a server databases of their own (names of the form
# redress_bench*, plain identifiers).
BENCH_DATABASE = os.environ.get("BENCH_DATABASE", "redress_bench")
TEMPLATE_DATABASE = f"{BENCH_DATABASE}_template"
ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
# The console script beside the interpreter running the benchmarks (the project's venv).
REDRESS = str(Path(sys.executable).with_name("redress"))

T = TypeVar("T")


class BenchError(RuntimeError):
    """The benchmarks cannot run as asked; the message says why."""


@dataclass(frozen=True)
class Databases:
    """The benchmark database, the migrated template it is copied from, and the server's own."""

    url: str
    template_url: str
    server_url: str


def databases_from(database_url: str | None) -> Databases:
    """The benchmark's database URLs on the server `database_url` names (never its database)."""
    if not database_url:
        raise BenchError("set DATABASE_URL to a PostgreSQL server, e.g. postgres://postgres@host/x")
    parts = urlsplit(database_url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise BenchError(f"the benchmarks need PostgreSQL, not {parts.scheme!r}")

    def on(name: str) -> str:
        return urlunsplit(parts._replace(path="/" + name))

    return Databases(url=on(BENCH_DATABASE), template_url=on(TEMPLATE_DATABASE), server_url=on(""))


def _libpq(url: str) -> str:
    """psycopg accepts postgresql:// and postgres://, not dj-database-url's other spellings."""
    return "postgresql://" + url.split("://", 1)[1]


def _admin(databases: Databases, *statements: str) -> None:
    with psycopg.connect(_libpq(databases.server_url) + "postgres", autocommit=True) as admin:
        for statement in statements:
            admin.execute(statement)


def prepare_template(databases: Databases) -> None:
    """Create the template database if need be and bring it up to the latest migration."""
    with psycopg.connect(_libpq(databases.server_url) + "postgres", autocommit=True) as admin:
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [TEMPLATE_DATABASE]
        ).fetchone()
    if not exists:
        _admin(databases, f"CREATE DATABASE {TEMPLATE_DATABASE}")
    done = subprocess.run(
        # Without system checks: they import every view, and the benchmarks need none of them.
        [REDRESS, "migrate", "--no-input", "-v", "0", "--skip-checks"],
        env={**os.environ, "DATABASE_URL": databases.template_url},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise BenchError(f"cannot migrate {TEMPLATE_DATABASE}:\n{done.stderr}")


_load_at_start: list[float] = []


def fresh_database(databases: Databases) -> None:
    """Replace the benchmark database with a copy of the migrated template."""
    from django.db import connections

    _load_at_start[:] = [round(load, 2) for load in os.getloadavg()]

    connections.close_all()
    _admin(
        databases,
        f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)",
        f"CREATE DATABASE {BENCH_DATABASE} TEMPLATE {TEMPLATE_DATABASE}",
    )


def drop_database(databases: Databases) -> None:
    from django.db import connections

    connections.close_all()
    _admin(databases, f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")


def machine() -> dict[str, Any]:
    """The machine, the software and the load the figures were taken with."""
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (server_version,) = cursor.fetchone()
        settings = {}
        for name in ("shared_buffers", "work_mem", "synchronous_commit", "fsync", "jit"):
            cursor.execute(f"SHOW {name}")
            settings[name] = cursor.fetchone()[0]
    return {
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": server_version,
        "postgresql_settings": settings,
        # 1, 5 and 15 minute load averages when the benchmark started and when it finished.
        "load_average_at_start": _load_at_start,
        "load_average": [round(load, 2) for load in os.getloadavg()],
        "commit": _commit(),
    }


def _commit() -> str:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD")
    dirty = git("status", "--porcelain", "--", "redress", "bench")
    return f"{commit}+changes" if dirty else commit


def write_result(name: str, figures: dict[str, Any], *, summary: str) -> Path:
    """Write `bench/results/NAME.json` and print the one-line summary."""
    RESULTS.mkdir(exist_ok=True)
    result = {
        "benchmark": name,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "summary": summary,
        "machine": machine(),
        "figures": figures,
    }
    path = RESULTS / f"{name}.json"
    partial = path.with_suffix(".json.tmp")
    partial.write_text(json.dumps(result, indent=2) + "\n")
    partial.replace(path)
    print(f"{name}: {summary}")
    return path


@dataclass(frozen=True)
class Timed:
    """A child process that ran to the end: how long it took and its peak memory."""

    seconds: float
    max_rss_mib: float
    stdout: str
    stderr: str


def run_timed(command: Sequence[str], *, env: dict[str, str] | None = None) -> Timed:
    """Run `command`, timing it from start to exit; fail if it fails."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=err, env=env)
        # wait4 rather than wait: it gives this child's own resource usage.
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if child.returncode:
        raise BenchError(f"{' '.join(command)} failed ({child.returncode}):\n{stderr}")
    return Timed(seconds, usage.ru_maxrss / 1024, stdout, stderr)


def self_max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """The value below which `fraction` of the sorted values lie (nearest rank)."""
    if not sorted_values:
        return float("nan")
    rank = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[rank]


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def in_child(function: Callable[..., T], *args: Any) -> T:
    """Call `function(*args)` in a fresh Python process with Django set up, and return its
    result: a clean process, so its memory and time are its own."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(1, initializer=_set_up_django) as pool:
        return pool.apply(function, args)


def _set_up_django() -> None:
    import django

    django.setup()
