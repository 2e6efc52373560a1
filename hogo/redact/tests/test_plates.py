"""Licence-plate detection (R-607): hogo.redact.plates.detect_plates.

Synthetic 1280x720 scenes with drawn Japanese-style plates (the four background colours, several
sizes, on cluttered backgrounds) must be found; plate-free clutter must give few detections; the
real street clip in ../shared/data/video (CC BY 4.0, never copied into the repo) gives only
robust checks, because its plates are small, seen from above and not Japanese.

The scene generator lives here and bench/plates.py imports it, so the benchmark measures the
same synthetic set the tests hold the detector to. The last two tests use bench/plate_set.py
(Japanese glyphs from IPA Gothic through Pillow, perspective, blur, JPEG/H.264): they skip with
the reason when Pillow, the font or the sample clips are missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pytest

from hogo.redact.plates import detect_plates

SAMPLES = Path(__file__).resolve().parents[4] / "shared" / "data" / "video"
STREET = SAMPLES / "car-detection.mp4"
FRAME = (720, 1280)  # height, width
FONT = cv2.FONT_HERSHEY_SIMPLEX

# Japanese plate colours (BGR): background, characters. 自家用 white/green, 事業用 green/white,
# 軽自家用 yellow/black, 軽事業用 black/yellow.
STYLES = {
    "white": ((236, 240, 238), (40, 95, 25)),
    "green": ((45, 100, 20), (235, 240, 238)),
    "yellow": ((20, 200, 240), (25, 25, 25)),
    "black": ((28, 28, 28), (20, 200, 240)),
}
WIDTHS = (48, 64, 90, 130, 200, 300)  # plate widths in 1280x720 pixels


@dataclass(frozen=True)
class Scene:
    image: np.ndarray
    plates: list[tuple[int, int, int, int]]  # ground truth (x0, y0, x1, y1)
    style: str = ""


def draw_plate(width: int, style: str, rng: np.random.Generator) -> np.ndarray:
    """A Japanese-layout plate (330x165 mm): region and class number on top, kana and the
    four-digit number below. OpenCV draws no kanji or kana, so small stroke blocks stand in."""
    render = max(width, 220) * 2  # draw large, then shrink, as a camera would
    height = render // 2
    bg, fg = STYLES[style]
    plate = np.full((height, render, 3), bg, np.uint8)
    edge = max(2, render // 110)
    cv2.rectangle(plate, (edge, edge), (render - edge - 1, height - edge - 1), fg, edge)

    def text(s: str, x0: float, x1: float, y_base: float, h: float, thick: float) -> None:
        size, _ = cv2.getTextSize(s, FONT, 1.0, 1)
        scale = min((x1 - x0) * render / size[0], h * height / size[1])
        t = max(1, int(thick * render))
        cv2.putText(plate, s, (int(x0 * render), int(y_base * height)), FONT, scale, fg, t,
                    cv2.LINE_AA)

    for k in range(2):  # two "kanji" of the region name: box-and-stroke glyphs
        gx = int((0.26 + 0.1 * k) * render)
        gw, gy, gh = int(0.08 * render), int(0.1 * height), int(0.2 * height)
        cv2.rectangle(plate, (gx, gy), (gx + gw, gy + gh), fg, max(1, render // 90))
        cv2.line(plate, (gx, gy + gh // 2), (gx + gw, gy + gh // 2), fg, max(1, render // 90))
    text(str(int(rng.integers(300, 599))), 0.5, 0.7, 0.31, 0.22, 0.012)
    text(str("sutkn"[int(rng.integers(0, 5))]), 0.05, 0.16, 0.78, 0.3, 0.02)
    digits = f"{int(rng.integers(10, 99))}-{int(rng.integers(10, 99))}"
    text(digits, 0.19, 0.95, 0.88, 0.5, 0.03)
    return cv2.resize(plate, (width, max(8, width // 2)), interpolation=cv2.INTER_AREA)


def clutter(rng: np.random.Generator, text: bool = True) -> np.ndarray:
    """A busy street-like background: gradient, noise, shapes, lines, car bodies, some signs."""
    h, w = FRAME
    base = rng.integers(40, 200, 3)
    ramp = np.linspace(0.6, 1.2, h)[:, None, None]
    img = np.clip(base[None, None, :] * ramp * np.ones((h, w, 1)), 0, 255).astype(np.uint8)
    for _ in range(40):
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
        kind = rng.integers(0, 4)
        if kind == 0:
            cv2.rectangle(img, (x, y), (x + int(rng.integers(10, 300)),
                                        y + int(rng.integers(10, 200))), colour, -1)
        elif kind == 1:
            cv2.circle(img, (x, y), int(rng.integers(5, 80)), colour, -1)
        elif kind == 2:
            cv2.line(img, (x, y), (int(rng.integers(0, w)), int(rng.integers(0, h))), colour,
                     int(rng.integers(1, 6)))
        else:  # foliage/grille-like texture patch
            pw, ph = int(rng.integers(30, 200)), int(rng.integers(30, 120))
            patch = img[y:y + ph, x:x + pw]
            noise = rng.integers(0, 256, patch.shape[:2] + (1,), dtype=np.uint8)
            patch[:] = cv2.GaussianBlur(noise, (3, 3), 0)[..., None] if patch.size else patch
    if text:
        for _ in range(3):  # signboards with lettering, long and in one line
            x, y = int(rng.integers(0, w - 300)), int(rng.integers(40, h - 40))
            cv2.putText(img, "PARKING 24H OPEN", (x, y), FONT, float(rng.uniform(0.6, 1.2)),
                        tuple(int(c) for c in rng.integers(0, 256, 3)), 2, cv2.LINE_AA)
    noise = rng.normal(0, 6, img.shape)
    return np.clip(img + noise, 0, 255).astype(np.uint8)


def plate_scene(seed: int, style: str, widths: tuple[int, ...]) -> Scene:
    """Clutter with one plate of each width, each on a car-like body with a bumper and shadow,
    slightly blurred and noisy as video is."""
    rng = np.random.default_rng(seed)
    img = clutter(rng)
    h, w = FRAME
    boxes: list[tuple[int, int, int, int]] = []
    slots = sorted(widths, reverse=True)
    x = 20
    for pw in slots:
        ph = max(8, pw // 2)
        car_w, car_h = int(pw * 2.4), int(pw * 1.3)
        if x + car_w > w - 10:
            break
        cy = int(rng.integers(20, h - car_h - 20))
        body = tuple(int(c) for c in rng.integers(0, 256, 3))
        cv2.rectangle(img, (x, cy), (x + car_w, cy + car_h), body, -1)
        cv2.rectangle(img, (x, cy + int(car_h * 0.75)), (x + car_w, cy + car_h), (40, 40, 40), -1)
        for lx in (x + car_w // 12, x + car_w - car_w // 12 - car_w // 6):  # rear lamps
            cv2.rectangle(img, (lx, cy + car_h // 6), (lx + car_w // 6, cy + car_h // 3),
                          (30, 30, 200), -1)
        px, py = x + (car_w - pw) // 2, cy + int(car_h * 0.45)
        img[py:py + ph, px:px + pw] = draw_plate(pw, style, rng)
        boxes.append((px, py, px + pw, py + ph))
        x += car_w + int(rng.integers(10, 40))
    img = cv2.GaussianBlur(img, (0, 0), float(rng.uniform(0.5, 1.0)))
    img = np.clip(img + rng.normal(0, 3, img.shape), 0, 255).astype(np.uint8)
    return Scene(img, boxes, style)


def synthetic_set(n_per_style: int = 3) -> tuple[list[Scene], list[Scene]]:
    """Plate scenes (every style at every width, split over frames that fit) and as many
    plate-free clutter scenes."""
    with_plates = []
    for i in range(n_per_style):
        for s, style in enumerate(STYLES):
            seed = 1000 * i + 10 * s
            with_plates.append(plate_scene(seed, style, WIDTHS[:3] + WIDTHS[4:5]))
            with_plates.append(plate_scene(seed + 1, style, WIDTHS[3:4] + WIDTHS[5:]))
    empty = [Scene(clutter(np.random.default_rng(5000 + i)), []) for i in range(len(with_plates))]
    return with_plates, empty


def iou(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    ix = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union else 0.0


def matched(truth: list[tuple[int, int, int, int]], found: list[tuple]) -> int:
    return sum(any(iou(t, f[:4]) >= 0.5 for f in found) for t in truth)


@pytest.mark.parametrize("style", list(STYLES))
def test_finds_each_japanese_plate_colour_at_several_sizes(style):
    scene = plate_scene(7, style, (64, 90, 130, 200))
    found = detect_plates(scene.image)
    assert matched(scene.plates, found) >= 3, (scene.plates, found)


def test_recall_and_precision_on_the_synthetic_set():
    with_plates, _ = synthetic_set(2)
    truth = sum(len(s.plates) for s in with_plates)
    hits = boxes = right = 0
    for scene in with_plates:
        found = detect_plates(scene.image)
        hits += matched(scene.plates, found)
        boxes += len(found)
        right += sum(any(iou(t, f[:4]) >= 0.5 for t in scene.plates) for f in found)
    assert hits / truth >= 0.85
    assert right / boxes >= 0.85


def test_plate_free_clutter_gives_few_false_boxes():
    _, empty = synthetic_set(2)
    assert sum(len(detect_plates(s.image)) for s in empty) <= len(empty) // 4


def blurred_plate_scene(seed: int, width: int, sigma: float) -> Scene:
    """Four white plates on grey rear panels in clutter, defocused (Gaussian `sigma`) and
    stored as JPEG: the characters smear into the plate's background, as a dashcam records a
    plate 50-60 px wide."""
    rng = np.random.default_rng(seed)
    img = clutter(rng)
    boxes = []
    for k in range(4):
        x, y = 80 + 300 * k, 200 + 80 * (k % 2)
        cw, ch = int(width * 2.6), int(width * 1.6)
        cv2.rectangle(img, (x, y), (x + cw, y + ch), (150, 150, 150), -1)
        px, py = x + (cw - width) // 2, y + int(ch * 0.4)
        plate = draw_plate(width, "white", rng)
        img[py:py + plate.shape[0], px:px + width] = plate
        boxes.append((px, py, px + width, py + plate.shape[0]))
    img = cv2.GaussianBlur(img, (0, 0), sigma)
    img = cv2.imdecode(cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 60])[1],
                       cv2.IMREAD_COLOR)
    return Scene(img, boxes, "white")


def test_blurred_white_plates_on_grey_panels_are_found():
    """The plate's region is closed over its smeared characters and the evidence is weighed,
    not gated check by check: the detector before that found 3 of these 12, it finds 11."""
    hits = 0
    for width, sigma in ((48, 1.6), (48, 2.0), (64, 2.0)):
        scene = blurred_plate_scene(1, width, sigma)
        hits += matched(scene.plates, detect_plates(scene.image))
    assert hits >= 9, hits


def merged_plate_scene(seed: int, style: str, width: int) -> Scene:
    """Four plates at the lower end of car bodies in clutter, where the car's edges touch the
    plate: the body's panel seams run down to the plate's corners and a dark bumper lies
    under it, so that the plate's strokes and the car's edges make one gradient blob."""
    rng = np.random.default_rng(seed)
    img = clutter(rng, text=False)
    boxes = []
    for k in range(4):
        x, y = 60 + 310 * k, 150 + 60 * (k % 2)
        cw, ch, ph = int(width * 2.6), int(width * 2.2), width // 2
        cv2.rectangle(img, (x, y), (x + cw, y + ch), tuple(int(c) for c in
                                                           rng.integers(60, 200, 3)), -1)
        px, py = x + (cw - width) // 2, y + ch - ph - 4
        for sx in (px - 2, px + width + 1):
            cv2.line(img, (sx, y), (sx, py + ph), (20, 20, 20), 3)
        cv2.rectangle(img, (x, py + ph), (x + cw, y + ch + 10), (25, 25, 25), -1)
        img[py:py + ph, px:px + width] = draw_plate(width, style, rng)
        boxes.append((px, py, px + width, py + ph))
    return Scene(cv2.GaussianBlur(img, (0, 0), 0.8), boxes, style)


def test_plates_whose_blob_runs_into_the_car_are_found():
    """The plate's strokes and the car's edges make one blob that is not plate-shaped; the
    parts cut from it where the strokes are dense along the rows (`_dense`) find some of these
    plates. The detector before the parts found 20 of these 32, it finds 24."""
    hits = 0
    for style in STYLES:
        for width in (56, 96):
            scene = merged_plate_scene(3, style, width)
            hits += matched(scene.plates, detect_plates(scene.image))
    assert hits >= 23, hits


def test_blank_and_noise_frames_give_nothing():
    rng = np.random.default_rng(3)
    grey = np.full(FRAME + (3,), 128, np.uint8)
    noise = rng.integers(0, 256, FRAME + (3,), dtype=np.uint8)
    assert detect_plates(grey) == []
    assert detect_plates(noise) == []


def test_boxes_lie_in_the_frame_best_first():
    scene = plate_scene(11, "white", (64, 90, 130, 200))
    found = detect_plates(scene.image)
    assert found
    for x0, y0, x1, y1, score in found:
        assert 0 <= x0 < x1 <= FRAME[1] and 0 <= y0 < y1 <= FRAME[0]
        assert 0.0 < score <= 1.0
    assert [f[4] for f in found] == sorted((f[4] for f in found), reverse=True)


def test_small_frames_work_at_their_own_size():
    scene = plate_scene(5, "yellow", (90, 130))
    small = cv2.resize(scene.image, (640, 360), interpolation=cv2.INTER_AREA)
    truth = [tuple(v // 2 for v in box) for box in scene.plates]
    assert matched(truth, detect_plates(small)) >= 1


def test_rejects_a_grey_image():
    with pytest.raises(ValueError, match="BGR"):
        detect_plates(np.zeros(FRAME, np.uint8))


def street_frames(step: int) -> list[np.ndarray]:
    import av

    frames = []
    with av.open(str(STREET)) as container:
        for i, frame in enumerate(container.decode(video=0)):
            if i % step == 0:
                frames.append(cv2.resize(frame.to_ndarray(format="bgr24"), FRAME[::-1]))
    return frames


@pytest.mark.skipif(not STREET.exists(), reason=f"sample clip not present at {STREET} "
                    "(only in the dev setup)")
def test_street_clip_gives_few_plate_shaped_boxes_and_finds_a_pasted_plate():
    """car-detection.mp4 shows US plates from above, about 40x16 px at 1280x720 with unreadable
    characters: the detector is not expected to find them (see the README), only to stay quiet
    on the street and to find a Japanese plate pasted into it."""
    frames = street_frames(25)
    assert len(frames) >= 10
    boxes = [detect_plates(frame) for frame in frames]
    assert sum(len(b) for b in boxes) <= len(frames)  # no flood of false boxes
    for found in boxes:
        for x0, y0, x1, y1, _ in found:
            assert 1.0 <= (x1 - x0) / (y1 - y0) <= 4.0
            assert (x1 - x0) * (y1 - y0) < FRAME[0] * FRAME[1] / 16
    rng = np.random.default_rng(1)
    hits = 0
    for frame in frames[:8]:
        pasted = frame.copy()
        pasted[500:545, 600:690] = draw_plate(90, "white", rng)
        hits += matched([(600, 500, 690, 545)], detect_plates(pasted))
    assert hits >= 7


# --- rendered Japanese plates (bench/plate_set.py: Pillow and the IPA Gothic font) -----------


def _plate_set():
    """bench.plate_set, or a skip saying what is missing."""
    pytest.importorskip("PIL", reason="Pillow renders the Japanese glyphs (the bench/test extra)")
    from bench import plate_set

    if not plate_set.FONT.exists():
        pytest.skip(f"{plate_set.FONT} missing (Debian's fonts-ipafont-gothic)")
    return plate_set


def _recall_at_40(frames) -> tuple[int, int]:
    plates = [(f, p) for f in frames for p in f.plates if p.width >= 40]
    found = {id(f): detect_plates(f.image) for f, _ in plates}
    hits = sum(any(iou(p.box, b[:4]) >= 0.5 for b in found[id(f)]) for f, p in plates)
    return hits, len(plates)


def rendered_on_clutter(image: np.ndarray, colour: str, poses: tuple[tuple[int, int, int], ...],
                        look, pitch: float, motion: tuple[float, float], quality: int,
                        rng: np.random.Generator) -> tuple[np.ndarray, list[tuple[int, ...]]]:
    """A clutter image with rendered plates of one colour (bench/plate_set.py) pasted in along
    a diagonal, one per (width, yaw, roll) of `poses`, then saved as JPEG of `quality`; and
    their truth boxes."""
    plate_set = _plate_set()
    boxes = []
    for k, (width, yaw, roll) in enumerate(poses):
        plate = plate_set.render_plate(plate_set.plate_fields(rng, colour), colour, rng)
        mount = cv2.copyMakeBorder(plate, 6, 6, 6, 6, cv2.BORDER_CONSTANT, value=(28, 28, 30))
        corners = plate_set.plate_corners(
            plate_set.Pose(200 + 380 * k, 200 + 150 * k, width, yaw, pitch, roll))
        plate_set.paste(image, plate_set._lit(mount, look),
                        (6, 6, 6 + plate.shape[1], 6 + plate.shape[0]), corners, look,
                        motion, rng)
        boxes.append(plate_set.truth_box(corners))
    image = cv2.imdecode(cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])[1],
                         cv2.IMREAD_COLOR)
    return image, boxes


def test_rendered_plates_turned_and_blurred_on_clutter_are_found():
    """Real glyphs, perspective (yaw up to 25 degrees, roll up to 6), defocus, motion blur and
    JPEG: three plates of each colour, 60-140 px wide, on the clutter scenes above."""
    plate_set = _plate_set()
    rng = np.random.default_rng(3)
    look = plate_set.Look(1.0, 0.1, (1.0, 1.0, 1.0), 0.6, 0.2, 2.0)
    hits = 0
    for c, colour in enumerate(plate_set.COLOURS):
        image, boxes = rendered_on_clutter(
            clutter(np.random.default_rng(100 + c)), colour,
            ((60, 10, -4), (90, -20, 3), (140, 25, 6)), look, 10, (3.0, 0.0), 75, rng)
        hits += matched(boxes, detect_plates(image))
    assert hits >= 6, hits  # of 12; the first look alone (front-on plates) finds fewer


@pytest.mark.skipif(not STREET.exists(), reason=f"sample clip not present at {STREET} "
                    "(only in the dev setup)")
def test_rendered_plates_on_the_street_clip_after_h264_are_found():
    """Four sequences of the tuning part of the rendered set (three with plates on painted
    rear panels moving over the street, one on a real car of the clip; all through libx264 or
    JPEG). They are ones the detector finds today: this guards against a drop. The whole set,
    and its held-out part, are measured by bench/plates.py."""
    plate_set = _plate_set()
    if not plate_set.available():
        pytest.skip(f"sample clips not all present in {plate_set.SAMPLES}")
    frames = [f for seed in (100, 102, 109) for f in plate_set.road_sequence(seed, "tuning")]
    frames += plate_set.car_sequence(0, "tuning")
    hits, total = _recall_at_40(frames)
    assert total >= 80
    assert hits / total >= 0.85, (hits, total)
    assert all(len(detect_plates(f.image)) <= len(f.plates) + 1 for f in frames[::4])
