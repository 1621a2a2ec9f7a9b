"""The worker heartbeat: which workers count as dead, and which of their tasks run again."""

from __future__ import annotations

import socket
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from redress.ops import heartbeat
from redress.ops.models import WorkerHeartbeat
from tests.ops.tasks import deliver_parcel

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def stale_after_a_minute(settings: Any) -> None:
    settings.REDRESS_WORKER_STALE_SECONDS = 60


def claimed_by(worker_id: str, *, minutes_ago: float = 0) -> DBTaskResult:
    result = deliver_parcel.enqueue("/nowhere", 1)
    task = DBTaskResult.objects.get(pk=result.id)
    task.claim(worker_id)
    started = timezone.now() - timedelta(minutes=minutes_ago)
    DBTaskResult.objects.filter(pk=task.pk).update(started_at=started)
    return task


def beating(worker_id: str, *, seconds_ago: float = 0, pid: int = 1, **fields: Any) -> None:
    at = timezone.now() - timedelta(seconds=seconds_ago)
    WorkerHeartbeat.objects.create(
        worker_id=worker_id,
        hostname=fields.pop("hostname", socket.gethostname()),
        pid=pid,
        started_at=at,
        beat_at=at,
        **fields,
    )


def status(task: DBTaskResult) -> str:
    return DBTaskResult.objects.values_list("status", flat=True).get(pk=task.pk)


def test_a_live_workers_task_is_left_alone() -> None:
    beating("alive", pid=1)  # pid 1 always exists
    task = claimed_by("alive")
    assert heartbeat.requeue_orphaned_tasks() == []
    assert status(task) == "RUNNING"


@pytest.mark.parametrize(
    ("how", "fields"),
    [
        ("silent too long", {"seconds_ago": 120, "pid": 1}),
        ("stopped", {"pid": 1, "stopped_at": timezone.now()}),
        ("its process is gone", {"pid": 2**22 + 12345}),
    ],
)
def test_a_dead_workers_task_is_queued_again(how: str, fields: dict[str, Any]) -> None:
    beating("dead", **fields)
    task = claimed_by("dead")
    requeued = heartbeat.requeue_orphaned_tasks()
    assert [r.task_id for r in requeued] == [str(task.pk)], how
    assert status(task) == "READY"
    assert heartbeat.requeue_orphaned_tasks() == []


def test_a_worker_on_another_machine_is_judged_by_its_beat_alone() -> None:
    beating("far", pid=2**22 + 12345, hostname="another-machine")
    task = claimed_by("far")
    assert heartbeat.requeue_orphaned_tasks() == []
    assert status(task) == "RUNNING"


def test_a_claim_without_a_heartbeat_is_queued_again_only_once_stale() -> None:
    fresh = claimed_by("no-heartbeat-1")
    old = claimed_by("no-heartbeat-2", minutes_ago=5)
    assert [r.task_id for r in heartbeat.requeue_orphaned_tasks()] == [str(old.pk)]
    assert status(fresh) == "RUNNING"


def test_live_workers_are_those_beating_recently() -> None:
    beating("recent", seconds_ago=10)
    beating("silent", seconds_ago=600)
    beating("stopped", stopped_at=timezone.now())
    assert [w.worker_id for w in heartbeat.live_workers()] == ["recent"]
