"""Recurring jobs, enqueued by the server process for whichever worker picks them up.

The embedded default needs no cron: `hogo serve` runs this loop in a thread. Each job is
enqueued once at start-up and then every `every` seconds.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from django.db import close_old_connections

from hogo.audit.tasks import summarise_login_failures_task, verify_chain_task
from hogo.copies.tasks import copy_retention_task, expire_exports_task
from hogo.footage.orphans import sweep_orphans_task
from hogo.footage.quarantine import erase_expired_quarantine_task
from hogo.footage.tasks import expire_uploads_task, integrity_task, sweep_task
from hogo.incidents.tasks import escalate_incidents_task, incident_deadlines_task
from hogo.media.tasks import overdue_media_task

log = logging.getLogger("hogo.schedule")
DAY = 24 * 3600
JOBS: tuple[tuple[Callable, int], ...] = (
    (verify_chain_task, DAY),
    (summarise_login_failures_task, 3600),
    (integrity_task, DAY),
    (sweep_task, 3600),
    (expire_uploads_task, 3600),  # uploads that never got a byte expire after an hour
    (sweep_orphans_task, DAY),
    (erase_expired_quarantine_task, DAY),
    (copy_retention_task, DAY),
    (expire_exports_task, 3600),
    (overdue_media_task, 3600),
    (escalate_incidents_task, 60),
    (incident_deadlines_task, 3600),  # alerts are keyed by day: one per report and day
)


def run_forever(stop: threading.Event) -> None:
    due = dict.fromkeys(range(len(JOBS)), 0.0)
    while not stop.is_set():
        now = time.monotonic()
        for index, (job, every) in enumerate(JOBS):
            if now >= due[index]:
                try:
                    job.enqueue()
                except Exception:  # a failed enqueue must not stop the others
                    log.exception("could not enqueue %s", job)
                due[index] = now + every
        close_old_connections()
        stop.wait(30)


def start() -> threading.Event:
    stop = threading.Event()
    threading.Thread(target=run_forever, args=(stop,), name="hogo-schedule",
                     daemon=True).start()
    return stop
