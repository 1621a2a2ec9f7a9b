"""Crash safety: SIGKILL the production server and worker in the middle of work, restart them,
and check that nothing acknowledged was lost, nothing was left half-written, and the audit
chain still verifies.

Each test runs `redress serve` (gunicorn) and `redress worker` as processes of their own on
loopback against the test database, loads them from client threads, kills their whole process
groups with SIGKILL while requests are in flight, restarts them and checks the database. A
request the server answered with success is acknowledged: it must be in the database. One that
got no answer may or may not have happened, but if it did, it happened whole.
"""

from __future__ import annotations

import csv
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.db.models import Count
from django_tasks_db.models import DBTaskResult

from redress.api.auth import create_token
from redress.audit.models import AuditEvent
from redress.cases import services
from redress.cases.models import Case, Complaint, Notice
from redress.people.models import Person
from tests.factories import Cast, file_case, make_cast
from tests.ops import processes
from tests.ops.conftest import redress, the_test_database_url
from tests.ops.tasks import deliver_parcel

CLIENTS = 4


@pytest.fixture
def site(committed_db: None, settings: Any, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """An organisation's cast, an API token for its coordinator and officer, and the server's
    environment; the processes started are stopped at the end whatever happens."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cast = make_cast()
    env = processes.production_env(
        the_test_database_url(), tmp_path / "var", REDRESS_WORKER_STALE_SECONDS="4"
    )
    started: list[processes.Process] = []
    yield {
        "cast": cast,
        "env": env,
        "tmp": tmp_path,
        "started": started,
        "coordinator": create_token(user=cast.coordinator),
        "officer": create_token(user=cast.officer),
    }
    for process in started:
        process.stop()


def start_server(site: dict[str, Any]) -> tuple[processes.Process, int]:
    port = processes.free_port()
    server = processes.server(site["env"], port, site["tmp"] / "server.log")
    site["started"].append(server)
    server.start()
    processes.wait_until_serving(server, port)
    return server, port


def start_worker(site: dict[str, Any]) -> processes.Process:
    worker = processes.worker(site["env"], site["tmp"] / "worker.log")
    site["started"].append(worker)
    worker.start()
    return worker


@dataclass
class Load:
    """Client threads calling `request(port, n)` until stopped; what the server acknowledged."""

    request: Callable[[int, int], Any]
    port: int
    acknowledged: list[Any] = field(default_factory=list)
    unanswered: int = 0
    refused: list[Any] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)
    counter: Iterator[int] = field(default_factory=lambda: iter(range(1_000_000)))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def run(self) -> None:
        while not self.stopping.is_set():
            with self.lock:
                number = next(self.counter)
            try:
                result = self.request(self.port, number)
            except OSError:
                with self.lock:
                    self.unanswered += 1
                time.sleep(0.05)
                continue
            with self.lock:
                if result is None:
                    continue
                ok, value = result
                (self.acknowledged if ok else self.refused).append(value)

    def __enter__(self) -> Load:
        self.threads = [threading.Thread(target=self.run, daemon=True) for _ in range(CLIENTS)]
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def wait_for(self, acknowledged: int, *, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while len(self.acknowledged) < acknowledged and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(self.acknowledged) >= acknowledged, (
            f"only {len(self.acknowledged)} acknowledged; refused: {self.refused[:3]}"
        )


def audit_verifies(site: dict[str, Any]) -> None:
    done = redress("audit", "verify", env=site["env"])
    assert done.returncode == 0, done.stderr
    assert "0 waiting" in done.stdout or "unsealed" not in done.stdout


def test_complaints_acknowledged_before_a_kill_survive_it_whole(site: dict[str, Any]) -> None:
    token = site["coordinator"]
    cast: Cast = site["cast"]
    _, port = start_server(site)
    start_worker(site)

    def file(port: int, number: int) -> tuple[bool, Any]:
        answer = processes.api(port, "POST", "/complaints", token, {
            "categories": ["bullying"],
            "summary": f"Abuse at branch meeting number {number}.",
            "respondent": {"name": cast.respondent.name},
            "complainant": {"anonymous": True},
        })  # fmt: skip
        return answer.status == 201, answer.body

    with Load(file, port) as load:
        load.wait_for(15)
        for process in site["started"]:
            process.kill()  # in the middle of filing: the clients keep sending
        killed_at = len(load.acknowledged)
        time.sleep(0.5)
    assert load.unanswered > 0, "the kill landed after the load had stopped"

    _, port = start_server(site)
    start_worker(site)
    with Load(file, port) as again:
        again.wait_for(5)

    acknowledged = [body["case_id"] for body in load.acknowledged + again.acknowledged]
    assert killed_at >= 15 and not load.refused and not again.refused
    cases = Case.objects.filter(organisation=cast.organisation)
    assert set(acknowledged) <= set(cases.values_list("pk", flat=True)), "a complaint was lost"
    # Whole: each case has its complaint, its allegation and its filing in the audit log.
    whole = cases.annotate(
        n_complaints=Count("complaints", distinct=True),
        n_allegations=Count("allegations", distinct=True),
    )
    assert all(case.n_complaints == 1 and case.n_allegations == 1 for case in whole)
    filed = AuditEvent.objects.filter(action="complaint.received", case_id__in=cases.values("pk"))
    assert filed.count() == cases.count() == Complaint.objects.filter(case__in=cases).count()
    audit_verifies(site)


def ready_to_close(cast: Cast) -> int:
    """A case at triage whose officer has recorded every decision closing it needs."""
    case = file_case(cast)
    for kind, outcome in (("triage", "no_further_action"), ("interim_measures", "not_needed")):
        services.record_decision(
            case, kind=kind, outcome=outcome, reasons="Reasons in full.", actor=cast.officer
        )
    return case.pk


def test_transitions_acknowledged_before_a_kill_survive_it_whole(site: dict[str, Any]) -> None:
    cast: Cast = site["cast"]
    case_ids = [ready_to_close(cast) for _ in range(60)]
    token = site["officer"]
    _, port = start_server(site)
    start_worker(site)

    def close(port: int, number: int) -> tuple[bool, Any] | None:
        if number >= len(case_ids):
            time.sleep(0.05)
            return None
        answer = processes.api(
            port, "POST", f"/cases/{case_ids[number]}/transitions", token,
            {"to": "closed", "reason": "No further action: reasons given."},
        )  # fmt: skip
        return answer.status == 200, (case_ids[number], answer.body)

    with Load(close, port) as load:
        load.wait_for(12)
        for process in site["started"]:
            process.kill()
        time.sleep(0.3)
    assert load.unanswered > 0, "the kill landed after the load had stopped"
    start_server(site)
    start_worker(site)

    acknowledged = {case_id for case_id, _ in load.acknowledged}
    assert acknowledged and not load.refused, load.refused[:3]
    stages = dict(Case.objects.filter(pk__in=case_ids).values_list("pk", "stage"))
    assert all(stages[case_id] == "closed" for case_id in acknowledged), "a transition was lost"
    assert set(stages.values()) <= {"triage", "closed"}
    closed = sorted(case_id for case_id, stage in stages.items() if stage == "closed")
    assert len(closed) < len(case_ids), "every transition finished before the kill"
    # Whole: a closed case has its outcome, one record of the move and its notices served; a
    # case left at triage has none of them.
    logged = AuditEvent.objects.filter(
        action="case.transitioned", case_id__in=case_ids, data__to="closed"
    )
    assert sorted(logged.values_list("case_id", flat=True)) == closed
    assert set(Case.objects.filter(pk__in=closed).values_list("outcome", flat=True)) == {
        "no_further_action"
    }
    noticed = Notice.objects.filter(case_id__in=case_ids, kind="triage_outcome")
    assert sorted(set(noticed.values_list("case_id", flat=True))) == closed
    audit_verifies(site)


def test_an_import_killed_midway_leaves_the_register_as_it_was(site: dict[str, Any]) -> None:
    cast: Cast = site["cast"]
    register = site["tmp"] / "register.csv"
    rows = 30_000
    with register.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["membership_number", "name", "aliases", "email", "phone", "unit", "public_role"]
        )
        for number in range(rows):
            writer.writerow(
                [f"CR{number:06d}", f"Member {number}", "", f"m{number}@example.org", "",
                 "Branch 1", ""]
            )  # fmt: skip
    people = Person.objects.filter(organisation=cast.organisation)
    before = people.count()
    arguments = ["import-people", str(register), "--organisation", cast.organisation.slug,
                 "--create-units"]  # fmt: skip
    importer = processes.Process(arguments, site["env"], site["tmp"] / "import.log")
    site["started"].append(importer)
    importer.start()
    time.sleep(2.5)  # past starting Django, into reading and writing the register
    assert importer.running, f"the import finished before the kill:\n{importer.log.read_text()}"
    importer.kill()

    assert people.count() == before, "a killed import left part of the register written"
    done = redress(*arguments, env=site["env"], timeout=120)
    assert done.returncode == 0, done.stderr
    assert people.count() == before + rows
    audit_verifies(site)


def test_tasks_a_killed_worker_was_running_are_run_again(site: dict[str, Any]) -> None:
    parcels = site["tmp"] / "parcels"
    parcels.mkdir()
    for number in range(40):
        deliver_parcel.enqueue(str(parcels), number)
    first = start_worker(site)
    deadline = time.monotonic() + 30
    running = DBTaskResult.objects.filter(status="RUNNING")
    done = DBTaskResult.objects.filter(status="SUCCESSFUL")
    # Three tasks done and a fourth claimed: it is in its quarter-second's pause.
    while not (done.count() >= 3 and running.exists()):
        assert time.monotonic() < deadline, "the worker ran no task"
        time.sleep(0.02)
    first.kill()  # in the middle of a task
    stuck = list(running.values_list("pk", flat=True))
    assert stuck, (
        f"no task was running when the worker was killed: "
        f"{list(DBTaskResult.objects.values_list('status', 'exception_class_path'))}"
    )

    start_worker(site)
    deadline = time.monotonic() + 40
    while DBTaskResult.objects.exclude(status="SUCCESSFUL").exists():
        assert time.monotonic() < deadline, (
            f"tasks left: {list(DBTaskResult.objects.values_list('status', flat=True))}"
        )
        time.sleep(0.1)
    assert sorted(p.name for p in parcels.iterdir()) == sorted(
        f"{number}.delivered" for number in range(40)
    )
