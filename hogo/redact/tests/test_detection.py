"""Detections (hogo.redact.detection): between whole-picture scans, a picture shrunk further
for big faces reaches the face detector at that size, regions scaled with it, and its faces
come back in frame pixels; plates are not looked for inside sure faces.

Uses the real CenterFace detector (recording what it is handed) and the real plate detector.
"""

from __future__ import annotations

import av
import numpy as np

from hogo.redact import plates
from hogo.redact.detection import SURE_FACE, Detections, StageClock
from hogo.redact.faces import FaceDetector
from hogo.redact.tests.test_plates import plate_scene


class Recording(FaceDetector):
    """The real detector, noting the size of every picture and the scale it is handed."""

    def __init__(self) -> None:
        super().__init__(0.2, 1)
        self.seen: list[tuple[tuple[int, int], object, float]] = []
        self.inside = False

    def detect(self, pictures, scale=1.0):
        if not self.inside:
            self.seen.extend((p.shape[1::-1], None, scale) for p in pictures)
        return super().detect(pictures, scale)

    def detect_regions(self, picture, regions, scale=1.0):
        self.seen.append((picture.shape[1::-1], list(regions), scale))
        self.inside = True  # its parts go through detect: not noted again
        try:
            return super().detect_regions(picture, regions, scale)
        finally:
            self.inside = False


def _frame() -> av.VideoFrame:
    image = np.random.default_rng(0).integers(0, 255, (720, 1280, 3), np.uint8)
    return av.VideoFrame.from_ndarray(image, format="bgr24")


def test_a_shrunk_look_hands_the_detector_a_smaller_picture_and_regions():
    detector = Recording()
    found = Detections(detector, None, (640, 360), 0.5, StageClock())
    try:
        found.submit(0, _frame(), [(100, 60, 301, 221)], plates=False, shrink=2)
        found.submit(3, _frame(), [(100, 60, 301, 221)], plates=False)
        found.submit(6, _frame(), None, plates=False, shrink=2)
        results = list(found.drain())
    finally:
        found.close()
    assert [index for index, _, _ in results] == [0, 3, 6]
    assert detector.seen == [((320, 180), [(50, 30, 151, 111)], 0.25),
                             ((640, 360), [(100, 60, 301, 221)], 0.5),
                             ((320, 180), None, 0.25)]


def test_no_plate_is_looked_for_inside_a_masked_box():
    scene = plate_scene(7, "white", (90, 130))
    seen = plates.detect_plates(scene.image)
    assert len(seen) >= 2
    first = scene.plates[0]
    grown = (first[0] - 20, first[1] - 20, first[2] + 20, first[3] + 20, 0.9)
    left = plates.detect_plates(scene.image, masked=[grown])
    assert not any(b[0] >= grown[0] and b[2] <= grown[2] and b[1] >= grown[1]
                   and b[3] <= grown[3] for b in left)
    assert len(left) == len(seen) - 1


def test_only_sure_faces_keep_plates_from_being_looked_for():
    """The plate finder is handed the faces scoring SURE_FACE or more, not the weak ones (a
    reviewer may remove a weak face; what it covers must have been looked at for plates)."""
    handed = []

    def finder(frame_bgr, masked=()):
        handed.append(np.asarray(masked).reshape(-1, 5))
        return plates.detect_plates(frame_bgr, masked=masked)

    scene = plate_scene(11, "green", (90,))
    frame = av.VideoFrame.from_ndarray(scene.image, format="bgr24")
    found = Detections(FaceDetector(0.01, 1), finder, (640, 360), 0.5, StageClock())
    try:
        found.submit(0, frame)
        (_, faces, _), = list(found.drain())
    finally:
        found.close()
    assert len(faces) > len(handed[0])  # weak faces (threshold 0.01) were left out
    assert np.array_equal(handed[0], faces[faces[:, 4] >= SURE_FACE])
