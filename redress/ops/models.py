"""What the operations app keeps: one heartbeat row per task worker."""

from __future__ import annotations

from django.db import models


class WorkerHeartbeat(models.Model):
    """A `redress worker` process: where it runs, and when it last said it was alive.

    `redress doctor` reads it to say whether any worker is running; a worker reads it to find
    tasks claimed by a worker that has died (killed, or its machine lost) and queue them again.
    """

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField()
    stopped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["beat_at"], name="ops_heartbeat_beat_at")]

    def __str__(self) -> str:
        return f"Worker {self.worker_id} on {self.hostname}"
