"""`redress worker`: run the background worker (django-tasks' database worker).

It takes tasks (e-mailing notices, and later imports, redaction and analytics) from the
database queue and runs them. Run one or more beside `redress serve`; each needs a unique id,
which is generated unless given. While it runs it writes a heartbeat (`redress doctor` reads it)
and queues again the tasks of workers that died in the middle of one (see
`redress.ops.heartbeat`).
"""

from __future__ import annotations

import os
import socket
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.crypto import get_random_string

from redress.ops import heartbeat

DATABASE_BACKEND = "django_tasks_db.DatabaseBackend"


class Command(BaseCommand):
    help = "Run the background worker that sends notices and does other queued work."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--queues", default="*", help="comma-separated queues to work on (default: all)"
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="seconds to wait before looking again when the queue is empty (default 1)",
        )
        parser.add_argument(
            "--batch", action="store_true", help="run every task waiting now, then stop"
        )
        parser.add_argument("--worker-id", help="unique id of this worker (default: generated)")

    def handle(self, *args: Any, **options: Any) -> None:
        backend = settings.TASKS["default"]["BACKEND"]
        if backend != DATABASE_BACKEND:
            raise CommandError(
                f"TASKS_BACKEND is {backend}, which runs tasks without a worker; "
                f"set it to {DATABASE_BACKEND} to queue them"
            )
        if options["interval"] <= 0:
            raise CommandError("the interval must be more than 0 seconds")
        worker_options: dict[str, Any] = {
            "queue_name": options["queues"],
            "interval": options["interval"],
            "batch": options["batch"],
            # The random pause that keeps a pool of workers from waking together; a batch
            # run is one worker doing what is waiting now.
            "startup_delay": not options["batch"],
            "reload": False,
            "verbosity": options["verbosity"],
        }
        worker_id = options["worker_id"] or default_worker_id()
        if len(worker_id) > 64:
            raise CommandError("the worker id must be at most 64 characters")
        worker_options["worker_id"] = worker_id
        heartbeat.record_start(worker_id)
        heartbeat.requeue_orphaned_tasks()
        beating = heartbeat.HeartbeatThread(worker_id)
        beating.start()
        try:
            call_command("db_worker", **worker_options)
        finally:
            beating.stop()
            heartbeat.record_stop(worker_id)


def default_worker_id() -> str:
    """The machine, the process and a random part: unique, and says where the worker runs."""
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(8)}"
