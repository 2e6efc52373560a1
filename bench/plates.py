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
    frames are written to a temporary folder to look at.
(c) the rendered Japanese plates of bench/plate_set.py on the sample clips (perspective, blur,
    motion, lighting, H.264 or JPEG; both parts: "tuning", which the detector was tuned on,
    and "held-out", other cars, other halves of the clips, other seeds; the learned look is
    fitted on seeds of neither, bench/plate_look_fit.py): recall at IoU >= 0.5
    and "covered" (the plate's box at least 90 % inside one detection: what masking needs),
    overall, by width band (< 40, 40-80, >= 80 px) and by colour; false positives per frame
    (a detection that neither matches nor covers a plate) on frames with and without plates;
    ms/frame. Needs Pillow (the `bench` extra) and the IPA Gothic font (fonts-ipafont-gothic).
When ../shared/data/video is absent, (b) and (c) say so and the script exits 0. Never asserts
a timing.

    .venv/bin/python bench/plates.py [--step 10] [--out DIR] [--no-rendered]
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

from bench import plate_set  # noqa: E402
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


def inside(truth: tuple[int, ...], box: tuple[int, ...]) -> float:
    """The share of `truth`'s area that lies inside `box`."""
    ix = max(0, min(truth[2], box[2]) - max(truth[0], box[0]))
    iy = max(0, min(truth[3], box[3]) - max(truth[1], box[1]))
    return ix * iy / ((truth[2] - truth[0]) * (truth[3] - truth[1]))


def band(width: int) -> str:
    return "<40" if width < 40 else ("40-80" if width < 80 else ">=80")


def rendered(detect: Detector, part: str) -> dict[str, object]:
    """Recall, covered, false positives and ms/frame of `detect` on one part of the set."""
    counts: dict[str, list[int]] = {}  # group: [plates, matched, covered]
    false_with = false_without = with_plates = without = 0
    seconds = 0.0
    for frame in plate_set.plate_set(part):
        started = time.perf_counter()
        boxes = detect(frame.image)
        seconds += time.perf_counter() - started
        for plate in frame.plates:
            hit = any(iou(plate.box, b[:4]) >= 0.5 for b in boxes)
            cover = any(inside(plate.box, b[:4]) >= 0.9 for b in boxes)
            groups = ["all", band(plate.width), plate.colour]
            if plate.width >= 40:
                groups.append(">=40")
            for group in groups:
                c = counts.setdefault(group, [0, 0, 0])
                c[0], c[1], c[2] = c[0] + 1, c[1] + hit, c[2] + cover
        false = sum(not any(iou(p.box, b[:4]) >= 0.5 or inside(p.box, b[:4]) >= 0.9
                            for p in frame.plates) for b in boxes)
        if frame.plates:
            false_with, with_plates = false_with + false, with_plates + 1
        else:
            false_without, without = false_without + false, without + 1
    return {"groups": counts, "false/frame with": false_with / max(1, with_plates),
            "false/frame without": false_without / max(1, without),
            "frames": with_plates + without, "ms/frame": 1000 * seconds / (with_plates + without)}


def print_rendered(candidates: dict[str, Detector | str]) -> None:
    missing = [] if plate_set.available() else [str(plate_set.SAMPLES)]
    try:
        import PIL  # noqa: F401
    except ImportError:
        missing.append("Pillow (pip install -e '.[bench]')")
    if missing:
        print(f"(c) skipped: needs {' and '.join(missing)}")
        return
    order = ["all", ">=40", "<40", "40-80", ">=80", *plate_set.COLOURS]
    for part in plate_set.PARTS:
        print(f"(c) rendered Japanese plates, part {part!r} (bench/plate_set.py): recall at "
              "IoU >= 0.5 / covered (box >= 90 % inside a detection), plates in brackets")
        for name, detect in candidates.items():
            if isinstance(detect, str):
                print(f"{name:<12}  {detect}")
                continue
            r = rendered(detect, part)
            groups = r["groups"]
            cells = [f"{g} {groups[g][1] / groups[g][0]:.2f}/{groups[g][2] / groups[g][0]:.2f}"
                     f" ({groups[g][0]})" for g in order if g in groups]
            print(f"{name:<12}" + "; ".join(cells))
            print(f"{'':<12}false/frame {r['false/frame with']:.3f} with plates, "
                  f"{r['false/frame without']:.3f} without; {r['ms/frame']:.1f} ms/frame "
                  f"({r['frames']} frames)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--step", type=int, default=10, help="use every STEP-th street frame")
    parser.add_argument("--out", type=Path, help="folder for annotated frames (default: temp)")
    parser.add_argument("--no-rendered", action="store_true", help="skip (c), the rendered set")
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
        print(f"(b) skipped: {STREET} not present (the sample clips are only in the dev setup)")
        print(f"(c) skipped: the rendered set is made from the sample clips in {STREET.parent}")
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
    if not args.no_rendered:
        print_rendered(candidates)


if __name__ == "__main__":
    main()
