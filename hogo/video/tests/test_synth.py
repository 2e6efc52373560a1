import datetime as dt

import av
import numpy as np
import pytest

from hogo.video import synth
from hogo.video.naming import CHANNELS
from hogo.video.nmea import read_nmea
from hogo.video.probe import probe
from hogo.video.synth import ascii_label, make_clip, make_nmea_track

from .conftest import START


def frames(path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="gray") for f in container.decode(video=0)]


def test_the_clip_decodes_and_changes_over_time(clips):
    pictures = frames(clips.faststart)
    assert len(pictures) == 40
    first, middle = pictures[0].astype(int), pictures[20].astype(int)
    changed = np.abs(first - middle) > 30
    assert changed[60:].mean() > 0.01  # the scene below the clock moves
    assert pictures[0].std() > 10  # not a flat colour


def test_the_burned_in_clock_changes_every_frame(clips):
    pictures = frames(clips.faststart)
    clock = [p[:30, :340].astype(int) for p in pictures[:11]]  # the clock band at the top
    for before, after in zip(clock, clock[1:], strict=False):
        assert np.abs(before - after).sum() > 0


def test_the_start_instant_is_the_creation_time(clips):
    assert probe(clips.recorder).creation_time == START.astimezone(dt.UTC)


@pytest.mark.parametrize("channel", CHANNELS)
def test_every_channel_can_be_drawn(tmp_path, channel):
    clip = make_clip(tmp_path / f"{channel}.mp4", START, 1, size=(320, 180), channel=channel)
    assert probe(clip).frame_count == 10


def test_the_mpeg4_fallback_still_makes_footage(tmp_path, monkeypatch):
    monkeypatch.setattr(synth, "video_encoder", lambda: "mpeg4")
    result = probe(make_clip(tmp_path / "mpeg4.mp4", START, 1, size=(320, 180)))
    assert result.video_codec == "mpeg4" and result.frame_count == 10


def test_the_bundled_ffmpeg_has_h264():
    assert synth.video_encoder() == "libx264"


def test_bad_arguments_are_refused(tmp_path):
    with pytest.raises(ValueError, match="aware"):
        make_clip(tmp_path / "a.mp4", dt.datetime(2025, 6, 3, 14, 15), 1)
    with pytest.raises(ValueError, match="channel"):
        make_clip(tmp_path / "a.mp4", START, 1, channel="roof")


@pytest.mark.parametrize(
    ("label", "drawn"),
    [
        ("デモ 300 さ 10-01", "DEMO 300 SA 10-01"),
        ("品川 500 わ 12-34", "500 WA 12-34"),  # OpenCV has no kanji: the place name drops
        ("ABC", "ABC"),
    ],
)
def test_labels_are_drawn_in_ascii(label, drawn):
    assert ascii_label(label) == drawn


def test_the_nmea_track_reads_back_as_a_straight_drive(tmp_path):
    sidecar = make_nmea_track(tmp_path / "clip.nmea", START, 60, speed_kmh=36.0, heading=90.0)
    track = read_nmea(sidecar)
    assert track.bad == 0
    assert len(track.points) == 61
    assert track.points[0].time == START.astimezone(dt.UTC)
    assert track.points[-1].time - track.points[0].time == dt.timedelta(seconds=60)
    assert track.points[0].speed_kmh == pytest.approx(36.0, abs=0.1)
    assert track.points[-1].lon > track.points[0].lon  # heading east
    assert track.points[-1].lat == pytest.approx(track.points[0].lat, abs=1e-5)
