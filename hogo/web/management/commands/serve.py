"""`hogo serve`: the web server (waitress) and the background worker in one process.

The embedded default needs no other service: the worker runs django-tasks' database queue in
a thread. Scale-out runs `hogo db_worker` processes instead and passes --no-worker here; the
schedule may run in every server (a job fires once per period across them, hogo.jobs.schedule).
"""

from __future__ import annotations

import logging
import threading

from django.core.management.base import BaseCommand
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, create_server

from hogo.footage.tus import MAX_PATCH
from hogo.jobs import schedule
from hogo.jobs.worker import Worker, new_worker_id
from hogo.web.installation import base_url_problem
from hogo.wsgi import application

log = logging.getLogger("hogo.serve")


class BodyBudget:
    """Bytes of request bodies that may be in memory at once, reserved per request."""

    def __init__(self, limit: int) -> None:
        self.limit, self.used = limit, 0
        self._lock = threading.Lock()

    def reserve(self, size: int) -> bool:
        with self._lock:
            if self.used + size > self.limit:
                return False
            self.used += size
            return True

    def release(self, size: int) -> None:
        with self._lock:
            self.used -= size


class BoundedChannel(HTTPChannel):
    """A connection that reads a request body only once its size is reserved in `budget`.

    waitress reads whole request bodies into memory before a thread runs the request, on
    every open connection at once (up to connection_limit, 100). Here a connection stops
    reading after the headers until the body's declared length (a chunked body: the most a
    body may be) fits in the budget, threads × max_request_body_size; meanwhile its bytes
    wait in the kernel's socket buffers and TCP slows the sender. The reservation is returned
    when the request has been served. So bodies in memory stay within the budget, plus at
    most one recv (recv_bytes, 8 KiB) per connection that read past its headers before it
    waited. The price: a client sending its body very slowly holds its share until waitress's
    channel_timeout (120 s without a byte) closes it.
    """

    budget: BodyBudget

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._reserved = 0
        self._reserved_lock = threading.Lock()

    def readable(self) -> bool:
        if not super().readable():
            return False
        request = self.request
        if request is None or not request.headers_finished or request.completed:
            return True  # between requests or in the headers (bounded by waitress)
        with self._reserved_lock:
            if not self._reserved:
                size = self.adj.max_request_body_size if request.chunked else \
                    request.content_length
                if self.budget.reserve(size):
                    self._reserved = size
            return bool(self._reserved)

    def _release(self) -> None:
        with self._reserved_lock:
            if self._reserved:
                self.budget.release(self._reserved)
                self._reserved = 0

    def service(self) -> None:
        try:
            super().service()
        finally:
            self._release()  # the body was read and dropped with its request

    def handle_close(self) -> None:
        super().handle_close()
        if not self.requests:  # else service() runs once more and releases
            self._release()


def serve_bounded(application, *, threads: int, **adjustments) -> None:
    """waitress.serve, with request bodies in memory bounded by the thread count."""
    limit = threads * adjustments["max_request_body_size"]
    channel = type("HogoChannel", (BoundedChannel,), {"budget": BodyBudget(limit)})
    servers: dict = {}
    server = create_server(application, map=servers, threads=threads, **adjustments)
    for dispatcher in list(servers.values()):
        if isinstance(dispatcher, BaseWSGIServer):
            dispatcher.channel_class = channel
    server.print_listen("Serving on http://{}:{}")
    server.run()


def start_worker() -> Worker:
    worker = Worker(queue_names=["*"], interval=1.0, batch=False, backend_name="default",
                    startup_delay=False, max_tasks=None, worker_id=new_worker_id("serve"),
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
        parser.add_argument("--no-schedule", action="store_true",
                            help="do not enqueue the scheduled jobs here (another process "
                                 "does; with several, each job still fires once a period)")

    def handle(self, *args, host: str, port: int, threads: int, no_worker: bool,
               no_schedule: bool, **options) -> None:
        if not no_worker:
            start_worker()
            self.stdout.write("background worker: running in this process")
        if not no_schedule:
            schedule.start()
            self.stdout.write("schedule: running in this process (once per period across "
                              "all processes)")
        self.stdout.write(f"hogo is up: http://{host}:{port}/  (Ctrl+C to stop)")
        if problem := base_url_problem():
            self.stderr.write(f"warning: {problem}")
        # PATCH bodies of footage uploads (at most 64 MiB) stay in memory: waitress would
        # otherwise spool them to a temporary file, i.e. write plaintext video to disk. A
        # larger body is refused before it is read (a chunked one as soon as it grows past the
        # limit, which is why the in-memory threshold lies one more MiB above it). Likewise
        # decrypted footage on its way out: the output buffer never spills to a file. Bodies
        # in memory: at most `threads` bodies' worth (BoundedChannel).
        serve_bounded(application, host=host, port=port, threads=threads, ident="hogo",
                      max_request_body_size=MAX_PATCH + (1 << 20),
                      inbuf_overflow=MAX_PATCH + (2 << 20),
                      outbuf_overflow=64 << 20, outbuf_high_watermark=32 << 20)
