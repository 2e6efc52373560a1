"""Licence-plate detection for masking (R-607): a classical detector, no model file.

Method. A plate is a small flat rectangle, about 2:1 (Japanese standard plates are 330x165 mm),
of one background colour with rows of high-contrast characters on it. Japanese plates come in
four colour pairs: white with green characters (private), green with white (commercial), yellow
with black (private kei) and black with yellow (commercial kei). `detect_plates` works on a
two-level pyramid of the frame (about 640 and 320 pixels wide):

1. Candidates: the horizontal Sobel gradient (vertical strokes: characters and the plate's side
   edges), thresholded, closed with a small wide kernel so the characters of one plate merge
   into one blob, opened to drop thin lines; blobs whose rotated rectangle is plate-shaped
   (long side over short 1.2-6.5, tilted at most 25 degrees) and mostly filled are kept.
2. First look, for a front-on plate: the blob's box, cut from the full-resolution frame, is
   verified as it is (`_verify`: Otsu splits background from characters; strong contrast, a
   flat majority background of a plate colour, character-sized blobs and few blobs in all,
   background/character alternations along rows) and grown to the surrounding region of the
   plate's background colour (`_grow`: the blob may hold one row of characters only).
3. Second look, for a turned, tilted, blurred or compressed plate (what a dashcam records):
   the candidate is resampled upright (rotated by its own tilt) with room around it, and the
   plate's region is found there - by colour (Lab a/b close to the candidate's) when it is
   yellow or green, so that a yellow plate on a silver bumper or a green one on a red car
   stands apart; by lightness among grey pixels when it is white or black. The region's holes
   (its characters) are filled, its minimum-area rectangle is the plate, and the characters
   are split off inside it by Otsu. It is a plate when it is plate-shaped and rectangular,
   holds 10-52 % ink with contrast, has a flat background, a plausible colour pair, busy rows
   (6-16 alternations) and gaps between characters along the big number, or several
   character blobs. Grey regions must be flatter and show clearer gaps: grey texture (gravel,
   foliage, grilles) imitates white and black plates, coloured texture rarely imitates yellow
   or green ones. The box reported is the rectangle mapped back to the frame.
4. Boxes that overlap by half of the smaller one (rows found apart, both levels, both looks)
   are merged.

Cost and figures: bench/plates.py measures both, on the drawn scenes of
hogo/redact/tests/test_plates.py and on the rendered Japanese plates of bench/plate_set.py
(perspective, blur, motion, H.264 on the sample street clip); the README states them. The
second look roughly doubles the cost of the first (about 4-8 ms per 1280x720 frame on this
2-core machine, most of it in examining candidates, so busy scenes cost more).

Limits, by design of a hand-made detector: plates whose characters are not resolved (below
about 40 px wide in a 1280x720 frame, or smeared by defocus and motion) are often missed, and
on the rendered set many plates 40-80 px wide are (see the README for the figures); so are
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

import cv2
import numpy as np

Box = tuple[int, int, int, int, float]
Rect = tuple[tuple[float, float], tuple[float, float], float]  # centre, size (long first), angle
Pyramid = list[tuple[float, np.ndarray]]  # (scale, BGR image), full resolution first

LEVEL_WIDTHS = (640, 320)  # pyramid levels; each finds plates ~14-110 px wide at its scale
MIN_WIDTH = 14  # smallest candidate width at a level, in that level's pixels
MIN_ASPECT, MAX_ASPECT = 1.2, 6.5  # of a candidate blob (one row of characters may be wide)
MAX_TILT = 25.0  # degrees a candidate may lean
GRADIENT_THRESHOLD = 40  # |Sobel x| on 8-bit grey; lower finds dimmer plates and more clutter
CLOSE_KERNEL = cv2.getStructuringElement(cv2.MORPH_RECT, (7, 5))  # joins a plate's strokes
OPEN_KERNEL = cv2.getStructuringElement(cv2.MORPH_RECT, (5, 3))  # drops lines and specks
MAX_PLATE_ASPECT = 4.0  # of a plate reported by the first look
GROW_TOLERANCE = 45  # per channel, to the plate's background colour, when growing a box
VERIFY_HEIGHT = 32  # first look: candidates are compared at this height
FIRST_LOOK_SCORE = 0.35  # first look: the least score of a plate
BLOB_HEIGHT = 20  # second look: a candidate blob's height in the upright crop
MIN_CONTRAST = 22  # second look: grey levels between background and characters
CHROMA_TOLERANCE = 22  # Lab a/b distance: a plate's background colour, or a grey
ACHROMATIC_FLAT, ACHROMATIC_GAPS = 0.3, 0.1  # what a white or black plate must show more of
MIN_SCORE = 0.1


def detect_plates(frame_bgr: np.ndarray, min_score: float = MIN_SCORE) -> list[Box]:
    """Licence plates in a BGR frame as (x0, y0, x1, y1, score), frame pixels, best first."""
    if frame_bgr.ndim != 3 or frame_bgr.shape[2] != 3:
        raise ValueError("detect_plates expects an HxWx3 BGR image")
    height, width = frame_bgr.shape[:2]
    grey = cv2.cvtColor(frame_bgr, cv2.COLOR_BGR2GRAY)
    pyramid = [(1.0, frame_bgr)]
    found: list[Box] = []
    for level_width in LEVEL_WIDTHS:
        scale = min(1.0, level_width / width)
        if width * scale < 4 * MIN_WIDTH:
            break
        size = (round(width * scale), round(height * scale))
        if size != grey.shape[::-1]:
            grey = cv2.resize(grey, size, interpolation=cv2.INTER_AREA)
            pyramid.append((size[0] / width, cv2.resize(pyramid[-1][1], size,
                                                        interpolation=cv2.INTER_AREA)))
        for rect in _candidates(grey, width / size[0]):
            plate = _whole(frame_bgr, rect) or _examine(pyramid, rect)
            if plate is not None and plate[4] >= min_score:
                found.append(plate)
        if scale == 1.0:
            break
    return _suppress(found)


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


def _candidates(grey: np.ndarray, factor: float) -> list[Rect]:
    """Plate-shaped blobs of dense vertical strokes in a pyramid level, as rotated rectangles
    in the frame (`factor` frame pixels to a level pixel)."""
    strokes = cv2.convertScaleAbs(cv2.Sobel(grey, cv2.CV_16S, 1, 0, ksize=3))
    _, mask = cv2.threshold(strokes, GRADIENT_THRESHOLD, 255, cv2.THRESH_BINARY)
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, CLOSE_KERNEL)
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, OPEN_KERNEL)
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    rects = []
    max_width = grey.shape[1] // 4
    for contour in contours:
        x, y, w, h = cv2.boundingRect(contour)
        if not (MIN_WIDTH <= w <= max_width and h >= 4):
            continue
        (cx, cy), (rw, rh), angle = cv2.minAreaRect(contour)
        if rw < rh:
            rw, rh, angle = rh, rw, angle - 90.0
        angle = (angle + 90.0) % 180.0 - 90.0
        if abs(angle) > MAX_TILT or not MIN_ASPECT <= rw / max(rh, 1.0) <= MAX_ASPECT:
            continue
        if cv2.contourArea(contour) < 0.5 * rw * rh:
            continue
        rects.append(((cx * factor, cy * factor), (rw * factor, rh * factor), angle))
    return rects


def _examine(pyramid: Pyramid, rect: Rect) -> Box | None:
    """The second look: the candidate resampled upright with room around it (from the pyramid
    level nearest its scale), the plate region found in it by colour or by lightness, and
    that region's box in the frame with its score; None when no region is plate-like."""
    (cx, cy), (w, h), angle = rect
    s = BLOB_HEIGHT / h
    # the padded crop: the blob may be one row of the plate; the plate reaches ~2.2 blob heights
    # above it and ~1.2 below, and a third of its width to each side
    cw, ch = int(w * s * 1.7) + 8, int(BLOB_HEIGHT * 4.4)
    level_scale, source = pyramid[0]
    for ls, img in pyramid[1:]:
        if s <= ls * 0.9:
            level_scale, source = ls, img
    k = s / level_scale
    m = cv2.getRotationMatrix2D((cx * level_scale, cy * level_scale), angle, k)
    m[0, 2] += cw / 2 - cx * level_scale
    m[1, 2] += ch * 0.55 - cy * level_scale
    crop = cv2.warpAffine(source, m, (cw, ch), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_REPLICATE)
    grey = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    bw = w * s
    core = (int(cw / 2 - bw / 2), int(ch * 0.55 - BLOB_HEIGHT / 2),
            int(cw / 2 + bw / 2), int(ch * 0.55 + BLOB_HEIGHT / 2))
    core_grey = grey[core[1]:core[3], core[0]:core[2]]
    if core_grey.size == 0:
        return None
    t, core_light = cv2.threshold(core_grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    lab = cv2.cvtColor(crop, cv2.COLOR_BGR2LAB).astype(np.float32)
    chroma = lab[..., 1:] - 128.0
    seed = np.median(chroma[core[1]:core[3], core[0]:core[2]].reshape(-1, 2), axis=0)
    achromatic = np.linalg.norm(chroma, axis=2) < CHROMA_TOLERANCE
    if np.linalg.norm(seed) > CHROMA_TOLERANCE:  # a yellow or green plate: its colour
        masks = [np.linalg.norm(chroma - seed, axis=2) < CHROMA_TOLERANCE]
    else:  # white or black: its lightness
        masks = [achromatic & (grey > t), achromatic & (grey <= t)]
    best = None
    for mask in masks:
        result = _plate_in(crop, grey, core, mask)
        if result is None:
            continue
        result[0]["chromatic"] = len(masks) == 1
        score = _accept(result[0])
        if score is not None and (best is None or score > best[0]):
            best = (score, result[1])
    if best is None:
        return None
    box = _box(best[1], m, level_scale, pyramid)
    return None if box is None else (*box, best[0])


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
    rectangle's corners in the crop; None when there is no such region. A region running out
    of the crop is a car body of the plate's colour: the core stands in for it."""
    ch, cw = grey.shape
    bg = mask.astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(bg, connectivity=4)
    if n < 2:
        return None
    core_labels = labels[core[1]:core[3], core[0]:core[2]]
    counts = np.bincount(core_labels.ravel(), minlength=n)
    counts[0] = 0
    label = int(counts.argmax())
    core_share = counts[label] / core_labels.size
    if core_share < 0.1:
        return None
    x, y, w, h, _area = stats[label]
    leaks = bool(x == 0 or y == 0 or x + w >= cw or y + h >= ch)
    region = np.zeros_like(bg)
    if leaks:
        region[core[1]:core[3], core[0]:core[2]] = 1
        contour = np.array([[core[0], core[1]], [core[2], core[1]], [core[2], core[3]],
                            [core[0], core[3]]], np.int32)
    else:
        component = (labels == label).astype(np.uint8)
        contours, _ = cv2.findContours(component, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        contour = max(contours, key=cv2.contourArea)
        cv2.drawContours(region, [contour], -1, 1, -1)
    (rx, ry), (rw, rh), ra = cv2.minAreaRect(contour)
    if rw < rh:
        rw, rh, ra = rh, rw, ra - 90.0
    if rh < 5 or rw < 10:
        return None
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
    nb, _, bstats, _ = cv2.connectedComponentsWithStats(ink_img, connectivity=8)
    sizes = bstats[1:, 4]
    features = dict(
        aspect=rw / rh, rect=cv2.contourArea(contour) / (rw * rh), leaks=leaks,
        core=float(core_share), ink=n_ink / max(1, n_bg + n_ink), contrast=contrast,
        light=light_bg, bg_hsv=tuple(_hsv(crop[bgm].mean(axis=0))),
        ink_hsv=tuple(_hsv(crop[ink].mean(axis=0))),
        flat=1.0 - min(1.0, float(grey[bgm].std()) / (0.4 * max(contrast, 1.0))),
        busy=busy, blobs=int(np.count_nonzero(sizes >= 4)),
        chars=int(np.count_nonzero((bstats[1:, 3] >= 0.2 * rh) & (bstats[1:, 3] <= 0.9 * rh)
                                   & (bstats[1:, 2] <= 0.35 * rw) & (sizes >= 6))),
        rh=rh, rw=rw, all_blobs=int(nb - 1), gaps=_gaps(ink, inside),
        big=float(sizes[bstats[1:, 3] >= 0.25 * rh].sum()) / max(1, n_ink))
    return features, cv2.boxPoints(((rx, ry), (rw, rh), ra))


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


def _accept(f: dict) -> float | None:
    """The score of a region's features, or None: not a plate."""
    if not 1.4 <= f["aspect"] <= 3.6 or f["rect"] < 0.7:
        return None
    if not 0.1 <= f["ink"] <= 0.52 or f["contrast"] < MIN_CONTRAST or f["flat"] < 0.2:
        return None
    if not _colour_pair(f["bg_hsv"], f["ink_hsv"], f["light"]):
        return None
    if not 6 <= f["busy"] <= 16 or f["blobs"] > 4 * f["aspect"] + 6:
        return None
    if f["chars"] < 1 and f["blobs"] < 3:
        return None
    if f["gaps"] < 0.08 and f["chars"] < 3:
        return None
    if not f["chromatic"] and (f["flat"] < ACHROMATIC_FLAT or f["gaps"] < ACHROMATIC_GAPS):
        return None  # grey texture (gravel, foliage, noise) imitates a white or black plate
    score = (0.35 * min(1.0, f["contrast"] / 100) + 0.25 * min(1.0, f["chars"] / 4)
             + 0.2 * f["flat"] + 0.2 * f["rect"])
    return round(score - (0.1 if f["leaks"] else 0.0), 3)


def _colour_pair(bg_hsv: tuple[int, int, int], ink_hsv: tuple[int, int, int],
                 light_bg: bool) -> bool:
    """Whether background and ink colours (HSV, OpenCV scale) can be a plate's: a light
    background white/grey or yellow, a dark one black/grey or green."""
    bh, bs, bv = bg_hsv
    ih, is_, iv = ink_hsv
    if light_bg:  # white (ink dark green or dark) or yellow (ink dark)
        return bs < 80 or 10 <= bh <= 42
    # dark background: green (ink white) or black (ink yellow/white)
    return bv < 110 or bs < 80 or 35 <= bh <= 100


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
