"""The detection stage of the pipeline, on worker threads, and the CPU clock of all stages.

`Detections` looks for faces (CenterFace) and plates on the frames the pipeline hands it, on
`workers` threads of its own, and gives the results back in the order the frames came: the
tracker needs them in frame order, the detector does not. onnxruntime runs each inference on
the thread that asks for it (one intra-op thread, see `faces.FaceDetector`), so two workers
use two cores for the analysis alone, and one worker beside the encoder leaves libx264 the
rest; no thread spins waiting for work. Beside the encoder the worker is also made nicer
(`nice`): libx264 is the limit of a one-pass run and its threads wait on each other, so a
detection that takes a core from them costs more than it saves; detection catches up while
the encoder works through its queue. At most two batches per worker are in flight, so the
frames held for detection stay few.

`StageClock` adds up CPU seconds per stage (decode, detect, plates, track, mask, encode):
each stage is timed with `time.thread_time` on the thread that does it, so a stage's figure is
the CPU it used, not the time it spent waiting for a core on a busy machine. libx264 (and
FFmpeg's muxer) work on threads of their own that Python cannot time one by one: `encode` is
the process's CPU time less every other stage, so it is only the encoder's when the process
does nothing else meanwhile (the benchmark's child processes; a worker process masking one
clip).
"""

from __future__ import annotations

import collections
import concurrent.futures
import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterator

import av
import numpy as np

from hogo.redact import faces

PlateFinder = Callable[..., list[tuple[int, int, int, int, float]]]  # (frame_bgr, masked=)
Found = tuple[int, np.ndarray, list[tuple[int, int, int, int, float]]]  # frame, faces, plates
Region = tuple[int, int, int, int]
STAGES = ("decode", "detect", "plates", "track", "mask", "encode")
SURE_FACE = 0.5  # a face scoring this much is masked for sure: no plate is looked for in it


class StageClock:
    """CPU seconds per stage, summed over the threads that did each, since it was made.

    Make it on the thread that runs the pipeline's main loop: `report()`, called there at the
    end, counts that thread's CPU not timed as a stage as `other`, and what no thread of ours
    accounts for (libx264's threads, the muxer) as `rest` (the encode stage, by default).
    """

    def __init__(self) -> None:
        self.seconds: dict[str, float] = collections.defaultdict(float)
        self._lock = threading.Lock()
        self._main = time.thread_time()
        self._process = time.process_time()
        self._wall = time.perf_counter()
        self._main_timed = 0.0

    @contextlib.contextmanager
    def timing(self, stage: str, *, main: bool = False) -> Iterator[None]:
        """Time the block's CPU on this thread as `stage` (`main`: on the main loop's thread)."""
        started = time.thread_time()
        try:
            yield
        finally:
            spent = time.thread_time() - started
            self.add(stage, spent)
            if main:
                self._main_timed += spent

    def add(self, stage: str, seconds: float) -> None:
        with self._lock:
            self.seconds[stage] += seconds

    def report(self, rest: str = "encode") -> dict[str, float]:
        """{stage: CPU seconds} for every stage, `other` (the main thread's CPU not timed as a
        stage) and `rest` (CPU no thread of ours accounts for), then `cpu` and `wall` (the
        run's process CPU and elapsed seconds), rounded to milliseconds. Call on the main
        thread."""
        main = time.thread_time() - self._main
        process = time.process_time() - self._process
        with self._lock:
            stages = {name: self.seconds.get(name, 0.0) for name in STAGES}
        stages["other"] = max(0.0, main - self._main_timed)
        stages[rest] = stages.get(rest, 0.0) + max(0.0, process - sum(stages.values()))
        return {**{k: round(v, 3) for k, v in stages.items()}, "cpu": round(process, 3),
                "wall": round(time.perf_counter() - self._wall, 3)}


class Detections:
    """Faces and plates on chosen frames, found on worker threads, handed back in order.

    `submit(index, frame)` queues a frame (frames are detected `batch` at a time, in one
    inference); with `regions` (x0, y0, x1, y1 in the shrunk picture's pixels) only those
    parts of it are looked at, each on its own (`faces.FaceDetector.detect_regions`); with
    `shrink` the picture is shrunk that much more (regions too) for it; with
    `plates=False` no plates are looked for.
    `ready()` yields the results that are done, oldest first, without waiting; `drain()`
    waits for all. A worker's error is raised by `ready`/`drain`.
    """

    def __init__(self, detector: faces.FaceDetector, plates: PlateFinder | None,
                 size: tuple[int, int], scale: float, clock: StageClock, *, workers: int = 1,
                 batch: int = 1, nice: int = 0) -> None:
        self.detector, self.plates = detector, plates
        self.size, self.scale, self.batch = size, scale, batch
        self.clock = clock
        self._pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=workers, thread_name_prefix="hogo-redact-detect",
            initializer=_lower_priority, initargs=(nice,))
        self._limit = 2 * workers
        self._waiting: list[tuple[int, av.VideoFrame]] = []
        self._regions: list[Region] | None = None
        self._plates, self._shrink = True, 1
        self._running: collections.deque[concurrent.futures.Future[list[Found]]] = (
            collections.deque())
        self._done: collections.deque[Found] = collections.deque()

    def submit(self, index: int, frame: av.VideoFrame, regions: list[Region] | None = None,
               *, plates: bool = True, shrink: int = 1) -> None:
        if regions is not None or not plates:
            if self._waiting:
                self._start()
            self._regions, self._plates, self._shrink = regions, plates, shrink
        self._waiting.append((index, frame))
        if len(self._waiting) >= self.batch or regions is not None or not plates:
            self._start()

    def ready(self) -> Iterator[Found]:
        """The results finished so far, in submission order (waits for none)."""
        while self._running and self._running[0].done():
            self._done.extend(self._running.popleft().result())
        while self._done:
            yield self._done.popleft()

    def drain(self) -> Iterator[Found]:
        """Every result still to come, in submission order (waits for them)."""
        if self._waiting:
            self._start()
        while self._running:
            self._done.extend(self._running.popleft().result())
        while self._done:
            yield self._done.popleft()

    def close(self) -> None:
        for future in self._running:
            future.cancel()
        self._pool.shutdown(wait=True)

    def _start(self) -> None:
        while len(self._running) >= self._limit:  # bounded: wait for the oldest to finish
            self._done.extend(self._running.popleft().result())
        self._running.append(self._pool.submit(self._look, self._waiting, self._regions,
                                               self._plates, self._shrink))
        self._waiting, self._regions, self._plates, self._shrink = [], None, True, 1

    def _look(self, frames: list[tuple[int, av.VideoFrame]], regions: list[Region] | None,
              plates_too: bool, shrink: int = 1) -> list[Found]:
        if regions == [] and not plates_too:  # nothing tracked to look around
            return [(index, np.empty((0, 5), np.float32), []) for index, _ in frames]
        width, height = self.size[0] // shrink, self.size[1] // shrink
        scale = self.scale * width / self.size[0]
        if regions is not None and shrink > 1:
            regions = [(x0 // shrink, y0 // shrink, -(-x1 // shrink), -(-y1 // shrink))
                       for x0, y0, x1, y1 in regions]
        with self.clock.timing("detect"):
            pictures = [frame.reformat(width=width, height=height, format="rgb24").to_ndarray()
                        for _, frame in frames]
            if regions is None:
                found = self.detector.detect(pictures, scale)
            else:
                found = [self.detector.detect_regions(pictures[0], regions, scale)]
        plates: list[list[tuple[int, int, int, int, float]]] = [[] for _ in frames]
        if self.plates is not None and plates_too:
            with self.clock.timing("plates"):
                # not inside a sure face (masked anyway, and its eyes and mouth give many
                # candidates); a weak one may be a reviewer's to remove, so it is looked in
                plates = [self.plates(frame.to_ndarray(format="bgr24"),
                                      masked=boxes[boxes[:, 4] >= SURE_FACE])
                          for (_, frame), boxes in zip(frames, found, strict=True)]
        return [(index, boxes, plate) for (index, _), boxes, plate in zip(frames, found, plates,
                                                                          strict=True)]


def _lower_priority(nice: int) -> None:
    """Make the calling thread `nice` steps nicer (Linux: a thread's own priority; elsewhere,
    or where it is refused, nothing changes)."""
    if nice <= 0 or not hasattr(os, "setpriority"):
        return
    with contextlib.suppress(OSError):
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, os.getpriority(os.PRIO_PROCESS, tid) + nice)
