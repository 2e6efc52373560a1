"""The pipeline on a synthetic clip: timing kept, audio by request, masks where the tracks say,
review edits honoured, analysis JSON round-trip, file objects, and failures that leave nothing."""

import io
import subprocess
import sys

import av
import numpy as np
import pytest

from hogo.redact import Analysis, RedactError, Settings, Track, add_manual_box, analyse, render
from hogo.redact.pipeline import redact, thumbnails
from hogo.redact.tests.conftest import FPS, FRAMES, SIZE, decode, pts, square_box
from hogo.video.probe import probe

FAST = Settings(preset="ultrafast", crf=18, plates=False)


def square_track(frames: range, track_id: int = 1) -> Track:
    """A track on the moving square, detected on every third frame of `frames`."""
    keyframes = [(f, tuple(float(v) for v in square_box(f)), 0.9) for f in frames[::3]]
    return Track(track_id, keyframes=keyframes, first=frames[0], last=frames[-1])


def inside_change(source: list[np.ndarray], output: list[np.ndarray], frame: int,
                  box: tuple[int, int, int, int]) -> float:
    x0, y0, x1, y1 = box
    region = (slice(y0 + 2, y1 - 2), slice(x0 + 2, x1 - 2))
    return float(np.abs(output[frame][region].astype(int) - source[frame][region]).mean())


@pytest.fixture(scope="module")
def empty_analysis(clips) -> Analysis:
    return analyse(clips.silent, FAST)


def test_analysis_of_a_clip_without_faces_finds_none(empty_analysis):
    assert empty_analysis.frame_count == FRAMES
    assert (empty_analysis.width, empty_analysis.height) == SIZE
    assert empty_analysis.frame_rate == FPS
    assert empty_analysis.tracks == []
    assert empty_analysis.people_count == 0
    assert empty_analysis.thumbnails[0] == 0 and empty_analysis.thumbnails[-1] == FRAMES - 1
    assert empty_analysis.record["model"]["sha256"]


def test_output_keeps_frame_count_rate_duration_and_timestamps(clips, tmp_path, empty_analysis):
    out = tmp_path / "out.mp4"
    result = render(clips.silent, out, empty_analysis, FAST)
    source, made = probe(clips.silent), probe(out)
    assert made.frame_count == source.frame_count == result.frame_count == FRAMES
    assert made.frame_rate == source.frame_rate == result.frame_rate
    assert made.duration == pytest.approx(source.duration, abs=1 / FPS)
    assert result.duration == pytest.approx(source.duration, abs=1 / FPS)
    with av.open(str(clips.silent)) as a, av.open(str(out)) as b:
        base_a, base_b = a.streams.video[0].time_base, b.streams.video[0].time_base
    assert [p * base_b for p in pts(out)] == [p * base_a for p in pts(clips.silent)]


def test_masks_change_the_pixels_inside_the_tracks_and_not_elsewhere(clips, tmp_path):
    analysis = analyse(clips.silent, FAST)
    analysis.tracks = [square_track(range(5, 20))]
    out = tmp_path / "masked.mp4"
    result = render(clips.silent, out, analysis, FAST)
    assert result.masked_frames == 15
    source, output = decode(clips.silent), decode(out)
    for frame in (5, 10, 19):
        assert inside_change(source, output, frame, square_box(frame)) > 20
    for frame in (4, 20):  # outside the track: only the encoder's own small differences
        assert inside_change(source, output, frame, square_box(frame)) < 4
    away = (slice(0, 60), slice(200, 320))  # far from the square on a masked frame
    assert np.abs(output[10][away].astype(int) - source[10][away]).mean() < 4


@pytest.mark.parametrize("kind", ["mosaic", "solid"])
def test_other_mask_kinds(clips, tmp_path, kind):
    analysis = analyse(clips.silent, FAST)
    analysis.tracks = [square_track(range(0, FRAMES))]
    out = tmp_path / f"{kind}.mp4"
    render(clips.silent, out, analysis, Settings(mask=kind, preset="ultrafast", plates=False))
    source, output = decode(clips.silent), decode(out)
    assert inside_change(source, output, 12, square_box(12)) > 20
    if kind == "solid":
        x0, y0, x1, y1 = square_box(12)
        assert output[12][y0 + 2:y1 - 2, x0 + 2:x1 - 2].max() < 40


def test_removed_track_is_not_masked_and_not_counted(clips, tmp_path):
    analysis = analyse(clips.silent, FAST)
    analysis.tracks = [square_track(range(0, FRAMES))]
    assert analysis.people_count == 1
    analysis.remove_track(1)
    assert analysis.people_count == 0
    out = tmp_path / "removed.mp4"
    result = render(clips.silent, out, analysis, FAST)
    assert result.masked_frames == 0
    assert inside_change(decode(clips.silent), decode(out), 12, square_box(12)) < 4


def test_manual_box_is_followed_and_masked(clips, tmp_path):
    analysis = analyse(clips.silent, FAST)
    track = add_manual_box(clips.silent, analysis, 10, square_box(10))
    # followed both ways: the square is on every frame, so the track is the whole clip
    assert track.source == "manual" and track.first == 0 and track.last == FRAMES - 1
    assert track.box_at(25) == pytest.approx(square_box(25), abs=1)
    assert track.box_at(2) == pytest.approx(square_box(2), abs=1)
    assert analysis.people_count == 1
    out = tmp_path / "manual.mp4"
    render(clips.silent, out, analysis, FAST)
    source, output = decode(clips.silent), decode(out)
    assert inside_change(source, output, 25, square_box(25)) > 20
    assert inside_change(source, output, 2, square_box(2)) > 20


def test_manual_box_outside_the_picture_is_refused(clips, empty_analysis):
    with pytest.raises(ValueError, match="inside the picture"):
        add_manual_box(clips.silent, empty_analysis, 3, (300, 10, 400, 50))


def test_analysis_round_trips_through_json(clips):
    analysis = analyse(clips.silent, FAST)
    analysis.tracks = [square_track(range(2, 17)), square_track(range(20, 30), track_id=2)]
    analysis.remove_track(2)
    again = Analysis.from_json(analysis.to_json())
    assert again.to_dict() == analysis.to_dict()
    assert again.settings == FAST
    assert [t.box_at(7) for t in again.tracks] == [t.box_at(7) for t in analysis.tracks]


@pytest.mark.parametrize(("wanted", "codec", "said"), [
    ("drop", None, "dropped"), ("copy", "aac", "copied (aac)"), ("aac", "aac", "re-encoded (aac)"),
])
def test_audio_is_dropped_copied_or_re_encoded(clips, tmp_path, wanted, codec, said):
    out = tmp_path / f"audio-{wanted}.mp4"
    result = redact(clips.with_audio, out, Settings(audio=wanted, preset="ultrafast",
                                                    plates=False))
    made = probe(out)
    assert made.audio_codec == codec and result.audio == said
    assert made.frame_count == FRAMES
    if codec:
        with av.open(str(out)) as container:
            seconds = float(container.streams.audio[0].duration *
                            container.streams.audio[0].time_base)
        assert seconds == pytest.approx(FRAMES / FPS, abs=0.15)


def test_file_objects_in_and_out_and_progress(clips):
    source = io.BytesIO(clips.silent.read_bytes())
    sink = io.BytesIO()
    calls = []
    result = redact(source, sink, FAST, progress=lambda done, total: calls.append((done, total)))
    assert result.frame_count == FRAMES
    assert probe(sink).frame_count == FRAMES
    assert calls[-1] == (FRAMES, FRAMES)  # one pass: the frames encoded
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_thumbnails_are_jpegs_of_the_asked_frames(clips):
    pictures = dict(thumbnails(clips.silent, [0, 29, 12], width=160))
    assert sorted(pictures) == [0, 12, 29]
    assert all(data.startswith(b"\xff\xd8") for data in pictures.values())


def test_a_bad_source_raises_and_leaves_no_output(tmp_path):
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"this is not a video" * 100)
    out = tmp_path / "out.mp4"
    with pytest.raises(RedactError, match="not a readable video"):
        redact(bad, out, FAST)
    assert not out.exists()


def test_a_source_cut_short_raises_and_leaves_no_output(clips, tmp_path):
    cut = tmp_path / "cut.mp4"
    data = clips.silent.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    out = tmp_path / "out.mp4"
    with pytest.raises(RedactError):
        redact(cut, out, FAST)
    assert not out.exists()


def test_settings_are_validated_and_described():
    with pytest.raises(ValueError, match="audio"):
        Settings(audio="keep")
    with pytest.raises(ValueError, match="mask"):
        Settings(mask="emoji")
    record = Settings().describe()
    assert record["model"]["name"] == "CenterFace" and len(record["model"]["sha256"]) == 64
    assert record["versions"]["onnxruntime"]
    assert record["plate_detector"]


def test_the_redact_package_imports_no_django():
    code = ("import sys, hogo.redact, hogo.redact.plates;"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
