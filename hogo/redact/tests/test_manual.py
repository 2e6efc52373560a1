"""A reviewer's added box: followed both ways from its frame, reached without decoding the
clip's start (R-304)."""

from __future__ import annotations

import io
from fractions import Fraction
from pathlib import Path

import pytest

from hogo.redact import Analysis, Settings, add_manual_box, pipeline
from hogo.redact.tests.conftest import FPS, SIZE, decode, make_visitor_clip, visitor_box
from hogo.redact.tracking import iou

KEYINT = FPS  # a keyframe every second
VISIT = (40, 90)  # the square is there on these frames (inclusive) of a 120-frame clip
LONG_VISIT = (340, 380)  # ... and on these of a 400-frame clip: a long prefix without it


@pytest.fixture(scope="module")
def visitor(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("visitor")
    return make_visitor_clip(folder / "visitor.mp4", 120, *VISIT, keyint=KEYINT)


@pytest.fixture(scope="module")
def late_visitor(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("late-visitor")
    return make_visitor_clip(folder / "late.mp4", 400, *LONG_VISIT, keyint=KEYINT)


def blank_analysis(frames: int) -> Analysis:
    width, height = SIZE
    return Analysis(frame_count=frames, width=width, height=height, frame_rate=Fraction(FPS),
                    duration=frames / FPS, settings=Settings())


@pytest.mark.parametrize("as_file", [False, True], ids=["path", "file object"])
def test_a_box_added_mid_visit_is_followed_back_to_its_first_frame_and_on_to_its_last(
        visitor, as_file):
    first, last = VISIT
    middle = (first + last) // 2
    analysis = blank_analysis(120)
    source = io.BytesIO(visitor.read_bytes()) if as_file else visitor
    track = add_manual_box(source, analysis, middle, visitor_box(middle, first))
    hold = analysis.settings.persist
    found = [frame for frame, _, _ in track.keyframes]
    assert found == list(range(found[0], found[-1] + 1))  # one box on every frame between
    assert abs(found[0] - first) <= 1 and abs(found[-1] - last) <= 1
    assert first - hold - 1 <= track.first <= first
    assert last <= track.last <= last + hold + 1
    for frame in (first, first + 5, (first + middle) // 2, middle, (middle + last) // 2, last):
        assert iou(track.box_at(frame), visitor_box(frame, first)) >= 0.5, frame
    assert track.source == "manual" and analysis.people_count == 1
    again = Analysis.from_json(analysis.to_json())  # the JSON shape is the one it always was
    assert again.to_dict() == analysis.to_dict()


def test_a_box_followed_back_across_several_windows_stays_on_the_object(visitor, monkeypatch):
    monkeypatch.setattr(pipeline, "_BACK_SECONDS", 0.5)  # windows of 8, 16, 32 frames
    first, last = VISIT
    track = add_manual_box(visitor, blank_analysis(120), last, visitor_box(last, first))
    assert abs(track.keyframes[0][0] - first) <= 1
    for frame in range(first, last + 1, 7):
        assert iou(track.box_at(frame), visitor_box(frame, first)) >= 0.5, frame


def test_a_box_on_the_first_frame_of_a_visit_is_followed_forward_only(visitor):
    first, last = VISIT
    track = add_manual_box(visitor, blank_analysis(120), first, visitor_box(first, first))
    assert track.keyframes[0][0] == first and abs(track.keyframes[-1][0] - last) <= 1


def test_reaching_the_box_does_not_decode_the_clip_before_it(late_visitor, monkeypatch):
    opened: list[pipeline._Clip] = []

    class Counted(pipeline._Clip):
        def __init__(self, source):
            super().__init__(source)
            opened.append(self)

    monkeypatch.setattr(pipeline, "_Clip", Counted)
    first, last = LONG_VISIT
    middle = (first + last) // 2
    track = add_manual_box(late_visitor, blank_analysis(400), middle,
                           visitor_box(middle, first))
    assert abs(track.keyframes[0][0] - first) <= 1 and abs(track.keyframes[-1][0] - last) <= 1
    decoded = sum(clip.decoded for clip in opened)
    earliest = min(clip.earliest for clip in opened)
    window = round(pipeline._BACK_SECONDS * FPS)
    # The visit, and per direction about two windows (the second twice the first) and groups of
    # pictures to start from, at most; decoding from the start would be 381 frames, all of the
    # 340 before the square included.
    assert decoded <= (last - first) + 2 * (2 * window + 2 * KEYINT)
    assert earliest >= first - 2 * window - KEYINT  # back to the window the square starts in


def test_frames_by_index_after_a_seek_are_the_frames_of_a_full_decode(visitor):
    everything = decode(visitor)
    with pipeline._Clip(visitor) as clip:
        for start in (0, 1, 9, 10, 11, 37, 64, 117):
            got = list(clip.frames(start, start + 3))
            assert [index for index, _ in got] == list(range(start, min(start + 3, 120)))
            for index, frame in got:
                assert (abs(frame.to_ndarray(format="bgr24").astype(int)
                            - everything[index]).max() == 0), index
        before = clip.decoded
        assert [index for index, _ in clip.frames(115)] == list(range(115, 120))
        assert clip.decoded - before <= 120 - 110  # from the keyframe at 110, not from 0


class _LateSeeks:
    """A container whose seeks land a second after where they were aimed (as a demuxer may when
    it seeks by decoding time and the keyframe shows later)."""

    def __init__(self, container, late: int) -> None:
        self.container, self.late = container, late

    def seek(self, offset: int, **options) -> None:
        self.container.seek(offset + self.late, **options)

    def __getattr__(self, name: str):
        return getattr(self.container, name)


def test_a_seek_that_lands_after_the_wanted_frame_is_aimed_earlier(visitor):
    everything = decode(visitor)
    with pipeline._Clip(visitor) as clip:
        clip.container = _LateSeeks(clip.container, round(1 / clip.time_base))
        for start in (25, 64, 100):
            got = list(clip.frames(start, start + 2))
            assert [index for index, _ in got] == [start, start + 1]
            assert (abs(got[0][1].to_ndarray(format="bgr24").astype(int)
                        - everything[start]).max() == 0)
