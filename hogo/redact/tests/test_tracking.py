"""Tracking on constructed detections: identities, counting, backward fill, persistence."""

import numpy as np
import pytest

from hogo.redact.tracking import Track, Tracker, count_tracks, follow_box, grow, iou


def run(detections: dict[int, list[tuple]], frames: int, every: int, lead: int = 2,
        trail: int = 2, max_gap: int = 10) -> list[Track]:
    tracker = Tracker(max_gap=max_gap)
    for frame in range(0, frames, every):
        tracker.update(frame, detections.get(frame, []))
    return tracker.finish(frames, lead, trail)


def walking(x0: float, frame: int, speed: float = 5.0) -> tuple:
    return (x0 + speed * frame, 50.0, x0 + speed * frame + 40, 100.0, 0.9)


def test_two_people_walking_side_by_side_are_two_tracks():
    detections = {f: [walking(0, f), walking(200, f)] for f in range(0, 30, 3)}
    tracks = run(detections, 30, 3)
    assert len(tracks) == 2
    assert count_tracks(tracks) == 2
    assert [t.hits for t in tracks] == [10, 10]


def test_a_face_missed_for_a_moment_keeps_its_identity_and_is_bridged():
    detections = {f: [walking(0, f)] for f in range(0, 30, 3) if f not in (12, 15)}
    (track,) = run(detections, 30, 3, max_gap=10)
    box = track.box_at(13)  # not detected on 12 or 15: interpolated between 9 and 18
    assert box == pytest.approx((65.0, 50.0, 105.0, 100.0))


def test_a_face_gone_longer_than_the_gap_counts_again():
    detections = {f: [walking(0, f, speed=0)] for f in (0, 3, 6, 30, 33, 36)}
    tracks = run(detections, 40, 3, max_gap=10)
    assert len(tracks) == 2
    assert count_tracks(tracks) == 2  # 延べ人数: leaving and coming back counts twice


def test_a_single_detection_is_masked_but_not_counted():
    tracks = run({9: [walking(0, 9)]}, 30, 3)
    assert len(tracks) == 1
    assert tracks[0].box_at(9) is not None
    assert count_tracks(tracks) == 0
    assert count_tracks(tracks, min_hits=1) == 1


def test_a_face_fast_across_the_picture_is_matched_by_distance():
    detections = {f: [walking(0, f, speed=20)] for f in range(0, 12, 3)}  # 60 px per detection
    tracks = run(detections, 12, 3)
    assert len(tracks) == 1


def test_backward_fill_masks_a_face_from_before_its_first_detection():
    detections = {f: [walking(0, f)] for f in range(9, 30, 3)}
    (track,) = run(detections, 30, 3, lead=2)
    assert track.first == 7  # appeared after frame 6 (not detected there): masked from 7
    assert track.box_at(7) == track.keyframes[0][1]
    assert track.box_at(6) is None


def test_masks_persist_after_the_last_detection_and_leave_no_gap():
    detections = {f: [walking(0, f)] for f in range(0, 15, 3)}
    (track,) = run(detections, 30, 3, trail=6)
    assert track.last == 18
    assert all(track.box_at(f) is not None for f in range(track.first, track.last + 1))
    assert track.box_at(19) is None


def test_margin_grows_the_box_and_more_away_from_a_detection():
    track = Track(1, keyframes=[(0, (100.0, 100.0, 140.0, 140.0), 0.9)], first=0, last=5)
    assert track.box_at(0, margin=0.25) == (90.0, 90.0, 150.0, 150.0)
    assert track.box_at(4, margin=0.25, growth=0.05) == (82.0, 82.0, 158.0, 158.0)


def test_removed_tracks_are_neither_masked_nor_counted():
    detections = {f: [walking(0, f)] for f in range(0, 15, 3)}
    (track,) = run(detections, 15, 3)
    track.removed = True
    assert track.box_at(3) is None
    assert count_tracks([track]) == 0


def test_track_round_trips_through_a_dict():
    track = Track(4, "plate", "manual", [(3, (1.0, 2.0, 3.0, 4.0), 0.5)], 1, 9, removed=True)
    assert Track.from_dict(track.to_dict()) == track


def test_iou_and_grow():
    assert iou((0, 0, 10, 10), (5, 0, 15, 10)) == pytest.approx(1 / 3)
    assert iou((0, 0, 10, 10), (20, 20, 30, 30)) == 0
    assert grow((10, 10, 20, 30), 0.5) == (5, 0, 25, 40)


def test_follow_box_follows_a_moving_pattern_until_it_is_gone():
    rng = np.random.default_rng(1)
    patch = rng.integers(0, 256, (30, 30), np.uint8)
    frames = []
    for index in range(12):
        image = np.full((120, 200), 90, np.uint8)
        if index < 10:
            x = 10 + 6 * index
            image[40:70, x:x + 30] = patch
        frames.append(image)
    boxes = list(follow_box(frames, (10, 40, 40, 70)))
    assert len(boxes) == 10  # lost when the pattern disappears
    assert boxes[9] == pytest.approx((64, 40, 94, 70))


def test_weak_tracks_are_masked_but_not_counted():
    detections = {f: [walking(0, f), (*walking(200, f)[:4], 0.24)] for f in range(0, 15, 3)}
    tracks = run(detections, 15, 3)
    assert len(tracks) == 2
    assert count_tracks(tracks, min_score=0.5) == 1
