"""Recurring jobs, enqueued for whichever worker picks them up — once per period, however many
processes run the schedule.

The embedded default needs no cron: `hogo serve` runs this loop in a thread. Scale-out runs
it in every web server (or in `hogo jobs schedule` processes): each period of each job
(seconds since the epoch // `job.every`, on hogo's clock) is a `ScheduleSlot` row, and only
the process whose insert of that row succeeds enqueues the job, in the same transaction. So
a job fires once per period across all processes, a restart within a period does not fire it
again, and a period nobody was running for is fired when the first process comes up.
"""

from __future__ import annotations

import logging
import os
import socket
import threading

from django.db import IntegrityError, close_old_connections, transaction

from hogo import clock
from hogo.jobs.declarations import Job, declared
from hogo.jobs.models import ScheduleSlot

log = logging.getLogger("hogo.schedule")
TICK_SECONDS = float(os.environ.get("HOGO_SCHEDULE_TICK_SECONDS", "30"))
KEEP_SLOTS = 3  # periods of each job remembered (older rows are deleted as new ones come)


def slot_of(job: Job) -> int:
    """The number of the period hogo's clock is in, for this job."""
    return int(clock.now().timestamp()) // int(job.every.total_seconds())


def claim_and_enqueue(job: Job, slot: int, by: str) -> bool:
    """Enqueue `job` for `slot` unless another process already did; True if this one did."""
    try:
        with transaction.atomic():
            ScheduleSlot.objects.create(job=job.name, slot=slot, claimed_by=by,
                                        claimed_at=clock.now())
            job.task.enqueue()
    except IntegrityError:
        return False  # another process has this period
    ScheduleSlot.objects.filter(job=job.name, slot__lte=slot - KEEP_SLOTS).delete()
    return True


def tick(jobs: list[Job], done: dict[str, int], by: str) -> None:
    """One pass: each job whose current period this process has not seen yet is claimed."""
    for job in jobs:
        slot = slot_of(job)
        if done.get(job.name) == slot:
            continue
        try:
            if claim_and_enqueue(job, slot, by):
                log.info("enqueued %s (period %s)", job.name, slot)
            done[job.name] = slot
        except Exception:  # a failed enqueue must not stop the others; retried next tick
            log.exception("could not enqueue job %s", job.name)


def run_forever(stop: threading.Event, jobs: list[Job] | None = None,
                tick_seconds: float | None = None) -> None:
    jobs = declared() if jobs is None else jobs
    by = f"{socket.gethostname()}:{os.getpid()}"
    done: dict[str, int] = {}
    while not stop.is_set():
        tick(jobs, done, by)
        close_old_connections()
        stop.wait(TICK_SECONDS if tick_seconds is None else tick_seconds)


def start() -> threading.Event:
    stop = threading.Event()
    jobs = declared()  # in the caller's thread: a bad declaration stops `serve` at once
    threading.Thread(target=run_forever, args=(stop, jobs), name="hogo-schedule",
                     daemon=True).start()
    return stop
