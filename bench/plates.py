"""Benchmark of licence-plate detectors (R-607) that ship without run-time downloads.

Candidates, each run the same way on the same frames:
  classical   hogo.redact.plates.detect_plates (gradient blobs verified as Japanese plates)
  haar-rus    OpenCV's haarcascade_russian_plate_number.xml, shipped in cv2.data of OpenCV 4.x
  haar-rus16  OpenCV's haarcascade_license_plate_rus_16stages.xml, likewise
OpenCV 5 removed CascadeClassifier from its main modules (and the cascades from cv2.data), so
under the project's opencv-python-headless 5.x the Haar rows say "not available"; run this
script with an OpenCV 4.x interpreter to measure them (it needs only numpy, cv2 and av).

(a) the synthetic set of hogo/redact/tests/test_plates.py: 1280x720 clutter with drawn
    Japanese plates (white, green, yellow, black; 48-300 px wide) and as many plate-free
    frames: recall and precision at IoU >= 0.5, false boxes per plate-free frame, ms/frame.
(b) car-detection.mp4 from ../shared/data/video (CC BY 4.0; US plates seen from above, not
    Japanese ones), every STEP-th frame scaled to 1280x720: ms/frame and detections; annotated
    frames are written to a temporary folder to look at. Never asserts a timing.

    .venv/bin/python bench/plates.py [--step 10] [--out DIR]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import av
import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hogo.redact.plates import detect_plates  # noqa: E402
from hogo.redact.tests.test_plates import iou, synthetic_set  # noqa: E402

STREET = Path(__file__).resolve().parents[2] / "shared" / "data" / "video" / "car-detection.mp4"
Detector = Callable[[np.ndarray], list[tuple]]


def haar(name: str) -> Detector | str:
    """A Haar cascade shipped in cv2.data, or why it cannot be had here."""
    if not hasattr(cv2, "CascadeClassifier"):
        return f"not available in OpenCV {cv2.__version__} (no CascadeClassifier)"
    path = os.path.join(getattr(cv2.data, "haarcascades", ""), name)
    if not os.path.exists(path):
        return f"{name} not shipped with OpenCV {cv2.__version__}"
    cascade = cv2.CascadeClassifier(path)

    def detect(frame: np.ndarray) -> list[tuple]:
        grey = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
        found = cascade.detectMultiScale(grey, scaleFactor=1.1, minNeighbors=3, minSize=(24, 8))
        return [(int(x), int(y), int(x + w), int(y + h), 1.0) for x, y, w, h in found]

    return detect


def synthetic(detect: Detector) -> dict[str, float]:
    with_plates, empty = synthetic_set()
    truth = found = hits = right = false_empty = 0
    seconds = 0.0
    for scene in with_plates + empty:
        started = time.perf_counter()
        boxes = detect(scene.image)
        seconds += time.perf_counter() - started
        truth += len(scene.plates)
        found += len(boxes)
        hits += sum(any(iou(t, b[:4]) >= 0.5 for b in boxes) for t in scene.plates)
        right += sum(any(iou(t, b[:4]) >= 0.5 for t in scene.plates) for b in boxes)
        if not scene.plates:
            false_empty += len(boxes)
    frames = len(with_plates) + len(empty)
    return {"recall": hits / truth, "precision": right / found if found else 1.0,
            "false/empty frame": false_empty / len(empty), "ms/frame": 1000 * seconds / frames,
            "plates": truth}


def street_frames(step: int) -> list[np.ndarray]:
    frames = []
    with av.open(str(STREET)) as container:
        for i, frame in enumerate(container.decode(video=0)):
            if i % step == 0:
                frames.append(cv2.resize(frame.to_ndarray(format="bgr24"), (1280, 720),
                                         interpolation=cv2.INTER_LINEAR))
    return frames


def street(name: str, detect: Detector, frames: list[np.ndarray], out: Path) -> dict[str, float]:
    detect(frames[0])  # warm-up
    seconds, counts = 0.0, []
    for i, frame in enumerate(frames):
        started = time.perf_counter()
        boxes = detect(frame)
        seconds += time.perf_counter() - started
        counts.append(len(boxes))
        if i % 4 == 0:
            shown = frame.copy()
            for x0, y0, x1, y1, score in boxes:
                cv2.rectangle(shown, (x0, y0), (x1, y1), (0, 0, 255), 2)
                cv2.putText(shown, f"{score:.2f}", (x0, max(12, y0 - 4)),
                            cv2.FONT_HERSHEY_SIMPLEX, 0.5, (0, 0, 255), 1)
            cv2.imwrite(str(out / f"{name}_{i:03d}.png"), shown)
    return {"ms/frame": 1000 * seconds / len(frames), "detections": sum(counts),
            "frames with any": sum(c > 0 for c in counts), "frames": len(frames)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--step", type=int, default=10, help="use every STEP-th street frame")
    parser.add_argument("--out", type=Path, help="folder for annotated frames (default: temp)")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="hogo-plates-"))
    out.mkdir(parents=True, exist_ok=True)

    candidates: dict[str, Detector | str] = {
        "classical": detect_plates,
        "haar-rus": haar("haarcascade_russian_plate_number.xml"),
        "haar-rus16": haar("haarcascade_license_plate_rus_16stages.xml"),
    }
    frames = street_frames(args.step) if STREET.exists() else []
    print(f"OpenCV {cv2.__version__}, numpy {np.__version__}; cv2 threads {cv2.getNumThreads()}")
    print("(a) synthetic 1280x720 set: Japanese-style plates on clutter, and plate-free clutter")
    print(f"{'detector':<12}{'recall':>8}{'precision':>11}{'false/empty':>13}{'ms/frame':>10}")
    for name, detect in candidates.items():
        if isinstance(detect, str):
            print(f"{name:<12}  {detect}")
            continue
        r = synthetic(detect)
        print(f"{name:<12}{r['recall']:>8.2f}{r['precision']:>11.2f}"
              f"{r['false/empty frame']:>13.2f}{r['ms/frame']:>10.1f}   ({r['plates']} plates)")
    if not frames:
        print(f"(b) skipped: {STREET} not present")
        return
    print(f"(b) {STREET.name}, every {args.step}th frame scaled to 1280x720 ({len(frames)} "
          "frames; US plates seen from above)")
    print(f"{'detector':<12}{'ms/frame':>10}{'detections':>12}{'frames with any':>17}")
    for name, detect in candidates.items():
        if isinstance(detect, str):
            print(f"{name:<12}  {detect}")
            continue
        r = street(name, detect, frames, out)
        print(f"{name:<12}{r['ms/frame']:>10.1f}{r['detections']:>12}"
              f"{r['frames with any']:>11}/{r['frames']}")
    print(f"annotated frames: {out}")


if __name__ == "__main__":
    main()
