"""`hogo check` on several processes: stuck jobs with no live worker, a silent schedule, and
what must be shared once workers beat from more than one machine."""

from __future__ import annotations

import datetime as dt

import pytest
from django_tasks_db.models import DBTaskResult

from hogo import clock
from hogo.jobs import find
from hogo.jobs.models import ScheduleSlot, WorkerBeat
from hogo.web.installation_scale import scale_findings

pytestmark = pytest.mark.django_db


def _beat(worker: str, host: str, ago: dt.timedelta) -> None:
    at = clock.real_now() - ago
    WorkerBeat.objects.create(worker_id=worker, host=host, pid=1, started_at=at, beat_at=at)


def _missing(found) -> list[str]:
    return [text.split(":")[0] for missing, text in found if missing]


def test_one_machine_with_a_live_worker_lacks_nothing():
    _beat("w1", "web-1", dt.timedelta(seconds=1))
    found = scale_findings()
    assert _missing(found) == [] and found == [(False, "workers: 1 alive on web-1")]


def test_jobs_waiting_without_a_live_worker_are_missing_work():
    _beat("w1", "web-1", dt.timedelta(hours=2))  # stopped beating long ago
    queued = find("media.overdue").task.enqueue()
    DBTaskResult.objects.filter(id=queued.id).update(
        enqueued_at=clock.real_now() - dt.timedelta(minutes=10))
    assert _missing(scale_findings()) == ["workers"]


def test_several_machines_must_share_store_secret_key_and_anchor(settings, monkeypatch):
    monkeypatch.delenv("HOGO_SECRET_KEY", raising=False)
    settings.HOGO_STORAGE = {**settings.HOGO_STORAGE, "backend": "local"}
    settings.HOGO_AUDIT_ANCHOR_DIR = None
    _beat("w1", "web-1", dt.timedelta(seconds=1))
    _beat("w2", "worker-2", dt.timedelta(seconds=1))
    assert _missing(scale_findings()) == ["storage", "secret key", "audit anchor"]
    monkeypatch.setenv("HOGO_SECRET_KEY", "x" * 50)
    settings.HOGO_STORAGE = {**settings.HOGO_STORAGE, "backend": "s3"}
    settings.HOGO_AUDIT_ANCHOR_DIR = "/mnt/anchor"
    assert _missing(scale_findings()) == []


def test_a_schedule_nobody_runs_is_noted():
    ScheduleSlot.objects.create(job="incidents.escalate", slot=1, claimed_by="web-1:5",
                                claimed_at=clock.real_now() - dt.timedelta(hours=1))
    assert [text.split(":")[0] for _, text in scale_findings()] == ["schedule"]
