"""`redress remind`: email the case officers the deadlines that are near, due or missed.

    redress remind [--today YYYY-MM-DD]    send the reminders owed today, each only once
    redress remind --queue                 leave the run to `redress worker` instead

Run it once a day (cron, or a systemd timer), beside `redress worker`, which sends the emails.
Running it more often, or twice by mistake, sends nothing twice. It exits 1 when a deadline has
nobody to remind (no case officer, and no coordinator with an email address), so that cron
tells the operator; bad arguments exit 2.
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from django.core.management.base import CommandError, CommandParser

from redress.cases import reminders, tasks
from redress.people.management.commands._operator import OperatorCommand


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date like 2025-03-31") from None


class Command(OperatorCommand):
    help = "Email case officers the reminders owed today for their cases' deadlines."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today",
            type=_date,
            metavar="YYYY-MM-DD",
            help="the day to remind as of (default: today), to catch up on a missed run",
        )
        parser.add_argument(
            "--queue",
            action="store_true",
            help="queue the run for `redress worker` instead of running it here",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["queue"]:
            if options["today"] is not None:
                raise CommandError("--queue runs as of the day the worker takes it; drop --today")
            result = tasks.send_deadline_reminders.enqueue()
            self.stdout.write(f"reminders queued for the worker (task {result.id})")
            return
        try:
            run = reminders.send_deadline_reminders(today=options["today"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{len(run.sent)} reminder(s) sent")
        if run.requeued:
            self.stdout.write(f"{run.requeued} unsent reminder email(s) queued again")
        if run.nobody_to_remind:
            cases = ", ".join(sorted(set(run.nobody_to_remind)))
            raise CommandError(
                f"nobody to remind of deadlines on {cases}: assign a case officer, or give a "
                "complaints coordinator an email address"
            )
