"""`hogo check` for an installation of several processes or machines.

What one process can see of the others is in the database: the workers' heartbeats (host,
last beat) and the schedule's claimed periods. From them: jobs waiting while no worker is
alive, a schedule nobody runs, and, once workers beat from more than one machine, the
settings that must then be shared rather than per machine (the object store, the secret key,
the audit anchor's place, mail).
"""

from __future__ import annotations

import datetime as dt
import os

from django.conf import settings
from django.db.utils import DatabaseError
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from hogo import clock
from hogo.jobs import declared
from hogo.jobs.models import ScheduleSlot, WorkerBeat
from hogo.jobs.worker import STALE_SECONDS

RECENT = dt.timedelta(days=1)  # machines seen this recently count as part of the installation
WAITING = dt.timedelta(minutes=5)  # a job queued this long without a live worker is stuck


def scale_findings(now: dt.datetime | None = None) -> list[tuple[bool, str]]:
    """(missing, text) lines about workers, the schedule and what machines must share."""
    now = now or clock.real_now()
    try:
        return _workers(now) + _schedule(now) + _shared(now)
    except DatabaseError as error:  # not migrated yet: say so instead of a traceback
        return [(True, f"database: cannot read the job tables ({error}); run `hogo migrate`")]


def _workers(now: dt.datetime) -> list[tuple[bool, str]]:
    alive = WorkerBeat.objects.filter(beat_at__gte=now - dt.timedelta(seconds=STALE_SECONDS),
                                      stopped_at__isnull=True)
    oldest = (DBTaskResult.objects.filter(status=TaskResultStatus.READY)
              .order_by("enqueued_at").values_list("enqueued_at", flat=True).first())
    if oldest is not None and now - oldest > WAITING and not alive.exists():
        return [(True, f"workers: jobs have waited since {oldest:%Y-%m-%d %H:%M} UTC and no "
                       f"worker has beaten in {STALE_SECONDS:.0f} s; start `hogo db_worker` "
                       "(or `hogo serve` without --no-worker)")]
    if alive.exists():
        hosts = sorted(set(alive.values_list("host", flat=True)))
        return [(False, f"workers: {alive.count()} alive on {', '.join(hosts)}")]
    return []


def _schedule(now: dt.datetime) -> list[tuple[bool, str]]:
    jobs = declared()
    if not jobs:
        return []
    shortest = min(job.every for job in jobs)
    last = ScheduleSlot.objects.order_by("-claimed_at").values_list("claimed_at",
                                                                    flat=True).first()
    if last is not None and now - last > 2 * shortest + dt.timedelta(minutes=1):
        return [(False, f"schedule: no process has enqueued scheduled jobs since "
                       f"{last:%Y-%m-%d %H:%M} UTC; run `hogo serve` without --no-schedule "
                       "or `hogo jobs schedule` (several may run: each job fires once)")]
    return []


def machines(now: dt.datetime) -> list[str]:
    """Hosts whose workers or schedulers were seen recently."""
    hosts = set(WorkerBeat.objects.filter(beat_at__gte=now - RECENT)
                .values_list("host", flat=True))
    hosts |= {by.rsplit(":", 1)[0] for by in ScheduleSlot.objects.filter(
        claimed_at__gte=now - RECENT).values_list("claimed_by", flat=True)}
    return sorted(hosts)


def _shared(now: dt.datetime) -> list[tuple[bool, str]]:
    hosts = machines(now)
    if len(hosts) < 2:
        return []
    seen = f"{len(hosts)} machines run hogo ({', '.join(hosts)})"
    found = []
    if settings.HOGO_STORAGE.get("backend") != "s3":
        found.append((True, f"storage: {seen}, but footage is kept in this machine's "
                            "directory; set HOGO_STORAGE_BACKEND=s3 on every machine"))
    if not os.environ.get("HOGO_SECRET_KEY"):
        found.append((True, f"secret key: {seen}, but this one generated its own; set the "
                            "same HOGO_SECRET_KEY on every machine (else sessions break)"))
    if not settings.HOGO_AUDIT_ANCHOR_DIR:
        found.append((True, f"audit anchor: {seen}, but the daily anchor goes into this "
                            "machine's data directory; set HOGO_AUDIT_ANCHOR_DIR to one share "
                            "every machine mounts"))
    if settings.EMAIL_BACKEND.endswith("filebased.EmailBackend"):
        found.append((False, f"mail: {seen}; each writes its mail to its own var/mail/ — "
                             "set HOGO_EMAIL_HOST so alerts reach people"))
    return found
