"""Licence-plate detection for masking (R-607): a classical detector, no model file.

Method. A plate is a small flat rectangle, about 2:1 (Japanese standard plates are 330x165 mm),
of one background colour with rows of high-contrast characters on it. Japanese plates come in
four colour pairs: white with green characters (private), green with white (commercial), yellow
with black (private kei) and black with yellow (commercial kei). `detect_plates` works on a
two-level pyramid of the frame (about 640 and 320 pixels wide):

1. Candidates: the horizontal Sobel gradient (vertical strokes: characters and the plate's side
   edges), thresholded, closed with a small wide kernel so the characters of one plate merge
   into one blob, opened to drop thin lines; blobs whose rotated rectangle is plate-shaped
   (long side over short 1.0-6.5, a squarish one laid the level way; tilted at most 25
   degrees) and mostly filled are kept. On a real car the plate's strokes often merge with
   the car's edges into one blob that is not plate-shaped; parts are cut out of such blobs
   (`_dense`) where the strokes are dense along the rows (at least 3 strokes begin within 13
   level pixels: a row of characters, not the one or two edges of a car body). A part that
   is a piece of a longer line of lettering (a sign) or fine grain is left out, at most 3
   parts a level are looked at, and a plate found from a part needs a score of 0.8.
2. First look, for a front-on plate: the blob's box, cut from the full-resolution frame, is
   verified as it is (`_verify`: Otsu splits background from characters; strong contrast, a
   flat majority background of a plate colour, character-sized blobs and few blobs in all,
   background/character alternations along rows) and grown to the surrounding region of the
   plate's background colour (`_grow`: the blob may hold one row of characters only).
3. Second look, for a turned, tilted, blurred or compressed plate (what a dashcam records): the
   candidate is resampled upright (rotated by its own tilt) with room around it, and the plate's
   region is looked for there in several masks (`_masks`) - by colour (Lab a/b close to the
   candidate's) when it is yellow or green, so that a yellow plate on a silver bumper or a green
   one on a red car stands apart; otherwise by the Lab colour of the majority of its grey levels
   (also a dim green plate on a black car), by the minority's lightness among grey pixels, and
   by the colour of its coloured pixels when many are. Each mask is closed (3x3) so that smeared
   characters do not cut the plate's background apart; a region that runs out of the crop is
   opened to cut it from a body of its colour, and if it still runs out the candidate stands in
   for it. The region's holes (its characters) are filled, its minimum-area rectangle is the
   plate, and the characters are split off inside it by Otsu. Gates: plate-shaped (1.3-3.8) and
   rectangular, 10-52 % ink, a plausible colour pair, 4-16 alternations along the busy rows.
   Then the evidence is weighed rather than checked feature by feature (`_evidence`, a logistic
   weighing fitted on the tuning part of bench/plate_set.py and on the drawn scenes):
   alternations, character blobs, gaps between characters, rectangularity and ink in tall blobs
   count for a plate; leaking, fine speckle, many small ink specks, a rough background and fine
   grain (detail at the pixel scale, as in noise, gravel or foliage, which print does not have
   however blurred) count against it. A region the weighing rejects is still a plate when
   the learned look (`plate_look`: the region's upright picture, by its gradient directions
   and lightness, with the traits above; a logistic model that bench/plate_look_fit.py fits
   on rendered plates of seeds of its own) gives it LOOK_NEEDED. The box reported is the
   rectangle mapped back to the frame. A candidate whose centre lies in a plate found already
   (at the finer level) is skipped.
4. Boxes that overlap by half of the smaller one (rows found apart, both levels, both looks)
   are merged, and every box is grown by 2 % of its width and 4 % of its height on each side:
   a blurred plate's edge lies a little past the region found, and masking needs all of it.

Cost and figures: bench/plates.py measures both, on the drawn scenes of
hogo/redact/tests/test_plates.py and on the rendered Japanese plates of bench/plate_set.py
(perspective, blur, motion, H.264 on the sample street clip); the README states them. The
second look costs most, and busy scenes cost more: about 4 ms per 1280x720 street frame on
this 2-core machine, 13-16 ms per frame of the drawn clutter (from run to run). On the
rendered set (2026-12-08), plates of 40 px and more: recall 0.95 (covered 0.93) on the tuning
part, 0.69 (0.61) on the held-out part (0.85 and 0.62 before the learned look; 0.57 and 0.40
before the weighing of step 3 and the parts of step 1), with 0.016 false boxes per frame or
fewer; on the drawn scenes recall 0.99, precision 0.77, 0.21 false boxes per plate-free
frame. The held-out part's plates on real cars (other cars than the tuning part's) stay the
hardest: 26 of 89 are found, as before the learned look (road plates 0.90, from 0.80).

Limits, by design of a hand-made detector: plates whose characters are not resolved (below
about 40 px wide in a 1280x720 frame, or smeared by defocus and motion) are often missed, and
so are many plates 40-80 px wide, above all where the candidate blob runs into the car around
the plate (the held-out part's cars: the parts of step 1 find under a third of them); so are
plates turned more than ~30 degrees, at night or in glare (low contrast), dirty or partly
hidden. A white plate on a white car, or a black one on a black bumper, may be reported with
only the part the candidate covered. Any flat patch of lettering with plate proportions
(signs, stickers, timestamps burned into the picture) can be reported. Non-Japanese plates are
found when they are light with dark characters or the reverse; coloured backgrounds (blue or
red plates) are rejected. For masking, a false box costs a little blurred scenery; a miss
leaks a plate, so the pipeline tracks detections between detector frames and lets a reviewer
add boxes.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence

import cv2
import numpy as np

from hogo.redact import plate_look

Box = tuple[int, int, int, int, float]
Rect = tuple[tuple[float, float], tuple[float, float], float]  # centre, size (long first), angle
Pyramid = list[tuple[float, np.ndarray]]  # (scale, BGR image), full resolution first

LEVEL_WIDTHS = (640, 320)  # pyramid levels; each finds plates ~14-110 px wide at its scale
MIN_WIDTH = 14  # smallest candidate width at a level, in that level's pixels
MIN_ASPECT, MAX_ASPECT = 1.0, 6.5  # of a candidate blob (one row of characters may be wide)
SQUARE_ASPECT = 1.3  # a blob squarer than this is taken at the orientation nearest level
MAX_TILT = 25.0  # degrees a candidate may lean
GRADIENT_THRESHOLD = 40  # |Sobel x| on 8-bit grey; lower finds dimmer plates and more clutter
CLOSE_KERNEL = cv2.getStructuringElement(cv2.MORPH_RECT, (7, 5))  # joins a plate's strokes
OPEN_KERNEL = cv2.getStructuringElement(cv2.MORPH_RECT, (5, 3))  # drops lines and specks
# Parts: candidates cut out of the blobs that are not plate-shaped (`_dense`), where strokes
# begin at least DENSE_ONSETS times within DENSE_WINDOW pixels of a row (level pixels); a part
# with dense strokes beyond one of its ends over DENSE_LINE of the way is a piece of a sign.
# At most PART_LIMIT parts a level are looked at, none whose grain (`_grain`) is over
# PART_GRAIN, and a plate found from one needs the score PART_SCORE.
DENSE_WINDOW, DENSE_ONSETS, DENSE_LINE = 13, 3, 0.25
PART_LIMIT, PART_GRAIN, PART_SCORE = 3, 0.45, 0.8
MAX_PLATE_ASPECT = 4.0  # of a plate reported by the first look
GROW_TOLERANCE = 45  # per channel, to the plate's background colour, when growing a box
VERIFY_HEIGHT = 32  # first look: candidates are compared at this height
FIRST_LOOK_SCORE = 0.35  # first look: the least score of a plate
BLOB_HEIGHT = 20  # second look: a candidate blob's height in the upright crop
CHROMA_TOLERANCE = 22  # Lab a/b distance: a plate's background colour, or a grey
COLOURED_SHARE = 0.25  # of a grey core's pixels, coloured: its plate may be coloured
LAB_TOLERANCE = 20.0  # Lab distance to the colour of the core's majority (its background)
MASK_CLOSE = np.ones((3, 3), np.uint8)  # closes a region's background over blurred characters
LEAK_OPENINGS = (1, 3)  # openings tried on a region that runs out of its crop (1: none)
PLATE_ASPECT, MIN_RECT = (1.3, 3.8), 0.5  # a region's shape, and how much of its rectangle
# The evidence of a plate in a region (`_evidence`, in this order): alternations along its
# rows, character blobs, gaps between characters, rectangularity, ink in tall blobs, leaking
# out of the crop, fine speckle in the region (and its excess over 0.3), all ink blobs, a
# background less flat than 0.15, fine grain in the frame over 0.42. The weights are a
# logistic regression fitted on the second-look regions of the tuning part of
# bench/plate_set.py and of the drawn scenes of tests/test_plates.py; a region is a plate when
# the weighed sum reaches EVIDENCE_NEEDED (a probability of about 0.7).
EVIDENCE_WEIGHTS = (2.52, 4.92, 1.54, 3.61, 2.25, -3.16, -5.43, -32.1, -5.38, -21.3, -16.1)
EVIDENCE_BIAS = -5.14
EVIDENCE_NEEDED = 0.8
LOOK_NEEDED = {False: 0.7, True: 0.9}  # the learned look's probability: blob, part
MIN_SCORE = 0.1
PAD = (0.02, 0.04)  # share of a box's width and height added on each side when reported


def detect_plates(frame_bgr: np.ndarray, min_score: float = MIN_SCORE,
                  masked: Sequence[Sequence[float]] = ()) -> list[Box]:
    """Licence plates in a BGR frame as (x0, y0, x1, y1, score), frame pixels, best first.
    `masked`: boxes (x0, y0, x1, y1, ...) masked anyway, such as the faces found on the
    frame: a candidate centred in one is not looked at (a face's eyes and mouth give many)."""
    height, width = frame_bgr.shape[:2]
    found: list[Box] = []
    for pyramid, frame_grey, candidates in _levels(frame_bgr):
        for rect, part in candidates:
            if any(_inside(rect[0], box) for box in masked):
                continue  # masked anyway
            if any(_inside(rect[0], box) for box in found):
                continue  # a plate found already (at the finer level)
            if part and _grainy(frame_grey, rect):
                continue  # a part cut from texture (noise, gravel, foliage): not print
            plate = _whole(frame_bgr, rect)
            if plate is None:
                plate = _examine(pyramid, rect, frame_grey, part)
            elif part and plate[4] < PART_SCORE:
                plate = None
            if plate is not None and plate[4] >= min_score:
                found.append(plate)
    return [_pad(box, width, height) for box in _suppress(found)]


def second_look(frame_bgr: np.ndarray) -> list[tuple[dict, tuple[int, int, int, int], bool]]:
    """Every region the second look weighs in a frame, as what it looks like (`traits` and
    its "picture" are what the learned look weighs), its box in the frame and whether it came
    from a part: what bench/plate_look_fit.py fits the learned look on."""
    regions = []
    for pyramid, frame_grey, candidates in _levels(frame_bgr):
        for rect, part in candidates:
            if not (part and _grainy(frame_grey, rect)):
                regions += [(f, box, part) for f, box in _regions(pyramid, rect, frame_grey)]
    return regions


def _levels(frame_bgr: np.ndarray) -> Iterator[tuple[Pyramid, np.ndarray, list[tuple[Rect, bool]]]]:
    """The frame level by level, finest first: the pyramid so far, the frame in grey and the
    level's candidates (whether each is a part: at most PART_LIMIT of those)."""
    if frame_bgr.ndim != 3 or frame_bgr.shape[2] != 3:
        raise ValueError("detect_plates expects an HxWx3 BGR image")
    height, width = frame_bgr.shape[:2]
    grey = frame_grey = cv2.cvtColor(frame_bgr, cv2.COLOR_BGR2GRAY)
    pyramid = [(1.0, frame_bgr)]
    for level_width in LEVEL_WIDTHS:
        scale = min(1.0, level_width / width)
        if width * scale < 4 * MIN_WIDTH:
            break
        size = (round(width * scale), round(height * scale))
        if size != grey.shape[::-1]:
            grey = cv2.resize(grey, size, interpolation=cv2.INTER_AREA)
            pyramid.append((size[0] / width, cv2.resize(pyramid[-1][1], size,
                                                        interpolation=cv2.INTER_AREA)))
        rects, parts = _candidates(grey, width / size[0])
        yield pyramid, frame_grey, [(r, False) for r in rects] + [
            (r, True) for r in parts[:PART_LIMIT]]
        if scale == 1.0:
            break


def _grainy(frame_grey: np.ndarray, rect: Rect) -> bool:
    """Whether the frame around a candidate has its detail at the finest scale (`_grain` over
    PART_GRAIN), as noise, gravel and foliage do and print does not."""
    (cx, cy), (w, h), _angle = rect
    x0, y0 = max(0, int(cx - w / 2)), max(0, int(cy - h / 2))
    crop = frame_grey[y0:int(cy + h / 2) + 1, x0:int(cx + w / 2) + 1]
    return crop.size > 0 and _grain(crop) > PART_GRAIN


def _inside(point: tuple[float, float], box: Sequence[float]) -> bool:
    """Whether a point lies in a box."""
    return box[0] <= point[0] <= box[2] and box[1] <= point[1] <= box[3]


def _pad(box: Box, width: int, height: int) -> Box:
    """A box grown by PAD (a share of its width and height) on each side, within the frame: the
    plate's edge is often blurred past the region found, and masking needs all of it."""
    x0, y0, x1, y1, score = box
    dx, dy = round(PAD[0] * (x1 - x0)), round(PAD[1] * (y1 - y0))
    return max(0, x0 - dx), max(0, y0 - dy), min(width, x1 + dx), min(height, y1 + dy), score


def _grow(frame_bgr: np.ndarray, box: tuple[int, int, int, int],
          background: np.ndarray) -> tuple[int, int, int, int]:
    """The whole plate around a verified box: the blob may hold only the big lower row of
    characters, or stop short of the plate's margin. Takes the region of the plate's background
    colour around the box (its characters are holes in it) if that region is plate-shaped and
    not much bigger; otherwise the box as it is."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    fh, fw = frame_bgr.shape[:2]
    # the box may be the small upper row (region, class number): the plate reaches ~3.5x its
    # height below it and a little to each side
    rx0, ry0 = max(0, x0 - 2 * w // 3), max(0, y0 - 2 * h)
    rx1, ry1 = min(fw, x1 + 2 * w // 3), min(fh, y1 + 7 * h // 2)
    region = frame_bgr[ry0:ry1, rx0:rx1]
    step = max(1, h // 12)  # about 12 rows across the box are plenty
    if step > 1:
        region = region[::step, ::step]
    low = np.clip(background - GROW_TOLERANCE, 0, 255)
    high = np.clip(background + GROW_TOLERANCE, 0, 255)
    near = cv2.inRange(np.ascontiguousarray(region), low, high)
    contours, _ = cv2.findContours(near, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    best = box
    for contour in contours:
        gx, gy, gw, gh = cv2.boundingRect(contour)
        gx0, gy0 = rx0 + gx * step, ry0 + gy * step
        gx1, gy1 = gx0 + gw * step, gy0 + gh * step
        if not (gx0 <= cx <= gx1 and gy0 <= cy <= gy1):
            continue
        if gx0 <= rx0 or gy0 <= ry0 or gx1 >= rx1 or gy1 >= ry1:
            break  # runs out of the search region: a car body of the plate's colour
        if gw * step < 0.8 * w or not MIN_ASPECT <= gw / max(1, gh) <= MAX_PLATE_ASPECT:
            break
        if gh * step > 4.8 * h or cv2.contourArea(contour) < 0.6 * gw * gh:
            break
        grown = (min(x0, gx0), min(y0, gy0), max(x1, gx1), max(y1, gy1))
        crop = frame_bgr[grown[1]:grown[3], grown[0]:grown[2]]
        if grown == box or (_ink_span(crop) >= 0.6 and _verify(crop)[0] >= FIRST_LOOK_SCORE):
            best = grown  # still a plate, not the plate and a black bumper under it
        break
    return best


def _ink_span(crop_bgr: np.ndarray) -> float:
    """How much of a box its characters span: the smaller of the shares of its height between
    the first and last busy row and of its width between the first and last busy column (busy:
    several light/dark alternations). Over 0.6 on a plate; less on a plate together with the
    bumper or car body of its colour."""
    h, w = crop_bgr.shape[:2]
    vw = max(16, round(w * VERIFY_HEIGHT / h))
    grey = cv2.cvtColor(cv2.resize(crop_bgr, (vw, VERIFY_HEIGHT)), cv2.COLOR_BGR2GRAY)
    _, split = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    rows = np.flatnonzero(np.count_nonzero(split[:, 1:] != split[:, :-1], axis=1) >= 4)
    cols = np.flatnonzero(np.count_nonzero(split[1:, :] != split[:-1, :], axis=0) >= 3)
    if not rows.size or not cols.size:
        return 0.0
    return min((rows[-1] - rows[0] + 1) / VERIFY_HEIGHT, (cols[-1] - cols[0] + 1) / vw)


def _verify(crop_bgr: np.ndarray) -> tuple[float, np.ndarray]:
    """How plate-like a candidate is, 0 (not) to 1, and its background colour (BGR)."""
    no = (0.0, np.zeros(3))
    h, w = crop_bgr.shape[:2]
    if h < 4 or w < 8:
        return no
    vw = max(16, round(w * VERIFY_HEIGHT / h))
    crop = cv2.resize(crop_bgr, (vw, VERIFY_HEIGHT), interpolation=cv2.INTER_AREA
                      if h > VERIFY_HEIGHT else cv2.INTER_LINEAR)
    grey = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    _, light = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    light_share = cv2.countNonZero(light) / light.size
    if not 0.0 < light_share < 1.0:
        return no
    dark = cv2.bitwise_not(light)
    contrast = cv2.mean(grey, light)[0] - cv2.mean(grey, dark)[0]
    if contrast < 40:
        return no
    background, ink = (light, dark) if light_share >= 0.5 else (dark, light)
    char_share = min(light_share, 1.0 - light_share)
    if not 0.08 <= char_share <= 0.48:
        return no
    _, std = cv2.meanStdDev(grey, mask=background)
    flatness = 1.0 - min(1.0, float(std[0, 0]) / (0.35 * contrast))
    if flatness <= 0.0:
        return no
    colour = np.array(cv2.mean(crop, background)[:3])
    if not _plate_colour(colour):
        return no
    chars, blobs = _characters(ink)
    if blobs > 6 * vw / VERIFY_HEIGHT + 2:
        return no  # 14 blobs on a 2:1 plate: characters, frame, bolts
    changes = np.count_nonzero(background[:, 1:] != background[:, :-1], axis=1)
    rows = int(np.sort(changes)[3 * VERIFY_HEIGHT // 4])  # background/ink alternations
    if rows < 6 or (chars < 2 and not (h < 20 and rows >= 8)):
        return no  # small plates blur their characters together, but not their strokes
    score = 0.4 * min(1.0, contrast / 120) + 0.3 * min(1.0, chars / 5) + 0.3 * flatness
    return round(score, 3), colour


def _plate_colour(bgr: np.ndarray) -> bool:
    """Is this background colour one a plate can have: white/grey/black, yellow or green?"""
    pixel = np.clip(bgr, 0, 255).astype(np.uint8)[None, None, :]
    hue, sat, val = (int(v) for v in cv2.cvtColor(pixel, cv2.COLOR_BGR2HSV)[0, 0])
    if sat < 90 or val < 60:
        return True  # white, grey, black (or a dim plate whose colour cannot be told)
    return 12 <= hue <= 95  # yellow through green (OpenCV hue is 0-180)


def _characters(ink: np.ndarray) -> tuple[int, int]:
    """The minority class's character-sized blobs (tall enough, not too wide) and all its
    blobs. Print has a few blobs, most of them characters; texture, foliage and noise have
    many small ones."""
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    h, w = ink.shape
    count = 0
    for x, _y, bw, bh, area in stats[1:]:
        if x == 0 or x + bw == w:
            continue  # the edge of what surrounds the plate
        if 0.22 * h <= bh <= 0.92 * h and bw <= 0.3 * w and area >= 6:
            count += 1
    return count, n - 1


def _whole(frame_bgr: np.ndarray, rect: Rect) -> Box | None:
    """The first look (a front-on plate): verify the candidate's upright box as it is."""
    (cx, cy), (w, h), angle = rect
    cos, sin = abs(math.cos(math.radians(angle))), abs(math.sin(math.radians(angle)))
    bw, bh = w * cos + h * sin, w * sin + h * cos
    fh, fw = frame_bgr.shape[:2]
    box = (max(0, int(cx - bw / 2)), max(0, int(cy - bh / 2)), min(fw, int(cx + bw / 2) + 1),
           min(fh, int(cy + bh / 2) + 1))
    if box[2] - box[0] < 8 or box[3] - box[1] < 4 or abs(angle) > 8:
        return None
    score, background = _verify(frame_bgr[box[1]:box[3], box[0]:box[2]])
    if score < FIRST_LOOK_SCORE:
        return None
    grown = _grow(frame_bgr, box, background)
    if grown[2] - grown[0] > MAX_PLATE_ASPECT * (grown[3] - grown[1]):
        return None
    return (*grown, score)


def _candidates(grey: np.ndarray, factor: float) -> tuple[list[Rect], list[Rect]]:
    """Plate-shaped blobs of dense vertical strokes in a pyramid level, as rotated rectangles
    in the frame (`factor` frame pixels to a level pixel): the blobs of the stroke mask, and
    the parts cut out of its other blobs where the strokes are dense along the rows
    (`_dense`)."""
    strokes = cv2.convertScaleAbs(cv2.Sobel(grey, cv2.CV_16S, 1, 0, ksize=3))
    _, raw = cv2.threshold(strokes, GRADIENT_THRESHOLD, 255, cv2.THRESH_BINARY)
    mask = cv2.morphologyEx(raw, cv2.MORPH_CLOSE, CLOSE_KERNEL)
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, OPEN_KERNEL)
    rects, rest = _shaped(mask, grey.shape[1] // 4)
    parts = _dense(raw, rest, rects, grey.shape[1] // 4)
    rects, parts = ([((cx * factor, cy * factor), (rw * factor, rh * factor), angle)
                     for (cx, cy), (rw, rh), angle in group] for group in (rects, parts))
    return rects, parts


def _shaped(mask: np.ndarray, max_width: int) -> tuple[list[Rect], np.ndarray]:
    """The plate-shaped blobs of a stroke mask (`_plate_rect`, level pixels) and the mask of
    its other blobs that could hold a plate (at least MIN_WIDTH wide)."""
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    rects, rest = [], np.zeros_like(mask)
    for contour in contours:
        x, y, w, h = cv2.boundingRect(contour)
        if w < MIN_WIDTH or h < 4:
            continue
        rect = _plate_rect(contour) if w <= max_width else None
        if rect is not None:
            rects.append(rect)
        else:
            rest[y:y + h, x:x + w] |= mask[y:y + h, x:x + w]
    return rects, rest


def _plate_rect(contour: np.ndarray) -> Rect | None:
    """A blob's rotated rectangle (long side first) if it is plate-shaped (MIN_ASPECT to
    MAX_ASPECT, a squarish one laid the level way, tilted at most MAX_TILT) and mostly filled."""
    (cx, cy), (rw, rh), angle = cv2.minAreaRect(contour)
    if rw < rh:
        rw, rh, angle = rh, rw, angle - 90.0
    angle = (angle + 90.0) % 180.0 - 90.0
    if abs(angle) > 45.0 and rw < SQUARE_ASPECT * rh:  # squarish: lay it the level way
        rw, rh, angle = rh, rw, angle - math.copysign(90.0, angle)
    if abs(angle) > MAX_TILT or not MIN_ASPECT <= rw / max(rh, 1.0) <= MAX_ASPECT:
        return None
    if cv2.contourArea(contour) < 0.5 * rw * rh:
        return None
    return (cx, cy), (rw, rh), angle


def _dense(raw: np.ndarray, rest: np.ndarray, rects: list[Rect], max_width: int
           ) -> list[Rect]:
    """Plate-shaped parts of the blobs that are not plate-shaped (`rest`): a plate's strokes
    merge with the edges of the car around it into one blob. Kept of it is where at least
    DENSE_ONSETS strokes (of `raw`, the stroke mask before closing) begin within DENSE_WINDOW
    pixels of a row: a row of characters has many, the edge of a car body one or two however
    close to the plate. Left out are pieces of a longer line of lettering (`_in_line`) and
    parts that are a candidate of `rects` already (`_same`)."""
    onsets = np.zeros_like(raw)
    onsets[:, 1:] = cv2.compare(raw[:, 1:], raw[:, :-1], cv2.CMP_GT)
    count = cv2.boxFilter(onsets, cv2.CV_16U, (DENSE_WINDOW, 1), normalize=False)
    dense = (count >= 255 * DENSE_ONSETS).astype(np.uint8) & rest
    dense = cv2.morphologyEx(dense, cv2.MORPH_CLOSE, CLOSE_KERNEL)
    dense = cv2.morphologyEx(dense, cv2.MORPH_OPEN, OPEN_KERNEL)
    found: list[Rect] = []
    for rect in _shaped(dense, max_width)[0]:
        if not _in_line(dense, rect) and not any(_same(rect, other) for other in rects + found):
            found.append(rect)
    return found


def _in_line(dense: np.ndarray, rect: Rect) -> bool:
    """Whether a dense blob is a piece of a longer line of lettering (a sign): dense strokes
    go on past one of its ends, along its rows (over DENSE_LINE of the way, for about its
    height). A plate's row of characters stops at its rim."""
    (cx, cy), (w, h), _angle = rect
    y0, y1 = max(0, int(cy - h / 2)), int(cy + h / 2) + 1
    reach = int(h) + 2
    left = dense[y0:y1, max(0, int(cx - w / 2) - reach):max(0, int(cx - w / 2) - 2)]
    right = dense[y0:y1, int(cx + w / 2) + 2:int(cx + w / 2) + reach]
    return any(side.size and side.mean() >= DENSE_LINE for side in (left, right))


def _same(rect: Rect, other: Rect) -> bool:
    """Whether two candidates are one: the first's centre lies in the other, and they are of
    about the same width."""
    return _in_rect(rect[0], other) and 0.7 <= rect[1][0] / max(other[1][0], 1.0) <= 1.4


def _in_rect(point: tuple[float, float], rect: Rect) -> bool:
    """Whether a point lies in a rotated rectangle."""
    (cx, cy), (w, h), angle = rect
    a = math.radians(angle)
    dx, dy = point[0] - cx, point[1] - cy
    u, v = dx * math.cos(a) + dy * math.sin(a), -dx * math.sin(a) + dy * math.cos(a)
    return abs(u) <= w / 2 and abs(v) <= h / 2


def _examine(pyramid: Pyramid, rect: Rect, frame_grey: np.ndarray, part: bool = False
             ) -> Box | None:
    """The second look: the best plate-like region of `_regions`, as a box in the frame with
    its score; None when no region is plate-like. `part`: the candidate is a part (`_dense`)."""
    best = None
    for features, box in _regions(pyramid, rect, frame_grey):
        score = _accept(features, part)
        if score is not None and (best is None or score > best[4]):
            best = (*box, score)
    return best


def _regions(pyramid: Pyramid, rect: Rect, frame_grey: np.ndarray
             ) -> list[tuple[dict, tuple[int, int, int, int]]]:
    """The candidate resampled upright with room around it (from the pyramid level nearest its
    scale) and the plate regions found in it (`_masks`): what each looks like (`_plate_in`,
    and the grain of its box in the frame) and that box."""
    (cx, cy), (w, h), angle = rect
    s = BLOB_HEIGHT / h
    # the padded crop: the blob may be one row of the plate; the plate reaches ~2.2 blob heights
    # above it and ~1.2 below, and a third of its width to each side
    cw, ch = int(w * s * 1.7) + 8, int(BLOB_HEIGHT * 4.4)
    level_scale, source = pyramid[0]
    for ls, img in pyramid[1:]:
        if s <= ls * 0.9:
            level_scale, source = ls, img
    m = cv2.getRotationMatrix2D((cx * level_scale, cy * level_scale), angle, s / level_scale)
    m[0, 2] += cw / 2 - cx * level_scale
    m[1, 2] += ch * 0.55 - cy * level_scale
    crop = cv2.warpAffine(source, m, (cw, ch), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_REPLICATE)
    grey = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    core = (int(cw / 2 - w * s / 2), int(ch * 0.55 - BLOB_HEIGHT / 2),
            int(cw / 2 + w * s / 2), int(ch * 0.55 + BLOB_HEIGHT / 2))
    found = []
    for mask in _masks(crop, grey, core):
        # closed, so that a blurred plate's background is not cut apart by its characters
        mask = cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_CLOSE, MASK_CLOSE)
        result = _plate_in(crop, grey, core, mask)
        box = None if result is None else _box(result[1], m, level_scale, pyramid)
        if box is None:
            continue
        result[0]["grain"] = _grain(frame_grey[box[1]:box[3], box[0]:box[2]])
        found.append((result[0], box))
    return found


def _masks(crop: np.ndarray, grey: np.ndarray, core: tuple[int, int, int, int]
           ) -> list[np.ndarray]:
    """Where the plate's background may be in an upright crop: the pixels of the core's colour
    when it is yellow or green (so that a yellow plate on a silver bumper or a green one on a
    red car stands apart); otherwise the colour (Lab) of the core's majority of grey levels,
    its background (also a dim green plate on a black car, a grey one on a silver car), the
    grey of its minority (the plate may be the smaller part of the candidate), and the colour
    of its coloured pixels when there are many (a coloured plate under grey characters)."""
    x0, y0, x1, y1 = core
    core_grey = grey[y0:y1, x0:x1]
    if core_grey.size == 0:
        return []
    t, _ = cv2.threshold(core_grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    lab = cv2.cvtColor(crop, cv2.COLOR_BGR2LAB).astype(np.float32)
    chroma = lab[..., 1:] - 128.0
    seed = np.median(chroma[y0:y1, x0:x1].reshape(-1, 2), axis=0)
    if np.linalg.norm(seed) > CHROMA_TOLERANCE:  # a yellow or green plate: its colour
        return [_near(chroma, seed, CHROMA_TOLERANCE)]
    achromatic = _near(chroma, np.zeros(2, np.float32), CHROMA_TOLERANCE)
    light = core_grey > t
    light_majority = np.count_nonzero(light) * 2 >= light.size
    masks = [achromatic & ((grey <= t) if light_majority else (grey > t))]  # the minority grey
    coloured = chroma[y0:y1, x0:x1][~achromatic[y0:y1, x0:x1]]
    if len(coloured) >= COLOURED_SHARE * core_grey.size:
        seed = np.median(coloured, axis=0)
        masks.append(_near(chroma, seed, CHROMA_TOLERANCE))
    seed = np.median(lab[y0:y1, x0:x1][light if light_majority else ~light], axis=0)
    masks.append(_near(lab, seed, LAB_TOLERANCE))  # the majority's colour
    return masks


def _near(image: np.ndarray, colour: np.ndarray, tolerance: float) -> np.ndarray:
    """Where an image's pixels (float32, 2 or 3 channels) lie within `tolerance` of `colour`
    (OpenCV's arithmetic: several times quicker than numpy's on these small crops)."""
    channels = image.shape[2]
    difference = cv2.subtract(image, (*(float(v) for v in colour), *(0.0,) * (4 - channels)))
    squared = cv2.transform(cv2.multiply(difference, difference),
                            np.ones((1, channels), np.float32))
    return squared < tolerance * tolerance


def _box(corners: np.ndarray, m: np.ndarray, level_scale: float,
         pyramid: Pyramid) -> tuple[int, int, int, int] | None:
    """The frame box around a rectangle's corners in an upright crop (`m`: level to crop)."""
    inverse = cv2.invertAffineTransform(m)
    points = cv2.transform(corners[None].astype(np.float32), inverse)[0] / level_scale
    x0, y0 = np.floor(points.min(axis=0)).astype(int)
    x1, y1 = np.ceil(points.max(axis=0)).astype(int)
    fh, fw = pyramid[0][1].shape[:2]
    x0, y0, x1, y1 = max(0, x0), max(0, y0), min(fw, x1), min(fh, y1)
    if x1 - x0 < 8 or y1 - y0 < 4:
        return None
    return (int(x0), int(y0), int(x1), int(y1))


def _plate_in(crop: np.ndarray, grey: np.ndarray, core: tuple[int, int, int, int],
              mask: np.ndarray) -> tuple[dict, np.ndarray] | None:
    """The region of `mask` (plate-coloured pixels) that holds most of the core (the candidate
    blob), its holes filled, and what it looks like (the features _accept weighs) with its
    rectangle's corners in the crop; None when there is no such region or it is not
    plate-shaped. A region running out of the crop (`_region`) is a car body of the plate's
    colour: the core stands in for it."""
    bg = mask.astype(np.uint8)
    found = _region(bg, core)
    if found is None:
        return None
    component, core_share, leaks = found
    region = np.zeros_like(bg)
    if leaks:
        region[core[1]:core[3], core[0]:core[2]] = 1
        contour = np.array([[core[0], core[1]], [core[2], core[1]], [core[2], core[3]],
                            [core[0], core[3]]], np.int32)
    else:
        contours, _ = cv2.findContours(component, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        contour = max(contours, key=cv2.contourArea)
        cv2.drawContours(region, [contour], -1, 1, -1)
    (rx, ry), (rw, rh), ra = cv2.minAreaRect(contour)
    if rw < rh:
        rw, rh, ra = rh, rw, ra - 90.0
    rect = cv2.contourArea(contour) / max(1.0, rw * rh)
    if rh < 5 or rw < 10 or not PLATE_ASPECT[0] <= rw / rh <= PLATE_ASPECT[1] or rect < MIN_RECT:
        return None  # not plate-shaped: no need to look further
    inside = region.astype(bool)
    values = grey[inside]
    t, _ = cv2.threshold(values.reshape(1, -1), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    light_share = float(np.count_nonzero(values > t)) / max(1, values.size)
    light_bg = light_share >= 0.5
    split = grey > t
    bgm = (split if light_bg else ~split) & inside
    ink = (~split if light_bg else split) & inside
    n_bg, n_ink = int(bgm.sum()), int(ink.sum())
    if n_bg < 4 or n_ink < 4:
        return None
    bg_mean, ink_mean = float(grey[bgm].mean()), float(grey[ink].mean())
    contrast = abs(bg_mean - ink_mean)
    ink_img = ink.astype(np.uint8)
    changes = np.count_nonzero(ink_img[:, 1:] != ink_img[:, :-1], axis=1)
    rows_in = np.nonzero(inside.any(axis=1))[0]
    row_changes = np.sort(changes[rows_in])
    busy = float(row_changes[int(0.75 * (len(row_changes) - 1))])
    features = dict(aspect=rw / rh, rect=rect, ink=n_ink / max(1, n_bg + n_ink), busy=busy,
                    light=light_bg, bg_hsv=_hsv(crop[bgm].mean(axis=0)),
                    ink_hsv=_hsv(crop[ink].mean(axis=0)))
    if not _gates(features):
        return None  # no need to look further
    nb, _, bstats, _ = cv2.connectedComponentsWithStats(ink_img, connectivity=8)
    sizes = bstats[1:, 4]
    features.update(
        leaks=leaks, core=float(core_share), contrast=contrast,
        flat=1.0 - min(1.0, float(grey[bgm].std()) / (0.4 * max(contrast, 1.0))),
        blobs=int(np.count_nonzero(sizes >= 4)),
        chars=int(np.count_nonzero((bstats[1:, 3] >= 0.2 * rh) & (bstats[1:, 3] <= 0.9 * rh)
                                   & (bstats[1:, 2] <= 0.35 * rw) & (sizes >= 6))),
        rh=rh, rw=rw, all_blobs=int(nb - 1), gaps=_gaps(ink, inside),
        big=float(sizes[bstats[1:, 3] >= 0.25 * rh].sum()) / max(1, n_ink),
        speckle=_speckle(grey, inside) / max(contrast, 1.0),
        picture=plate_look.patch(grey, ((rx, ry), (rw, rh), ra), light_bg))
    return features, cv2.boxPoints(((rx, ry), (rw, rh), ra))


def _region(bg: np.ndarray, core: tuple[int, int, int, int]
            ) -> tuple[np.ndarray, float, bool] | None:
    """The component of `bg` holding most of the core, its share of the core, and whether it
    leaks (runs out of the crop); None when it holds under a tenth of the core. A leaking
    component is opened (LEAK_OPENINGS) to cut the thin bridges by which a blurred plate meets
    a body of its colour, and taken (grown back) if it is then closed."""
    ch, cw = bg.shape
    first = None
    for size in LEAK_OPENINGS:
        mask = bg if size == 1 else cv2.morphologyEx(
            bg, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (size, size)))
        n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=4)
        if n < 2:
            break
        counts = np.bincount(labels[core[1]:core[3], core[0]:core[2]].ravel(), minlength=n)
        counts[0] = 0
        label = int(counts.argmax())
        share = counts[label] / ((core[2] - core[0]) * (core[3] - core[1]))
        if share < 0.1:
            break
        x, y, w, h, _area = stats[label]
        component = (labels == label).astype(np.uint8)
        if not (x == 0 or y == 0 or x + w >= cw or y + h >= ch):
            if size > 1:
                component = cv2.dilate(component, np.ones((size, size), np.uint8)) & bg
            return component, float(share), False
        first = first or (component, float(share), True)
    return first


def _speckle(grey: np.ndarray, inside: np.ndarray) -> float:
    """The mean grey level of the finest detail (grey less its 3x3 blur) inside a region."""
    fine = cv2.absdiff(grey, cv2.blur(grey, (3, 3)))
    return float(fine[inside].mean())


def _grain(grey: np.ndarray) -> float:
    """How much of an image's detail is at the finest scale: the mean of grey less its 3x3
    blur over that plus the mean of the 3x3 blur less the 7x7 one. About 0.5 for noise, under
    0.45 for print (strokes a few pixels wide), however blurred."""
    grey = grey.astype(np.float32)
    near = cv2.blur(grey, (3, 3))
    fine = float(np.abs(grey - near).mean())
    return fine / max(1e-6, fine + float(np.abs(near - cv2.blur(grey, (7, 7))).mean()))


def _gaps(ink: np.ndarray, inside: np.ndarray) -> float:
    """The share of the region's columns, over its lower half (the big digits), with almost no
    ink: the spaces between characters; texture has none."""
    rows = np.nonzero(inside.any(axis=1))[0]
    lower = slice(int(rows[0] + 0.45 * (rows[-1] - rows[0])), int(rows[-1]) + 1)
    cols = np.nonzero(inside[lower].any(axis=0))[0]
    if cols.size < 4:
        return 0.0
    band_ink = ink[lower, cols[0]:cols[-1] + 1].mean(axis=0)
    band_in = inside[lower, cols[0]:cols[-1] + 1].mean(axis=0)
    return float(np.mean(band_ink < 0.08 * np.maximum(band_in, 1e-6)))


def _accept(f: dict, part: bool = False) -> float | None:
    """The score of a region's features (0-1), or None: not a plate. Gates first (shape, ink,
    colour pair, alternations); then it is a plate when the weighed evidence reaches
    EVIDENCE_NEEDED (and, for a part, a score of PART_SCORE) or when the learned look
    (`plate_look`) gives it LOOK_NEEDED (PART_LOOK for a part). The score is the higher of
    the two."""
    if not _gates(f) or f["blobs"] > 4 * f["aspect"] + 6:
        return None
    evidence = EVIDENCE_BIAS + sum(weight * value for weight, value in zip(
        EVIDENCE_WEIGHTS, _evidence(f), strict=True))
    weighed = 1.0 / (1.0 + math.exp(-evidence)) if evidence >= EVIDENCE_NEEDED else None
    if weighed is not None and (not part or weighed >= PART_SCORE):
        return round(weighed, 3)
    looked = plate_look.probability(traits(f), f["picture"])
    return round(looked, 3) if looked >= LOOK_NEEDED[part] else None


def _gates(f: dict) -> bool:
    """Whether a region passes the gates: plate-shaped, 10-52 % ink, a plausible colour pair
    and 4-16 alternations along the busy rows."""
    return (PLATE_ASPECT[0] <= f["aspect"] <= PLATE_ASPECT[1] and f["rect"] >= MIN_RECT
            and 0.1 <= f["ink"] <= 0.52 and 4 <= f["busy"] <= 16
            and _colour_pair(f["bg_hsv"], f["ink_hsv"], f["light"]))


def _evidence(f: dict) -> tuple[float, ...]:
    """What a region shows of a plate, in the order of EVIDENCE_WEIGHTS."""
    return (f["busy"] / 10, min(f["blobs"], 10) / 10, min(f["gaps"], 0.5), f["rect"], f["big"],
            float(f["leaks"]), f["speckle"], max(0.0, f["speckle"] - 0.3),
            min(f["all_blobs"], 30) / 30, max(0.0, 0.15 - f["flat"]), max(0.0, f["grain"] - 0.42))


def traits(f: dict) -> tuple[float, ...]:
    """A region's measured traits as the learned look weighs them (`plate_look.description`):
    the evidence, then shape, ink, alternations, contrast, flatness, share of the candidate,
    characters and whether the background is the light part."""
    return (*_evidence(f), f["aspect"] / 4, f["ink"], f["busy"] / 16, f["contrast"] / 100,
            f["flat"], f["core"], min(f["chars"], 10) / 10, float(f["light"]))


def _colour_pair(bg_hsv: tuple[int, int, int], ink_hsv: tuple[int, int, int],
                 light_bg: bool) -> bool:
    """Whether background and ink colours (HSV, OpenCV scale) can be a plate's: a light
    background white/grey or yellow, a dark one black/grey, green or a dim yellow."""
    bh, bs, bv = bg_hsv
    ih, is_, iv = ink_hsv
    if light_bg:  # white (ink dark green or dark) or yellow (ink dark)
        return bs < 80 or 10 <= bh <= 42
    # dark background: green (ink white), black (ink yellow/white), or the darker shade of a
    # yellow plate whose black characters are blurred away
    return bv < 110 or bs < 80 or 10 <= bh <= 100


def _hsv(bgr: np.ndarray) -> tuple[int, int, int]:
    """A BGR colour in HSV (OpenCV's scale: hue 0-180)."""
    pixel = np.clip(bgr, 0, 255).astype(np.uint8)[None, None, :]
    hue, sat, val = (int(v) for v in cv2.cvtColor(pixel, cv2.COLOR_BGR2HSV)[0, 0])
    return hue, sat, val


def _suppress(boxes: list[Box]) -> list[Box]:
    """Merge boxes that overlap by half of the smaller one (a plate's rows found apart, or one
    plate found at both levels or by both looks) into their union, with the better score."""
    kept = []
    for box in sorted(boxes, key=lambda b: b[4], reverse=True):
        for i, k in enumerate(kept):
            if _overlap(box, k) >= 0.5:
                kept[i] = (min(box[0], k[0]), min(box[1], k[1]), max(box[2], k[2]),
                           max(box[3], k[3]), k[4])
                break
        else:
            kept.append(box)
    return kept


def _overlap(a: Box, b: Box) -> float:
    ix = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return ix * iy / smaller if smaller else 0.0
