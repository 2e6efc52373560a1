"""A small JPEG of one picture with boxes drawn on it, for review screens.

A reviewer of a masking job looks at a strip of frames with the detections drawn on them
(R-304); `hogo.redact.frame_at` fetches the picture. The JPEG is made in memory, so
no plaintext picture touches the disk. Framework-free.
"""

from __future__ import annotations

from collections.abc import Iterable

import cv2
import numpy as np

Box = tuple[int, int, int, int]


def thumbnail_jpeg(frame: np.ndarray, boxes: Iterable[tuple[Box, str]] = (), *,
                   width: int = 480, quality: int = 80) -> bytes:
    """A JPEG `width` pixels wide with each (box, label) drawn and labelled."""
    height = max(1, round(frame.shape[0] * width / frame.shape[1]))
    scale = width / frame.shape[1]
    small = cv2.resize(frame, (width, height), interpolation=cv2.INTER_AREA)
    for (x0, y0, x1, y1), label in boxes:
        top_left = (int(x0 * scale), int(y0 * scale))
        bottom_right = (int(x1 * scale), int(y1 * scale))
        cv2.rectangle(small, top_left, bottom_right, (0, 0, 255), 2)
        cv2.putText(small, label, (top_left[0], max(10, top_left[1] - 3)),
                    cv2.FONT_HERSHEY_SIMPLEX, 0.4, (0, 0, 255), 1, cv2.LINE_AA)
    ok, encoded = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError("could not encode the thumbnail")
    return encoded.tobytes()
