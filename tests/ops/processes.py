"""The production server and worker as separate processes on loopback, to load, kill and
restart: what the crash, smoke and backup tests drive."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.ops.conftest import REDRESS

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def production_env(database_url: str, var_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a production-like installation on loopback."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDRESS_VAR_DIR": str(var_dir),
        "DEBUG": "false",
        "SECRET_KEY": "crash-test-" + "k" * 50,
        "ALLOWED_HOSTS": HOST,
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        # The worker imports tasks that tests define, so the project's root is on its path.
        "PYTHONPATH": str(ROOT),
        **extra,
    }


@dataclass
class Process:
    """A child in a process group of its own, so SIGKILL reaches all of it (gunicorn's master
    and its workers) at once, as a power cut or the out-of-memory killer would."""

    arguments: list[str]
    env: dict[str, str]
    log: Path
    child: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def start(self) -> None:
        with self.log.open("ab") as output:
            self.child = subprocess.Popen(  # noqa: S603 # the project's own console script
                [REDRESS, *self.arguments],
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
                start_new_session=True,
            )

    def kill(self) -> None:
        """SIGKILL the whole group, and reap the child."""
        assert self.child is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.child.pid, signal.SIGKILL)
        self.child.wait(timeout=10)

    def stop(self) -> None:
        if self.child is None or self.child.poll() is not None:
            return
        os.killpg(self.child.pid, signal.SIGTERM)
        try:
            self.child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()

    @property
    def running(self) -> bool:
        return self.child is not None and self.child.poll() is None


def server(env: dict[str, str], port: int, log: Path, *, workers: int = 2) -> Process:
    return Process(
        ["serve", "--host", HOST, "--port", str(port), "--workers", str(workers),
         "--no-collectstatic"],
        env,
        log,
    )  # fmt: skip


def worker(env: dict[str, str], log: Path) -> Process:
    return Process(["worker", "--interval", "0.1"], env, log)


def wait_until_serving(process: Process, port: int, *, timeout: float = 40) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not process.running:
            raise AssertionError(f"the server stopped while starting:\n{process.log.read_text()}")
        try:
            with urllib.request.urlopen(
                f"http://{HOST}:{port}/login/", timeout=2
            ) as answer:  # loopback
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise AssertionError(f"the server did not answer in {timeout} s:\n{process.log.read_text()}")


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any


def api(port: int, method: str, path: str, token: str, body: Any = None) -> Answer:
    """One API call; a connection refused or cut is raised as OSError (no answer)."""
    request = urllib.request.Request(  # loopback
        f"http://{HOST}:{port}/api/v1{path}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as answer:  # noqa: S310 # loopback
            return Answer(answer.status, json.loads(answer.read() or b"null"))
    except urllib.error.HTTPError as refused:
        return Answer(refused.code, json.loads(refused.read() or b"null"))
