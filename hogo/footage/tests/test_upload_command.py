"""`hogo upload DIR --recorder SERIAL` as a depot would run it: against the live server, killed
half-way and run again (it resumes), run a third time (nothing is sent twice)."""

import os
import shutil
import signal
import subprocess
import sys
import time

import av
import numpy as np
import pytest

from hogo.footage.models import Segment, Upload


def noise_clip(path, frames: int) -> None:
    """A valid H.264 MP4 that does not compress: random frames, lossless."""
    rng = np.random.default_rng(7)
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=10)
        stream.width, stream.height, stream.pix_fmt = 1280, 720, "yuv420p"
        stream.options = {"preset": "ultrafast", "qp": "0"}
        for _ in range(frames):
            image = rng.integers(0, 256, (720, 1280, 3), dtype=np.uint8)
            container.mux(stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")))
        container.mux(stream.encode())


def hogo_upload(live_server, token, card, state, *extra):
    exe = shutil.which("hogo", path=os.path.dirname(sys.executable))
    env = dict(os.environ, HOGO_TOKEN=token)
    return subprocess.Popen([exe, "upload", str(card), "--recorder", "DEMO-0001",
                             "--url", live_server.url, "--state", str(state), *extra],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


@pytest.fixture
def card(tmp_path, clips):
    folder = tmp_path / "SD"
    folder.mkdir()
    for clip in clips[:2]:
        shutil.copy(clip, folder / clip.name)
    noise_clip(folder / "20250603_150000_F.mp4", frames=60)  # ~80 MB: time to kill mid-way
    (folder / "README.TXT").write_text("not footage", encoding="utf-8")
    (folder / "20250603_170000_F.mp4").write_text("運行記録 " * 100, encoding="utf-8")
    return folder


def test_upload_resumes_after_being_killed(live_server, transactional_db, card, tmp_path):
    from hogo.accounts import services
    from hogo.web.demo import load_demo

    organisation, _ = load_demo()
    token = services.issue_token(organisation, "depot", by=None)[1]
    state = tmp_path / "state.json"

    first = hogo_upload(live_server, token, card, state, "--piece-mb", "4")
    deadline = time.time() + 120
    while time.time() < deadline:
        if Upload.objects.filter(relative_path="20250603_150000_F.mp4", offset__gt=0).exists():
            break
        time.sleep(0.01)
    first.send_signal(signal.SIGKILL)
    first.wait()
    partial = Upload.objects.get(relative_path="20250603_150000_F.mp4")
    assert 0 < partial.offset < partial.length, "the kill came too late to test resuming"

    second = hogo_upload(live_server, token, card, state, "--piece-mb", "4")
    output, _ = second.communicate(timeout=300)
    assert "resuming at byte" in output, output
    assert "skipped     README.TXT: not a recording" in output
    assert "quarantined 20250603_170000_F.mp4" in output
    assert second.returncode == 1  # the text file was quarantined
    partial.refresh_from_db()
    assert partial.state == "ingested"
    assert Upload.objects.filter(relative_path="20250603_150000_F.mp4").count() == 1
    assert Segment.objects.filter(original_name="20250603_150000_F.mp4").count() == 1

    third = hogo_upload(live_server, token, card, state)
    output, _ = third.communicate(timeout=300)
    assert output.count("duplicate") == 3, output  # the two clips and the resumed one
    assert "quarantined 20250603_170000_F.mp4" in output  # told again, not sent again
    assert Upload.objects.filter(relative_path="20250603_170000_F.mp4").count() == 1
