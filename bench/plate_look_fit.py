"""Fit the learned look of the plate detector (hogo/redact/plate_look.py) and write its weights.

Why here: the weights are ours, fitted by this script on data it makes, so that anyone with
the sample clips can make them again and see what they rest on. Nothing is downloaded.

What it is fitted on (none of it is in the parts bench/plates.py measures):
  - bench/plate_set.py's rendered plates on the tuning cars and halves of the clips, with
    seeds of its own (cars 5000-5059, roads 5100-5179, plate-free 5200-5219; the measured
    "tuning" part uses 0-5, 100-109, 200-203 and "held-out" other cars and halves);
  - drawn plate scenes and clutter of hogo/redact/tests/test_plates.py with other seeds than
    its tests (70000 and up, 90000 and up);
  - every 4th frame of the sample face clips, scaled to 1280x720: no plates in them.
Every region the second look weighs (`plates.second_look`) is a sample: a plate when its box
matches a plate at least 20 px wide (IoU >= 0.5, or the plate at least 90 % inside a box at
most 3 times its area); not a plate when it keeps clear of every plate or lies inside one
and is under half its size (a row or some characters: masked, it would leave the rest); left
out otherwise. The model is a logistic regression on `plate_look.description`
(standardised; L2 penalty, ten times as strong on the gradients, which otherwise learn the
training cars' bodies; Adam, a fixed number of steps: the same data give the same weights).

    .venv/bin/python bench/plate_look_fit.py [--out hogo/redact/plate_look.json]

Needs ../shared/data/video and the IPA Gothic font, as bench/plate_set.py does; prints the
samples and the fit's accuracy on them. Measure the detector afterwards with bench/plates.py.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import av
import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import plate_set  # noqa: E402
from hogo.redact import plate_look, plates  # noqa: E402
from hogo.redact.tests import test_plates as drawn  # noqa: E402

SEEDS = {"car": range(5000, 5060), "road": range(5100, 5180), "empty": range(5200, 5220)}
DRAWN_ROUNDS, CLUTTER_PER_ROUND = 12, 30
FACE_CLIPS = ("face-demographics-walking.gif", "head-pose-face-detection-female-and-male.gif",
              "people-detection.gif")
MIN_PLATE = 20  # px: narrower plates are not taught
L2, GRADIENT_PENALTY, STEPS, RATE = 3e-3, 10.0, 3000, 0.05
Box = tuple[int, int, int, int]


def frames() -> Iterator[tuple[np.ndarray, list[Box]]]:
    """Every training frame with its plates' boxes."""
    sequences = {"car": plate_set.car_sequence, "road": plate_set.road_sequence,
                 "empty": plate_set.empty_sequence}
    for kind, seeds in SEEDS.items():
        for seed in seeds:
            for frame in sequences[kind](seed, "tuning"):
                yield frame.image, [p.box for p in frame.plates]
    for i in range(DRAWN_ROUNDS):
        for s, style in enumerate(drawn.STYLES):
            for j, widths in enumerate((drawn.WIDTHS[:3] + drawn.WIDTHS[4:5],
                                        drawn.WIDTHS[3:4] + drawn.WIDTHS[5:])):
                scene = drawn.plate_scene(70000 + 100 * i + 10 * s + j, style, widths)
                yield scene.image, [tuple(p) for p in scene.plates]
        for k in range(CLUTTER_PER_ROUND):
            yield drawn.clutter(np.random.default_rng(90000 + 10 * i + k)), []
    for name in FACE_CLIPS:
        with av.open(str(plate_set.SAMPLES / name)) as container:
            for n, frame in enumerate(container.decode(video=0)):
                if n % 4 == 0:
                    image = frame.to_ndarray(format="bgr24")
                    yield cv2.resize(image, plate_set.SIZE, interpolation=cv2.INTER_AREA), []


def _area(b: Box) -> int:
    return (b[2] - b[0]) * (b[3] - b[1])


def _shared(a: Box, b: Box) -> int:
    return max(0, min(a[2], b[2]) - max(a[0], b[0])) * max(0, min(a[3], b[3]) - max(a[1], b[1]))


def label(box: Box, truth: list[Box]) -> int | None:
    """1: the box is a plate's; 0: it keeps clear of every plate, or is a piece of one under
    half its size; None: between the two."""
    for t in truth:
        shared = _shared(box, t)
        union = _area(box) + _area(t) - shared
        if t[2] - t[0] >= MIN_PLATE and (shared >= 0.5 * union or (
                shared >= 0.9 * _area(t) and _area(box) <= 3 * _area(t))):
            return 1
    if all(_shared(box, t) < 0.3 * min(_area(box), _area(t)) and
           _shared(box, t) < 0.1 * (_area(box) + _area(t)) for t in truth):
        return 0
    if any(_shared(box, t) >= 0.8 * _area(box) and _area(box) < 0.5 * _area(t) for t in truth):
        return 0  # a piece of a plate (a row, some characters): masked, it leaves the rest
    return None


def samples() -> tuple[np.ndarray, np.ndarray]:
    described, labels = [], []
    for image, truth in frames():
        for features, box, _part in plates.second_look(image):
            y = label(box, truth)
            if y is not None:
                described.append(plate_look.description(plates.traits(features),
                                                        features["picture"]))
                labels.append(y)
    return np.array(described), np.array(labels, np.float64)


def fit(x: np.ndarray, y: np.ndarray, penalty: np.ndarray) -> tuple[np.ndarray, float]:
    """Logistic regression on standardised columns by Adam; weights on the raw columns."""
    mean, spread = x.mean(axis=0), x.std(axis=0) + 1e-6
    z = (x - mean) / spread
    w, b = np.zeros(z.shape[1]), 0.0
    m, v, mb, vb = np.zeros_like(w), np.zeros_like(w), 0.0, 0.0
    for t in range(1, STEPS + 1):
        p = 1.0 / (1.0 + np.exp(-(z @ w + b)))
        g, gb = z.T @ (p - y) / len(y) + L2 * penalty * w, float(np.mean(p - y))
        m, v = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g * g
        mb, vb = 0.9 * mb + 0.1 * gb, 0.999 * vb + 0.001 * gb * gb
        w -= RATE * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
        b -= RATE * (mb / (1 - 0.9 ** t)) / (np.sqrt(vb / (1 - 0.999 ** t)) + 1e-8)
    return w / spread, float(b - (mean / spread) @ w)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=plate_look.WEIGHTS)
    args = parser.parse_args()
    if not plate_set.available():
        print(f"the sample clips are not in {plate_set.SAMPLES} (or {plate_set.FONT} is "
              "missing): nothing to fit on")
        return 1
    x, y = samples()
    gradients = plate_look.gradients(np.zeros(plate_look.PATCH[::-1], np.uint8)).size
    traits = x.shape[1] - gradients - plate_look.LIGHTNESS[0] * plate_look.LIGHTNESS[1]
    penalty = np.ones(x.shape[1])
    penalty[traits:traits + gradients] = GRADIENT_PENALTY
    weights, bias = fit(x, y, penalty)
    right = float(np.mean(((x @ weights + bias) > 0) == (y > 0.5)))
    print(f"{len(y)} regions ({int(y.sum())} plates); right on {right:.1%} of them at 0.5")
    args.out.write_text(json.dumps({
        "fitted_by": "bench/plate_look_fit.py",
        "fitted_on": f"{int(y.sum())} plate and {int(len(y) - y.sum())} other regions: "
                     "bench/plate_set.py seeds 5000-5219 (tuning cars and halves), drawn "
                     "scenes 70000+ and clutter 90000+, the sample face clips",
        "date": datetime.date.today().isoformat(),
        "description": f"{traits} traits (plates.traits), gradients, lightness "
                       f"{plate_look.LIGHTNESS[0]}x{plate_look.LIGHTNESS[1]}",
        "bias": round(bias, 6), "weights": [round(float(w), 6) for w in weights],
    }, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
