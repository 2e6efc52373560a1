"""The learned look at a plate region: how a plate's picture looks, weighed by a fitted model.

Why: the hand-weighed evidence of plates.py (`_evidence`) tells a plate from clutter by a dozen
measured traits; many rendered plates that a person sees at once as plates (turned, blurred,
compressed) fail it on one trait or another. The picture itself carries more: two rows of
characters, small on top and big below, inside a rim. This module turns a second-look region
into a small upright picture (`patch`: 48x24 grey, the plate with a little room, dark-on-light
whatever the plate's colours) and describes it by its gradient directions (`gradients`: a
histogram of oriented gradients in 6x6 cells, normalised in blocks of 2x2 cells) and its
lightness at 16x8 (`lightness`), next to the measured traits. A logistic model weighs that
description (`probability`); plates.py accepts a region when either weighing accepts it.

The weights are not downloaded and come from no other project: bench/plate_look_fit.py fits
them (numpy only) on plates rendered by bench/plate_set.py onto the sample clips (a training
split of seeds of its own, never the held-out part), on drawn plate scenes and clutter of
other seeds than the tests use, and on the sample face clips (no plates), and writes them to
plate_look.json beside this module together with what they were fitted on. Re-fitting is
`.venv/bin/python bench/plate_look_fit.py` (it needs the sample clips); bench/plates.py
measures the result.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import cv2
import numpy as np

PATCH = (48, 24)  # width, height of a region's upright picture
ROOM = (1.15, 1.2)  # the picture spans this much of the region's width and height
CELL = 6  # pixels of a gradient cell
BINS = 9  # gradient directions, 0-180 degrees
CLIP = 0.4  # of a block's normalised histogram, before the square root
LIGHTNESS = (16, 8)  # the picture, shrunk, for its lightness
WEIGHTS = Path(__file__).with_name("plate_look.json")

Rect = tuple[tuple[float, float], tuple[float, float], float]  # centre, size (long first), angle


def patch(grey: np.ndarray, rect: Rect, light_background: bool) -> np.ndarray:
    """The region's upright picture (PATCH, uint8) cut from `grey` along its rotated
    rectangle (long side first), turned negative when the plate is dark with light characters
    so that every plate reads dark on light."""
    (cx, cy), (width, height), angle = rect
    a = math.radians(angle)
    width, height = width * ROOM[0], height * ROOM[1]
    pw, ph = PATCH
    ux, uy = math.cos(a) * width / pw, math.sin(a) * width / pw
    vx, vy = -math.sin(a) * height / ph, math.cos(a) * height / ph
    m = np.array([[ux, vx, cx - ux * pw / 2 - vx * ph / 2],
                  [uy, vy, cy - uy * pw / 2 - vy * ph / 2]], np.float32)
    picture = cv2.warpAffine(grey, m, PATCH, flags=cv2.INTER_AREA | cv2.WARP_INVERSE_MAP,
                             borderMode=cv2.BORDER_REPLICATE)
    return picture if light_background else 255 - picture


def gradients(picture: np.ndarray) -> np.ndarray:
    """A histogram of oriented gradients of the picture: BINS directions in CELL-pixel cells,
    each block of 2x2 cells normalised, clipped at CLIP and square-rooted."""
    grey = picture.astype(np.float32)
    gx = cv2.Sobel(grey, cv2.CV_32F, 1, 0, ksize=1)
    gy = cv2.Sobel(grey, cv2.CV_32F, 0, 1, ksize=1)
    magnitude, angle = cv2.cartToPolar(gx, gy, angleInDegrees=True)
    direction = ((angle % 180.0) / (180.0 / BINS)).astype(np.int32) % BINS
    rows, cols = PATCH[1] // CELL, PATCH[0] // CELL
    cells = np.zeros((rows, cols, BINS), np.float32)
    for k in range(BINS):
        chosen = np.where(direction == k, magnitude, 0.0)
        cells[..., k] = chosen.reshape(rows, CELL, cols, CELL).sum(axis=(1, 3))
    blocks = cells.reshape(rows // 2, 2, cols // 2, 2, BINS).transpose(0, 2, 1, 3, 4)
    blocks = blocks.reshape(-1, 4 * BINS)
    blocks = blocks / (np.linalg.norm(blocks, axis=1, keepdims=True) + 1e-3)
    return np.sqrt(np.minimum(blocks, CLIP)).ravel()


def lightness(picture: np.ndarray) -> np.ndarray:
    """The picture shrunk to LIGHTNESS, less its mean, over its spread (damped for flat ones)."""
    small = cv2.resize(picture, LIGHTNESS, interpolation=cv2.INTER_AREA).astype(np.float32)
    small = small.ravel()
    return (small - small.mean()) / (small.std() + 4.0)


def description(traits: Sequence[float], picture: np.ndarray) -> np.ndarray:
    """What the model weighs: the measured traits, the gradients and the lightness."""
    return np.concatenate([np.asarray(traits, np.float32), gradients(picture),
                           lightness(picture)])


@cache
def fitted() -> str:
    """Which weights these are, for a masking result's record: the file's SHA-256 (first 12
    hex digits) and the day they were fitted."""
    text = WEIGHTS.read_bytes()
    return (f"{WEIGHTS.name} sha256:{hashlib.sha256(text).hexdigest()[:12]} "
            f"fitted {json.loads(text)['date']}")


@cache
def _model() -> tuple[np.ndarray, float]:
    fitted = json.loads(WEIGHTS.read_text(encoding="utf-8"))
    return np.asarray(fitted["weights"], np.float64), float(fitted["bias"])


def probability(traits: Sequence[float], picture: np.ndarray) -> float:
    """The fitted model's probability that a region is a plate."""
    weights, bias = _model()
    described = description(traits, picture)
    if described.shape != weights.shape:
        raise ValueError(f"{WEIGHTS.name} holds {weights.size} weights for a description of "
                         f"{described.size} numbers: re-fit with bench/plate_look_fit.py")
    z = float(described @ weights) + bias
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))
