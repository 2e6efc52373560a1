"""`hogo jobs list` shows every scheduled job; `hogo jobs run NAME` runs one once, now;
`hogo jobs schedule` enqueues them on their schedule in the foreground.

`hogo serve` runs the schedule in a thread; a scale-out installation whose web servers run
`--no-worker` runs one `hogo jobs schedule` process beside its `hogo db_worker` processes.

Running a job by hand is what an operator does after fixing its cause (a full disk, a lost
mail server) instead of waiting for the schedule; it runs in this process, as the worker
would, and prints what the job returned.
"""

from __future__ import annotations

import json
import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from hogo.jobs import declared, find, schedule


class Command(BaseCommand):
    help = "List the scheduled jobs, or run one of them once."

    def add_arguments(self, parser: Any) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        listing = actions.add_parser("list", help="every scheduled job with its schedule")
        listing.add_argument("--json", action="store_true", help="one JSON object per job")
        run = actions.add_parser("run", help="run one job now, in this process")
        run.add_argument("name", help="the job's name, as `hogo jobs list` shows it")
        actions.add_parser("schedule", help="enqueue every job on its schedule until stopped "
                                            "(for web servers run with --no-worker)")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "list":
            self._list(as_json=options["json"])
        elif action == "run":
            self._run(options["name"])
        else:
            self._schedule()

    def _list(self, *, as_json: bool) -> None:
        jobs = declared()
        if as_json:
            for job in jobs:
                self.stdout.write(json.dumps({
                    "name": job.name, "schedule": job.schedule,
                    "every_seconds": int(job.every.total_seconds()),
                    "task": job.task_path, "about": job.about}))
            return
        name_width = max(len(job.name) for job in jobs)
        schedule_width = max(len(job.schedule) for job in jobs)
        for job in jobs:
            self.stdout.write(f"{job.name:<{name_width}}  {job.schedule:<{schedule_width}}  "
                              f"{job.about}")

    def _run(self, name: str) -> None:
        try:
            job = find(name)
        except LookupError as error:
            raise CommandError(str(error)) from None
        self.stderr.write(f"running {job.name} ({job.task_path})")
        result = job.task.call()
        self.stdout.write(json.dumps(result, ensure_ascii=False, default=str))

    def _schedule(self) -> None:
        jobs = declared()
        self.stderr.write(f"scheduling {len(jobs)} jobs (Ctrl+C to stop)")
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            schedule.run_forever(stop, jobs)
        except KeyboardInterrupt:
            stop.set()
