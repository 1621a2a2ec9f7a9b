"""A task for the worker crash test: slow enough to be killed in the middle of, and leaving a
mark that says it ran to the end."""

from __future__ import annotations

import time
from pathlib import Path

from django_tasks import task


@task()
def deliver_parcel(folder: str, number: int) -> None:
    """Take a moment, then leave parcel `number` in `folder`. Safe to run twice."""
    time.sleep(0.25)
    Path(folder, f"{number}.delivered").write_text("delivered")
