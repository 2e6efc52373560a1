"""Extraction of a copy without re-encoding (R-302; Ashiya rule Art. 6(2))."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from fractions import Fraction
from itertools import pairwise
from pathlib import Path

import av
import numpy as np
import pytest

from hogo.storage import EncryptedStore, Keyring, LocalBackend
from hogo.storage.reader import DecryptingReader
from hogo.video.extract import ExtractError, Extraction, Source, extract
from hogo.video.naming import JST
from hogo.video.probe import probe
from hogo.video.synth import make_clip

T0 = dt.datetime(2025, 6, 3, 14, 15, 0, tzinfo=JST)
FPS = 10
SIZE = (160, 90)


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


@dataclass(frozen=True)
class Footage:
    segments: list[Path]  # three contiguous 3 s clips with audio, from T0
    after_gap: Path  # 3 s from T0 + 12 s: a 3 s hole after the third segment
    larger: Path  # 3 s at 320x180 from T0 + 9 s
    silent: Path  # 3 s without audio from T0 + 9 s
    b_frames: list[Path]  # two contiguous 4 s clips with B-frames, from T0


@pytest.fixture(scope="module")
def footage(tmp_path_factory: pytest.TempPathFactory) -> Footage:
    folder = tmp_path_factory.mktemp("extract")

    def clip(name: str, start: float, **options: object) -> Path:
        return make_clip(folder / name, at(start), 3, fps=FPS, size=SIZE, **options)  # type: ignore[arg-type]

    return Footage(
        segments=[clip(f"seg{i}.mp4", 3 * i, audio=True, faststart=i != 1) for i in range(3)],
        after_gap=clip("after_gap.mp4", 12, audio=True),
        larger=make_clip(folder / "larger.mp4", at(9), 3, fps=FPS, size=(320, 180)),
        silent=clip("silent.mp4", 9),
        b_frames=[_b_frame_clip(folder / f"bframes{i}.mp4") for i in range(2)],
    )


def _b_frame_clip(path: Path, seconds: int = 4) -> Path:
    """A clip whose decoding order differs from its display order (synth makes none)."""
    with av.open(str(path), "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        stream.options = {"g": str(FPS), "keyint_min": str(FPS), "sc_threshold": "0",
                          "bf": "3", "b_strategy": "0", "preset": "fast"}
        for index in range(seconds * FPS):
            picture = np.full((48, 64, 3), index * 5 % 256, np.uint8)
            picture[index % 48] = 255
            frame = av.VideoFrame.from_ndarray(picture, format="rgb24")
            frame.pts, frame.time_base = index, Fraction(1, FPS)
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return path


def sources(paths: list[Path], starts: list[float] | None = None) -> list[Source]:
    starts = starts if starts is not None else [3 * i for i in range(len(paths))]
    return [Source(path, at(start), name=path.name) for path, start in zip(paths, starts,
                                                                           strict=True)]


def cut(paths: list[Path], start: float, end: float, starts: list[float] | None = None,
        **options: bool) -> tuple[Extraction, io.BytesIO]:
    sink = io.BytesIO()
    result = extract(sources(paths, starts), at(start), at(end), sink, **options)
    return result, sink


def video_packets(sink: io.BytesIO) -> list[tuple[int, int, bool]]:
    sink.seek(0)
    with av.open(sink) as container:
        found = [(p.pts, p.dts, p.is_keyframe) for p in container.demux(video=0)
                 if p.dts is not None]
    sink.seek(0)
    return found


def decoded(source: Path | io.BytesIO) -> list[av.VideoFrame]:
    if isinstance(source, io.BytesIO):
        source.seek(0)
    with av.open(source if isinstance(source, io.BytesIO) else str(source)) as container:
        frames = list(container.decode(video=0))
    if isinstance(source, io.BytesIO):
        source.seek(0)
    return frames


def assert_matches_probe(result: Extraction, sink: io.BytesIO) -> None:
    facts = probe(sink)
    assert facts.frame_count == result.frame_count
    assert facts.duration == pytest.approx(result.duration, abs=1 / FPS)
    assert (result.actual_end - result.actual_start).total_seconds() == pytest.approx(
        result.duration, abs=1e-6)
    assert facts.video_codec == result.video_codec == "h264"
    packets = video_packets(sink)
    dts = [d for _, d, _ in packets]
    assert dts == sorted(set(dts)), "decoding timestamps must strictly increase"
    assert packets[0][2], "the copy must start with a keyframe"


def test_a_cut_inside_one_segment_widens_to_the_keyframe_before(footage: Footage) -> None:
    result, sink = cut(footage.segments, 1.45, 2.35)

    assert (result.requested_start, result.requested_end) == (at(1.45), at(2.35))
    assert result.actual_start == at(1)  # the keyframe of second 1
    assert result.actual_end == at(2.4)  # the frame shown at 2.3 s lasts until 2.4 s
    assert result.frame_count == 14
    assert result.duration == pytest.approx(1.4)
    assert (result.width, result.height) == SIZE
    assert [(s.index, s.name, s.frame_count) for s in result.sources] == [(0, "seg0.mp4", 14)]
    assert (result.sources[0].taken_start, result.sources[0].taken_end) == (at(1), at(2.4))
    assert_matches_probe(result, sink)


def test_the_copy_decodes_and_its_first_frame_is_the_keyframe_at_the_actual_start(
        footage: Footage) -> None:
    result, sink = cut(footage.segments, 1.45, 2.35)

    frames = decoded(sink)
    original = decoded(footage.segments[0])
    assert len(frames) == result.frame_count
    assert frames[0].key_frame
    for copied, source in zip(frames, original[10:24], strict=True):
        assert np.array_equal(copied.to_ndarray(), source.to_ndarray())  # bit-for-bit pictures


def test_a_range_ending_on_a_frame_boundary_takes_no_extra_frame(footage: Footage) -> None:
    result, sink = cut(footage.segments, 1, 2)

    assert (result.actual_start, result.actual_end, result.frame_count) == (at(1), at(2), 10)
    assert_matches_probe(result, sink)


@pytest.mark.parametrize(("start", "end", "actual", "frames", "used"), [
    (2.5, 4.05, (2, 4.1), 21, [(0, 10), (1, 11)]),
    (2.2, 6.5, (2, 6.5), 45, [(0, 10), (1, 30), (2, 5)]),
    (0, 9, (0, 9), 90, [(0, 30), (1, 30), (2, 30)]),
])
def test_a_cut_across_segments_is_one_continuous_mp4(
        footage: Footage, start: float, end: float, actual: tuple[float, float], frames: int,
        used: list[tuple[int, int]]) -> None:
    result, sink = cut(footage.segments, start, end)

    assert (result.actual_start, result.actual_end) == (at(actual[0]), at(actual[1]))
    assert result.frame_count == frames
    assert result.duration == pytest.approx(actual[1] - actual[0])
    assert [(s.index, s.frame_count) for s in result.sources] == used
    assert_matches_probe(result, sink)
    shown = sorted(pts for pts, _, _ in video_packets(sink))
    steps = {later - earlier for earlier, later in pairwise(shown)}
    assert len(steps) == 1, "one frame interval throughout: the joints leave no hole"
    assert len(decoded(sink)) == frames


def test_segments_given_as_pairs_are_accepted(footage: Footage) -> None:
    pairs = [(path, at(3 * i)) for i, path in enumerate(footage.segments)]
    result = extract(pairs, at(2.5), at(3.5), io.BytesIO())

    assert [s.name for s in result.sources] == [None, None]
    assert result.frame_count == 15


def test_audio_is_dropped_by_default(footage: Footage) -> None:
    result, sink = cut(footage.segments, 2.5, 4.05)

    assert result.audio_codec is None
    assert not probe(sink).has_audio


def test_audio_is_copied_when_kept_and_ends_with_the_video(footage: Footage) -> None:
    result, sink = cut(footage.segments, 2.5, 4.05, keep_audio=True)

    facts = probe(sink)
    assert (result.audio_codec, facts.audio_codec) == ("aac", "aac")
    sink.seek(0)
    with av.open(sink) as container:
        audio = [p for p in container.demux(audio=0) if p.dts is not None]
        time_base = container.streams.audio[0].time_base
    starts = [p.pts * time_base for p in audio]
    assert starts == sorted(starts)
    assert 0 <= starts[0] < Fraction(1, FPS)
    assert (audio[-1].pts + audio[-1].duration) * time_base <= result.duration
    assert facts.duration == pytest.approx(result.duration, abs=1 / FPS)


def test_the_output_is_faststart_and_its_hash_and_size_are_recorded(footage: Footage) -> None:
    result, sink = cut(footage.segments, 2.5, 4.05)

    data = sink.getvalue()
    assert data.index(b"moov") < data.index(b"mdat")
    assert (result.size, result.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    assert sink.tell() == 0
    assert "PyAV" in result.tool and "FFmpeg" in result.tool and "hogo" in result.tool


def test_an_index_larger_than_the_room_reserved_falls_back_to_a_second_pass(
        footage: Footage, monkeypatch: pytest.MonkeyPatch) -> None:
    expected, _ = cut(footage.segments, 2.5, 4.05)
    monkeypatch.setattr("hogo.video.extract._MOOV_FIXED", 16)
    monkeypatch.setattr("hogo.video.extract._MOOV_PER_SAMPLE", 0)

    result, sink = cut(footage.segments, 2.5, 4.05)

    data = sink.getvalue()
    moov = data.index(b"moov") - 4
    moov_end = moov + int.from_bytes(data[moov:moov + 4], "big")
    assert moov_end <= data.index(b"mdat") - 4 <= moov_end + 16  # no room reserved: moved
    assert (result.frame_count, result.actual_end) == (expected.frame_count, expected.actual_end)
    assert result.size == len(data)
    assert_matches_probe(result, sink)


def test_the_originals_are_left_untouched(footage: Footage) -> None:
    paths = [*footage.segments, footage.after_gap]
    before = {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in paths}
    handles = [open(path, "rb") for path in footage.segments]  # noqa: SIM115
    try:
        extract([Source(h, at(3 * i)) for i, h in enumerate(handles)], at(1), at(8),
                io.BytesIO(), keep_audio=True)
    finally:
        for handle in handles:
            handle.close()
    assert {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in paths} == before


@pytest.mark.parametrize(("start", "end", "says"), [
    (-10, -2, "starts before the footage"),
    (-2, 1, "starts before the footage"),
    (8, 11, "ends after the footage"),
    (20, 25, "ends after the footage"),
])
def test_a_range_outside_the_footage_is_refused(footage: Footage, start: float, end: float,
                                                says: str) -> None:
    with pytest.raises(ExtractError) as caught:
        cut(footage.segments, start, end)

    assert caught.value.code == "outside"
    assert says in caught.value.message
    assert "映像の記録" in caught.value.message_ja


def test_a_little_footage_missing_at_the_edges_is_tolerated(footage: Footage) -> None:
    result, _ = cut(footage.segments, -0.5, 9.5)

    assert (result.actual_start, result.actual_end) == (at(0), at(9))


def test_a_gap_inside_the_range_is_refused_and_located(footage: Footage) -> None:
    paths = [*footage.segments, footage.after_gap]
    with pytest.raises(ExtractError) as caught:
        cut(paths, 8, 13, starts=[0, 3, 6, 12])

    error = caught.value
    assert error.code == "gap"
    assert "3.0 s" in error.message and "seg2.mp4" in error.message
    assert "14:15:09.000" in error.message and "14:15:12.000" in error.message
    assert "14:15:09.000" in error.message_ja and "映像のない部分" in error.message_ja


def test_a_range_that_falls_in_a_gap_is_refused(footage: Footage) -> None:
    with pytest.raises(ExtractError) as caught:
        cut([*footage.segments, footage.after_gap], 9.5, 11, starts=[0, 3, 6, 12])

    assert caught.value.code == "gap"


def test_a_range_beside_a_gap_is_copied(footage: Footage) -> None:
    result, _ = cut([*footage.segments, footage.after_gap], 12.5, 14, starts=[0, 3, 6, 12])

    assert [s.index for s in result.sources] == [3]
    assert (result.actual_start, result.actual_end) == (at(12), at(14))


def test_segments_out_of_order_are_refused(footage: Footage) -> None:
    with pytest.raises(ExtractError) as caught:
        cut(footage.segments, 1, 8, starts=[0, 6, 3])

    assert caught.value.code == "overlap"
    assert "recording order" in caught.value.message


def test_overlapping_segments_are_refused(footage: Footage) -> None:
    with pytest.raises(ExtractError) as caught:
        cut(footage.segments, 1, 8, starts=[0, 1.5, 4.5])

    assert caught.value.code == "overlap"
    assert "1.5 s before seg0.mp4 ends" in caught.value.message


def test_a_small_hole_is_kept_on_the_recorders_clock(footage: Footage) -> None:
    result, sink = cut(footage.segments, 1, 9, starts=[0, 3.5, 7])

    assert (result.actual_start, result.actual_end) == (at(1), at(9))
    assert [(s.taken_start, s.taken_end) for s in result.sources] == [
        (at(1), at(3)), (at(3.5), at(6.5)), (at(7), at(9))]
    assert result.frame_count == 70
    assert_matches_probe(result, sink)


def test_a_small_overlap_is_joined_behind_the_previous_segment(footage: Footage) -> None:
    result, sink = cut(footage.segments, 1, 8, starts=[0, 2.5, 5.5])

    assert [(s.taken_start, s.taken_end) for s in result.sources] == [
        (at(1), at(3)), (at(3), at(6)), (at(6), at(8))]
    assert result.frame_count == 70
    assert_matches_probe(result, sink)


def test_segments_of_different_resolutions_are_refused(footage: Footage) -> None:
    with pytest.raises(ExtractError) as caught:
        cut([*footage.segments, footage.larger], 8, 10, starts=[0, 3, 6, 9])

    assert caught.value.code == "mismatch"
    assert "160x90" in caught.value.message and "320x180" in caught.value.message
    assert "再エンコード" in caught.value.message_ja


def test_audio_is_kept_only_when_every_segment_has_the_same(footage: Footage) -> None:
    paths = [*footage.segments, footage.silent]
    with pytest.raises(ExtractError) as caught:
        cut(paths, 8, 10, starts=[0, 3, 6, 9], keep_audio=True)

    assert caught.value.code == "audio_mismatch"
    assert "音声なしで" in caught.value.message_ja
    result, _ = cut(paths, 8, 10, starts=[0, 3, 6, 9])
    assert (result.frame_count, result.audio_codec) == (20, None)


@pytest.mark.parametrize(("start", "end", "actual"), [
    (1.25, 2.25, (1, 2.5)),  # the frame shown at 2.4 s is a reference of 2.2 s and 2.3 s
    (2.0, 2.3, (2, 2.5)),
    (3.3, 5.25, (3, 5.5)),  # across the joint
    (0, 8, (0, 8)),
])
def test_b_frames_needed_by_a_kept_frame_are_kept(footage: Footage, start: float, end: float,
                                                  actual: tuple[float, float]) -> None:
    result, sink = cut(footage.b_frames, start, end, starts=[0, 4])

    assert (result.actual_start, result.actual_end) == (at(actual[0]), at(actual[1]))
    frames = decoded(sink)
    assert len(frames) == result.frame_count == round((actual[1] - actual[0]) * FPS)
    assert [f.pts for f in frames] == sorted(f.pts for f in frames)
    assert_matches_probe(result, sink)


def stored_file(store: EncryptedStore, object_id: str, wrapped_key: str) -> DecryptingReader:
    """The storage package's decrypting reader over a stored object."""
    return DecryptingReader(store, object_id, wrapped_key, store.object_size(object_id))


def test_encrypted_originals_are_read_without_plaintext_on_disk(
        footage: Footage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    store = EncryptedStore(LocalBackend(tmp_path / "objects"),
                           Keyring.load_or_create(tmp_path / "keys"), chunk_size=64 * 1024)
    stored = []
    for path in footage.segments:
        with open(path, "rb") as handle:
            stored.append(store.put(handle))
    readers = [stored_file(store, s.object_id, s.wrapped_key.to_text())  # type: ignore[union-attr]
               for s in stored]
    sink = io.BytesIO()

    result = extract([Source(reader, at(3 * i), name=f"seg{i}", sha256=s.object_id)
                      for i, (reader, s) in enumerate(zip(readers, stored, strict=True))],
                     at(2.5), at(7.2), sink, keep_audio=True)

    plain, _ = cut(footage.segments, 2.5, 7.2, keep_audio=True)
    assert (result.sha256, result.frame_count) == (plain.sha256, plain.frame_count)
    assert [s.sha256 for s in result.sources] == [s.object_id for s in stored]
    assert list(temp.iterdir()) == []
    for path in tmp_path.rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            assert b"ftyp" not in content and b"mdat" not in content, path


def test_bad_arguments_are_programming_errors(footage: Footage) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        extract(sources(footage.segments), dt.datetime(2025, 6, 3, 14, 15), at(2), io.BytesIO())
    with pytest.raises(ValueError, match="after start"):
        cut(footage.segments, 2, 2)
    with pytest.raises(ValueError, match="empty"):
        extract(sources(footage.segments), at(1), at(2), io.BytesIO(b"x"))
    with pytest.raises(ValueError, match="at least one"):
        extract([], at(1), at(2), io.BytesIO())


def test_extraction_imports_no_django() -> None:
    code = ("import sys, hogo.video.extract;"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_encoding_runs_split_where_the_format_changes(footage: Footage) -> None:
    """A copy across a change of encoding is made as one copy per run, each joinable."""
    from hogo.video.extract import encoding_runs

    mixed = sources([*footage.segments, footage.larger])
    assert encoding_runs(mixed) == [[0, 1, 2], [3]]
    first, second = (extract([mixed[i] for i in run], at(8) if run[0] == 0 else at(9),
                             at(9) if run[0] == 0 else at(10), io.BytesIO())
                     for run in encoding_runs(mixed))
    assert (first.width, second.width) == (160, 320)
    with_silent = sources([*footage.segments, footage.silent])
    assert encoding_runs(with_silent) == [[0, 1, 2, 3]]
    assert encoding_runs(with_silent, keep_audio=True) == [[0, 1, 2], [3]]
    assert encoding_runs([]) == []
