"""The review screen: a strip over the whole clip with a scrubber, a thumbnail and a jump for
each detection, the time left while a job runs, the organisation's own rule cited and no
code shown where a word exists."""

import datetime as dt
import re

import pytest

from hogo import clock
from hogo.audit.models import AuditEntry
from hogo.copies.models import Copy
from hogo.copies.tests.test_copy_workflow import ask
from hogo.footage.ingest import ingest_file
from hogo.processing import redaction, work
from hogo.processing import services as service
from hogo.processing.models import ProcessingState


@pytest.fixture
def reviewing(recorder, continuous_clips, user):
    """A masking whose detections are ready, with one (made-up) face track to review."""
    for clip in continuous_clips:
        ingest_file(recorder, clip, clip.name, by="test")
    copy = Copy.objects.get(request=ask(user("manager"), recorder))
    item = service.request(user("operator"), copy, reason="第三者の顔を隠して提出する")
    service.approve(user("privacy"), item)
    work.run_analysis(item.pk)
    item.refresh_from_db()
    assert item.state == ProcessingState.REVIEW, item.error
    last = item.analysis["frame_count"] - 1
    item.analysis["tracks"] = [{"id": 1, "kind": "face", "source": "detector", "first": 500,
                                "last": 560, "removed": False, "keyframes": [
                                    [500, 100, 50, 140, 100, 0.6], [530, 110, 50, 150, 100, 0.9],
                                    [560, 120, 50, 160, 100, 0.7]]}]
    item.save(update_fields=["analysis"])
    return item, last


def test_the_strip_samples_the_whole_clip():
    frames = redaction.strip_frames({"frame_count": 1800}, 12)
    assert frames[0] == 0 and frames[-1] == 1799 and len(frames) == 12
    assert redaction.strip_frames({"frame_count": 1800, "thumbnails": list(range(0, 1800, 150))},
                                  8)[-1] == 1799  # not the first eight samples (0–1050)
    assert redaction.strip_frames({"frame_count": 5}, 12) == [0, 1, 2, 3, 4]
    assert redaction.strip_frames(None, 12) == []
    assert redaction.frame_rate({"frame_rate": "30000/1001"}) == pytest.approx(29.97, 0.01)


def test_the_review_page(reviewing, client_for):
    item, last = reviewing
    page = client_for("operator").get(f"/copies/processing/{item.pk}/").content.decode()
    shown = [int(n) for n in re.findall(r'/frames/(\d+)\.jpg" alt=', page)]
    assert shown[0] == 0 and shown[-1] == last  # the strip reaches the clip's last frame
    assert f'max="{last}"' in page and 'data-testid="scrub"' in page
    assert 'data-testid="jump-1"' in page and 'data-frame="530"' in page  # its best frame
    assert f"/copies/processing/{item.pk}/detections/1.jpg" in page
    assert "processing/review.js" in page
    # The demo city's own rule on processing, never Ashiya's; the camera in words.
    assert "デモ市" in page and "芦屋" not in page
    assert 'data-testid="processing-citation"' in page
    assert "前方" in page and " front" not in page


def test_a_detection_thumbnail_is_audited_and_only_for_reviewers(reviewing, client_for):
    item, _ = reviewing
    picture = client_for("operator").get(f"/copies/processing/{item.pk}/detections/1.jpg")
    assert picture.status_code == 200 and picture.content[:2] == b"\xff\xd8"
    entry = AuditEntry.objects.filter(action="copy.frame_viewed").latest("seq")
    assert '"detection":"1"' in entry.detail.replace(" ", "") and '"frame":530' in \
        entry.detail.replace(" ", "")
    missing = client_for("operator").get(f"/copies/processing/{item.pk}/detections/9.jpg")
    assert missing.status_code == 404
    refused = client_for("staff").get(f"/copies/processing/{item.pk}/detections/1.jpg")
    assert refused.status_code == 403


def test_the_last_frame_can_be_shown(reviewing, client_for):
    item, last = reviewing
    response = client_for("operator").get(f"/copies/processing/{item.pk}/frames/{last}.jpg")
    assert response.status_code == 200 and response.content[:2] == b"\xff\xd8"


def test_the_progress_says_how_long_is_left(reviewing, client_for):
    item, _ = reviewing
    item.state, item.progress = ProcessingState.RENDERING, 40
    item.progress_started_at = clock.now() - dt.timedelta(minutes=2)
    item.save(update_fields=["state", "progress", "progress_started_at"])
    partial = client_for("operator").get(f"/copies/processing/{item.pk}/progress/")
    assert "残り約3分" in partial.content.decode()  # 2 minutes for 40 %: 3 more for 60 %
    item.progress = 0
    item.save(update_fields=["progress"])
    partial = client_for("operator").get(f"/copies/processing/{item.pk}/progress/")
    assert "残り時間を計測中" in partial.content.decode()
