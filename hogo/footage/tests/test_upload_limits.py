"""Open uploads cannot exhaust the server: limits per token and overall (429 + Retry-After),
abandoned empty uploads expire soon, and no file descriptor is held between requests (counted
in a real `hogo serve` process)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from hogo.footage.client import ResumeState, TusClient, upload_file
from hogo.footage.models import Upload, UploadState
from hogo.footage.tests.test_upload_api import create, patch

HOGO = Path(sys.executable).with_name("hogo")


def _receiving() -> int:
    return Upload.objects.filter(state=UploadState.RECEIVING).count()


def test_open_uploads_are_limited_per_token_and_overall(client, demo, token, settings):
    from hogo.accounts import services

    settings.HOGO_UPLOAD_OPEN_PER_TOKEN = 3
    settings.HOGO_UPLOAD_OPEN_TOTAL = _receiving() + 5
    for n in range(3):
        assert create(client, token, b"x" * 10, f"a/{n}.mp4").status_code == 201
    refused = create(client, token, b"x" * 10, "a/3.mp4")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "this token already has 3 unfinished uploads" in refused.json()["detail"]
    other = services.issue_token(demo, "車庫端末2", by=None)[1]
    for n in range(2):
        assert create(client, other, b"x" * 10, f"b/{n}.mp4").status_code == 201
    third = services.issue_token(demo, "車庫端末3", by=None)[1]
    full = create(client, third, b"x" * 10, "c/0.mp4")
    assert full.status_code == 429 and "Retry-After" in full
    assert "the server already has" in full.json()["detail"]


def test_abandoned_empty_uploads_free_their_places_soon(client, token, settings, clips):
    settings.HOGO_UPLOAD_OPEN_PER_TOKEN = 2
    settings.HOGO_UPLOAD_EMPTY_MINUTES = 60
    data = clips[0].read_bytes()
    empty = create(client, token, data, "empty.mp4")["Location"]
    started = create(client, token, data, "started.mp4")["Location"]
    assert patch(client, token, started, 0, data).status_code == 204  # ingested: not open
    big = data + bytes(8 << 20)
    kept = create(client, token, big, "big.mp4")["Location"]
    assert patch(client, token, kept, 0, big[:4 << 20]).status_code == 204  # one whole chunk
    assert create(client, token, data, "refused.mp4").status_code == 429
    an_hour_ago = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=61)
    Upload.objects.filter(state=UploadState.RECEIVING).update(updated_at=an_hour_ago)
    # The empty one expires when the place is needed; the one holding a chunk stays a week.
    assert create(client, token, data, "next.mp4").status_code == 201
    states = dict(Upload.objects.filter(relative_path__in=["empty.mp4", "big.mp4"]).values_list(
        "relative_path", "state"))
    assert states == {"empty.mp4": UploadState.FAILED, "big.mp4": UploadState.RECEIVING}
    assert client.head(empty, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 410


# -- against a real server process -------------------------------------------------------------


def _hogo(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([str(HOGO), *args], env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`hogo serve` on a loopback port with its own data dir (SQLite), a demo organisation
    without footage and a machine token; limits raised so that N abandoned uploads fit."""
    data = tmp_path_factory.mktemp("served")
    env = {k: v for k, v in os.environ.items()
           if k != "DATABASE_URL" and not k.startswith("HOGO_")}
    env.update(HOGO_DATA_DIR=str(data), HOGO_UPLOAD_OPEN_PER_TOKEN="5000",
               HOGO_UPLOAD_OPEN_TOTAL="5000")
    _hogo(env, "migrate", "--noinput", "-v", "0")
    _hogo(env, "demo", "--no-footage")
    token = _hogo(env, "token", "create", "fd-test").strip().splitlines()[-1]
    port = _free_port()
    with open(data / "serve.log", "wb") as log:
        process = subprocess.Popen([str(HOGO), "serve", "--port", str(port), "--no-worker"],
                                   env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, (data / "serve.log").read_text()
            try:
                with urllib.request.urlopen(f"{url}/api/health", timeout=2):  # noqa: S310
                    break
            except OSError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        yield url, token, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _open_fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def _abandon(url: str, token: str, n: int) -> None:
    metadata = ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in {
        "filename": f"abandoned/{n}.mp4", "recorder": "DEMO-0001",
        "sha256": hashlib.sha256(str(n).encode()).hexdigest()}.items())
    request = urllib.request.Request(f"{url}/api/uploads/", method="POST", headers={  # noqa: S310
        "Authorization": f"Bearer {token}", "Tus-Resumable": "1.0.0",
        "Upload-Length": str(10 << 20), "Upload-Metadata": metadata})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
        assert response.status == 201


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
def test_abandoned_uploads_hold_no_descriptors_in_the_server(server, clips, tmp_path):
    url, token, pid = server
    for n in range(5):  # warm up: database connection, store, first imports
        _abandon(url, token, n)
    before = _open_fds(pid)
    count = 300
    for n in range(5, 5 + count):
        _abandon(url, token, n)
    after = _open_fds(pid)
    assert after - before < 30, f"{after - before} more descriptors after {count} open uploads"
    card = clips[0].parent
    outcome = upload_file(TusClient(url, token), ResumeState(tmp_path / "state.json"), card,
                          clips[0], "DEMO-0001", 16 << 20, lambda _n: None, lambda _s: None)
    assert outcome.state == "ingested", outcome
    with urllib.request.urlopen(f"{url}/api/health", timeout=5) as health:  # noqa: S310
        assert health.status == 200


def test_the_client_waits_when_the_server_is_busy(live_server, transactional_db, settings,
                                                 clips, tmp_path):
    """`hogo upload` meets a real 429, waits the Retry-After it was given and goes on."""
    from hogo.accounts import services
    from hogo.footage.ingest import mark_failed
    from hogo.footage.tus import RETRY_AFTER_SECONDS
    from hogo.web.demo import load_demo

    organisation, _ = load_demo(footage=False)
    token = services.issue_token(organisation, "depot", by=None)[1]
    settings.HOGO_UPLOAD_OPEN_PER_TOKEN = 1
    client = TusClient(live_server.url, token)
    blocker = client.create(10 << 20, "blocker.mp4", "0" * 64, "DEMO-0001")
    waits: list[float] = []

    def wait(seconds: float) -> None:  # meanwhile the other upload ends
        waits.append(seconds)
        mark_failed(Upload.objects.get(pk=blocker.rsplit("/", 1)[1]), "test", "テスト")

    client.sleep = wait
    outcome = upload_file(client, ResumeState(tmp_path / "s.json"), clips[1].parent, clips[1],
                          "DEMO-0001", 16 << 20, lambda _n: None, lambda _s: None)
    assert outcome.state == "ingested" and waits == [RETRY_AFTER_SECONDS]


def test_request_bodies_in_memory_are_bounded_by_the_threads(server):
    """8 threads: 8 stalled PATCH bodies of 64 MiB hold the budget, so a ninth body is not
    read (nor answered) until they go; a request without a body is answered meanwhile."""
    url, token, _ = server
    port = int(url.rsplit(":", 1)[1])
    stalled = []
    for _ in range(8):
        connection = socket.create_connection(("127.0.0.1", port))
        connection.sendall(b"PATCH /api/uploads/00000000-0000-0000-0000-000000000000 HTTP/1.1"
                           b"\r\nHost: x\r\nContent-Length: 67108864\r\n\r\n" + bytes(1024))
        stalled.append(connection)
    time.sleep(0.5)  # let the server read their headers and reserve
    answered: list[float] = []

    def ninth() -> None:
        connection = socket.create_connection(("127.0.0.1", port), timeout=60)
        connection.sendall(b"POST /api/uploads/ HTTP/1.1\r\nHost: x\r\n"
                           b"Content-Length: 10485760\r\n\r\n" + bytes(10 << 20))
        if connection.recv(100).startswith(b"HTTP/1.1 "):
            answered.append(time.monotonic())
        connection.close()

    waiting = threading.Thread(target=ninth)
    waiting.start()
    with urllib.request.urlopen(f"{url}/api/health", timeout=30) as health:  # noqa: S310
        assert health.status == 200
    time.sleep(2)
    released_at = time.monotonic()
    for connection in stalled:
        connection.close()
    waiting.join(60)
    assert answered and answered[0] > released_at
