"""The scale-out rehearsal: one PostgreSQL, one S3 server (moto), two `hogo serve` processes
behind nginx (the project's deploy/ configuration), three `hogo db_worker` processes.

Footage is uploaded, copied, masked and erased through both servers. The copies are masked in
pieces (HOGO_MASK_PIECE_SECONDS=10: two or three pieces each, one job per piece, so the three
workers share a copy); one worker is killed with -9 in the middle of a piece's render. Then:
every job ran exactly once (the killed piece once more, by another worker, the other pieces of
its copy not again, and the joined copy is there once), the scheduled jobs fired once per period
although both servers run the schedule, the audit chain verifies, a session made on one
server works on the other, nothing was written to a server's own disk that another needs, and
nginx spooled nothing to disk. Each process has a data directory of its own; they share only
the database, the bucket, the master keys, HOGO_SECRET_KEY and the audit anchor's share
(HOGO_AUDIT_ANCHOR_DIR, mounted on every machine), as machines would.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from pathlib import Path

import pytest
import requests

from hogo.clock import JST

pytestmark = pytest.mark.faults
T0 = dt.datetime(2025, 6, 3, 14, 0, 0, tzinfo=JST)  # continuous_clips start here
PASSWORDS = {"manager": "demo-manager-2026", "privacy": "demo-privacy-2026"}
RANGES = [(5, 25), (40, 70), (95, 115)]  # seconds after T0: three copies, one across a cut
WORKERS = ["w1", "w2", "w3"]
RENDER_PIECE = "hogo.processing.tasks.render_piece_task"
PIECE_SECONDS = 10


@pytest.fixture
def postgres_only():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the scale-out rehearsal runs on PostgreSQL (the PostgreSQL pass of "
                    "`python3 dev.py test`, scripts/with_postgres.py)")


@pytest.fixture
def installation(postgres_only, transactional_db, s3_endpoint, tmp_path):
    """Committed demo data (no footage) and the S3 store the children share."""
    from django.core.management import call_command
    from django.db import connection

    from hogo.audit import triggers
    from hogo.testing.stores import store_settings, using_store
    from hogo.web.demo import load_demo

    triggers.remove(connection)
    call_command("flush", verbosity=0, interactive=False)
    triggers.install(connection)
    store = store_settings("s3", tmp_path / "shared", endpoint=s3_endpoint)
    with using_store(store):
        yield load_demo(footage=False)[0], store


class Session:
    """A person's browser: one cookie jar, any server's address."""

    def __init__(self) -> None:
        self.http = requests.Session()
        self.upstreams: set[str] = set()

    def get(self, url: str) -> requests.Response:
        return self._note(self.http.get(url, timeout=60))

    def post(self, url: str, data: dict) -> requests.Response:
        token = self.http.cookies.get("csrftoken") or self._csrf(url)
        return self._note(self.http.post(url, data={**data, "csrfmiddlewaretoken": token},
                                         headers={"Referer": url}, timeout=60))

    def login(self, base: str, username: str) -> None:
        page = self.get(f"{base}/accounts/login/")
        assert page.status_code == 200, page.status_code
        done = self.post(f"{base}/accounts/login/",
                         {"username": username, "password": PASSWORDS[username]})
        assert "/accounts/login/" not in done.url, f"{username} could not log in"

    def _csrf(self, url: str) -> str:
        self.get(url.split("/", 3)[0] + "//" + url.split("/", 3)[2] + "/accounts/login/")
        return self.http.cookies["csrftoken"]

    def _note(self, response: requests.Response) -> requests.Response:
        for answer in [*response.history, response]:
            if upstream := answer.headers.get("X-Hogo-Upstream"):
                self.upstreams.add(upstream)
        return response


def _wait(check, what: str, timeout: float = 180, children=()):
    deadline = time.monotonic() + timeout
    while not (found := check()):
        dead = [c for c in children if not c.alive()]
        if dead:
            raise AssertionError(f"{dead[0].args} exited before {what}:\n{dead[0].tail()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"no {what} within {timeout} s")
        time.sleep(0.1)
    return found


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_two_servers_three_workers_one_database_one_bucket(installation, continuous_clips,
                                                            tmp_path):
    from django.db import connection
    from django.urls import reverse
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from hogo.accounts import services as accounts
    from hogo.audit.models import AuditEntry
    from hogo.copies.models import Copy
    from hogo.footage.models import Segment
    from hogo.footage.objects import get_store
    from hogo.jobs import declared, find
    from hogo.processing.models import (
        PieceStage,
        Processing,
        ProcessingPiece,
        ProcessingState,
    )
    from hogo.registry.models import Recorder
    from hogo.testing.processes import Hogo
    from hogo.testing.proxy import Proxy, free_port, wait_for_port

    organisation, store = installation
    logs = tmp_path / "logs"
    logs.mkdir()
    hogo = Hogo(str(connection.settings_dict["NAME"]), store, logs)
    anchors = tmp_path / "anchor-share"  # a share every machine mounts (README)
    anchors.mkdir()
    common = {"HOGO_SECRET_KEY": "rehearsal-" + "k" * 50, "HOGO_SCHEDULE_TICK_SECONDS": "1",
              "HOGO_AUDIT_ANCHOR_DIR": str(anchors),
              "HOGO_WORKER_BEAT_SECONDS": "0.5", "HOGO_WORKER_STALE_SECONDS": "3",
              "HOGO_MASK_PIECE_SECONDS": str(PIECE_SECONDS)}
    homes: dict[str, Path] = {}

    def machine(name: str) -> dict[str, str]:
        """A machine's own data directory and spool; the bucket and keys are shared."""
        home = homes.setdefault(name, tmp_path / name)
        home.mkdir(exist_ok=True)
        own_store = {**store, "spool_dir": str(home / "spool")}
        return {**common, "HOGO_DATA_DIR": str(home), "HOGO_TEST_STORAGE": json.dumps(own_store)}

    proxy = None
    try:
        started = time.time()
        ports = [free_port(), free_port()]
        servers = [hogo.start("serve", "--no-worker", "--port", str(port), "--threads", "4",
                              env=machine(f"web{n}"), name=f"web{n}")
                   for n, port in enumerate(ports, 1)]
        workers = {wid: hogo.start("db_worker", "--worker-id", wid, "--no-startup-delay",
                                   "--interval", "0.2", env=machine(wid), name=wid)
                   for wid in WORKERS}
        for server, port in zip(servers, ports, strict=True):
            server.wait_for_line(r"hogo is up", timeout=120)
            wait_for_port(port)
        both_up = time.time()
        proxy = Proxy(tmp_path / "nginx", ports)
        direct = [f"http://127.0.0.1:{port}" for port in ports]

        # Upload through the proxy with the depot agent: POSTs and PATCHes on both servers.
        token = accounts.issue_token(organisation, "車庫端末", by=None,
                                     department=organisation.departments.get(code="kanzai"))[1]
        card = continuous_clips[0].parent
        agent = hogo.start("upload", str(card), "--recorder", "DEMO-0001", "--url", proxy.url,
                           env={**machine("depot"), "HOGO_TOKEN": token}, name="depot")
        code, output = agent.finish(timeout=180), agent.output()
        homes.pop("depot")  # the depot agent's own machine keeps its upload state
        assert code == 0, output
        assert Segment.objects.count() == len(continuous_clips), output

        # A session made on one server is valid on the other.
        manager, officer = Session(), Session()
        manager.login(direct[0], "manager")
        page = manager.get(f"{direct[1]}/copies/")
        assert page.status_code == 200 and "/accounts/login/" not in page.url
        officer.login(direct[1], "privacy")
        assert "/accounts/login/" not in officer.get(f"{direct[0]}/").url

        # Three copies, each masked: requested, approved, analysed, reviewed, rendered.
        vehicle = Recorder.objects.get(serial="DEMO-0001").vehicle
        for start, end in RANGES:
            made = manager.post(f"{proxy.url}{reverse('copies:new')}", {
                "vehicle": vehicle.pk, "channels": ["front"], "purpose": "accident_investigation",
                "start": f"{T0 + dt.timedelta(seconds=start):%Y-%m-%dT%H:%M:%S}",
                "end": f"{T0 + dt.timedelta(seconds=end):%Y-%m-%dT%H:%M:%S}",
                "justification": "スケールアウトの予行演習（事故の照会に備えた確認）"})
            assert "/copies/requests/" in made.url, made.text[-2000:]
        parents = list(Copy.objects.filter(parent=None).order_by("pk"))
        assert len(parents) == len(RANGES)
        for copy in parents:
            asked = manager.post(f"{proxy.url}{reverse('processing:ask', args=[copy.pk])}", {
                "reason": "保険会社へ提出する前に第三者を隠す", "mask": "blur",
                "faces": "1", "plates": "1"})
            assert "/processing/" in asked.url, asked.text[-2000:]
        items = list(Processing.objects.order_by("pk"))
        assert len(items) == len(RANGES)
        for item in items:
            officer.post(f"{proxy.url}{reverse('processing:decide', args=[item.pk])}",
                         {"decision": "approve"})
        everyone = [*servers, *workers.values()]
        _wait(lambda: Processing.objects.filter(state=ProcessingState.REVIEW).count()
              == len(items), "every analysis", children=everyone)
        for item in items:
            manager.post(f"{proxy.url}{reverse('processing:review', args=[item.pk])}",
                         {"action": "make", "added": "[]"})

        # Each copy was analysed in pieces; kill -9 the worker rendering a piece of the longest
        # copy, part-way (a tenth to a half of the piece done: the piece cannot finish first).
        longest = items[1]
        analysed = ProcessingPiece.objects.filter(stage=PieceStage.ANALYSE)
        assert {p: analysed.filter(processing=p).count() for p in items} == {
            items[0]: 2, items[1]: 3, items[2]: 2}
        piece = _wait(lambda: [p for p in ProcessingPiece.objects.filter(
            processing=longest, stage=PieceStage.RENDER, finished_at=None, done_frames__gt=0)
            if p.done_frames * 10 >= p.frames and p.done_frames * 2 <= p.frames],
            "a piece of the longest copy rendering", children=everyone)[0]
        job = next(r for r in DBTaskResult.objects.filter(task_path=RENDER_PIECE,
                                                          status=TaskResultStatus.RUNNING)
                   if r.args_kwargs["args"] == [longest.pk, piece.index])
        victim = job.worker_ids[-1]
        workers[victim].kill()
        killed = [r.pk for r in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
                  if r.worker_ids[-1] == victim]
        assert killed == [job.pk], "the piece finished before its worker was killed"
        survivors = [c for wid, c in workers.items() if wid != victim]
        rendered = ProcessingPiece.objects.filter(stage=PieceStage.RENDER)
        # made, then (a transaction later, by the join job) its pieces shredded: wait for both
        _wait(lambda: Processing.objects.filter(state=ProcessingState.MADE).count()
              == len(items) and not rendered.filter(erased_at=None).exists(),
              "every render joined and its pieces shredded", timeout=120,
              children=[*servers, *survivors])
        assert rendered.count() == analysed.count() and not rendered.filter(
            erased_at=None).exists()  # every piece joined, then crypto-shredded

        # Erasure (a year later) by whichever worker takes the retention job.
        Copy.objects.update(expires_on=dt.date(2025, 6, 1))
        find("copies.retention").task.enqueue()
        _wait(lambda: not Copy.objects.filter(erased_at=None).exists(), "every copy erased",
              children=survivors)
        for copy in Copy.objects.select_related("stored"):
            assert not get_store().exists(copy.sha256) or Copy.objects.filter(
                sha256=copy.sha256, erased_at=None).exists()
            for base in direct:  # gone on both servers
                watched = manager.get(f"{base}{reverse('copies:watch', args=[copy.pk])}")
                assert watched.status_code in (404, 410) or "消去" in watched.text

        # Let the queue drain, then stop the schedulers: no more jobs come.
        _wait(lambda: not DBTaskResult.objects.filter(
            status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]).exists(),
            "an empty queue", children=survivors)
        before_stop = time.time()
        for server in servers:
            server.kill()
        stopped = time.time()
        time.sleep(1)
        _wait(lambda: not DBTaskResult.objects.filter(
            status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]).exists(),
            "an empty queue after the servers stopped", children=survivors)

        # Exactly once: every job finished; one attempt each, the killed one two.
        results = list(DBTaskResult.objects.all())
        assert {r.status for r in results} == {TaskResultStatus.SUCCESSFUL}, [
            (r.task_path, r.status, r.traceback[-500:]) for r in results
            if r.status != TaskResultStatus.SUCCESSFUL]
        attempts = {r.pk: r.worker_ids for r in results}
        assert attempts[job.pk][0] == victim and len(attempts[job.pk]) == 2
        assert attempts[job.pk][1] != victim
        assert all(len(ids) == 1 for pk, ids in attempts.items() if pk != job.pk)
        assert len({ids[-1] for ids in attempts.values()}) == len(WORKERS)  # all three worked
        recovered = [w.output() for w in survivors if "stopped beating" in w.output()]
        assert len(recovered) >= 1 and str(job.pk) in "".join(recovered)
        pieces_of = [r for r in results if r.task_path == RENDER_PIECE
                     and r.args_kwargs["args"][0] == longest.pk]
        assert len(pieces_of) == 3 and sum(len(r.worker_ids) for r in pieces_of) == 4
        for action in ("copy.analysed", "copy.processed"):
            done = AuditEntry.objects.filter(action=action)
            assert done.count() == len(items), action
        processed = Copy.objects.exclude(parent=None)
        assert sorted(processed.values_list("parent_id", flat=True)) == [c.pk for c in parents]

        # Scheduled jobs: once per period, though both servers scheduled.
        for scheduled in declared():
            every = int(scheduled.every.total_seconds())
            fired = DBTaskResult.objects.filter(task_path=scheduled.task_path).count()
            if scheduled.name == "copies.retention":
                fired -= 1  # the one this test enqueued
            most = int(stopped) // every - int(started) // every + 1
            least = int(before_stop) // every - int(both_up) // every + 1
            assert least <= fired <= most, (scheduled.name, fired, least, most)

        code, output = hogo.run("audit", "verify", env=machine("auditor"), timeout=120)
        assert code == 0, output

        # Both servers answered through the proxy; nothing stayed on a machine's disk that
        # another would need (mail is each machine's outbox, read by nobody else).
        assert len(manager.upstreams | officer.upstreams) == 2
        assert proxy.temp_files() == []
        for name, home in homes.items():
            left = [f for f in _files(home) if not re.match(r"mail/", f)]
            assert left == [], (name, left)
    finally:
        hogo.kill_all()
        if proxy is not None:
            proxy.stop()
