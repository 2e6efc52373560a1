import datetime as dt
import struct
from fractions import Fraction

import av
import cv2
import numpy as np
import pytest

from hogo.video.probe import REASONS_EN, REASONS_JA, ProbeError, probe
from hogo.video.synth import make_truncated_copy

from .conftest import START


def codes(path) -> str:
    with pytest.raises(ProbeError) as caught:
        probe(path)
    return caught.value.code


def test_a_generated_clip_reports_what_was_written(clips):
    result = probe(clips.faststart)
    assert result.container == "mp4"
    assert result.video_codec == "h264"
    assert (result.width, result.height) == (640, 360)
    assert result.frame_rate == Fraction(10)
    assert result.frame_count == 40
    assert result.duration == pytest.approx(4.0, abs=0.1)  # within one frame
    assert result.creation_time == START.astimezone(dt.UTC)
    assert result.creation_time.tzinfo is not None
    assert not result.has_audio and result.audio_codec is None
    assert result.size == clips.faststart.stat().st_size


def test_a_recorder_style_clip_with_sound(clips):
    result = probe(clips.recorder)
    assert (result.width, result.height, result.frame_rate) == (320, 180, Fraction(15))
    assert result.frame_count == 45
    assert result.duration == pytest.approx(3.0, abs=1 / 15)
    assert result.has_audio and result.audio_codec == "aac"


@pytest.mark.parametrize("fraction", [0.2, 0.6, 0.97])
def test_cut_before_the_index_was_written_is_truncated(clips, fraction, tmp_path):
    # Recorders write the moov box last; a power cut leaves media data with no index.
    cut = make_truncated_copy(clips.recorder, tmp_path / "cut.mp4", fraction)
    assert codes(cut) == "truncated"


@pytest.mark.parametrize("fraction", [0.2, 0.6, 0.97])
def test_index_at_the_front_but_media_cut_short_is_truncated(clips, fraction, tmp_path):
    cut = make_truncated_copy(clips.faststart, tmp_path / "cut.mp4", fraction)
    assert codes(cut) == "truncated"


def test_a_cut_hidden_from_the_box_sizes_is_found_by_demuxing(clips, tmp_path):
    # The mdat box size is patched to fit, so only the packets betray the missing tail.
    cut = make_truncated_copy(clips.faststart, tmp_path / "cut.mp4", 0.5, hide_cut=True)
    assert codes(cut) == "truncated"


def test_a_cut_on_a_frame_boundary_is_found_by_counting_frames(clips, tmp_path):
    with av.open(str(clips.faststart)) as container:
        positions = [p.pos for p in container.demux() if p.size]
    boundary = positions[len(positions) // 2]
    data = bytearray(clips.faststart.read_bytes()[:boundary])
    offset = 0
    while offset < len(data):  # shrink the mdat box to end exactly at the cut
        size, kind = struct.unpack(">I4s", data[offset:offset + 8])
        if kind == b"mdat":
            data[offset:offset + 4] = struct.pack(">I", boundary - offset)
            break
        offset += size
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data)
    with pytest.raises(ProbeError, match="index lists 40 video frames") as caught:
        probe(cut)
    assert caught.value.code == "truncated"


def test_a_renamed_text_file_is_not_video(tmp_path):
    text = tmp_path / "20250603_141500_F.mp4"
    text.write_text("運転日報\nThis is not footage.\n", encoding="utf-8")
    assert codes(text) == "not_video"


def test_random_bytes_are_not_video(tmp_path):
    noise = tmp_path / "noise.mp4"
    noise.write_bytes(np.random.default_rng(1).integers(0, 256, 100_000, np.uint8).tobytes())
    assert codes(noise) == "not_video"


def test_an_empty_file_is_empty(tmp_path):
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    assert codes(empty) == "empty"


@pytest.mark.parametrize("extension", [".png", ".jpg"])
def test_a_renamed_still_image_is_not_footage(tmp_path, extension):
    picture = np.full((90, 160, 3), 128, np.uint8)
    image = tmp_path / "clip.mp4"
    image.write_bytes(cv2.imencode(extension, picture)[1].tobytes())
    assert codes(image) == "image"


def test_an_animated_gif_is_not_footage(tmp_path):
    gif = tmp_path / "clip.mp4"
    with av.open(str(gif), "w", format="gif") as container:
        stream = container.add_stream("gif", rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "rgb8"
        for shade in range(0, 250, 50):
            picture = np.full((48, 64, 3), shade, np.uint8)
            container.mux(stream.encode(av.VideoFrame.from_ndarray(picture, format="rgb24")))
        container.mux(stream.encode(None))
    assert codes(gif) == "image"


def test_a_heif_photo_is_not_footage(tmp_path):
    heic = tmp_path / "clip.mp4"
    heic.write_bytes(struct.pack(">I4s4sI4s", 20, b"ftyp", b"heic", 0, b"mif1"))
    assert codes(heic) == "image"


def test_sound_only_has_no_video_stream(tmp_path):
    sound = tmp_path / "sound.mp4"
    with av.open(str(sound), "w") as container:
        stream = container.add_stream("aac", rate=16000)
        stream.layout = "mono"
        frame = av.AudioFrame.from_ndarray(np.zeros((1, 16000), np.float32), format="fltp",
                                           layout="mono")
        frame.sample_rate = 16000
        container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    assert codes(sound) == "no_video_stream"


def test_media_data_wiped_to_zeros_is_corrupt(clips, tmp_path):
    data = bytearray(clips.faststart.read_bytes())
    offset = 0
    while offset < len(data):
        size, kind = struct.unpack(">I4s", data[offset:offset + 8])
        if kind == b"mdat":
            data[offset + 8:offset + size] = bytes(size - 8)
        offset += size
    wiped = tmp_path / "wiped.mp4"
    wiped.write_bytes(data)
    assert codes(wiped) == "corrupt"


def test_a_missing_file_is_the_callers_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        probe(tmp_path / "absent.mp4")


def test_every_code_has_an_english_and_a_japanese_reason():
    assert set(REASONS_JA) == set(REASONS_EN)
    error = ProbeError("truncated", "the mdat box is short")
    assert error.reason == "the mdat box is short"
    assert error.reason_ja == REASONS_JA["truncated"]
    assert ProbeError("empty").reason == REASONS_EN["empty"]
    with pytest.raises(ValueError, match="unknown"):
        ProbeError("nonsense")


def test_zero_padding_after_the_last_box_is_tolerated(clips, tmp_path):
    # Some recorders preallocate files; the unused tail stays zero.
    padded = tmp_path / "padded.mp4"
    padded.write_bytes(clips.recorder.read_bytes() + bytes(65_536))
    assert probe(padded).frame_count == 45


def test_no_creation_time_when_the_recorder_wrote_none(tmp_path):
    plain = tmp_path / "plain.mp4"
    with av.open(str(plain), "w") as container:
        stream = container.add_stream("libx264", rate=10, options={"preset": "ultrafast"})
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for shade in range(10):
            picture = np.full((48, 64, 3), shade * 20, np.uint8)
            container.mux(stream.encode(av.VideoFrame.from_ndarray(picture, format="rgb24")))
        container.mux(stream.encode(None))
    result = probe(plain)
    assert result.creation_time is None
    assert result.frame_count == 10
