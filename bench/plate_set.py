"""Rendered Japanese licence plates on the sample clips: a plate test set with exact truth.

Why: the plate detector (hogo/redact/plates.py) had only met plates drawn flat on clutter. This
module makes a set we can ship as code: Japanese plates rendered with a real font, put into the
sample street clip with perspective, blur, motion and H.264 as a dashcam records them, with the
ground-truth box of every plate known exactly from its homography. Same seed, same set.

What a plate is (自動車登録番号標 / 軽自動車の車両番号標, 道路運送車両法施行規則 and 自動車登録
規則 §13; the 中板 size, 330x165 mm, of ordinary and kei cars):
  - four colour pairs: white with green characters (自家用), green with white (事業用), yellow
    with black (軽自家用), black with yellow (軽事業用); a thin rim in the character colour;
  - two rows holding the four fields (what the issue calls the "4-line layout"): upper row the
    region (地名, 1-4 kanji or kana, e.g. 品川, なにわ, 名古屋; longer names squeezed) and the
    class number (分類番号, 2-3 characters, e.g. 300, 53, 50A - a letter from ACFHKLMPXY in the
    last two places since 2018); lower row one hiragana (not お, し, へ, ん; わ/れ rental,
    あいうえかきくけこを commercial) and the serial (一連指定番号, 1-9999): four places with
    the "-" between the second and third only when all four are digits, and "・" filling
    the empty leading places ("12-34", "・123", "・・12", "・・・5");
  - the two upper mounting bolts, and on rear plates, often, the aluminium seal (封印) on the
    left one.
Glyphs come from IPA Gothic (Debian's fonts-ipafont-gothic) through Pillow, each stretched into
its cell as the plate typeface is narrower and taller; the cell positions approximate the
official drawing, measured off photographs, not copied from it.

Left out: the plate typeface itself (a gothic font stands in), 大板 (440x220, same layout) and
motorcycle plates (three rows, smaller), 字光式 (lit) plates, the 図柄入り graphic plates,
temporary (red stripe), diplomatic and SDF plates, embossing relief, dirt beyond a faint
stain, occlusion (tow bars, bike racks), night, glare and headlamp flare.

How a plate gets into a clip. Frames are 1280x720 (the samples are 768x432, scaled up).
  car   a car of car-detection.mp4 (cars are found by background subtraction, an exposure-
        normalised median background) carries the plate at the end that faces the camera,
        where the car's own plate is (measured by eye, CAR_PLATE_SPOTS), tilted by the car's
        heading, a little wider than that plate, so it hides it;
        the frame may be a zoomed crop (1-2.4x) so that plates grow past 100 px;
  road  a plate on a painted rear panel (body, recess, bumper, lamps, one plane) moving along
        a smooth path over the clip, approaching or falling back (30-200 px wide);
  empty no plate: frames of both clips for false positives.
The plate's pose is a 3D rotation (yaw up to 30 degrees, pitch up to 30, roll up to 10 or a
car's heading, up to 18) and a pinhole projection (f = 1000 px); the homography from the
plate's pixels to the frame gives both the warp and the truth box (the box around the four
projected corners). Then: lighting (gain 0.45-1.25, a shading ramp, a colour cast), defocus
(Gaussian, sigma up to 1.4 px), motion blur along the plate's own motion in the frame (shutter
0.05-0.5 of the frame time, at most 12 px), sensor noise, and compression: the sequence of
composited frames is encoded with libx264 (crf 20-32) and decoded again, or, for about a
quarter of the sequences, JPEG (quality 45-90) as an MJPEG recorder would.

Road and street-empty sequences use only frames in which no car is seen (so no real plate
the truth would not know of); a car's own US plate is hidden under the rendered one.

Split (bench/plates.py reports both): "tuning" (what the detector was tuned on) uses cars 1 and
3 of car-detection.mp4, its first half for road plates and empty frames, the first half of
one-by-one-person-detection.mp4, and seeds 0-299; "held-out" uses cars 2 and 4, the second
halves and seeds 1000-1299. Each part: 6 car, 10 road and 4 empty sequences of up to 16
frames (320 frames, about 300-380 plates). Clips come from ../shared/data/video (CC BY 4.0) and
are never copied; `available()` says whether they are here. Making one part takes about 20 s.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import av
import cv2
import numpy as np

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "data" / "video"
STREET = SAMPLES / "car-detection.mp4"
ROOM = SAMPLES / "one-by-one-person-detection.mp4"
FONT = Path("/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf")
SIZE = (1280, 720)  # width, height of every frame of the set
SOURCE_SIZE = (768, 432)  # of both sample clips
FOCAL = 1000.0  # pinhole focal length in frame pixels (about 65 degrees across 1280 px)
PX_PER_MM = 2.0  # resolution the plates are drawn at
PLATE_MM = (330.0, 165.0)  # 中板
SEQUENCE = 16  # consecutive frames per sequence (one encoded clip)
MAX_MOTION_BLUR = 12.0  # px: a dashcam's daylight shutter is short

COLOURS = {  # RGB background, characters
    "white": ((238, 240, 234), (12, 92, 52)),  # 自家用
    "green": ((14, 96, 58), (236, 238, 232)),  # 事業用
    "yellow": ((246, 204, 32), (22, 22, 20)),  # 軽自家用
    "black": ((24, 24, 26), (240, 200, 40)),  # 軽事業用
}
REGIONS = ("品川", "練馬", "足立", "横浜", "湘南", "大阪", "なにわ", "名古屋", "札幌", "福岡",
           "京都", "神戸", "多摩", "春日部", "つくば", "尾張小牧", "富士山", "杉並", "那覇", "仙台")
KANA = {"private": "さすせそたちつてとなにぬねのはひふほまみむめもやゆよらりるろ",
        "commercial": "あいうえかきくけこを", "rental": "われ"}
CLASS_LETTERS = "ACFHKLMPXY"
BODY_COLOURS = ((235, 235, 232), (190, 192, 196), (30, 30, 34), (150, 24, 30), (30, 50, 120),
                (110, 112, 116), (40, 70, 50), (200, 170, 60))  # RGB: white ... gold

# Where each car's own (US) plate is, measured by eye on the clip: its centre right of the car's
# end point and above it, in car widths. The rendered plate goes there and hides it.
CAR_PLATE_SPOTS = ((0.08, 0.22), (0.0, 0.10), (0.11, 0.04), (-0.07, 0.10))
PARTS = {  # part: car tracks (0-based, in order of appearance), street half, room half, seeds
    "tuning": ((0, 2), 0, 0, 0),
    "held-out": ((1, 3), 1, 1, 1000),
}


@dataclass(frozen=True)
class Plate:
    """One plate in one frame: its truth box in frame pixels and what it is."""

    box: tuple[int, int, int, int]
    colour: str
    text: str  # e.g. "品川 300 さ 12-34"
    track: int  # the plate's number within its sequence

    @property
    def width(self) -> int:
        return self.box[2] - self.box[0]


@dataclass
class Frame:
    """A frame of the set (BGR, 1280x720, after compression) and its plates."""

    image: np.ndarray
    plates: list[Plate]
    part: str
    kind: str  # car, road or empty
    sequence: int
    index: int  # frame number in its sequence


@dataclass(frozen=True)
class Pose:
    """Where a plate is: centre in frame pixels, width it would have seen head-on, angles."""

    cx: float
    cy: float
    width: float
    yaw: float = 0.0  # degrees, about the plate's vertical axis
    pitch: float = 0.0  # degrees, about its horizontal axis (seen from above)
    roll: float = 0.0  # degrees, in the image plane


def available() -> bool:
    """Whether the sample clips and the font this set is made from are present."""
    return STREET.exists() and ROOM.exists() and FONT.exists()


def serial_text(number: int) -> str:
    """一連指定番号 as printed: "12-34" for four digits, "・" filling the empty places."""
    if not 1 <= number <= 9999:
        raise ValueError(f"a plate serial is 1-9999, not {number}")
    digits = str(number)
    if len(digits) == 4:
        return f"{digits[:2]}-{digits[2:]}"
    return "・" * (4 - len(digits)) + digits


def plate_fields(rng: np.random.Generator, colour: str) -> tuple[str, str, str, str]:
    """Random but lawful fields: region, class number, hiragana, serial text."""
    region = REGIONS[int(rng.integers(len(REGIONS)))]
    kei = colour in ("yellow", "black")
    first = "58"[int(rng.integers(2))] if kei else "357"[int(rng.integers(3))]
    if rng.random() < 0.15:
        number = first + str(int(rng.integers(10)))  # an old two-digit class number
    else:
        tail = [str(int(rng.integers(10))) for _ in range(2)]
        if rng.random() < 0.2:
            tail[int(rng.integers(2))] = CLASS_LETTERS[int(rng.integers(len(CLASS_LETTERS)))]
        number = first + "".join(tail)
    kind = "commercial" if colour in ("green", "black") else (
        "rental" if rng.random() < 0.1 else "private")
    kana = KANA[kind][int(rng.integers(len(KANA[kind])))]
    serial = int(rng.choice([rng.integers(1, 10), rng.integers(10, 100), rng.integers(100, 1000),
                             rng.integers(1000, 10000)], p=[0.08, 0.1, 0.12, 0.7]))
    return region, number, kana, serial_text(serial)


@cache
def _font(size: int):  # noqa: ANN202 - a Pillow font
    from PIL import ImageFont

    return ImageFont.truetype(str(FONT), size)


@cache
def _glyph(char: str) -> np.ndarray:
    """A character's ink, cropped to its bounding box, as an 8-bit mask (drawn at 200 px)."""
    from PIL import Image, ImageDraw

    canvas = Image.new("L", (240, 240), 0)
    ImageDraw.Draw(canvas).text((20, 20), char, fill=255, font=_font(200))
    ink = np.asarray(canvas)
    ys, xs = np.nonzero(ink > 24)
    return ink[ys.min():ys.max() + 1, xs.min():xs.max() + 1]


def _put(plate: np.ndarray, char: str, cell: tuple[float, float, float, float],
         colour: tuple[int, int, int], keep_aspect: bool = False) -> None:
    """Stretch a glyph into a cell (x0, y0, x1, y1 in mm) of the plate, in `colour`."""
    x0, y0, x1, y1 = (round(v * PX_PER_MM) for v in cell)
    ink = _glyph(char)
    if keep_aspect:  # the dash keeps its shape, centred in the cell
        scale = min((x1 - x0) / ink.shape[1], (y1 - y0) / ink.shape[0])
        w, h = max(1, round(ink.shape[1] * scale)), max(1, round(ink.shape[0] * scale))
        x0, y0 = x0 + (x1 - x0 - w) // 2, y0 + (y1 - y0 - h) // 2
        x1, y1 = x0 + w, y0 + h
    else:  # the full height of the cell; narrow glyphs ("1") stay narrow, centred
        w = min(x1 - x0, round(1.15 * ink.shape[1] * (y1 - y0) / ink.shape[0]))
        x0 += (x1 - x0 - w) // 2
        x1 = x0 + w
    alpha = cv2.resize(ink, (x1 - x0, y1 - y0), interpolation=cv2.INTER_AREA)[..., None] / 255.0
    region = plate[y0:y1, x0:x1]
    region[:] = region * (1 - alpha) + np.array(colour, np.float64) * alpha


def render_plate(fields: tuple[str, str, str, str], colour: str, rng: np.random.Generator,
                 rear: bool = True) -> np.ndarray:
    """The plate, RGB at PX_PER_MM, 660x330 px: rim, bolts (and seal), the four fields."""
    bg, fg = (np.clip(np.array(c) + rng.integers(-6, 7, 3), 0, 255) for c in COLOURS[colour])
    w, h = (round(v * PX_PER_MM) for v in PLATE_MM)
    plate = np.empty((h, w, 3), np.float64)
    plate[:] = bg
    fg_t = tuple(int(v) for v in fg)
    cv2.rectangle(plate, (5, 5), (w - 6, h - 6), fg_t, 3, cv2.LINE_AA)  # the painted rim
    for bx in (40, 290):  # mounting bolts: a shadowed screw head
        centre = (round(bx * PX_PER_MM), round(24 * PX_PER_MM))
        cv2.circle(plate, centre, round(6 * PX_PER_MM), (70, 70, 72), -1, cv2.LINE_AA)
        cv2.circle(plate, centre, round(4 * PX_PER_MM), (150, 150, 150), -1, cv2.LINE_AA)
    if rear and rng.random() < 0.7:  # 封印: an aluminium cap over the left bolt
        cv2.circle(plate, (80, 48), 22, (196, 198, 200), -1, cv2.LINE_AA)
        cv2.circle(plate, (80, 48), 15, (150, 152, 156), 2, cv2.LINE_AA)
    region, number, kana, serial = fields
    # upper row: region name right-aligned to the centre, class number left of centre
    name_w = min(84.0, 36.0 * len(region))
    step = name_w / len(region)
    for i, char in enumerate(region):
        x0 = 160 - name_w + i * step
        _put(plate, char, (x0 + 1, 12, x0 + step - 1, 50), fg_t)
    for i, char in enumerate(number):
        x0 = 178 + i * 26
        _put(plate, char, (x0, 14, x0 + 22, 50), fg_t)
    _put(plate, kana, (14, 92, 56, 136), fg_t)
    for i, char in enumerate(serial.replace("-", "")):  # places 0, 1, (dash), 2, 3
        x0 = 64 + 54 * i + (44 if i >= 2 else 0)
        if char == "・":  # a round dot at mid-height
            cv2.circle(plate, (round((x0 + 24) * PX_PER_MM), round(106 * PX_PER_MM)),
                       round(7 * PX_PER_MM), fg_t, -1, cv2.LINE_AA)
        else:
            _put(plate, char, (x0, 58, x0 + 48, 154), fg_t)
        if i == 1 and "-" in serial:
            _put(plate, "-", (x0 + 58, 100, x0 + 88, 112), fg_t)
    stain = cv2.resize(rng.normal(1.0, 0.03, (4, 8)), (w, h), interpolation=cv2.INTER_CUBIC)
    return np.clip(plate * stain[..., None], 0, 255).astype(np.uint8)


def _rear_panel(plate: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, tuple[int, int]]:
    """The plate on a car's rear (body, recess, bumper, lamps) as one plane; the panel (RGB)
    and where the plate's top-left corner lies in it."""
    ph, pw = plate.shape[:2]
    body = np.array(BODY_COLOURS[int(rng.integers(len(BODY_COLOURS)))], np.float64)
    w, h = int(pw * 3.6), int(ph * 3.2)
    panel = np.empty((h, w, 3), np.float64)
    panel[:] = body * np.linspace(1.08, 0.8, h)[:, None, None]  # light from above
    ox, oy = (w - pw) // 2, int(h * 0.42)
    gap = max(1, pw // 40)
    cv2.rectangle(panel, (ox - 2 * gap, oy - gap), (ox + pw + 2 * gap, oy + ph + gap),
                  tuple(body * 0.55), -1)
    bumper = (int(h * 0.8), h)
    panel[bumper[0]:bumper[1]] = (np.array((40, 40, 42)) if rng.random() < 0.5 else body * 0.9)
    panel[bumper[0]:bumper[0] + gap] *= 0.5  # the seam above the bumper
    for lx in (int(w * 0.03), int(w * 0.79)):  # tail lamps
        cv2.rectangle(panel, (lx, int(h * 0.16)), (lx + int(w * 0.18), int(h * 0.34)),
                      (200, 30, 30), -1)
    panel[oy:oy + ph, ox:ox + pw] = plate
    panel += rng.normal(0, 3, panel.shape)
    return np.clip(panel, 0, 255).astype(np.uint8), (ox, oy)


def plate_corners(pose: Pose) -> np.ndarray:
    """The plate's four corners (TL, TR, BR, BL) in frame pixels under `pose`: the plate
    rotated in 3D, at the depth where it is pose.width pixels wide head-on, projected."""
    half_w, half_h = PLATE_MM[0] / 2, PLATE_MM[1] / 2
    corners = np.array([[-half_w, -half_h, 0], [half_w, -half_h, 0], [half_w, half_h, 0],
                        [-half_w, half_h, 0]])
    yaw, pitch, roll = (math.radians(v) for v in (pose.yaw, pose.pitch, pose.roll))
    ry = np.array([[math.cos(yaw), 0, math.sin(yaw)], [0, 1, 0],
                   [-math.sin(yaw), 0, math.cos(yaw)]])
    rx = np.array([[1, 0, 0], [0, math.cos(pitch), -math.sin(pitch)],
                   [0, math.sin(pitch), math.cos(pitch)]])
    rz = np.array([[math.cos(roll), -math.sin(roll), 0], [math.sin(roll), math.cos(roll), 0],
                   [0, 0, 1]])
    depth = FOCAL * PLATE_MM[0] / pose.width
    points = corners @ (rz @ ry @ rx).T + [0, 0, depth]
    return np.stack([pose.cx + FOCAL * points[:, 0] / points[:, 2],
                     pose.cy + FOCAL * points[:, 1] / points[:, 2]], axis=1)


def truth_box(corners: np.ndarray) -> tuple[int, int, int, int]:
    """The box around the projected corners, in whole pixels."""
    x0, y0 = np.floor(corners.min(axis=0)).astype(int)
    x1, y1 = np.ceil(corners.max(axis=0)).astype(int)
    return int(x0), int(y0), int(x1), int(y1)


@dataclass
class Look:
    """How a plate is seen in one sequence: light, blur, shutter (drawn once per track)."""

    gain: float
    ramp: float  # shading across the plate, a share of the gain
    cast: tuple[float, float, float]  # per-channel white balance error (BGR)
    defocus: float  # Gaussian sigma, px
    shutter: float  # share of the frame time the shutter is open (motion blur)
    noise: float  # sensor noise sigma added around the plate

    @classmethod
    def draw(cls, rng: np.random.Generator) -> Look:
        return cls(gain=float(rng.uniform(0.45, 1.25)), ramp=float(rng.uniform(-0.25, 0.25)),
                   cast=tuple(float(v) for v in rng.uniform(0.9, 1.1, 3)),
                   defocus=float(rng.uniform(0.0, 1.4)), shutter=float(rng.uniform(0.05, 0.5)),
                   noise=float(rng.uniform(1.0, 4.0)))


def _lit(mount_rgb: np.ndarray, look: Look) -> np.ndarray:
    """The mount as BGR under the sequence's light: gain, a vertical ramp, a colour cast."""
    h = mount_rgb.shape[0]
    shade = look.gain * (1 + look.ramp * np.linspace(-1, 1, h))[:, None, None]
    bgr = mount_rgb[..., ::-1] * shade * np.array(look.cast)
    return np.clip(bgr, 0, 255).astype(np.uint8)


def _motion_kernel(dx: float, dy: float) -> np.ndarray | None:
    """A line kernel for a blur of (dx, dy) pixels; None when under a pixel."""
    length = math.hypot(dx, dy)
    if length < 1.0:
        return None
    size = int(math.ceil(length)) | 1
    kernel = np.zeros((size, size), np.float32)
    c = size // 2
    cv2.line(kernel, (round(c - dx / 2), round(c - dy / 2)), (round(c + dx / 2),
             round(c + dy / 2)), 1.0, 1, cv2.LINE_AA)
    return kernel / kernel.sum()


def paste(frame: np.ndarray, mount: np.ndarray, plate_rect: tuple[int, int, int, int],
          corners: np.ndarray, look: Look, motion: tuple[float, float],
          rng: np.random.Generator) -> None:
    """Warp a lit mount (BGR; the plate at `plate_rect` in it) into `frame` in place so that
    the plate's corners land on `corners`; then defocus, motion blur and noise, over the
    background as a moving object is: the blurred object's coverage mixes with what is behind."""
    px0, py0, px1, py1 = plate_rect
    scale = min(1.0, 2.0 * float(np.ptp(corners[:, 0])) / (px1 - px0))  # 2x oversampling
    if scale < 1.0:
        mount = cv2.resize(mount, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    src = np.float32([[px0, py0], [px1, py0], [px1, py1], [px0, py1]]) * scale
    homography = cv2.getPerspectiveTransform(src, np.float32(corners))
    mh, mw = mount.shape[:2]
    outline = cv2.perspectiveTransform(np.float32([[[0, 0], [mw, 0], [mw, mh], [0, mh]]]),
                                       homography)[0]
    margin = 4 + int(3 * look.defocus + abs(motion[0]) + abs(motion[1]))
    fh, fw = frame.shape[:2]
    x0, y0 = (max(0, int(v) - margin) for v in outline.min(axis=0))
    x1, y1 = int(min(fw, outline[:, 0].max() + margin)), int(min(fh, outline[:, 1].max() + margin))
    if x1 <= x0 or y1 <= y0:
        return
    shift = np.array([[1, 0, -x0], [0, 1, -y0], [0, 0, 1]], np.float64) @ homography
    size = (x1 - x0, y1 - y0)
    colour = cv2.warpPerspective(mount, shift, size, flags=cv2.INTER_LINEAR).astype(np.float32)
    cover = cv2.warpPerspective(np.ones((mh, mw), np.float32), shift, size,
                                flags=cv2.INTER_LINEAR)
    colour *= cover[..., None]  # premultiplied, so blurring mixes it with nothing, not black
    if look.defocus > 0.3:
        colour = cv2.GaussianBlur(colour, (0, 0), look.defocus)
        cover = cv2.GaussianBlur(cover, (0, 0), look.defocus)
    blur = np.array(motion) * look.shutter
    blur *= min(1.0, MAX_MOTION_BLUR / max(1e-6, float(np.hypot(*blur))))
    kernel = _motion_kernel(float(blur[0]), float(blur[1]))
    if kernel is not None:
        colour = cv2.filter2D(colour, -1, kernel)
        cover = cv2.filter2D(cover, -1, kernel)
    roi = frame[y0:y1, x0:x1].astype(np.float32)
    mixed = colour + roi * (1 - cover[..., None])
    mixed += rng.normal(0, look.noise, mixed.shape) * (cover[..., None] > 0.01)
    frame[y0:y1, x0:x1] = np.clip(mixed, 0, 255).astype(np.uint8)


# --- the clips -------------------------------------------------------------------------


def _frames(path: Path, start: int, count: int) -> list[np.ndarray]:
    """Frames start .. start + count - 1 of a sample clip (BGR, 768x432): a seek to the
    keyframe before, then decoding, each frame's number told by its timestamp."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        rate = stream.average_rate
        container.seek(int(start / rate / stream.time_base), stream=stream, backward=True)
        frames = []
        for frame in container.decode(stream):
            index = round(frame.pts * stream.time_base * rate)
            if index >= start + count:
                break
            if index >= start:
                frames.append(frame.to_ndarray(format="bgr24"))
    return frames


def _frame_count(path: Path) -> int:
    with av.open(str(path)) as container:
        return container.streams.video[0].frames


@dataclass(frozen=True)
class CarSighting:
    """A car in one source frame: the point of its camera-facing end, its width, heading."""

    frame: int
    x: float
    y: float  # bottom end of the car (with its shadow), source pixels
    width: float
    heading: float  # degrees the car's long axis leans from the image vertical


def car_tracks() -> tuple[tuple[CarSighting, ...], ...]:
    """The cars of car-detection.mp4 (see _street_cars)."""
    return _street_cars()[0]


def car_free_frames() -> frozenset[int]:
    """The frames of car-detection.mp4 in which no car is seen (see _street_cars)."""
    return _street_cars()[1]


@cache
def _street_cars() -> tuple[tuple[tuple[CarSighting, ...], ...], frozenset[int]]:
    """The cars of car-detection.mp4, in order of appearance: background subtraction on
    exposure-normalised grey frames (the camera's exposure swings as cars pass), blobs linked
    frame to frame by distance. A bright car has a halo in this footage, so its width and its
    end are taken where the difference is strong across most of the blob's width. Blobs
    touching the bottom edge or merged with another car are left out (their camera-facing end
    is not seen)."""
    def normalised(step: int = 1) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Every step-th frame's luma, and the luma over its median."""
        with av.open(str(STREET)) as container:
            for i, frame in enumerate(container.decode(video=0)):
                if i % step == 0:  # the Y plane of yuv420p, from video range to 0-255
                    luma = frame.to_ndarray()[:frame.height].astype(np.float32)
                    grey = np.clip((luma - 16) * (255 / 219), 0, 255)
                    yield grey, grey / float(np.median(grey[::4, ::4]))

    background = np.median(np.stack([n for _, n in normalised(6)]), axis=0)
    open_k, close_k = np.ones((5, 5), np.uint8), np.ones((21, 21), np.uint8)
    tracks: list[list[CarSighting]] = []
    fh = background.shape[0]
    free = set()
    for i, (grey, g) in enumerate(normalised()):
        difference = np.abs(g - background)
        mask = (difference > 0.4).astype(np.uint8) * 255
        mask = cv2.morphologyEx(cv2.morphologyEx(mask, cv2.MORPH_OPEN, open_k),
                                cv2.MORPH_CLOSE, close_k)
        n, labels, stats, _ = cv2.connectedComponentsWithStats(mask)
        if not any(stats[k, 4] > 1500 for k in range(1, n)):
            free.add(i)
        for k in range(1, n):
            x, y, w, h, area = (int(v) for v in stats[k])
            if not 3000 < area < 70000 or w > 260:
                continue  # specks, or two cars merged
            blob = (labels[y:y + h, x:x + w] == k).astype(np.uint8)
            strong = blob & (difference[y:y + h, x:x + w] > 0.6)
            rows = strong.sum(axis=1)
            body = np.nonzero(rows >= 0.4 * rows.max())[0]
            end = int(body[-1])
            m = cv2.moments(blob, binaryImage=True)
            axis = 0.5 * math.degrees(math.atan2(2 * m["mu11"], m["mu20"] - m["mu02"]))
            heading = (axis % 180.0) - 90.0  # the long axis's lean from the vertical
            if h < 1.2 * w:
                heading = math.nan  # the car is cut by the frame's edge: its axis is not seen
            cols = np.nonzero(strong[max(0, end - 8):end + 1].any(axis=0))[0]
            cx, width = float(x + cols.mean()), float(rows.max())
            sighting = CarSighting(i, cx, _car_end(grey, cx, y + end, width), width,
                                   float(np.clip(heading, -25, 25)))
            if y + h >= fh - 2:
                sighting = CarSighting(i, sighting.x, float(fh), sighting.width, math.nan)
            near = [t for t in tracks if t[-1].frame == i - 1
                    and math.dist((t[-1].x, t[-1].y), (sighting.x, sighting.y)) < 80]
            if near:
                near[0].append(sighting)
            else:
                tracks.append([sighting])
    kept = []
    for track in tracks:
        seen = [s for s in track if s.y < fh - 4]
        known = [s.heading for s in seen if not math.isnan(s.heading)]
        if len(seen) < 8:
            continue
        fill = known[0] if known else 0.0
        headed = []
        for s in seen:  # a heading not seen is the last one seen (the first, at the start)
            fill = fill if math.isnan(s.heading) else s.heading
            headed.append(CarSighting(s.frame, s.x, s.y, s.width, fill))
        kept.append(tuple(headed))
    return tuple(kept), frozenset(free)


def _car_end(grey: np.ndarray, cx: float, guess: float, width: float) -> float:
    """The row of a car's camera-facing end near `guess`: the lowest steep drop of brightness
    (bumper to shadow or asphalt) in the middle of the car; the halo has no such edge."""
    x0, x1 = int(cx - 0.2 * width), int(cx + 0.2 * width)
    y0, y1 = max(0, int(guess - 0.6 * width)), min(grey.shape[0] - 1, int(guess + 0.3 * width))
    profile = cv2.GaussianBlur(grey[y0:y1, x0:x1].mean(axis=1)[:, None], (1, 5), 0)[:, 0]
    drop = np.diff(profile)
    steep = np.nonzero(drop < 0.5 * drop.min())[0]
    return float(y0 + steep[-1] + 1) if drop.min() < -8 else float(guess)


def _scaled(frame: np.ndarray, crop: tuple[float, float, float] | None) -> np.ndarray:
    """A source frame as a 1280x720 frame; `crop` (x0, y0, zoom) zooms into part of it."""
    if crop is None:
        return cv2.resize(frame, SIZE, interpolation=cv2.INTER_LINEAR)
    x0, y0, zoom = crop
    sh, sw = frame.shape[:2]
    affine = np.float32([[zoom * SIZE[0] / sw, 0, 0], [0, zoom * SIZE[1] / sh, 0]])
    affine[:, 2] = -affine[:, :2] @ np.float32([x0, y0])
    return cv2.warpAffine(frame, affine, SIZE, flags=cv2.INTER_LINEAR)


def compress(frames: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
    """The frames as a recorder stores them: H.264 (libx264, crf 20-32, 4:2:0) encoded and
    decoded again, or for a quarter of the sequences JPEG (quality 45-90)."""
    if rng.random() < 0.25:
        quality = int(rng.integers(45, 91))
        return [cv2.imdecode(cv2.imencode(".jpg", f, [cv2.IMWRITE_JPEG_QUALITY, quality])[1],
                             cv2.IMREAD_COLOR) for f in frames]
    crf = int(rng.integers(20, 33))
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=25)
        stream.width, stream.height, stream.pix_fmt = SIZE[0], SIZE[1], "yuv420p"
        stream.options = {"crf": str(crf), "preset": "veryfast"}
        for f in frames:
            out.mux(stream.encode(av.VideoFrame.from_ndarray(f, format="bgr24")))
        out.mux(stream.encode())
    buffer.seek(0)
    with av.open(buffer) as container:
        return [f.to_ndarray(format="bgr24") for f in container.decode(video=0)]


# --- sequences -------------------------------------------------------------------------


@dataclass
class _Track:
    """A plate followed through a sequence: its mount (lit once) and poses frame by frame."""

    mount: np.ndarray
    plate_rect: tuple[int, int, int, int]
    colour: str
    text: str
    look: Look
    poses: dict[int, Pose] = field(default_factory=dict)  # frame index: pose


def _new_track(rng: np.random.Generator, colour: str, panel: bool,
               poses: dict[int, Pose]) -> _Track:
    """A plate of `colour` with its mount (a rear panel, or a holder on a real car), drawn at
    twice the largest size it is shown at in `poses`, and its look."""
    fields = plate_fields(rng, colour)
    plate = render_plate(fields, colour, rng, rear=bool(rng.random() < 0.6))
    look = Look.draw(rng)
    largest = max(p.width for p in poses.values())
    scale = min(1.0, 2.0 * largest / plate.shape[1])
    plate = cv2.resize(plate, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    h, w = plate.shape[:2]
    if panel:
        mount, (ox, oy) = _rear_panel(plate, rng)
    else:  # on a real car: a dark holder frame, 3 mm, around the plate
        rim = max(1, round(3 * PX_PER_MM * scale))
        mount = cv2.copyMakeBorder(plate, rim, rim, rim, rim, cv2.BORDER_CONSTANT,
                                   value=(28, 28, 30))
        ox = oy = rim
    return _Track(_lit(mount, look), (ox, oy, ox + w, oy + h), colour, " ".join(fields), look,
                  poses)


def _render(backgrounds: list[np.ndarray], tracks: list[_Track], rng: np.random.Generator,
            part: str, kind: str, number: int) -> list[Frame]:
    """Paste every track's plate into the backgrounds, compress, and label the frames."""
    composed, labels = [], []
    for i, background in enumerate(backgrounds):
        frame = background.copy()
        plates = []
        for t, track in enumerate(tracks):
            pose = track.poses.get(i)
            if pose is None:
                continue
            corners = plate_corners(pose)
            box = truth_box(corners)
            if box[0] < 2 or box[1] < 2 or box[2] > SIZE[0] - 2 or box[3] > SIZE[1] - 2:
                continue  # a plate half out of the picture is left out, not half labelled
            before, after = track.poses.get(i - 1, pose), track.poses.get(i + 1, pose)
            motion = ((after.cx - before.cx) / 2, (after.cy - before.cy) / 2)
            paste(frame, track.mount, track.plate_rect, corners, track.look, motion, rng)
            plates.append(Plate(box, track.colour, track.text, t))
        composed.append(frame)
        labels.append(plates)
    images = compress(composed, rng)
    return [Frame(image, plates, part, kind, number, i)
            for i, (image, plates) in enumerate(zip(images, labels, strict=True))]


def car_sequence(seed: int, part: str) -> list[Frame]:
    """A plate on one of the part's cars of car-detection.mp4, in a (zoomed) view of it."""
    rng = np.random.default_rng(seed)
    tracks = car_tracks()
    track_id = PARTS[part][0][seed % len(PARTS[part][0])]
    sightings = tracks[track_id]
    start = int(rng.integers(0, max(1, len(sightings) - SEQUENCE + 1)))
    run = sightings[start:start + SEQUENCE]
    sh, sw = SOURCE_SIZE[1], SOURCE_SIZE[0]
    zoom = float(rng.choice([1.0, 1.0, 1.4, 1.8, 2.4]))
    mid = run[len(run) // 2]
    x0 = float(np.clip(mid.x - sw / zoom / 2, 0, sw - sw / zoom))
    y0 = float(np.clip(mid.y - sh / zoom / 2, 0, sh - sh / zoom))
    crop = None if zoom == 1.0 else (x0, y0, zoom)
    colour = list(COLOURS)[seed % 4]
    poses = {}
    to_frame = zoom * SIZE[0] / sw
    share = float(rng.uniform(0.26, 0.29))  # over the width measured: covers the US plate
    spot_x, spot_y = CAR_PLATE_SPOTS[track_id]
    yaw, pitch = float(rng.uniform(-20, 20)), float(rng.uniform(8, 30))
    first = run[0].frame
    for s in run:
        cx = (s.x + spot_x * s.width - (x0 if crop else 0)) * to_frame
        cy = (s.y - spot_y * s.width - (y0 if crop else 0)) * to_frame
        width = share * s.width * to_frame
        poses[s.frame - first] = Pose(cx, cy, width, yaw, pitch, -s.heading)
    track = _new_track(rng, colour, False, poses)
    frames = _frames(STREET, first, run[-1].frame + 1 - first)
    backgrounds = [_scaled(frame, crop) for frame in frames]
    return _render(backgrounds, [track], rng, part, "car", seed)


def road_sequence(seed: int, part: str) -> list[Frame]:
    """One to three plates on rear panels moving over the part's half of the street clip,
    each along a smooth path, growing or shrinking (30-200 px), turning a little."""
    rng = np.random.default_rng(seed)
    start = _car_free_start(rng, PARTS[part][1])
    backgrounds = [_scaled(frame, None) for frame in _frames(STREET, start, SEQUENCE)]
    tracks: list[_Track] = []
    for t in range(int(rng.integers(1, 4))):
        colour = list(COLOURS)[(seed + t) % 4]
        w0, w1 = np.exp(rng.uniform(math.log(30), math.log(200), 2))
        x_a, y_a = rng.uniform(0.12, 0.88) * SIZE[0], rng.uniform(0.2, 0.8) * SIZE[1]
        x_b = float(np.clip(x_a + rng.uniform(-300, 300), 0.08 * SIZE[0], 0.92 * SIZE[0]))
        y_b = float(np.clip(y_a + rng.uniform(-150, 150), 0.12 * SIZE[1], 0.88 * SIZE[1]))
        yaw0, yaw1 = rng.uniform(-30, 30, 2)
        pitch = float(rng.uniform(-10, 25))
        roll0, roll1 = rng.uniform(-10, 10, 2)
        poses = {}
        for i in range(SEQUENCE):
            a = i / (SEQUENCE - 1)
            poses[i] = Pose(x_a + a * (x_b - x_a), y_a + a * (y_b - y_a),
                                  float(w0 * (w1 / w0) ** a), float(yaw0 + a * (yaw1 - yaw0)),
                                  pitch, float(roll0 + a * (roll1 - roll0)))
        track = _new_track(rng, colour, True, poses)
        if not all(_apart(track, other) for other in tracks):
            continue  # would cross another plate: leave this one out
        tracks.append(track)
    return _render(backgrounds, tracks, rng, part, "road", seed)


def _apart(track: _Track, other: _Track) -> bool:
    """Whether two tracks' plates (with their panels, roughly) never overlap."""
    for i, pose in track.poses.items():
        o = other.poses.get(i)
        if o and abs(pose.cx - o.cx) < 2.0 * (pose.width + o.width) and \
                abs(pose.cy - o.cy) < 1.6 * (pose.width + o.width):
            return False
    return True


def _car_free_start(rng: np.random.Generator, half: int) -> int:
    """A first frame in the given half (0, 1) of car-detection.mp4 from which SEQUENCE frames
    show no car (so no real plate the truth would not know of)."""
    free = car_free_frames()
    middle = _frame_count(STREET) // 2
    lo, hi = (0, middle) if half == 0 else (middle, _frame_count(STREET))
    starts = [i for i in range(lo, hi - SEQUENCE + 1)
              if all(i + k in free for k in range(SEQUENCE))]
    return starts[int(rng.integers(len(starts)))]


def empty_sequence(seed: int, part: str) -> list[Frame]:
    """Plate-free frames: car-free frames of the part's half of the street clip, or frames of
    its half of the room clip (a wooden floor, a person, a window), compressed like the rest."""
    rng = np.random.default_rng(seed)
    if seed % 2:
        path, start = STREET, _car_free_start(rng, PARTS[part][1])
    else:
        path, half = ROOM, _frame_count(ROOM) // 2
        start = PARTS[part][2] * half + int(rng.integers(0, half - SEQUENCE))
    backgrounds = [_scaled(frame, None) for frame in _frames(path, start, SEQUENCE)]
    return _render(backgrounds, [], rng, part, "empty", seed)


def plate_set(part: str, cars: int = 6, roads: int = 10, empties: int = 4) -> Iterator[Frame]:
    """The frames of one part ("tuning" or "held-out"), sequence after sequence: `cars` car
    sequences, `roads` road sequences and `empties` plate-free ones, 16 frames each."""
    if part not in PARTS:
        raise ValueError(f"part is one of {', '.join(PARTS)}, not {part!r}")
    if not available():
        raise FileNotFoundError(f"the sample clips are not in {SAMPLES} (or {FONT} is missing)")
    base = PARTS[part][3]
    for n in range(cars):
        yield from car_sequence(base + n, part)
    for n in range(roads):
        yield from road_sequence(base + 100 + n, part)
    for n in range(empties):
        yield from empty_sequence(base + 200 + n, part)
