"""Every app's scheduled jobs are found, listed with their schedule and runnable by name."""

import datetime as dt
import json
import threading

import pytest
from django.core.management import CommandError, call_command

from hogo.audit.models import AuditEntry
from hogo.jobs import Job, declared, find

# What the schedule held before each app declared its own jobs: nothing may go missing.
EXPECTED = {
    "accounts.login_failures": 3600, "oversight.verify_chain": 86400,
    "footage.integrity": 86400, "footage.ring_buffer": 3600,
    "footage.expire_uploads": 3600, "footage.orphans": 86400, "footage.quarantine": 86400,
    "copies.retention": 86400, "copies.expire_exports": 3600, "media.overdue": 3600,
    "incidents.escalate": 60, "incidents.deadlines": 3600,
}


def test_every_app_declares_its_jobs_and_none_is_lost():
    jobs = {job.name: int(job.every.total_seconds()) for job in declared()}
    assert EXPECTED.items() <= jobs.items()


def test_each_job_is_named_after_the_app_that_declares_it():
    for job in declared():
        app = job.name.split(".")[0]
        assert job.task_path.startswith(f"hogo.{app}."), (job.name, job.task_path)


def test_jobs_list_shows_every_job_with_its_schedule(capsys):
    call_command("jobs", "list")
    out = capsys.readouterr().out.splitlines()
    rows = {line.split()[0]: line.split()[1] for line in out}
    assert rows["incidents.escalate"] == "every" and rows["footage.orphans"] == "daily"
    assert set(EXPECTED) <= set(rows)
    call_command("jobs", "list", "--json")
    listed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    by_name = {item["name"]: item for item in listed}
    assert by_name["incidents.escalate"]["schedule"] == "every 1 min"
    assert by_name["media.overdue"]["task"] == "hogo.media.tasks.overdue_media_task"


@pytest.mark.django_db
def test_jobs_run_runs_one_job_now(capsys):
    before = AuditEntry.objects.filter(action="footage.orphans_swept").count()
    call_command("jobs", "run", "footage.orphans")
    result = json.loads(capsys.readouterr().out)
    assert result == {"blobs": 0, "blob_bytes": 0, "temporary_files": 0, "staged_uploads": 0}
    assert AuditEntry.objects.filter(action="footage.orphans_swept").count() == before + 1


def test_an_unknown_job_is_refused_with_the_known_names():
    with pytest.raises(CommandError, match="no job named 'nope'.*footage.orphans"):
        call_command("jobs", "run", "nope")


def test_find_and_schedule_words():
    assert find("copies.retention").schedule == "daily"
    job = Job("x.y", find("copies.retention").task, dt.timedelta(hours=6), "six-hourly")
    assert job.schedule == "every 6 h"
    with pytest.raises(ValueError, match="must be positive"):
        Job("x.z", job.task, dt.timedelta(0), "never")


class _Counting:
    """Stands in for a task's enqueue only: what the loop does with the declarations."""

    module_path = "tests.counting"

    def __init__(self, fail: bool = False) -> None:
        self.calls, self.fail = 0, fail
        self.called = threading.Event()

    def enqueue(self) -> None:
        self.calls += 1
        self.called.set()
        if self.fail:
            raise RuntimeError("queue down")


def test_the_schedule_enqueues_every_declared_job_at_start_even_when_one_fails(transactional_db):
    """The loop's thread has a database connection of its own: committed data."""
    from hogo.jobs import schedule

    failing, fine = _Counting(fail=True), _Counting()
    jobs = [Job("a.fails", failing, dt.timedelta(hours=1), "x"),
            Job("b.fine", fine, dt.timedelta(hours=1), "y")]
    stop = threading.Event()
    thread = threading.Thread(target=schedule.run_forever, args=(stop, jobs))
    thread.start()
    try:
        assert fine.called.wait(10)
    finally:
        stop.set()
        thread.join(10)
    assert (failing.calls, fine.calls) == (1, 1)


def test_jobs_schedule_enqueues_the_declared_jobs_until_stopped(tmp_path):
    """The foreground scheduler of a scale-out installation, as a real process: started, it
    enqueues every job once into the database queue; SIGTERM stops it cleanly."""
    import os
    import signal
    import subprocess
    import sys
    import time

    env = {**os.environ, "HOGO_DATA_DIR": str(tmp_path)}
    hogo = [sys.executable, "-m", "hogo.cli"]
    subprocess.run([*hogo, "migrate", "-v", "0"], env=env, check=True)
    process = subprocess.Popen([*hogo, "jobs", "schedule"], env=env, stderr=subprocess.PIPE,
                               text=True)
    try:
        queued: list[str] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(queued) < len(EXPECTED):
            time.sleep(0.5)
            out = subprocess.run([*hogo, "shell", "-c", (
                "from django_tasks_db.models import DBTaskResult;"
                "print('\\n'.join(sorted(set(DBTaskResult.objects.values_list("
                "'task_path', flat=True)))))")], env=env, capture_output=True, text=True)
            queued = out.stdout.split()
        assert {"hogo.footage.orphans.sweep_orphans_task",
                "hogo.incidents.tasks.escalate_incidents_task"} <= set(queued)
        assert len(queued) >= len(EXPECTED)
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(40) == 0
    assert "scheduling" in process.stderr.read()
