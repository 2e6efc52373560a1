"""Open uploads cannot exhaust the server: limits per token and overall (429 + Retry-After),
abandoned empty uploads expire soon, and no file descriptor is held between requests (counted
in a real `hogo serve` process)."""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import os
import select
import socket
import urllib.request
from pathlib import Path

import pytest

from bench._common import clean_env, demo_installation, new_token, serving
from hogo.footage.client import ResumeState, TusClient, upload_file
from hogo.footage.models import DeletionRecord, Upload, UploadState
from hogo.footage.tests.test_upload_api import create, patch
from hogo.footage.uploads import expire_uploads


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
    """A token blocked by uploads that never kept a whole chunk can open new ones as soon as
    those are HOGO_UPLOAD_EMPTY_MINUTES old: they stop counting at once (the POST deletes
    nothing itself); a request for one finds it expired; the hourly job deletes the rest."""
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
    _backdate(61)
    assert create(client, token, data, "next.mp4").status_code == 201
    assert _states() == {"empty.mp4": UploadState.RECEIVING, "big.mp4": UploadState.RECEIVING,
                         "next.mp4": UploadState.RECEIVING}  # the POST expired nothing
    # Resuming the stale empty one is refused (it no longer held a place): it expires now.
    assert client.head(empty, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 410
    assert DeletionRecord.objects.filter(rule="upload_expired",
                                         detail__name="empty.mp4").count() == 1
    _backdate(61)
    assert expire_uploads() == 1  # the hourly job: next.mp4; the one holding a chunk stays
    assert _states() == {"empty.mp4": UploadState.FAILED, "big.mp4": UploadState.RECEIVING,
                         "next.mp4": UploadState.FAILED}
    assert client.head(kept, HTTP_AUTHORIZATION=f"Bearer {token}")["Upload-Offset"] == \
        str(4 << 20)


def _backdate(minutes: int) -> None:
    then = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=minutes)
    Upload.objects.filter(state=UploadState.RECEIVING).update(updated_at=then)


def _states() -> dict[str, str]:
    return dict(Upload.objects.filter(
        relative_path__in=["empty.mp4", "big.mp4", "next.mp4"]).values_list(
        "relative_path", "state"))


# -- against a real server process -------------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`hogo serve` on loopback with its own data dir (SQLite), a demo organisation without
    footage and a machine token; limits raised so that N abandoned uploads fit."""
    work = tmp_path_factory.mktemp("served")
    env = clean_env(work / "data", HOGO_UPLOAD_OPEN_PER_TOKEN="5000",
                    HOGO_UPLOAD_OPEN_TOTAL="5000")
    demo_installation(env)
    token = new_token(env, "fd-test")
    with serving(env, work / "serve.log", "--no-worker") as served:
        yield served, token


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
    served, token = server
    url, pid = served.url, served.pid
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


SENT = 32 << 10  # more than the server's first read of a connection (8 KiB), less than a window


def _queues(local_port: int, remote_port: int) -> tuple[int, int] | None:
    """(sent but not yet acknowledged, received but not yet read) bytes of the loopback TCP
    connection's end at `local_port`, as the kernel shows them in /proc/net/tcp."""
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        _, local, remote, state, queues, *_ = line.split()
        if state == "01" and int(local.rsplit(":", 1)[1], 16) == local_port and \
                int(remote.rsplit(":", 1)[1], 16) == remote_port:
            tx, rx = queues.split(":")
            return int(tx, 16), int(rx, 16)
    return None


def _unread(port: int, client: socket.socket) -> int | None:
    """Bytes the client sent that the server (on `port`) has not read yet."""
    queues = _queues(port, client.getsockname()[1])
    return None if queues is None else queues[1]


def _delivered(port: int, client: socket.socket) -> bool:
    """Whether all the client sent has reached the server's end (read or not)."""
    queues = _queues(client.getsockname()[1], port)
    return queues is not None and queues[0] == 0


@pytest.mark.skipif(not Path("/proc/net/tcp").is_file(), reason="needs /proc/net/tcp")
def test_request_bodies_in_memory_are_bounded_by_the_threads(server):
    """8 threads: 8 stalled PATCH bodies of 64 MiB hold the budget, so a ninth body is not
    read (nor answered) until they go; a request without a body is answered meanwhile.

    Every step waits for what the kernel shows of the server's reading (bytes still unread on
    each connection), never for a while: past its first read of a connection (the headers and
    up to 8 KiB), the server reads a body only once it has reserved the body's size."""
    served, _ = server
    unread = functools.partial(_unread, served.port)
    delivered = functools.partial(_delivered, served.port)

    def read(connection: socket.socket) -> bool:  # all it sent reached the server, then was read
        return delivered(connection) and unread(connection) == 0

    connections: list[socket.socket] = []

    def connect(head: bytes) -> socket.socket:
        connection = socket.create_connection(("127.0.0.1", served.port), timeout=60)
        connections.append(connection)
        connection.sendall(head)
        return connection

    try:
        stalled = [connect(b"PATCH /api/uploads/00000000-0000-0000-0000-000000000000 "
                           b"HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 67108864\r\n\r\n"
                           + bytes(SENT)) for _ in range(8)]
        served.child.wait_for(lambda: all(read(c) for c in stalled),
                              "the server reading all 8 stalled bodies' first bytes "
                              "(each reserved its 64 MiB)")
        ninth = connect(b"POST /api/uploads/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        b"Content-Length: 10485760\r\n\r\n")
        served.child.wait_for(lambda: read(ninth), "the server reading the ninth's headers")
        ninth.sendall(bytes(SENT))
        served.child.wait_for(lambda: delivered(ninth),
                              "the ninth body's first bytes reaching the server")
        assert unread(ninth) == SENT
        with urllib.request.urlopen(f"{served.url}/api/health", timeout=60) as health:  # noqa: S310
            assert health.status == 200
        # The server went round its loop with those bytes there, and left them unread.
        assert unread(ninth) == SENT
        assert not select.select([ninth], [], [], 0)[0]  # nor answered
        for connection in stalled:
            connection.close()
        ninth.sendall(bytes((10 << 20) - SENT))
        assert ninth.recv(100).startswith(b"HTTP/1.1 401 ")  # read and answered now
    finally:
        for connection in connections:
            connection.close()
