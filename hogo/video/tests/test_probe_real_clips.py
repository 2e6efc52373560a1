"""Probe the real sample clips in ../shared/data/video (CC BY 4.0, never copied into the repo).

A user's clone has no ../shared, so these tests skip there.
"""

import datetime as dt
from fractions import Fraction
from pathlib import Path

import av
import pytest

from hogo.video.probe import ProbeError, probe
from hogo.video.synth import make_truncated_copy

SAMPLES = Path(__file__).resolve().parents[4] / "shared" / "data" / "video"
pytestmark = pytest.mark.skipif(
    not SAMPLES.is_dir(), reason=f"sample clips not present at {SAMPLES} (only in the dev setup)")

EXPECTED = {  # file: (width, height, frame rate, seconds, has audio)
    "car-detection.mp4": (768, 432, Fraction(25, 2), 30.16, True),
    "one-by-one-person-detection.mp4": (768, 432, Fraction(10), 139.4, False),
}


def samples(pattern: str) -> list[Path]:
    return sorted(SAMPLES.glob(pattern)) if SAMPLES.is_dir() else []


@pytest.mark.parametrize("clip", samples("*.mp4"), ids=lambda p: p.name)
def test_each_sample_mp4_probes_with_sane_values(clip):
    result = probe(clip)
    assert result.container == "mp4" and result.video_codec == "h264"
    assert 0 < result.width <= 7680 and 0 < result.height <= 4320
    assert 1 <= result.frame_rate <= 120
    assert result.frame_count == pytest.approx(result.duration * result.frame_rate, abs=1)
    assert result.creation_time is not None
    assert dt.datetime(2010, 1, 1, tzinfo=dt.UTC) < result.creation_time < dt.datetime.now(dt.UTC)
    if clip.name in EXPECTED:
        width, height, rate, seconds, sound = EXPECTED[clip.name]
        assert (result.width, result.height, result.frame_rate) == (width, height, rate)
        assert result.duration == pytest.approx(seconds, abs=float(1 / rate))
        assert result.has_audio is sound


@pytest.mark.parametrize("clip", samples("*.mp4"), ids=lambda p: p.name)
def test_each_sample_mp4_cut_short_is_truncated(clip, tmp_path):
    cut = make_truncated_copy(clip, tmp_path / clip.name, 0.5)
    with pytest.raises(ProbeError) as caught:
        probe(cut)
    assert caught.value.code == "truncated"


@pytest.mark.parametrize("gif", samples("*.gif"), ids=lambda p: p.name)
def test_each_sample_gif_is_an_image_but_its_mp4_conversion_is_footage(gif, tmp_path):
    with pytest.raises(ProbeError) as caught:
        probe(gif)
    assert caught.value.code == "image"
    converted = tmp_path / f"{gif.stem}.mp4"
    frames = 0
    with av.open(str(gif)) as source, av.open(str(converted), "w") as target:
        rate = source.streams.video[0].average_rate
        stream = target.add_stream("libx264", rate=rate, options={"preset": "ultrafast"})
        stream.width, stream.height, stream.pix_fmt = 480, 270, "yuv420p"
        for frame in source.decode(video=0):
            frame.pts, frame.time_base = frames, 1 / rate
            target.mux(stream.encode(frame.reformat(480, 270, "yuv420p")))
            frames += 1
        target.mux(stream.encode(None))
    result = probe(converted)
    assert (result.width, result.height) == (480, 270)
    assert result.frame_count == frames
    assert result.duration == pytest.approx(frames / rate, abs=float(1 / rate))
    assert 1.5 < result.duration < 5
