"""The real sample clips (../shared/data/video, CC BY 4.0) go through `hogo upload` into the
demo, land on the timeline and stream for an operator. Skipped where ../shared is absent, as
in a user's clone."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hogo.clock import jst_date
from hogo.footage.models import Segment

SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "video"
pytestmark = pytest.mark.skipif(not SHARED.is_dir(),
                                reason=f"sample clips not present at {SHARED}")


def test_sample_clips_upload_appear_and_play(live_server, transactional_db, tmp_path, client):
    from hogo.accounts import services
    from hogo.accounts.models import User
    from hogo.web.demo import load_demo

    organisation, _ = load_demo(footage=False)
    token = services.issue_token(organisation, "depot", by=None)[1]
    card = tmp_path / "card"
    shutil.copytree(SHARED, card)
    exe = shutil.which("hogo", path=os.path.dirname(sys.executable))
    result = subprocess.run(
        [exe, "upload", str(card), "--recorder", "DEMO-0001", "--url", live_server.url,
         "--state", str(tmp_path / "state.json")], env=dict(os.environ, HOGO_TOKEN=token),
        capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    mp4s = sorted(p.name for p in SHARED.glob("*.mp4"))
    assert result.stdout.count("ingested") == len(mp4s)
    assert all(f"skipped     {p.name}" in result.stdout for p in SHARED.glob("*.gif"))

    client.force_login(User.objects.get(username="operator"),
                       backend="hogo.accounts.backends.RoleBackend")
    for name in mp4s:
        segment = Segment.objects.get(original_name=name)
        timeline = client.get(f"/footage/vehicles/{segment.recorder.vehicle_id}/timeline/",
                              {"day": jst_date(segment.start_at).isoformat()})
        assert f"/footage/segments/{segment.pk}/" in timeline.content.decode()
        client.post(f"/footage/segments/{segment.pk}/", {
            "purpose": "accident_investigation", "reason": "サンプル映像の再生確認"})
        stream = client.get(f"/footage/segments/{segment.pk}/stream", HTTP_RANGE="bytes=0-99")
        assert stream.status_code == 206
        assert b"".join(stream.streaming_content) == (SHARED / name).read_bytes()[:100]
