"""kill -9 `hogo serve` while it receives a multi-chunk upload; restart it; the client resumes
from the offset HEAD answers, and the original is ingested once, with the declared hash."""

from __future__ import annotations

import http.client
import re
import socket
import urllib.request
from urllib.parse import urlsplit

import pytest

from tests.faults.conftest import CHUNK, assert_invariants
from tests.faults.fill import T0

pytestmark = pytest.mark.faults
PIECE = 100_000  # bytes per PATCH: not a whole number of chunks, so a partial chunk is lost
PATCHES_BEFORE_KILL = 4


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(hogo, port: int):
    server = hogo.start("serve", "--no-worker", "--threads", "4", "--port", str(port))

    def answers() -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health",  # noqa: S310
                                        timeout=2) as response:
                return response.status == 200
        except OSError:
            return False
    server.wait_for(answers, "an answer from /api/health", timeout=60)
    return server


def _cut_patch(url: str, offset: int, body: bytes, token: str) -> http.client.HTTPConnection:
    """A PATCH whose headers and first half arrived; the rest never will."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.putrequest("PATCH", parts.path)
    for name, value in {"Authorization": f"Bearer {token}", "Tus-Resumable": "1.0.0",
                        "Upload-Offset": str(offset), "Content-Length": str(len(body)),
                        "Content-Type": "application/offset+octet-stream"}.items():
        connection.putheader(name, value)
    connection.endheaders()
    connection.send(body[:len(body) // 2])
    return connection


def test_upload_killed_mid_transfer_resumes_after_restart(hogo, catalogue, tmp_path):
    from hogo.accounts import services as accounts
    from hogo.footage.client import ResumeState, TusClient, sha256_of, upload_file
    from hogo.footage.models import Segment, Upload, UploadState
    from hogo.footage.objects import get_store
    from hogo.video.synth import make_clip

    card = tmp_path / "card"
    card.mkdir()
    clip = make_clip(card / f"{T0:%Y%m%d_%H%M%S}_F.mp4", T0, 60, size=(640, 360))
    data, sha256 = clip.read_bytes(), sha256_of(clip)
    assert len(data) > 8 * PIECE and CHUNK < PIECE
    token = accounts.issue_token(catalogue, "車庫端末", by=None,
                                 department=catalogue.departments.get(code="kanzai"))[1]
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = _serve(hogo, port)
    client = TusClient(base, token, timeout=30)
    state = ResumeState(tmp_path / "resume.json")
    url = client.create(len(data), clip.name, sha256, "DEMO-0001")
    state.put(ResumeState.key(base, "DEMO-0001", sha256), url)
    offset = 0
    for _ in range(PATCHES_BEFORE_KILL):
        offset = client.patch(url, offset, data[offset:offset + PIECE])
    assert 0 < offset < len(data)
    cut = _cut_patch(url, offset, data[offset:offset + PIECE], token)
    server.kill()  # mid-PATCH: half its body received
    cut.close()
    assert Upload.objects.get().state == UploadState.RECEIVING

    server = _serve(hogo, port)
    said: list[str] = []
    outcome = upload_file(client, state, card, clip, "DEMO-0001", PIECE, lambda _: None,
                          said.append)
    server.kill()
    resumed = [int(m[1].replace(",", "")) for line in said
               if (m := re.search(r"resuming at byte ([\d,]+)", line))]
    assert resumed and 0 < resumed[0] <= offset, said  # not from zero, never past what was sent
    assert outcome.state == "ingested", outcome
    segment = Segment.objects.get()  # ingested once
    assert segment.sha256 == sha256 == segment.stored.object_id
    assert Upload.objects.filter(state=UploadState.INGESTED).count() == 1
    assert get_store().check(segment.stored.object_id, segment.stored.wrapped_key) is None
    assert_invariants(hogo, kills=1)
