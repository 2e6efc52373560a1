"""Single frames for review screens: the Nth picture of a clip, and a small JPEG of it.

A reviewer of a masking job looks at a strip of frames with the detections drawn on them
(issue 6, item 4). Decoding a two-minute copy up to frame 3,000 would take seconds per
picture, so `frame_at` seeks to the keyframe before the wanted time and decodes at most one
group of pictures. Sources are file objects (a decrypting reader), so no plaintext picture
ever touches the disk; the JPEG is made in memory. Framework-free.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from typing import BinaryIO

import av
import cv2
import numpy as np

Box = tuple[int, int, int, int]


class FrameError(Exception):
    """The frame cannot be read (index beyond the clip, unreadable file)."""


def frame_at(source: BinaryIO, index: int) -> np.ndarray:
    """The frame with presentation index `index` (0-based), as a BGR array."""
    if index < 0:
        raise FrameError("frame index must not be negative")
    source.seek(0)
    with av.open(source, "r") as container:
        if not container.streams.video:
            raise FrameError("no video stream")
        stream = container.streams.video[0]
        rate = Fraction(stream.average_rate or stream.guessed_rate or 30)
        base = stream.time_base
        start = stream.start_time or 0
        target = start + int(Fraction(index) / rate / base)
        container.seek(target, stream=stream, backward=True, any_frame=False)
        last = None
        for frame in container.decode(stream):
            if frame.pts is None:
                continue
            at = round((frame.pts - start) * base * rate)
            last = frame
            if at >= index:
                return frame.to_ndarray(format="bgr24")
        if last is not None and index == 0:
            return last.to_ndarray(format="bgr24")
    raise FrameError(f"frame {index} is beyond the end of the clip")


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
        raise FrameError("could not encode the thumbnail")
    return encoded.tobytes()
