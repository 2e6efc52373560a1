"""Licence-plate detection for masking (R-607): a classical detector, no model file.

Method. A plate is a small flat rectangle, about 2:1 (Japanese standard plates are 330x165 mm),
of one background colour with a row of high-contrast characters on it. Japanese plates come in
four colour pairs: white with green characters (private), green with white (commercial), yellow
with black (private kei) and black with yellow (commercial kei). `detect_plates` works on a
two-level pyramid of the frame (about 640 and 320 pixels wide):

1. Candidates: the horizontal Sobel gradient (vertical strokes: characters and the plate's side
   edges), thresholded, closed with a small wide kernel so the characters of one plate merge
   into one blob, opened to drop thin lines; the blobs' bounding boxes that are plate-shaped
   (width/height 1.3-5.5, so plates seen from above or obliquely, which look wider, still pass)
   and mostly filled are kept.
2. Verification on each candidate cut from the full-resolution frame and scaled to a fixed
   height: Otsu splits it into background and characters; a plate needs strong contrast
   between the two, a flat background that is the majority, a background colour a plate can
   have (white/grey, yellow, green or black; saturated red, blue or purple are car bodies or
   signs), at least two character-sized blobs and few blobs in all (texture, foliage and noise
   make many small ones), and several background/character alternations along a row. The
   score (0-1) grows with contrast, the number of characters and the flatness of the
   background.
3. Growing: the blob may hold only one row of characters (the big number, or the small region
   name above it), so the box is grown to the surrounding region of the plate's background
   colour, if that region is plate-shaped, still verifies, and is spanned by characters (not
   the plate plus a bumper of its colour).
4. Boxes that overlap by half of the smaller one (rows found apart, both levels) are merged.

Cost: about 1-4 ms for a 1280x720 frame on this 2-core machine (bench/plates.py), almost all
of it in verifying candidates, so busy scenes cost more than empty roads.

Measured (bench/plates.py): on the synthetic set of hogo/redact/tests/test_plates.py (four
colours, plates 48-300 px wide on clutter) recall 0.96 and precision 0.96 at IoU >= 0.5,
0.04 false boxes per plate-free frame. On car-detection.mp4 (US plates seen from above,
about 40x16 px at 1280x720 with characters too blurred to read) it finds none of the plates.

Limits, by design of a hand-made detector: plates whose characters are not resolved (below
about 48 px wide in a 1280x720 frame, or blurred by motion or compression) are missed; so
are plates turned more than ~15 degrees, at night or in glare (low contrast), dirty or partly
hidden; a black plate on a black bumper may be reported with only part of its margin. Any
flat patch of lettering with plate proportions (signs, stickers, timestamps burned into the
picture) can be reported. Non-Japanese plates are found when they are light with dark
characters or the reverse; coloured backgrounds (e.g. blue or red plates) are rejected.
For masking, a false box costs a little blurred scenery; a miss leaks a plate, so the
pipeline should track detections between detector frames and let a reviewer add boxes.
"""

from __future__ import annotations

import cv2
import numpy as np

Box = tuple[int, int, int, int, float]

LEVEL_WIDTHS = (640, 320)  # pyramid levels; each finds plates ~14-110 px wide at its scale
MIN_WIDTH = 14  # smallest candidate width at a level, in that level's pixels
MIN_ASPECT, MAX_ASPECT = 1.3, 5.5  # of a candidate blob (one row of characters may be wide)
MAX_PLATE_ASPECT = 4.0  # of a reported plate
GROW_TOLERANCE = 45  # per channel, to the plate's background colour, when growing a box
GRADIENT_THRESHOLD = 48  # |Sobel x| on 8-bit grey; lower finds dimmer plates and more clutter
CLOSE_KERNEL = cv2.getStructuringElement(cv2.MORPH_RECT, (7, 5))  # joins a plate's strokes
OPEN_KERNEL = cv2.getStructuringElement(cv2.MORPH_RECT, (5, 3))  # drops lines and specks
VERIFY_HEIGHT = 32  # candidates are compared at this height
MIN_SCORE = 0.35


def detect_plates(frame_bgr: np.ndarray, min_score: float = MIN_SCORE) -> list[Box]:
    """Licence plates in a BGR frame as (x0, y0, x1, y1, score), frame pixels, best first."""
    if frame_bgr.ndim != 3 or frame_bgr.shape[2] != 3:
        raise ValueError("detect_plates expects an HxWx3 BGR image")
    height, width = frame_bgr.shape[:2]
    grey = cv2.cvtColor(frame_bgr, cv2.COLOR_BGR2GRAY)
    found: list[Box] = []
    for level_width in LEVEL_WIDTHS:
        scale = min(1.0, level_width / width)
        if width * scale < 4 * MIN_WIDTH:
            break
        size = (round(width * scale), round(height * scale))
        if size != grey.shape[::-1]:  # each level from the one before: cheaper than from the top
            grey = cv2.resize(grey, size, interpolation=cv2.INTER_AREA)
        for x0, y0, x1, y1 in _candidates(grey, width / size[0]):
            score, background = _verify(frame_bgr[y0:y1, x0:x1])
            if score < min_score:
                continue
            box = _grow(frame_bgr, (x0, y0, x1, y1), background)
            if (box[2] - box[0]) <= MAX_PLATE_ASPECT * (box[3] - box[1]):
                found.append((*box, score))
        if scale == 1.0:
            break  # a small frame: the next level would only repeat this one
    return _suppress(found)


def _candidates(grey: np.ndarray, factor: float) -> list[tuple[int, int, int, int]]:
    """Plate-shaped blobs of dense vertical strokes in a pyramid level, as boxes in the frame
    (`factor` frame pixels to a level pixel)."""
    strokes = cv2.convertScaleAbs(cv2.Sobel(grey, cv2.CV_16S, 1, 0, ksize=3))
    _, mask = cv2.threshold(strokes, GRADIENT_THRESHOLD, 255, cv2.THRESH_BINARY)
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, CLOSE_KERNEL)
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, OPEN_KERNEL)
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    boxes = []
    max_width = grey.shape[1] // 4
    for contour in contours:
        x, y, w, h = cv2.boundingRect(contour)
        if not (MIN_WIDTH <= w <= max_width and h >= MIN_WIDTH / MAX_ASPECT):
            continue
        if not MIN_ASPECT <= w / h <= MAX_ASPECT:
            continue
        if cv2.contourArea(contour) < 0.5 * w * h:
            continue
        boxes.append((round(x * factor), round(y * factor), round((x + w) * factor),
                      round((y + h) * factor)))
    return boxes


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
        if grown == box or (_ink_span(crop) >= 0.6 and _verify(crop)[0] >= MIN_SCORE):
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


def _suppress(boxes: list[Box]) -> list[Box]:
    """Merge boxes that overlap by half of the smaller one (a plate's rows found apart, or one
    plate found at both levels) into their union, with the better score."""
    kept: list[Box] = []
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
