"""A recording stamped after it was received (a recorder's clock running ahead, or demo data
made for later today) is catalogued but flagged for a person to check, never taken as is."""

import datetime as dt

from hogo import clock
from hogo.footage.ingest import ingest_file
from hogo.video.synth import make_clip


def test_a_recording_from_the_future_is_flagged(recorder, tmp_path, client_for):
    ahead = (clock.now() + dt.timedelta(hours=3)).astimezone(clock.JST).replace(microsecond=0)
    path = tmp_path / f"{ahead:%Y%m%d_%H%M%S}_F.mp4"
    make_clip(path, ahead, 2, fps=10, size=(160, 90))
    segment = ingest_file(recorder, path, path.name, by="test").segment
    assert [f["code"] for f in segment.flags] == ["future_time"]
    assert segment.flags[0]["label"] == "受信より後の録画日時"


def test_a_recording_from_the_past_is_not(recorder, clips):
    segment = ingest_file(recorder, clips[0], clips[0].name, by="test").segment
    assert "future_time" not in [f["code"] for f in segment.flags]
    assert "前方" in str(segment) and "front" not in str(segment)  # the camera in words
