"""The background worker: django-tasks' database worker, plus a heartbeat that lets a job
outlive its worker.

django-tasks-db marks a job RUNNING when a worker claims it and never looks at it again; a
worker killed with -9 (or a machine lost) leaves it RUNNING for ever: a masked copy never
made, an erasure never done. Here every worker writes a `WorkerBeat` every `BEAT_SECONDS`
from a thread of its own (a job holding the main thread for minutes does not stop it), and
each beat also looks for RUNNING jobs whose worker has not beaten for `STALE_SECONDS`: those
go back to READY (logged; the job's row keeps every worker that tried it), and the next free
worker runs them again. The jobs themselves are written to be run again safely (each checks
the state it starts from and commits its effect in one transaction), so a job retried after
a kill is done once, not lost and not doubled.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading

from django.db import close_old_connections, transaction
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from hogo import clock
from hogo.jobs.models import WorkerBeat

log = logging.getLogger("hogo.worker")
BEAT_SECONDS = float(os.environ.get("HOGO_WORKER_BEAT_SECONDS", "10"))
STALE_SECONDS = float(os.environ.get("HOGO_WORKER_STALE_SECONDS", "60"))
FORGET_AFTER = dt.timedelta(days=1)  # beats of workers gone this long are deleted


def new_worker_id(prefix: str = "w") -> str:
    """Unique across machines and restarts: host, pid and a random tail (≤ 64 characters)."""
    return f"{prefix}-{socket.gethostname()[:30]}-{os.getpid()}-{os.urandom(3).hex()}"


def beat(worker_id: str, *, started: bool = False) -> None:
    now = clock.real_now()
    defaults = {"host": socket.gethostname()[:255], "pid": os.getpid(), "beat_at": now,
                "stopped_at": None}
    if started:
        defaults["started_at"] = now
    updated = WorkerBeat.objects.filter(worker_id=worker_id).update(**defaults)
    if not updated:
        WorkerBeat.objects.create(worker_id=worker_id, **{"started_at": now, **defaults})


def recover_stale(stale_seconds: float | None = None) -> list[int | str]:
    """Give RUNNING jobs of workers that stopped beating back to the queue; their ids."""
    now = clock.real_now()
    cutoff = now - dt.timedelta(seconds=STALE_SECONDS if stale_seconds is None
                                else stale_seconds)
    alive = set(WorkerBeat.objects.filter(beat_at__gte=cutoff, stopped_at__isnull=True)
                .values_list("worker_id", flat=True))
    recovered: list[int | str] = []
    with transaction.atomic():
        running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
        for result in running.select_for_update(skip_locked=True):
            last = result.worker_ids[-1] if result.worker_ids else ""
            if last in alive or (result.started_at and result.started_at >= cutoff):
                continue  # its worker lives, or it was claimed a moment ago
            result.status, result.started_at = TaskResultStatus.READY, None
            result.save(update_fields=["status", "started_at"])
            recovered.append(result.pk)
            log.warning("job %s (%s) of worker %s, which stopped beating, is queued again "
                        "(attempt %s)", result.pk, result.task_path, last,
                        len(result.worker_ids) + 1)
    WorkerBeat.objects.filter(beat_at__lt=now - FORGET_AFTER).delete()
    return recovered


class Heartbeat:
    """The thread that beats for one worker and recovers the jobs of dead ones."""

    def __init__(self, worker_id: str) -> None:
        self.worker_id = worker_id
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"hogo-beat-{worker_id}",
                                        daemon=True)

    def start(self) -> None:
        beat(self.worker_id, started=True)  # in the caller's thread: a bad database stops it
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(BEAT_SECONDS + 5)
        WorkerBeat.objects.filter(worker_id=self.worker_id).update(stopped_at=clock.real_now())

    def _run(self) -> None:
        while not self._stop.wait(BEAT_SECONDS):
            try:
                beat(self.worker_id)
                recover_stale()
            except Exception:  # a database hiccup must not end the beating
                log.exception("worker %s could not beat", self.worker_id)
            finally:
                close_old_connections()


class Worker(db_worker.Worker):
    """django-tasks-db's worker with a heartbeat (see the module docstring)."""

    def run(self) -> None:
        heartbeat = Heartbeat(self.worker_id)
        heartbeat.start()
        try:
            super().run()
        finally:
            heartbeat.stop()
