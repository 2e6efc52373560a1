"""Chunked masking: a long clip masked in pieces that separate processes do in parallel.

An hour of footage is one long analyse and one long render on one machine; cut at keyframes,
it is pieces of about a minute that any worker can take, and a piece lost with its worker is
redone alone. Each step is a unit of work on plain data, so a task queue can run one step per
piece (the Django side does, one background task each) and `redact_chunked` runs them here:

    plan           the cut points, from the packets alone (no decoding): keyframes only, and
                   only those no earlier-decoded frame is shown after (a closed group of
                   pictures), so a piece decodes on its own to exactly its frames
    cut            a piece's packets remuxed into an MP4 of its own, timestamps kept
    analyse_piece  `hogo.redact.analyse` on the piece, frame indices moved to the whole clip's
    stitch         the pieces' analyses as one: a track ending near a cut and one starting near
                   it at the same place (the tracker's own rule: gap, overlap or centre
                   distance) become one track, so a person crossing a cut counts once and the
                   mask has no hole there; each track's lead and trail run across the cuts
    render_piece   `hogo.redact.render` of one piece by the stitched analysis, so the boxes next
                   to a cut are the global track's; each piece starts with a keyframe of its own
    join           the rendered pieces' packets concatenated without re-encoding, on the
                   source's timestamps; the sound, when kept, copied once from the source

The output has the source's frames one for one (count and timestamps), as `redact`'s does. It
is not bit-identical to `redact`'s: the detector also looks at each piece's last frame, and the
encoder starts a group of pictures at each cut. Framework-free: imports no Django.
"""

from __future__ import annotations

import bisect
import concurrent.futures
import contextlib
import dataclasses
import heapq
import io
import multiprocessing
import os
import queue
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, BinaryIO

import av
import av.error

from hogo.redact import faces
from hogo.redact.pipeline import (
    Analysis,
    Progress,
    RedactError,
    Result,
    Settings,
    Source,
    analyse,
    render,
)
from hogo.redact.tracking import Track, Tracker, centre_distance, iou
from hogo.video.extract import _ReadView

_MP4_AUDIO = {"aac", "mp3", "alac", "opus", "ac3", "eac3", "flac"}  # as pipeline's
_REPORT_EVERY = 10  # frames between a worker's progress messages


@dataclass(frozen=True)
class Piece:
    """One piece of a clip: frames `first`..`first + frames - 1` of the whole clip (in
    presentation order), the packets with `start_pts <= pts < end_pts` in `time_base`.

    Plain data (`to_dict`/`from_dict`, JSON) so a database row can hold it. A clip whose
    packets carry no timestamps is one piece with no bounds (None): the whole clip.
    """

    index: int
    first: int
    frames: int
    start_pts: int | None
    end_pts: int | None
    time_base: Fraction

    @property
    def last(self) -> int:
        return self.first + self.frames - 1

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "first": self.first, "frames": self.frames,
                "start_pts": self.start_pts, "end_pts": self.end_pts,
                "time_base": str(self.time_base)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Piece:
        start, end = data["start_pts"], data["end_pts"]
        return cls(index=int(data["index"]), first=int(data["first"]),
                   frames=int(data["frames"]), start_pts=None if start is None else int(start),
                   end_pts=None if end is None else int(end),
                   time_base=Fraction(data["time_base"]))


# -- plan and cut ------------------------------------------------------------------------------


def plan(source: Source, seconds: float = 60.0) -> list[Piece]:
    """The pieces of `source`, about `seconds` long each, cut at clean keyframes only.

    Reads the packets, decodes nothing. While at least 1.5 × `seconds` are left, a cut goes
    at the clean keyframe nearest to the piece's start plus `seconds` (unless less than half a
    piece would be left after it): so a clip shorter than 1.5 × `seconds` is one piece, and
    the last piece is between half and one and a half times `seconds` (keyframes allowing).
    A clip in open groups of pictures (B-frames after a keyframe shown before it, needing the
    group before) has no clean cut and stays one piece.
    """
    if seconds <= 0:
        raise ValueError("seconds must be positive")
    with _opened(source) as container:
        video = _video(container)
        tb = video.time_base or Fraction(1, 90000)
        packets = [(p.pts, p.is_keyframe, p.duration) for p in container.demux(video) if p.size]
    if not packets:
        raise RedactError("the source holds no video frames")
    if any(pts is None for pts, _, _ in packets):
        return [Piece(0, 0, len(packets), None, None, tb)]
    stamps = [pts for pts, _, _ in packets]
    ordered = sorted(stamps)
    step = max(packets, key=lambda p: p[0])[2] or (
        (ordered[-1] - ordered[0]) // max(1, len(ordered) - 1)) or 1
    origin, end = ordered[0], ordered[-1] + step
    clean = _clean_keyframes(packets)
    times = [float((stamps[i] - origin) * tb) for i in clean]
    total = float((end - origin) * tb)
    cuts, start = [0], 0.0
    while total - start >= 1.5 * seconds:  # else the rest is the last piece
        at = bisect.bisect_right(times, start)  # candidates after the current start
        if at == len(times):
            break
        near = min(range(at, len(times)), key=lambda k: abs(times[k] - start - seconds))
        if total - times[near] < seconds / 2:
            break
        cuts.append(clean[near])
        start = times[near]
    bounds = [stamps[i] for i in cuts] + [end]
    sizes = [b - a for a, b in zip(cuts, [*cuts[1:], len(packets)], strict=True)]
    return [Piece(k, cuts[k], sizes[k], bounds[k], bounds[k + 1], tb) for k in range(len(cuts))]


def _clean_keyframes(packets: list[tuple[int, bool, int]]) -> list[int]:
    """Indexes (decoding order) of keyframes every earlier packet is shown before and every
    later one at or after: cutting there splits the presentation order too."""
    later_min = [0] * len(packets)
    lowest = None
    for i in range(len(packets) - 1, -1, -1):
        lowest = packets[i][0] if lowest is None else min(lowest, packets[i][0])
        later_min[i] = lowest
    clean, earlier_max = [], packets[0][0]
    for i in range(1, len(packets)):
        pts, key, _ = packets[i]
        if key and earlier_max < pts <= later_min[i]:
            clean.append(i)
        earlier_max = max(earlier_max, pts)
    return clean


def cut(source: Source, piece: Piece, sink: Path | str | BinaryIO) -> int:
    """Remux the piece's packets (no re-encoding, timestamps kept) into an MP4 at `sink` (a
    path or an empty seekable binary file); the number of video frames written.

    Seeks to the keyframe at or before the piece's start, so a late piece costs no reading of
    the clip before it. Only the video track is written (the sound is copied once, by `join`).
    """
    start, end = piece.start_pts, piece.end_pts
    written = 0
    with _opened(source) as container:
        video = _video(container)
        try:
            with av.open(str(sink) if isinstance(sink, str | Path) else sink, "w",
                         format="mp4") as output:
                stream = output.add_stream_from_template(video)
                for packet in _packets_from(container, video, start):
                    if start is not None and packet.pts < start:
                        continue
                    if end is not None and packet.pts >= end:
                        break
                    if written == 0 and start is not None and packet.pts != start:
                        raise RedactError(f"piece {piece.index} does not start at a keyframe "
                                          f"of this clip")
                    packet.stream = stream
                    output.mux(packet)
                    written += 1
        except av.error.FFmpegError as error:
            raise RedactError(f"piece {piece.index} cannot be cut: {error}") from error
    if written != piece.frames:
        raise RedactError(f"piece {piece.index}: {written} frames cut, the plan says "
                          f"{piece.frames}")
    return written


def _packets_from(container: Any, video: Any, start: int | None) -> Iterator[Any]:
    """The video packets (with data) from the keyframe at or before `start`: by a seek, or
    from the clip's beginning where the seek lands late (a broken index)."""
    if start is not None and start > (video.start_time or 0):
        container.seek(start, stream=video, backward=True, any_frame=False)
        packets = (p for p in container.demux(video) if p.size)
        head = next(packets, None)
        if head is not None and head.pts is not None and head.pts <= start:
            yield head
            yield from packets
            return
        container.seek(video.start_time or 0, stream=video, backward=True, any_frame=False)
    yield from (p for p in container.demux(video) if p.size)


@contextlib.contextmanager
def _opened(source: Source) -> Iterator[Any]:
    try:
        if isinstance(source, str | Path):
            container = av.open(str(source), metadata_errors="replace")
        else:
            source.seek(0)
            container = av.open(source, metadata_errors="replace")
    except av.error.FFmpegError as error:
        raise RedactError(f"the source is not a readable video file ({error})") from error
    try:
        yield container
    finally:
        container.close()


def _video(container: Any) -> Any:
    videos = [s for s in container.streams.video
              if not s.disposition & av.stream.Disposition.attached_pic]
    if not videos:
        raise RedactError("the source holds no video track")
    return videos[0]


# -- analyse, stitch ---------------------------------------------------------------------------


def analyse_piece(source: Source, piece: Piece, settings: Settings | None = None,
                  progress: Progress | None = None) -> Analysis:
    """`hogo.redact.analyse` on one piece, its tracks in the whole clip's frame indices.

    `source` is the whole clip, or the piece's own file from `cut`. The analysis's
    frame_count and duration are the piece's; `record["piece"]` says which piece it is.
    """
    settings = settings or Settings()
    with io.BytesIO() as own:  # in memory: a copy's plaintext never reaches a disk
        cut(source, piece, own)
        own.seek(0)
        analysis = analyse(own, settings, progress)
    if analysis.frame_count != piece.frames:
        raise RedactError(f"piece {piece.index}: {analysis.frame_count} frames decoded, the "
                          f"plan says {piece.frames}")
    for track in analysis.tracks:
        _shift(track, piece.first)
    analysis.thumbnails = [index + piece.first for index in analysis.thumbnails]
    analysis.record = {**analysis.record, "piece": piece.to_dict()}
    return analysis


def _shift(track: Track, by: int) -> None:
    track.keyframes = [(frame + by, box, score) for frame, box, score in track.keyframes]
    track.first += by
    track.last += by


def stitch(analyses: Sequence[Analysis], pieces: Sequence[Piece]) -> Analysis:
    """One analysis of the whole clip from its pieces' (`analyse_piece`, in piece order).

    At each cut, tracks of the pieces before it whose last detection is within the tracker's
    gap of a track of the next piece's first detection, of the same kind, overlapping or near
    it (`Tracker`'s IoU and centre-distance limits), are joined, nearest pairs first and
    earliest detections first, as the tracker itself matches frame by frame. Then every
    detector track's lead and trail are set over the whole clip, so a mask that starts before
    a face's first detection or outlasts its last one does so across a cut too.
    """
    if not analyses or len(analyses) != len(pieces):
        raise ValueError("one analysis per piece is needed")
    for number, (analysis, piece) in enumerate(zip(analyses, pieces, strict=True)):
        expected = sum(p.frames for p in pieces[:number])
        if piece.index != number or piece.first != expected or (
                analysis.frame_count != piece.frames):
            raise ValueError(f"piece {number} does not follow the one before it")
    head = analyses[0]
    settings, rate = head.settings, head.frame_rate
    total = sum(p.frames for p in pieces)
    rules = Tracker()  # the tracker's own matching limits
    max_gap = max(settings.detect_every, round(settings.max_gap_seconds * float(rate)))
    tracks: list[Track] = []
    for analysis, piece in zip(analyses, pieces, strict=True):
        new = [_copy(t) for t in analysis.tracks]
        ending = [t for t in tracks if not t.removed and t.keyframes
                  and piece.first - t.keyframes[-1][0] <= max_gap]
        for track in _joined(ending, new, max_gap, rules):
            tracks.append(track)
    hold = max(settings.detect_every - 1, settings.persist)
    for track in tracks:
        if track.source == "detector" and track.keyframes:
            track.first = max(0, track.keyframes[0][0] - hold)
            track.last = min(total - 1, track.keyframes[-1][0] + hold)
    tracks.sort(key=lambda t: (t.kind != "face", t.first, t.keyframes[0][1][0]))
    for number, track in enumerate(tracks, start=1):
        track.id = number
    shown = sorted({i for a in analyses for i in a.thumbnails})
    return Analysis(frame_count=total, width=head.width, height=head.height, frame_rate=rate,
                    duration=float(total / rate), settings=settings, tracks=tracks,
                    thumbnails=_spread(shown, settings.thumbnails),
                    record={**{k: v for k, v in head.record.items() if k != "piece"},
                            "pieces": [p.to_dict() for p in pieces]},
                    seconds=sum(a.seconds for a in analyses))


def _joined(ending: list[Track], new: list[Track], max_gap: int, rules: Tracker) -> list[Track]:
    """Extend the `ending` tracks by the `new` ones that continue them; the rest of `new`."""
    free = list(ending)
    unmatched = []
    starts = sorted({t.keyframes[0][0] for t in new if t.keyframes and not t.removed})
    for frame in starts:
        group = [t for t in new if t.keyframes and not t.removed and t.keyframes[0][0] == frame]
        pairs = []
        for ai, before in enumerate(free):
            last_frame, last_box, _ = before.keyframes[-1]
            if frame - last_frame > max_gap:
                continue
            for bi, after in enumerate(group):
                if after.kind != before.kind:
                    continue
                box = after.keyframes[0][1]
                overlap, distance = iou(last_box, box), centre_distance(last_box, box)
                if overlap >= rules.min_iou or distance <= rules.max_distance:
                    pairs.append((-overlap, distance, ai, bi))
        used_a: set[int] = set()
        used_b: set[int] = set()
        for _, _, ai, bi in sorted(pairs):
            if ai in used_a or bi in used_b:
                continue
            used_a.add(ai)
            used_b.add(bi)
            before, after = free[ai], group[bi]
            before.keyframes.extend(after.keyframes)
            before.last = max(before.last, after.last)
        unmatched += [t for bi, t in enumerate(group) if bi not in used_b]
        free = [t for ai, t in enumerate(free) if ai not in used_a]
    unmatched += [t for t in new if not t.keyframes or t.removed]
    return unmatched


def _copy(track: Track) -> Track:
    return dataclasses.replace(track, keyframes=list(track.keyframes))


def _spread(frames: list[int], wanted: int) -> list[int]:
    if wanted <= 0 or not frames:
        return []
    if len(frames) <= wanted:
        return list(frames)
    if wanted == 1:
        return [frames[0]]
    return sorted({frames[round(i * (len(frames) - 1) / (wanted - 1))] for i in range(wanted)})


def piece_analysis(analysis: Analysis, piece: Piece) -> Analysis:
    """The whole clip's analysis as one piece sees it: frame 0 is the piece's first frame.

    Each track keeps its detections in the piece and the nearest one on either side, so the
    box on every frame of the piece is the whole track's (interpolated across the cut), not
    one the piece would have guessed alone. Removed tracks are left out.
    """
    trimmed = _trimmed(analysis, piece)
    for track in trimmed.tracks:
        _shift(track, -piece.first)
        track.first, track.last = max(0, track.first), min(piece.frames - 1, track.last)
    return dataclasses.replace(trimmed, frame_count=piece.frames,
                               duration=float(piece.frames / analysis.frame_rate))


def _trimmed(analysis: Analysis, piece: Piece) -> Analysis:
    """The whole clip's analysis with only what `piece` needs (still in the clip's frame
    indices): the tracks on its frames, each with its detections there and one either side."""
    if analysis.frame_count <= piece.last:
        raise ValueError(f"the analysis has {analysis.frame_count} frames: not the whole "
                         f"clip's, whose piece {piece.index} ends at frame {piece.last}")
    tracks = []
    for track in analysis.tracks:
        if track.removed or not track.keyframes or track.last < piece.first or (
                track.first > piece.last):
            continue
        frames = [k[0] for k in track.keyframes]
        begin = max(0, bisect.bisect_left(frames, piece.first) - 1)
        stop = bisect.bisect_right(frames, piece.last) + 1
        tracks.append(dataclasses.replace(track, keyframes=track.keyframes[begin:stop]))
    return dataclasses.replace(analysis, tracks=tracks, thumbnails=[])


# -- render, join ------------------------------------------------------------------------------


def render_piece(source: Source, piece: Piece, analysis: Analysis, settings: Settings | None,
                 sink: Path | str | BinaryIO, progress: Progress | None = None
                 ) -> dict[str, Any]:
    """Render one piece masked by the whole clip's `analysis` into the MP4 `sink`.

    `source` is the whole clip or the piece's file from `cut`; `analysis` is the whole clip's
    (the stitched one, reviewed or not), in the clip's frame indices. The piece is encoded
    from a keyframe of its own, without sound, by `settings`' encoder (the same for every
    piece: `join` needs one setting). A path `sink` is written under a temporary name and
    moved into place when complete, so a piece file that exists is whole; a file object must
    be empty, readable, writable and seekable. Rendering a piece again gives the same bytes
    (x264 is deterministic for one setting and thread count).
    """
    settings = dataclasses.replace(settings or analysis.settings, audio="drop")
    local = piece_analysis(analysis, piece)
    named = isinstance(sink, str | Path)
    target = Path(sink).with_name(f".{Path(sink).name}.partial") if named else sink
    try:
        with io.BytesIO() as own:  # in memory, as above
            cut(source, piece, own)
            own.seek(0)
            result = render(own, target, local, settings, progress)
        if result.frame_count != piece.frames:
            raise RedactError(f"piece {piece.index}: {result.frame_count} frames rendered, "
                              f"the plan says {piece.frames}")
    except BaseException:
        if named:
            Path(target).unlink(missing_ok=True)
        raise
    if named:
        os.replace(target, sink)
    return {"piece": piece.index, "frames": result.frame_count,
            "masked_frames": result.masked_frames, "seconds": round(result.seconds, 3),
            "path": str(sink) if named else None}


def join(piece_files: Sequence[Source], sink: Path | str | BinaryIO,
         source: Source | None = None, audio: str = "drop", check: bool = True) -> dict[str, Any]:
    """Concatenate the rendered pieces' packets into one MP4 at `sink`, re-encoding nothing.

    `piece_files` are paths or readable, seekable binary files (a decrypting reader), in order.

    Each piece's timestamps are moved to where its frames are in `source` (the n-th frame out
    has the source's n-th timestamp); without `source`, each piece follows the one before.
    The pieces must come from one encoder setting (the same codec parameters). `audio`
    (drop | copy | aac): the source's sound over the whole length, copied once (re-encoded to
    AAC where MP4 cannot carry it, or when asked). With `check`, the output is decoded in full
    and must give as many frames as the pieces hold (and as the source, when given).
    Returns the output's facts, JSON-ready: frames, frame_rate (as a string: "25/2"),
    duration, width, height, codec, audio.
    """
    if not piece_files:
        raise ValueError("no pieces to join")
    if audio not in ("drop", "copy", "aac"):
        raise ValueError(f"audio must be drop, copy or aac, not {audio!r}")
    starts = _source_stamps(source) if source is not None else None
    with contextlib.ExitStack() as stack:
        output = stack.enter_context(_output(sink))
        with _opened(piece_files[0]) as first:  # the codec parameters every piece must share
            template = first.streams.video[0]
            video = output.add_stream_from_template(template)
            tb, extradata = template.time_base, template.codec_context.extradata
        video.time_base = tb
        sound: Iterator[tuple[Fraction, Any]] = iter(())
        encoder, note = None, "dropped"
        if source is not None and audio != "drop":
            sound, encoder, note = _sound(stack, source, output, audio)
        frames = _video_packets(piece_files, tb, extradata, starts, video)
        written = 0
        for _, item in heapq.merge(frames, sound, key=lambda pair: pair[0]):
            if isinstance(item, av.AudioFrame):
                output.mux(encoder.encode(item))
                continue
            written += item.stream is video
            output.mux(item)
        if encoder is not None:
            output.mux(encoder.encode(None))
    if starts is not None and written != len(starts):
        raise RedactError(f"the pieces hold {written} frames, the source {len(starts)}")
    facts = {**_facts(sink, check), "audio": note}
    if facts["frames"] != written:
        raise RedactError(f"the joined file decodes to {facts['frames']} frames, not {written}")
    return facts


def _source_stamps(source: Source) -> list[Fraction]:
    """The source's video timestamps in presentation order, in seconds."""
    with _opened(source) as container:
        video = _video(container)
        tb = video.time_base or Fraction(1, 90000)
        stamps = sorted(p.pts for p in container.demux(video) if p.size and p.pts is not None)
    return [pts * tb for pts in stamps]


def _video_packets(piece_files: Sequence[Source], tb: Fraction, extradata: bytes | None,
                   starts: list[Fraction] | None, stream: Any) -> Iterator[tuple[Fraction, Any]]:
    """(decoding time, packet) of every piece in turn, its timestamps moved into place."""
    done = 0  # frames of the pieces before
    follows: int | None = None  # where the previous piece ended (used without a source)
    last_dts: int | None = None
    for number, path in enumerate(piece_files):
        with _opened(path) as container:
            video = container.streams.video[0]
            if video.codec_context.extradata != extradata or video.time_base != tb:
                raise RedactError(f"piece {number} was encoded with other settings")
            packets = [p for p in container.demux(video) if p.size]
        if not packets or any(p.pts is None for p in packets):
            raise RedactError(f"piece {number} holds no timed frames")
        first = min(p.pts for p in packets)
        if starts is not None:
            if done + len(packets) > len(starts):
                raise RedactError("the pieces hold more frames than the source")
            offset = round(starts[done] / tb) - first
        else:
            offset = 0 if follows is None else follows - first
        for packet in packets:
            packet.pts += offset
            packet.dts = packet.pts if packet.dts is None else packet.dts + offset
            if last_dts is not None and packet.dts <= last_dts:
                raise RedactError(f"piece {number} overlaps the one before it")
            last_dts = packet.dts
            packet.stream = stream
            yield packet.dts * tb, packet
        follows = max(p.pts + (p.duration or 0) for p in packets)
        done += len(packets)


def _sound(stack: contextlib.ExitStack, source: Source, output: Any, wanted: str
           ) -> tuple[Iterator[tuple[Fraction, Any]], Any, str]:
    """The source's sound for `join`: (time, packet to copy or frame to encode) in order, the
    AAC encoder's stream when it is re-encoded, and what was done, in words."""
    container = stack.enter_context(_opened(source))
    if not container.streams.audio:
        return iter(()), None, "none in source"
    track = container.streams.audio[0]
    name = track.codec_context.name
    if wanted == "copy" and name in _MP4_AUDIO:
        stream = output.add_stream_from_template(track)

        def copied() -> Iterator[tuple[Fraction, Any]]:
            for packet in container.demux(track):
                if packet.size and packet.dts is not None:
                    packet.stream = stream
                    yield packet.dts * track.time_base, packet

        return copied(), None, f"copied ({name})"
    encoder = output.add_stream("aac", rate=track.codec_context.sample_rate or 48000)

    def decoded() -> Iterator[tuple[Fraction, Any]]:
        for packet in container.demux(track):
            for frame in packet.decode():
                moment = Fraction(frame.pts * frame.time_base) if frame.pts is not None else 0
                frame.pts = None  # the AAC encoder numbers its own samples
                yield moment, frame

    return decoded(), encoder, "re-encoded (aac)"


def _output(sink: Path | str | BinaryIO) -> Any:
    """The joined MP4, its index first (faststart), to a path or, in memory, to a file object
    (faststart re-reads it through a second view, as the pipeline's render does)."""
    options = {"movflags": "+faststart"}
    if isinstance(sink, str | Path):
        return av.open(str(sink), "w", format="mp4", options=options)
    sink.seek(0)
    sink.truncate()
    return av.open(sink, "w", format="mp4", options=options,
                   io_open=lambda url, flags, opts: _ReadView(sink))


def _facts(path: Source, decode: bool) -> dict[str, Any]:
    """A written file's frames (decoded in full when `decode`, else its packets counted),
    frame rate, duration, size and codec."""
    with _opened(path) as container:
        video = container.streams.video[0]
        stamps = [(p.pts, p.duration or 0) for p in container.demux(video)
                  if p.size and p.pts is not None]
        rate, tb = Fraction(video.average_rate or 0), video.time_base
        size = video.codec_context.width, video.codec_context.height
        codec = video.codec_context.name
    frames = len(stamps)
    if decode:
        with _opened(path) as container:
            video = container.streams.video[0]
            video.thread_type = "AUTO"
            frames = sum(1 for _ in container.decode(video))
    span = max(s + d for s, d in stamps) - min(s for s, _ in stamps) if stamps else 0
    return {"frames": frames, "frame_rate": str(rate), "duration": float(span * tb),
            "width": size[0], "height": size[1], "codec": codec}


# -- all steps, in worker processes ------------------------------------------------------------

_updates: Any = None  # in a worker: the queue its progress goes to
_detectors: dict[float, Any] = {}  # in a worker: one CenterFace session per threshold


def _start_worker(updates: Any, threads: int) -> None:
    """A worker process's set-up: OpenCV and onnxruntime on `threads` threads each, and one
    CenterFace session for all its pieces.

    `analyse` makes a detector per call; in a worker `faces.FaceDetector` hands out the one
    this process made (a worker is a process of ours, started for this and nothing else).
    """
    global _updates
    import cv2

    _updates = updates
    cv2.setNumThreads(threads)
    make = faces.FaceDetector

    def detector(threshold: float = 0.3, _threads: int | None = None) -> Any:
        if threshold not in _detectors:
            _detectors[threshold] = make(threshold, threads)
        return _detectors[threshold]

    faces.FaceDetector = detector  # type: ignore[assignment,misc]


def _reporter(stage: str, index: int) -> Progress:
    """In a worker: progress of one step of one piece, sent to the caller every few frames."""
    sent = [0]

    def report(done: int, total: int) -> None:
        if _updates is not None and (done - sent[0] >= _REPORT_EVERY or done >= total):
            sent[0] = done
            _updates.put((stage, index, done))

    return report


def _analyse_step(source: Source, piece: Piece, settings: Settings,
                  progress: Progress | None) -> Analysis:
    return analyse_piece(source, piece, settings, progress)


def _render_step(source: Source, piece: Piece, analysis: Analysis, settings: Settings,
                 sink: str, progress: Progress | None) -> dict[str, Any]:
    return render_piece(source, piece, analysis, settings, sink, progress)


_STEPS: dict[str, Callable[..., Any]] = {"analyse": _analyse_step, "render": _render_step}


def _in_worker(stage: str, index: int, args: tuple[Any, ...]) -> Any:
    return _STEPS[stage](*args, _reporter(stage, index))


def worker_threads(jobs: int) -> int:
    """onnxruntime and OpenCV threads per worker: the cores shared out, at least one.

    With one worker the pipeline's own choice stands (all cores, at most 2). libx264 and the
    H.264 decoder keep their automatic thread counts: their threads block while waiting,
    whereas onnxruntime's pool spins, so oversubscribing its threads is what costs.
    """
    return max(1, (os.cpu_count() or 1) // max(1, jobs))


Tell = Callable[[str, int, int], None]  # (stage, piece index, frames done)


class _InProcess:
    """The steps run one after another in this process (`jobs=1`)."""

    def __init__(self, tell: Tell) -> None:
        self.tell = tell

    def run(self, stage: str, calls: dict[int, tuple[Any, ...]]) -> dict[int, Any]:
        step = _STEPS[stage]
        return {index: step(*args, lambda done, _, i=index: self.tell(stage, i, done))
                for index, args in calls.items()}

    def close(self) -> None:
        pass


class _Pool:
    """Worker processes ("spawn": nothing of the caller's state is inherited, each loads the
    model once) that run the steps given, and redo those a dead worker took with it, on a
    fresh pool, once."""

    def __init__(self, jobs: int, tell: Tell) -> None:
        self.jobs, self.tell = jobs, tell
        self.context = multiprocessing.get_context("spawn")
        self.updates = self.context.Queue()
        self.executor = self._new()

    def _new(self) -> concurrent.futures.ProcessPoolExecutor:
        return concurrent.futures.ProcessPoolExecutor(
            max_workers=self.jobs, mp_context=self.context, initializer=_start_worker,
            initargs=(self.updates, worker_threads(self.jobs)))

    def _drain(self) -> None:
        with contextlib.suppress(queue.Empty):
            while True:
                self.tell(*self.updates.get_nowait())

    def run(self, stage: str, calls: dict[int, tuple[Any, ...]]) -> dict[int, Any]:
        results: dict[int, Any] = {}
        for attempt in range(2):
            futures = {self.executor.submit(_in_worker, stage, index, args): index
                       for index, args in calls.items() if index not in results}
            lost = False
            pending = set(futures)
            while pending:
                done, pending = concurrent.futures.wait(pending, timeout=0.2)
                self._drain()
                for future in done:
                    try:
                        results[futures[future]] = future.result()
                    except BrokenProcessPool:
                        lost = True
            if not lost:
                return results
            self.executor.shutdown(wait=False, cancel_futures=True)
            if attempt == 0:
                self.executor = self._new()
        raise RedactError("worker processes died twice; the pieces they held are not done")

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)
        self._drain()
        self.updates.close()


def redact_chunked(source: Source, sink: Path | str | BinaryIO, settings: Settings | None = None,
                   jobs: int = 1, seconds: float = 60.0, progress: Progress | None = None,
                   work: Path | None = None,
                   on_analysis: Callable[[Analysis], None] | None = None) -> Result:
    """`redact` in pieces: plan, analyse the pieces in `jobs` processes, stitch, render the
    pieces in the same processes, join. `jobs=1` runs everything in this process.

    Progress counts both passes of every piece: the total is twice the clip's frames.
    Temporary files (the pieces) go to a folder made in `work` (default: the system's) and
    are removed at the end. `on_analysis` receives the stitched analysis (for its record).
    The result's `settings["chunked"]` says how it was cut and run, and the seconds each
    step took (plan, analyse, stitch, render, join).
    """
    if jobs < 1:
        raise ValueError("jobs must be at least 1")
    settings = settings or Settings()
    started = clock = time.perf_counter()
    steps: dict[str, float] = {}

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        steps[name], clock = round(now - clock, 3), now

    pieces = plan(source, seconds)
    total = 2 * sum(p.frames for p in pieces)
    done: dict[tuple[str, int], int] = {}

    def tell(stage: str, index: int, frames: int) -> None:
        done[(stage, index)] = frames
        if progress is not None:
            progress(min(total, sum(done.values())), total)

    with tempfile.TemporaryDirectory(prefix="hogo-chunks-", dir=work) as folder:
        work_dir = Path(folder)
        sources = _sources(source, pieces, work_dir, jobs)
        lap("plan")
        runner: _InProcess | _Pool = _InProcess(tell) if jobs == 1 else _Pool(jobs, tell)
        try:
            found = runner.run("analyse", {p.index: (sources[p.index], p, settings)
                                           for p in pieces})
            lap("analyse")
            stitched = stitch([found[p.index] for p in pieces], pieces)
            lap("stitch")
            made = runner.run("render", {p.index: (
                sources[p.index], p, _trimmed(stitched, p), settings,
                str(work_dir / f"piece-{p.index:05d}.mp4")) for p in pieces})
            lap("render")
        finally:
            runner.close()
        outputs = [made[p.index] for p in pieces]
        if on_analysis is not None:
            on_analysis(stitched)
        facts = join([o["path"] for o in outputs], sink, source, settings.audio)
        lap("join")
    record = {**stitched.record, **dataclasses.asdict(settings),
              "chunked": {"jobs": jobs, "piece_seconds": seconds, "pieces": len(pieces),
                          "worker_threads": worker_threads(jobs) if jobs > 1 else None,
                          "seconds": steps}}
    return Result(frame_count=facts["frames"], frame_rate=Fraction(facts["frame_rate"]),
                  duration=facts["duration"], width=facts["width"], height=facts["height"],
                  video_codec=facts["codec"], audio=facts["audio"],
                  people_count=stitched.people_count, plate_count=stitched.plate_count,
                  masked_frames=sum(o["masked_frames"] for o in outputs),
                  seconds=time.perf_counter() - started, settings=record,
                  confidence=stitched.confidence_note())


def _sources(source: Source, pieces: list[Piece], work_dir: Path, jobs: int) -> list[Source]:
    """What each piece's steps read: the source itself in this process; in workers, its path,
    or, for a file object (which a worker cannot share), the piece cut here first."""
    if jobs == 1:
        return [source] * len(pieces)
    if isinstance(source, str | Path):
        return [str(source)] * len(pieces)
    own = [work_dir / f"source-{p.index:05d}.mp4" for p in pieces]
    for piece, path in zip(pieces, own, strict=True):
        cut(source, piece, path)
    return [str(path) for path in own]
