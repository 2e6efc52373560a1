"""`hogo db_worker` (this command; `hogo worker` is the same): django-tasks-db's worker with
hogo's heartbeat, so a job whose worker died is run again by another (hogo.jobs.worker).

Django would find django-tasks-db's own `db_worker` first (its app comes earlier), so the
`hogo` entry point maps `db_worker` here (hogo.cli). Options are django-tasks-db's; the
default worker id is unique per host and process.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError
from django_tasks_db.management.commands import db_worker

from hogo.jobs.worker import Worker, new_worker_id


class Command(db_worker.Command):
    help = "Run a background worker (database queue) with a heartbeat; jobs of dead workers " \
           "are run again."

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        parser.set_defaults(worker_id=new_worker_id(), queue_name="*")

    def handle(self, *args: Any, verbosity: int, queue_name: str, exclude_queues: str,
               **options: Any) -> None:
        self.configure_logging(verbosity)
        queues = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queues:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = Worker(queue_names=queues, excluded_queue_names=excluded,
                        interval=options["interval"], batch=options["batch"],
                        backend_name=options["backend_name"],
                        startup_delay=options["startup_delay"],
                        max_tasks=options["max_tasks"], worker_id=options["worker_id"])
        worker.configure_signals()
        worker.run()  # no --reload here: a reload would not stop a running job cleanly
