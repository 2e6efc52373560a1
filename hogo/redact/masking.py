"""Masks: blur, mosaic or solid fill over boxes, on a BGR picture or on the decoder's own YUV.

The pipeline masks the decoded YUV 4:2:0 planes directly (`mask_i420`): converting every frame
to BGR and back would cost more than the masking, and frames without a mask are passed to the
encoder untouched. Each plane is masked with the box scaled to its resolution, so no colour of
a face survives in the chroma planes.

The blur is deliberately strong (the face is shrunk to a few pixels, then smoothed back up):
a light Gaussian blur leaves faces recognisable to people and to detectors alike.
"""

from __future__ import annotations

from collections.abc import Iterable

import cv2
import numpy as np

KINDS = ("blur", "mosaic", "solid")
BLUR_CELLS = 4  # a blurred face keeps about this many pixels of detail across
MOSAIC_CELLS = 5  # mosaic blocks across a mask (its margin included)
MIN_MOSAIC_BLOCK = 6  # pixels: smaller blocks leave a face readable


def mask_bgr(image: np.ndarray, boxes: Iterable[tuple[float, float, float, float]],
             kind: str = "blur") -> np.ndarray:
    """Mask `boxes` on an H×W×3 (or H×W) picture in place; returns it."""
    check_kind(kind)
    for box in boxes:
        mask_region(image, box, kind, fill=0)
    return image


def mask_i420(planes: np.ndarray, width: int, height: int,
              boxes: Iterable[tuple[float, float, float, float]], kind: str = "blur") -> None:
    """Mask `boxes` in place on YUV 4:2:0 data as PyAV's `to_ndarray()` gives it (Y rows, then
    the quarter-size U and V planes packed after them)."""
    check_kind(kind)
    flat = planes.reshape(-1)
    luma = flat[:width * height].reshape(height, width)
    cw, ch = width // 2, height // 2
    u = flat[width * height:width * height + cw * ch].reshape(ch, cw)
    v = flat[width * height + cw * ch:width * height + 2 * cw * ch].reshape(ch, cw)
    for box in boxes:
        mask_region(luma, box, kind, fill=16)
        half = tuple(c / 2 for c in box)
        mask_region(u, half, kind, fill=128)
        mask_region(v, half, kind, fill=128)


def mask_region(image: np.ndarray, box: tuple[float, float, float, float], kind: str,
                fill: int) -> None:
    """Mask one box (clipped to the picture, rounded outwards) of a 2-D or 3-D array."""
    height, width = image.shape[:2]
    x0, y0 = max(0, int(np.floor(box[0]))), max(0, int(np.floor(box[1])))
    x1, y1 = min(width, int(np.ceil(box[2]))), min(height, int(np.ceil(box[3])))
    if x1 - x0 < 1 or y1 - y0 < 1:
        return
    region = image[y0:y1, x0:x1]
    w, h = x1 - x0, y1 - y0
    if kind == "solid":
        region[...] = fill
    elif kind == "mosaic":
        block = max(MIN_MOSAIC_BLOCK, round(max(w, h) / MOSAIC_CELLS))
        small = _shrunk(region, max(1, round(w / block)), max(1, round(h / block)))
        region[...] = cv2.resize(small, (w, h), interpolation=cv2.INTER_NEAREST).reshape(
            region.shape)
    else:
        cells_w = max(1, round(w * BLUR_CELLS / max(w, h)))
        cells_h = max(1, round(h * BLUR_CELLS / max(w, h)))
        small = _shrunk(region, cells_w, cells_h)
        # smoothed at 8 pixels a cell, then stretched: as a box blur a quarter of the mask
        # wide at full size would look, at a fraction of the cost
        middle = cv2.resize(small, (cells_w * 8, cells_h * 8), interpolation=cv2.INTER_LINEAR)
        middle = cv2.blur(middle, (7, 7), borderType=cv2.BORDER_REPLICATE)
        region[...] = cv2.resize(middle, (w, h), interpolation=cv2.INTER_LINEAR).reshape(
            region.shape)


def _shrunk(region: np.ndarray, width: int, height: int) -> np.ndarray:
    """`region` averaged down to width×height. OpenCV's area averaging is slow for large
    factors, so a large region is first sampled (bilinearly) down to 8×8 pixels a cell."""
    if region.shape[1] > 16 * width and region.shape[0] > 16 * height:
        region = cv2.resize(region, (8 * width, 8 * height), interpolation=cv2.INTER_LINEAR)
    return cv2.resize(region, (width, height), interpolation=cv2.INTER_AREA)


def check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"mask must be one of {', '.join(KINDS)}, not {kind!r}")
