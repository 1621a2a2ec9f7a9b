"""`redress demo [--port 8000]`: Redress with a synthetic organisation, ready to explore.

It migrates the database, seeds one synthetic organisation if the database has none (a second
start keeps what is there), prints a sign-in for each staff role, and serves with `redress serve`.

The background worker runs as a child process (`redress worker`, its output in
var/worker.log) rather than running tasks inline: notices then travel the same road as in
production, queued in the database and e-mailed by the worker (to var/mail with the file
backend `make demo` sets), and a slow task never holds up a page.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from redress.demo.console import login_lines, summary_lines
from redress.demo.register import DEMO_PASSWORD, existing_logins
from redress.demo.seed import SeedError, seed_organisation
from redress.ops.management.commands.worker import DATABASE_BACKEND
from redress.people.models import Organisation

WORKER_STOP_SECONDS = 10


class Command(BaseCommand):
    help = (
        "Migrate, seed a synthetic organisation if the database is empty, print the demo "
        "sign-ins, then serve (gunicorn, with a task worker beside it)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
        parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
        parser.add_argument("--members", type=int, default=300, help="members to seed")
        parser.add_argument("--cases", type=int, default=60, help="cases to seed")
        parser.add_argument("--seed", type=int, default=1, help="random seed")
        parser.add_argument(
            "--no-serve",
            action="store_false",
            dest="serve",
            help="prepare the database and print the sign-ins, then stop",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        Path(settings.VAR_DIR).mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        self.seed_if_empty(options)
        for line in login_lines(existing_logins(), DEMO_PASSWORD):
            self.stdout.write(line)
        if options["serve"]:
            self.serve(options["host"], options["port"])

    def seed_if_empty(self, options: dict[str, Any]) -> None:
        if Organisation.objects.exists():
            self.stdout.write("The database already has an organisation: not seeding again.")
            return
        self.stdout.write("Seeding a synthetic organisation...")
        try:
            summary = seed_organisation(
                members=options["members"], cases=options["cases"], seed=options["seed"]
            )
        except SeedError as error:
            raise CommandError(str(error)) from None
        for line in summary_lines(summary):
            self.stdout.write(line)

    def serve(self, host: str, port: int) -> None:
        worker = self.start_worker()
        try:
            call_command("serve", host=host, port=port)
        finally:
            if worker is not None:
                stop(worker)

    def start_worker(self) -> subprocess.Popen[bytes] | None:
        if settings.TASKS["default"]["BACKEND"] != DATABASE_BACKEND:
            self.stdout.write("Tasks run inline (TASKS_BACKEND): no worker started.")
            return None
        log = Path(settings.VAR_DIR) / "worker.log"
        self.stdout.write(f"Task worker started; its log is {log}.")
        with log.open("ab") as output:
            return subprocess.Popen(
                [sys.executable, "-m", "redress.cli", "worker"],
                stdout=output,
                stderr=subprocess.STDOUT,
            )


def stop(worker: subprocess.Popen[bytes]) -> None:
    """Ask the worker to finish its task and stop; kill it if it does not."""
    worker.terminate()
    try:
        worker.wait(timeout=WORKER_STOP_SECONDS)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
