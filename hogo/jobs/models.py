"""What several processes need to agree on about background work, kept in the database.

`WorkerBeat`: each worker process says it is alive every few seconds, so a job whose worker
died (kill -9, a lost machine) is given back to the queue for another worker instead of staying
"running" for ever. `ScheduleSlot`: one row per job and period; the process that inserts it is
the one that enqueues the job, so two web servers (or schedulers) never fire a job twice.
"""

from __future__ import annotations

from django.db import models


class WorkerBeat(models.Model):
    worker_id = models.CharField(max_length=64, unique=True)
    host = models.CharField(max_length=255)
    pid = models.IntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)
    stopped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "ワーカーの稼働記録"

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.host}:{self.pid})"


class ScheduleSlot(models.Model):
    job = models.CharField(max_length=100)
    slot = models.BigIntegerField()  # the period's number: seconds since the epoch // every
    claimed_by = models.CharField(max_length=255)
    claimed_at = models.DateTimeField()

    class Meta:
        verbose_name = "定期処理の実行枠"
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="one_run_per_slot")]

    def __str__(self) -> str:
        return f"{self.job} #{self.slot}"
