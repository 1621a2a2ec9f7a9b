"""The task workers' heartbeat, and the recovery of tasks whose worker died.

django-tasks' database worker marks a task RUNNING when it claims it and SUCCESSFUL or FAILED
when it ends. A worker killed in between (SIGKILL, the out-of-memory killer, a machine lost)
leaves its task RUNNING for ever, and nothing runs it again. So every `redress worker` writes a
heartbeat row while it runs, and each one, as it beats, queues again the tasks of workers that
are dead: stopped, silent for longer than REDRESS_WORKER_STALE_SECONDS, or (on this machine) a
process that no longer exists. Redress's tasks are written to be safe to run twice (a notice
already e-mailed is skipped), so running one again after a crash is correct.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from redress.ops.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

RUNNING, READY = "RUNNING", "READY"


def stale_after() -> timedelta:
    return timedelta(seconds=settings.REDRESS_WORKER_STALE_SECONDS)


def beat_interval() -> float:
    """Seconds between beats: often enough that a live worker is never taken for dead."""
    return max(0.5, settings.REDRESS_WORKER_STALE_SECONDS / 4)


def record_start(worker_id: str) -> WorkerHeartbeat:
    now = timezone.now()
    heartbeat, _ = WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname(),
            "pid": os.getpid(),
            "started_at": now,
            "beat_at": now,
            "stopped_at": None,
        },
    )
    return heartbeat


def beat(worker_id: str) -> None:
    WorkerHeartbeat.objects.filter(worker_id=worker_id).update(beat_at=timezone.now())


def record_stop(worker_id: str) -> None:
    WorkerHeartbeat.objects.filter(worker_id=worker_id).update(stopped_at=timezone.now())


def live_workers(*, now: datetime | None = None) -> list[WorkerHeartbeat]:
    """Workers that have beaten recently and not stopped (on any machine)."""
    now = now or timezone.now()
    return list(
        WorkerHeartbeat.objects.filter(
            stopped_at__isnull=True, beat_at__gte=now - stale_after()
        ).order_by("-beat_at")
    )


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: it exists
    return True


def is_dead(heartbeat: WorkerHeartbeat | None, *, now: datetime, hostname: str) -> bool:
    """Whether the worker with this heartbeat can no longer finish what it claimed."""
    if heartbeat is None:
        return False  # a worker without a heartbeat (plain db_worker): judged by its claim's age
    if heartbeat.stopped_at is not None or heartbeat.beat_at < now - stale_after():
        return True
    return heartbeat.hostname == hostname and not _process_exists(heartbeat.pid)


@dataclass(frozen=True)
class Requeued:
    task_id: str
    task_path: str


def requeue_orphaned_tasks() -> list[Requeued]:
    """Queue again every RUNNING task whose worker is dead; return what was queued again.

    A task claimed by a worker that never wrote a heartbeat is queued again only once its claim
    is older than the stale limit. Each row is changed only if it is still the same claim, so two
    workers recovering at once queue a task once.
    """
    now = timezone.now()
    hostname = socket.gethostname()
    running = list(
        DBTaskResult.objects.filter(status=RUNNING).values_list(
            "id", "task_path", "worker_ids", "started_at"
        )
    )
    if not running:
        return []
    claimants = {ids[-1] for _, _, ids, _ in running if ids}
    heartbeats = {h.worker_id: h for h in WorkerHeartbeat.objects.filter(worker_id__in=claimants)}
    requeued: list[Requeued] = []
    for task_id, task_path, worker_ids, started_at in running:
        claimant = heartbeats.get(worker_ids[-1]) if worker_ids else None
        orphaned = is_dead(claimant, now=now, hostname=hostname) or (
            claimant is None and (started_at is None or started_at < now - stale_after())
        )
        if not orphaned:
            continue
        with transaction.atomic():
            changed = DBTaskResult.objects.filter(
                pk=task_id, status=RUNNING, started_at=started_at
            ).update(status=READY, started_at=None)
        if changed:
            requeued.append(Requeued(str(task_id), task_path))
            logger.warning("queued again task %s (%s): its worker died", task_id, task_path)
    return requeued


class HeartbeatThread(threading.Thread):
    """Beats for one worker, and recovers dead workers' tasks, until told to stop."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.stopping = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopping.wait(beat_interval()):
                try:
                    close_old_connections()
                    beat(self.worker_id)
                    requeue_orphaned_tasks()
                except Exception:  # the database may be away for a while: beat again later
                    logger.exception("the worker heartbeat could not be written")
                    connection.close()
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=5)
