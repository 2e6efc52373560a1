"""Several processes, one queue: a scheduled job fires once per period however many
schedulers run, and the job of a worker that stopped beating is queued again (only that one)."""

from __future__ import annotations

import datetime as dt

import pytest
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from hogo import clock
from hogo.jobs import find, schedule
from hogo.jobs.models import ScheduleSlot, WorkerBeat
from hogo.jobs.worker import beat, recover_stale

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 6, 3, 9, 0, 30, tzinfo=dt.UTC)


def _queued(job) -> int:
    return DBTaskResult.objects.filter(task_path=job.task_path).count()


def test_two_schedulers_fire_each_job_once_per_period():
    escalate, daily = find("incidents.escalate"), find("copies.retention")  # 60 s, 1 day
    mine, theirs = {}, {}
    with clock.frozen(T0):
        schedule.tick([escalate, daily], mine, "a:1")
        schedule.tick([escalate, daily], theirs, "b:2")
        schedule.tick([escalate, daily], theirs, "b:2")
    assert (_queued(escalate), _queued(daily)) == (1, 1)
    with clock.frozen(T0 + dt.timedelta(seconds=60)):  # the next minute: escalate only
        schedule.tick([escalate, daily], theirs, "b:2")
        schedule.tick([escalate, daily], mine, "a:1")
    assert (_queued(escalate), _queued(daily)) == (2, 1)
    claimed = ScheduleSlot.objects.filter(job=escalate.name).values_list("claimed_by", flat=True)
    assert sorted(claimed) == ["a:1", "b:2"]  # whoever came first in each period


def test_a_failed_enqueue_leaves_the_period_to_be_tried_again():
    class Broken:
        module_path = "tests.broken"

        def enqueue(self):
            raise RuntimeError("queue down")

    from hogo.jobs import Job

    job = Job("x.broken", Broken(), dt.timedelta(minutes=1), "fails")
    done: dict[str, int] = {}
    with clock.frozen(T0):
        schedule.tick([job], done, "a:1")
    assert not ScheduleSlot.objects.filter(job="x.broken").exists() and done == {}


def _running(worker_id: str, started: dt.datetime) -> DBTaskResult:
    result = DBTaskResult.objects.get(id=find("media.overdue").task.enqueue().id)
    result.claim(worker_id)
    DBTaskResult.objects.filter(pk=result.pk).update(started_at=started)
    return result


def test_the_job_of_a_worker_that_stopped_beating_is_queued_again_once():
    now = clock.real_now()
    beat("alive")
    WorkerBeat.objects.create(worker_id="dead", host="h", pid=1, started_at=now,
                              beat_at=now - dt.timedelta(minutes=5))
    orphaned = _running("dead", now - dt.timedelta(minutes=5))
    kept = _running("alive", now - dt.timedelta(minutes=5))
    fresh = _running("unknown", now)  # claimed a moment ago, its worker not seen yet

    assert recover_stale(stale_seconds=60) == [orphaned.pk]
    assert recover_stale(stale_seconds=60) == []  # once
    statuses = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert statuses[orphaned.pk] == TaskResultStatus.READY
    assert statuses[kept.pk] == statuses[fresh.pk] == TaskResultStatus.RUNNING
    assert DBTaskResult.objects.ready().filter(pk=orphaned.pk).exists()  # a worker takes it


def test_hogo_db_worker_is_the_worker_with_a_heartbeat():
    from django.core.management import get_commands, load_command_class

    from hogo import cli

    assert cli.command_line(["db_worker", "--batch"]) == ["hogo", "worker", "--batch"]
    command = load_command_class(get_commands()["worker"], "worker")
    assert command.__module__ == "hogo.jobs.management.commands.worker"
