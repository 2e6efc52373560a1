"""Recurring jobs, enqueued by the server process for whichever worker picks them up.

The embedded default needs no cron: `hogo serve` runs this loop in a thread. Each declared
job (see declarations.py) is enqueued once at start-up and then every `job.every`.
"""

from __future__ import annotations

import logging
import threading
import time

from django.db import close_old_connections

from hogo.jobs.declarations import Job, declared

log = logging.getLogger("hogo.schedule")
TICK_SECONDS = 30


def run_forever(stop: threading.Event, jobs: list[Job] | None = None) -> None:
    jobs = declared() if jobs is None else jobs
    due = dict.fromkeys(range(len(jobs)), 0.0)
    while not stop.is_set():
        now = time.monotonic()
        for index, job in enumerate(jobs):
            if now >= due[index]:
                try:
                    job.task.enqueue()
                except Exception:  # a failed enqueue must not stop the others
                    log.exception("could not enqueue job %s", job.name)
                due[index] = now + job.every.total_seconds()
        close_old_connections()
        stop.wait(TICK_SECONDS)


def start() -> threading.Event:
    stop = threading.Event()
    jobs = declared()  # in the caller's thread: a bad declaration stops `serve` at once
    threading.Thread(target=run_forever, args=(stop, jobs), name="hogo-schedule",
                     daemon=True).start()
    return stop
