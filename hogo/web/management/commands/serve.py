"""`hogo serve`: the web server (waitress) and the background worker in one process.

The embedded default needs no other service: the worker runs django-tasks' database queue in
a thread. Scale-out runs `hogo db_worker` processes instead and passes --no-worker here.
"""

from __future__ import annotations

import logging
import threading

from django.core.management.base import BaseCommand
from django_tasks_db.management.commands.db_worker import Worker
from waitress import serve

from hogo.footage.tus import MAX_PATCH
from hogo.web import schedule
from hogo.wsgi import application

log = logging.getLogger("hogo.serve")


def start_worker() -> Worker:
    worker = Worker(queue_names=["*"], interval=1.0, batch=False, backend_name="default",
                    startup_delay=False, max_tasks=None, worker_id="in-process",
                    excluded_queue_names=[])
    threading.Thread(target=worker.run, name="hogo-worker", daemon=True).start()
    return worker


class Command(BaseCommand):
    help = "Serve hogo (waitress) with the in-process background worker."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument("--no-worker", action="store_true",
                            help="run workers as separate `hogo db_worker` processes instead")

    def handle(self, *args, host: str, port: int, threads: int, no_worker: bool,
               **options) -> None:
        if not no_worker:
            start_worker()
            schedule.start()
            self.stdout.write("background worker and schedule: running in this process")
        self.stdout.write(f"hogo is up: http://{host}:{port}/  (Ctrl+C to stop)")
        # PATCH bodies of footage uploads (at most 64 MiB) stay in memory: waitress would
        # otherwise spool them to a temporary file, i.e. write plaintext video to disk.
        # Likewise decrypted footage on its way out: the output buffer never spills to a file.
        # A larger request body is refused before it is read.
        serve(application, host=host, port=port, threads=threads, ident="hogo",
              inbuf_overflow=MAX_PATCH + (1 << 20), max_request_body_size=MAX_PATCH + (1 << 20),
              outbuf_overflow=64 << 20, outbuf_high_watermark=32 << 20)
