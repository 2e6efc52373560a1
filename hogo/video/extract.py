"""Extraction: the copy (複製データ) of only the part of the originals that a purpose needs.

Ashiya rule Art. 6(2) allows a copy of "only the needed part" (R-302). The copy is cut
without re-encoding: packets are demuxed from the originals, their timestamps rebased, and
muxed into one new MP4, so every picture is bit-for-bit the recorder's own and the cut costs
one sequential read of the needed bytes, never a decode.

A stream copy can only start at a keyframe, so the cut is widened: it starts at the last
keyframe at or before the requested start, and ends with the last frame that starts before the
requested end (plus, with B-frames, any frame that a kept frame needs). `Extraction` records the
range actually obtained next to the requested one, for the copy's lineage.

A request may span several consecutive segments (dashcams write one file a minute or every
three minutes). Each segment is placed on the copy's timeline at its stated start instant, so
the copy's clock is the recorders' clock; a segment that begins before the previous one ends
(stated starts have a resolution of one second) is moved just behind it instead. A hole or an
overlap longer than `max_gap` stops the extraction with an `ExtractError` that says where.

The sources are read through file objects (e.g. one decrypting a stored original on the fly), and
the copy is written to a file object the caller chooses, so no plaintext ever needs a path on
disk. The copy's index (`moov`) is at the front, so a browser plays it while it downloads: room
for it is reserved before the media data, and only if that proves too small is the copy written
again with FFmpeg's faststart, which moves the media data in a second pass. Memory use is a few
packets plus the demuxers' indexes, apart from the sink. Framework-free: imported by Django
code, never importing it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import math
import os
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, BinaryIO

import av
import av.error

import hogo

# Holes and overlaps up to this long are treated as continuous recording: recorders name their
# files to the second, so a stated start may be up to a second off the file's real first frame.
MAX_GAP = dt.timedelta(seconds=1)
_INPUT_BUFFER = 256 * 1024  # fewer, larger reads through a decrypting file object
_OUTPUT_BUFFER = 1024 * 1024
# Room reserved at the front of the copy for its index (moov), so no second pass has to move
# the media data: the worst case per sample (size, time, composition offset, sync flag, chunk
# offset and chunk entry) plus a fixed part, for a little more than the range asked for.
_MOOV_FIXED = 64 * 1024
_MOOV_PER_SAMPLE = 48
_MOOV_SLACK_SECONDS = 5

SourceFile = BinaryIO | Path | str


class ExtractError(Exception):
    """A copy that cannot be made as requested; `message` in English, `message_ja` in Japanese.

    `code` is one of: "outside" (the range is not within the footage), "gap" (a hole in the
    footage inside the range), "overlap" (segments overlap or are out of order), "mismatch"
    (segments with different video formats), "audio_mismatch", "no_video", "unreadable",
    "empty" (no frame in the range).
    """

    def __init__(self, code: str, message: str, message_ja: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.message_ja = message_ja


@dataclass(frozen=True)
class Source:
    """One original segment: a path or a seekable binary file object, and when it starts.

    `start` is the instant of its first frame (from the file name or the catalogue); `name`
    and `sha256` are optional metadata carried into the lineage.
    """

    file: SourceFile
    start: dt.datetime
    name: str | None = None
    sha256: str | None = None


@dataclass(frozen=True)
class SourceUsed:
    """An original that contributed to the copy, and which part of it (on the copy's clock)."""

    index: int  # position in the list of segments given
    name: str | None
    sha256: str | None
    start: dt.datetime  # the segment's stated start
    taken_start: dt.datetime
    taken_end: dt.datetime
    frame_count: int


@dataclass(frozen=True)
class Extraction:
    """What was copied: the lineage of the copy (複製データ) and the output's own facts."""

    requested_start: dt.datetime
    requested_end: dt.datetime
    actual_start: dt.datetime
    actual_end: dt.datetime
    duration: float  # seconds of video in the copy, = actual_end - actual_start
    frame_count: int
    video_codec: str
    width: int
    height: int
    audio_codec: str | None  # None when audio was dropped (or the originals had none)
    sources: tuple[SourceUsed, ...]
    tool: str
    sha256: str
    size: int


def tool_version() -> str:
    """The software that made a copy, for its lineage: hogo, PyAV and FFmpeg's libraries."""
    libraries = ", ".join(f"{name} {'.'.join(map(str, av.library_versions[name]))}"
                          for name in ("libavformat", "libavcodec") if name in av.library_versions)
    return (f"hogo {hogo.__version__} (stream copy; PyAV {av.__version__}, "
            f"FFmpeg {av.ffmpeg_version_info}, {libraries})")


def extract(segments: Sequence[Source | tuple[SourceFile, dt.datetime]],
            start: dt.datetime, end: dt.datetime, sink: BinaryIO, *,
            keep_audio: bool = False, max_gap: dt.timedelta = MAX_GAP,
            hash_output: bool = True) -> Extraction:
    """Copy [start, end) of consecutive `segments` into `sink` as one MP4, without re-encoding.

    `segments` are in recording order, as `Source`s or `(source, start)` pairs. `sink` must be
    an empty, readable, writable and seekable binary file (io.BytesIO, a "w+b" file): the MP4 is
    written with its index at the front (faststart), which takes a second pass over it. On
    return the sink is positioned at its start; after an error it holds garbage.

    With `hash_output=False` the result's sha256 is empty: for callers that hash the copy while
    storing it. Audio is dropped unless `keep_audio` (privacy by default); kept, it is copied
    as well, and every segment used must carry the same audio format. Raises ExtractError when
    the range is outside the footage or crosses a hole, or the segments cannot be joined;
    ValueError for naive datetimes, an empty range or an unusable sink.
    """
    items = [item if isinstance(item, Source) else Source(*item) for item in segments]
    _check_arguments(items, start, end, sink, max_gap)
    with contextlib.ExitStack() as stack:
        inputs = _open_needed(items, start, end, max_gap, stack)
        _check_compatible(inputs, keep_audio)
        copier = _Copier(inputs, start, end, sink, keep_audio)
        try:
            copier.run(reserve_index=True)
        except _IndexDidNotFit:
            sink.seek(0)
            sink.truncate()
            copier = _Copier(inputs, start, end, sink, keep_audio)
            copier.run(reserve_index=False)
    if hash_output:
        sha256, size = _hash(sink)
    else:  # the caller hashes it anyway while storing it (EncryptedStore.put): no second pass
        sha256, size = "", sink.seek(0, os.SEEK_END)
        sink.seek(0)
    return copier.result(sha256, size)


def _check_arguments(items: list[Source], start: dt.datetime, end: dt.datetime,
                     sink: BinaryIO, max_gap: dt.timedelta) -> None:
    if not items:
        raise ValueError("at least one segment is needed")
    for instant in (start, end, *(item.start for item in items)):
        if instant.tzinfo is None or instant.utcoffset() is None:
            raise ValueError("start, end and every segment start must be timezone-aware")
    if end <= start:
        raise ValueError("end must be after start")
    if max_gap < dt.timedelta(0):
        raise ValueError("max_gap must not be negative")
    if not (sink.seekable() and sink.readable() and sink.writable()):
        raise ValueError("the sink must be a readable, writable and seekable binary file")
    if sink.seek(0, os.SEEK_END) != 0:
        raise ValueError("the sink must be empty")


# -- opening and checking the segments ------------------------------------------------------


@dataclass
class _Input:
    """An opened segment; times are Fractions of a second from the requested start."""

    index: int
    segment: Source
    container: Any
    video: Any
    audio: Any
    offset: Fraction  # the stated start
    duration: Fraction
    origin: Fraction  # the video's first presentation time, in the file's own seconds
    frame_ticks: int = 0

    @property
    def end(self) -> Fraction:
        return self.offset + self.duration

    @property
    def streams(self) -> tuple[Any, ...]:
        return (self.video,) if self.audio is None else (self.video, self.audio)

    def label(self) -> str:
        return _labels(self.index, self.segment)[0]

    def label_ja(self) -> str:
        return _labels(self.index, self.segment)[1]


def _labels(index: int, segment: Source) -> tuple[str, str]:
    """How messages name a segment: its name if given, else its position (from 1)."""
    if segment.name:
        return segment.name, segment.name
    return f"segment {index + 1}", f"{index + 1} 番目のセグメント"


def _seconds(delta: dt.timedelta) -> Fraction:
    return Fraction(delta // dt.timedelta(microseconds=1), 1_000_000)


def _instant(base: dt.datetime, seconds: Fraction) -> dt.datetime:
    return base + dt.timedelta(microseconds=round(seconds * 1_000_000))


def _clock(instant: dt.datetime) -> str:
    return instant.isoformat(sep=" ", timespec="milliseconds")


def _open(index: int, segment: Source, base: dt.datetime,
          stack: contextlib.ExitStack) -> _Input:
    """Open one segment (reading its header only) and close it when `stack` closes."""
    label, label_ja = _labels(index, segment)
    source = segment.file
    try:
        if isinstance(source, str | Path):
            handle = stack.enter_context(open(source, "rb"))  # noqa: SIM115 - the stack closes
        else:
            handle = source
            handle.seek(0)
        container = av.open(handle, "r", buffer_size=_INPUT_BUFFER, metadata_errors="replace")
    except (OSError, av.error.FFmpegError) as error:
        raise ExtractError("unreadable", f"{label} cannot be read ({error}).",
                           f"{label_ja}を読み込めません（{error}）。") from error
    stack.callback(container.close)
    videos = [s for s in container.streams.video
              if not s.disposition & av.stream.Disposition.attached_pic]
    if not videos:
        raise ExtractError("no_video", f"{label} holds no video track.",
                           f"{label_ja}には映像トラックがありません。")
    video = videos[0]
    audio = container.streams.audio[0] if container.streams.audio else None
    time_base = video.time_base
    origin = Fraction(video.start_time or 0) * time_base
    if video.duration:
        duration = Fraction(video.duration) * time_base
    else:
        duration = Fraction(container.duration or 0, av.time_base)
    rate = video.average_rate or video.guessed_rate
    frame_ticks = round(1 / (rate * time_base)) if rate else 0
    return _Input(index, segment, container, video, audio, _seconds(segment.start - base),
                  duration, origin, frame_ticks)


def _open_needed(items: list[Source], start: dt.datetime, end: dt.datetime,
                 max_gap: dt.timedelta, stack: contextlib.ExitStack) -> list[_Input]:
    """Open the segments the range needs, checking it is covered without holes."""
    tolerance = _seconds(max_gap)
    finish = _seconds(end - start)
    for index in range(1, len(items)):
        if items[index].start < items[index - 1].start:
            _raise_disorder(index, items, start)
    needed: list[_Input] = []
    previous: _Input | None = None
    following: Source | None = None  # the first segment after the range
    for index, segment in enumerate(items):
        offset = _seconds(segment.start - start)
        if previous is not None and offset < previous.end - tolerance:
            _raise_overlap(previous, index, segment, start)
        if offset >= finish:
            following = segment
            break
        if index + 1 < len(items) and items[index + 1].start <= start:
            continue  # the next segment starts before the range: this one is not needed
        with contextlib.ExitStack() as own:
            opened = _open(index, segment, start, own)
            if opened.end > 0:
                stack.push(own.pop_all())  # needed: stays open until the copy is made
        if opened.end <= 0:
            previous = opened
            continue
        hole_from = max(Fraction(0), previous.end) if previous is not None else Fraction(0)
        if opened.offset - hole_from > tolerance:
            if previous is None:
                _raise_outside(start, end, items[0].start, None)
            _raise_gap(previous, opened.index, segment, start)
        needed.append(opened)
        previous = opened
    if previous is None:  # the first segment starts after the range
        _raise_outside(start, end, items[0].start, None)
    if not needed or finish - previous.end > tolerance:
        if following is None:
            _raise_outside(start, end, items[0].start, _instant(start, previous.end))
        _raise_gap(previous, previous.index + 1, following, start)
    return needed


def _raise_outside(start: dt.datetime, end: dt.datetime, first: dt.datetime,
                   last: dt.datetime | None) -> None:
    begins = first.astimezone(start.tzinfo)
    if last is None or start < begins:
        raise ExtractError(
            "outside",
            f"The requested range {_clock(start)} to {_clock(end)} starts before the footage, "
            f"which begins at {_clock(begins)}.",
            f"指定された範囲（{_clock(start)}〜{_clock(end)}）は映像の記録開始"
            f"（{_clock(begins)}）より前から始まっています。")
    ends = last.astimezone(start.tzinfo)
    raise ExtractError(
        "outside",
        f"The requested range {_clock(start)} to {_clock(end)} ends after the footage, which "
        f"ends at {_clock(ends)}.",
        f"指定された範囲（{_clock(start)}〜{_clock(end)}）は映像の記録終了"
        f"（{_clock(ends)}）より後まで続いています。")


def _raise_gap(before: _Input, index: int, after: Source, base: dt.datetime) -> None:
    ended = _instant(base, before.end)
    began = after.start.astimezone(base.tzinfo)
    label, label_ja = _labels(index, after)
    seconds = (began - ended).total_seconds()
    raise ExtractError(
        "gap",
        f"The footage has a gap of {seconds:.1f} s inside the requested range: "
        f"{before.label()} ends at {_clock(ended)} and {label} starts only at {_clock(began)}.",
        f"指定された範囲の途中に {seconds:.1f} 秒間、映像のない部分があります："
        f"{before.label_ja()}は {_clock(ended)} に終わり、{label_ja}は {_clock(began)} に"
        f"始まります。")


def _raise_overlap(before: _Input, index: int, segment: Source, base: dt.datetime) -> None:
    ended = _instant(base, before.end)
    began = segment.start.astimezone(base.tzinfo)
    label, label_ja = _labels(index, segment)
    seconds = (ended - began).total_seconds()
    raise ExtractError(
        "overlap",
        f"{label} starts at {_clock(began)}, {seconds:.1f} s before {before.label()} ends at "
        f"{_clock(ended)}: the segments overlap or are not in recording order.",
        f"{label_ja}の開始（{_clock(began)}）が{before.label_ja()}の終了（{_clock(ended)}）より "
        f"{seconds:.1f} 秒早くなっています。セグメントが重なっているか、録画順に並んでいません。")


def _raise_disorder(index: int, items: list[Source], base: dt.datetime) -> None:
    label, label_ja = _labels(index, items[index])
    before, before_ja = _labels(index - 1, items[index - 1])
    began = _clock(items[index].start.astimezone(base.tzinfo))
    earlier = _clock(items[index - 1].start.astimezone(base.tzinfo))
    raise ExtractError(
        "overlap",
        f"{label} starts at {began}, before {before} ({earlier}) that precedes it: the "
        f"segments are not in recording order.",
        f"{label_ja}の開始（{began}）が、その前に並んでいる{before_ja}の開始（{earlier}）より"
        f"早くなっています。セグメントが録画順に並んでいません。")


def _video_format(item: _Input) -> tuple[Any, ...]:
    context = item.video.codec_context
    return context.name, context.width, context.height, bytes(context.extradata or b"")


def _describe_video(item: _Input) -> str:
    context = item.video.codec_context
    return f"{context.name} {context.width}x{context.height}"


def _audio_format(item: _Input) -> tuple[Any, ...] | None:
    if item.audio is None:
        return None
    context = item.audio.codec_context
    return (context.name, context.sample_rate, context.layout.nb_channels,
            bytes(context.extradata or b""))


def _describe_audio(item: _Input) -> str:
    if item.audio is None:
        return "no audio"
    context = item.audio.codec_context
    return f"{context.name} {context.sample_rate} Hz, {context.layout.nb_channels} ch"


def _check_compatible(inputs: list[_Input], keep_audio: bool) -> None:
    """Packets can be joined only when every segment was encoded the same way."""
    first = inputs[0]
    for item in inputs[1:]:
        if _video_format(item) != _video_format(first):
            if _video_format(item)[:3] != _video_format(first)[:3]:
                why = (f"{item.label()} ({_describe_video(item)}) was recorded in another "
                       f"video format than {first.label()} ({_describe_video(first)})")
                why_ja = (f"{item.label_ja()}（{_describe_video(item)}）は{first.label_ja()}"
                          f"（{_describe_video(first)}）と映像の形式が異なる")
            else:
                why = (f"{item.label()} was encoded with other codec parameters than "
                       f"{first.label()}, although both are {_describe_video(first)}")
                why_ja = (f"{item.label_ja()}と{first.label_ja()}は、どちらも "
                          f"{_describe_video(first)} ですが符号化の設定が異なる")
            raise ExtractError(
                "mismatch", f"{why}; such segments cannot be joined without re-encoding.",
                f"{why_ja}ため、再エンコードせずにつなげることができません。")
        if keep_audio and _audio_format(item) != _audio_format(first):
            raise ExtractError(
                "audio_mismatch",
                f"{item.label()} has {_describe_audio(item)} but {first.label()} has "
                f"{_describe_audio(first)}; audio can be kept only when every segment has "
                f"the same audio format. Copy without audio instead.",
                f"{item.label_ja()}の音声（{_describe_audio(item)}）が{first.label_ja()}"
                f"（{_describe_audio(first)}）と異なります。音声を残せるのは、すべての"
                f"セグメントの音声形式が同じ場合だけです。音声なしで複製してください。")


def encoding_runs(segments: Sequence[Source | tuple[SourceFile, dt.datetime]], *,
                  keep_audio: bool = False) -> list[list[int]]:
    """Split consecutive segments where the encoding changes: the indices of each run.

    A stream copy joins packets only of segments encoded alike (`extract` refuses others with
    "mismatch"); a recorder whose settings changed mid-drive, or a camera replaced, leaves
    footage that no single copy can hold without re-encoding. The caller makes one copy per
    run instead. With `keep_audio` a change of the audio format starts a new run too. Only the
    headers are read; file objects are left where `extract` expects them (it seeks to 0).
    """
    items = [item if isinstance(item, Source) else Source(*item) for item in segments]
    if not items:
        return []
    runs: list[list[int]] = []
    previous: tuple[Any, ...] | None = None
    with contextlib.ExitStack() as stack:
        for index, segment in enumerate(items):
            opened = _open(index, segment, segment.start, stack)
            key = (_video_format(opened), _audio_format(opened) if keep_audio else None)
            if runs and key == previous:
                runs[-1].append(index)
            else:
                runs.append([index])
            previous = key
    return runs


# -- copying -------------------------------------------------------------------------------


@dataclass
class _Taken:
    first: Fraction
    last: Fraction
    frames: int


class _Copier:
    """Moves packets from the inputs to one MP4, rebasing their timestamps.

    The copy's timeline starts at 0 at the start keyframe (`self.origin` seconds after the
    requested start). A packet's time there is its own time in the file, minus the file's first
    presentation time, plus where the file is placed: `shift` seconds, per segment. Within a
    segment, video times are integer ticks of its time base (no per-packet fractions).
    """

    def __init__(self, inputs: list[_Input], start: dt.datetime, end: dt.datetime,
                 sink: BinaryIO, keep_audio: bool) -> None:
        self.inputs, self.start, self.end, self.sink = inputs, start, end, sink
        self.keep_audio = keep_audio and inputs[0].audio is not None
        self.origin = Fraction(0)  # the actual start, in seconds from the requested start
        # End of the last video frame written and its decoding time, in ticks of `time_base`.
        self.end_ticks, self.last_dts, self.time_base = 0, -1, Fraction(1)
        self.last_audio_dts: Fraction | None = None
        self.audio_held: deque[tuple[Any, Fraction]] = deque()  # with the time each ends
        self.frames = 0
        self.taken: dict[int, _Taken] = {}
        self.output: Any = None
        self.video_out: Any = None
        self.audio_out: Any = None

    @property
    def video_end(self) -> Fraction:
        """The end of the last video frame written, in seconds on the copy's timeline."""
        return self.end_ticks * self.time_base

    def run(self, *, reserve_index: bool) -> None:
        """Write the copy with its index at the front.

        With `reserve_index`, room for the index is left before the media data and the index
        is written into it at the end (the rest stays an MP4 `free` box); should the estimate
        be too small, `_IndexDidNotFit` asks for a run without: FFmpeg's faststart, which
        writes the index last and then moves all media data behind it (a second pass).
        """
        first = self.inputs[0]
        key_pts, packets = _start_keyframe(first, -first.offset, self._streams(first))
        time_base = first.video.time_base
        self.origin = first.offset + Fraction(key_pts) * time_base - first.origin
        self._open_output(first, self._index_estimate() if reserve_index else None)
        try:
            self._copy_all(first, packets)
            if self.frames == 0:
                raise ExtractError("empty", "No video frame falls in the requested range.",
                                   "指定された範囲に映像のフレームがありません。")
        except BaseException:
            with contextlib.suppress(Exception):
                self.output.close()
            raise
        try:
            self.output.close()  # writes the index
        except av.error.FFmpegError as error:
            if not reserve_index:
                raise
            raise _IndexDidNotFit from error

    def _index_estimate(self) -> int:
        """Bytes to reserve for the index: every sample of the range, in the worst case."""
        seconds = _seconds(self.end - self.start) - self.origin + _MOOV_SLACK_SECONDS
        first = self.inputs[0]  # every segment used has the same formats
        samples = seconds * (first.video.average_rate or first.video.guessed_rate or 120)
        if self.keep_audio:
            context = first.audio.codec_context
            samples += seconds * context.sample_rate / (context.frame_size or 256)
        return _MOOV_FIXED + _MOOV_PER_SAMPLE * math.ceil(samples)

    def _open_output(self, first: _Input, reserve: int | None) -> None:
        sink = self.sink
        if reserve is not None:
            self.output = av.open(sink, "w", format="mp4", buffer_size=_OUTPUT_BUFFER,
                                  options={"moov_size": str(reserve)})
        else:
            self.output = av.open(sink, "w", format="mp4", buffer_size=_OUTPUT_BUFFER,
                                  options={"movflags": "+faststart"},
                                  io_open=lambda url, flags, options: _ReadView(sink))
        actual_start = _instant(self.start, self.origin).astimezone(dt.UTC)
        self.output.metadata["creation_time"] = actual_start.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        self.video_out = self.output.add_stream_from_template(first.video)
        if self.keep_audio:
            self.audio_out = self.output.add_stream_from_template(first.audio)

    def _streams(self, item: _Input) -> tuple[Any, ...]:
        return item.streams if self.keep_audio else (item.video,)

    def _copy_all(self, first: _Input, first_packets: Iterator[Any]) -> None:
        finish = _seconds(self.end - self.start) - self.origin  # the requested end, on timeline
        for item in self.inputs:
            if item is first:
                packets, placed = first_packets, first.offset
            else:
                item.container.seek(0)
                packets = item.container.demux(*self._streams(item))
                placed = max(item.offset, self.origin + self.video_end)
            if self._copy_segment(item, packets, placed - self.origin - item.origin, finish):
                return

    def _copy_segment(self, item: _Input, packets: Iterator[Any], shift: Fraction,
                      finish: Fraction) -> bool:
        """Copy one segment's packets; True once the end of the range is reached.

        In decoding order, a packet decoded at or after the end cannot precede a frame shown
        before it: the copy stops there. A packet shown after the end but decoded before it
        may be a reference that an earlier-shown frame needs (B-frames): it is held and
        written only if such a frame follows, which widens the actual end to include it.
        """
        video, time_base = item.video, item.video.time_base
        video_index, video_shift = video.index, round(shift / time_base)
        audio_index, audio_shift, audio_tb = -1, 0, Fraction(1)
        if self.keep_audio:
            audio_index, audio_tb = item.audio.index, item.audio.time_base
            audio_shift = round(shift / audio_tb)
        # From here on, the end and the last decoding time are ticks of this segment.
        written_end, written_dts = self.video_end, self.last_dts * self.time_base
        self.time_base = time_base
        self.end_ticks = math.ceil(written_end / time_base)
        self.last_dts = math.floor(written_dts / time_base) if self.frames else -(2**62)
        limit = max(math.ceil(finish / time_base), self.end_ticks)
        pending: list[tuple[Any, int, int]] = []  # shown after the limit; maybe references
        taken = _Taken(Fraction(0), Fraction(0), 0)
        first_ticks = last_ticks = 0
        joint = bool(self.frames)
        try:
            for packet in packets:
                index = packet.stream_index
                if index != video_index:
                    if index == audio_index:
                        self._audio(packet, audio_shift, audio_tb)
                    continue
                pts, dts = packet.pts, packet.dts
                if dts is None:
                    if pts is None:
                        continue  # the demuxer's flush marker
                    dts = pts
                elif pts is None:
                    pts = dts
                if joint:  # decoding times must keep increasing across the joint
                    joint = False
                    video_shift += max(0, self.last_dts + 1 - (dts + video_shift))
                pts, dts = pts + video_shift, dts + video_shift
                if pts < 0:
                    continue  # a leading frame of an open GOP, which needs the GOP before
                if dts >= limit:
                    self._drain_audio(packets, audio_index, audio_shift, audio_tb)
                    return True
                packet.pts, packet.dts = pts, dts
                frame_end = pts + (packet.duration or item.frame_ticks)
                pending.append((packet, pts, frame_end))
                if pts >= limit:
                    continue
                for each, shown, ends in pending:
                    each.stream = self.video_out
                    self.output.mux_one(each)
                    if not taken.frames:
                        first_ticks = last_ticks = shown
                    first_ticks, last_ticks = min(first_ticks, shown), max(last_ticks, ends)
                    taken.frames += 1
                    self.end_ticks = max(self.end_ticks, ends)
                self.frames += len(pending)
                self.last_dts = dts
                limit = max(limit, self.end_ticks)
                pending.clear()
                if self.audio_held:
                    self._release_audio()
            return False
        finally:
            if taken.frames:
                taken.first, taken.last = first_ticks * time_base, last_ticks * time_base
                self.taken[item.index] = taken

    def _audio(self, packet: Any, shift: int, time_base: Fraction) -> None:
        """Hold audio until the video reaches it, so none outlasts the last frame."""
        if packet.pts is None:
            return
        packet.pts += shift
        packet.dts = packet.pts if packet.dts is None else packet.dts + shift
        shown = packet.pts * time_base
        if shown < 0:
            return
        # Kept only if it ends by the last frame's end, so the copy lasts as long as its video.
        self.audio_held.append((packet, shown + (packet.duration or 0) * time_base))
        self._release_audio()

    def _release_audio(self) -> None:
        video_end = self.video_end
        while self.audio_held and self.audio_held[0][1] <= video_end:
            packet, _ = self.audio_held.popleft()
            decoded = packet.dts * packet.time_base
            if self.last_audio_dts is not None and decoded <= self.last_audio_dts:
                continue  # overlaps the previous segment's audio at a joint
            packet.stream = self.audio_out
            self.output.mux_one(packet)
            self.last_audio_dts = decoded

    def _drain_audio(self, packets: Iterator[Any], audio_index: int, shift: int,
                     time_base: Fraction) -> None:
        """After the last frame: the audio up to its end may still follow in the file."""
        if not self.keep_audio:
            return
        self._release_audio()
        if self.audio_held:
            return  # audio past the end has been read already
        for packet in packets:
            if packet.stream_index != audio_index or packet.pts is None:
                continue
            self._audio(packet, shift, time_base)
            if self.audio_held:
                return

    def result(self, sha256: str, size: int) -> Extraction:
        first = self.inputs[0].video.codec_context
        actual_start = _instant(self.start, self.origin)
        sources = tuple(
            SourceUsed(item.index, item.segment.name, item.segment.sha256, item.segment.start,
                       _instant(actual_start, taken.first), _instant(actual_start, taken.last),
                       taken.frames)
            for item in self.inputs if (taken := self.taken.get(item.index)) is not None)
        audio = self.inputs[0].audio
        return Extraction(
            requested_start=self.start, requested_end=self.end,
            actual_start=actual_start,
            actual_end=_instant(actual_start, self.video_end),
            duration=float(self.video_end), frame_count=self.frames,
            video_codec=first.name, width=first.width, height=first.height,
            audio_codec=audio.codec_context.name if self.keep_audio else None,
            sources=sources, tool=tool_version(), sha256=sha256, size=size)


def _start_keyframe(item: _Input, start: Fraction,
                    streams: tuple[Any, ...]) -> tuple[int, Iterator[Any]]:
    """Position `item` at the last keyframe at or before `start` (seconds into the segment).

    Returns the keyframe's pts and the packets from there on in file order (with the audio
    read just before it). The index seek is checked; if the demuxer lands elsewhere, the
    segment is scanned from its beginning instead. A segment that does not begin with a
    keyframe, asked for a start before its first one, starts at its first keyframe.
    """
    video = item.video
    time_base = video.time_base
    target = (video.start_time or 0) + max(0, math.floor(start / time_base))
    item.container.seek(target, stream=video, backward=True, any_frame=False)
    packets = item.container.demux(*streams)
    early: list[Any] = []
    for packet in packets:
        if packet.dts is None and packet.pts is None:
            continue
        if packet.stream_index != video.index:
            early.append(packet)
            continue
        pts = packet.pts if packet.pts is not None else packet.dts
        if packet.is_keyframe and (pts <= target or pts == video.start_time):
            return pts, _chain(early, packet, packets)
        break
    key = _scan_for_keyframe(item, target)
    item.container.seek(0)
    packets = item.container.demux(*streams)

    def from_key() -> Iterator[Any]:
        started = False
        for packet in packets:
            if not started and packet.stream_index == video.index:
                pts = packet.pts if packet.pts is not None else packet.dts
                started = packet.is_keyframe and pts == key
                if not started:
                    continue
            yield packet

    return key, from_key()


def _scan_for_keyframe(item: _Input, target: int) -> int:
    item.container.seek(0)
    found: int | None = None
    for packet in item.container.demux(item.video):
        if packet.dts is None and packet.pts is None:
            continue
        pts = packet.pts if packet.pts is not None else packet.dts
        if packet.is_keyframe:
            if pts <= target or found is None:
                found = pts
            if pts > target:
                break
        elif found is not None and packet.dts is not None and packet.dts > target:
            break
    if found is None:
        raise ExtractError("unreadable", f"{item.label()} holds no keyframe.",
                           f"{item.label_ja()}にキーフレームがありません。")
    return found


def _chain(early: list[Any], packet: Any, rest: Iterator[Any]) -> Iterator[Any]:
    yield from early
    yield packet
    yield from rest


class _IndexDidNotFit(Exception):
    """The room reserved for the index was too small; the copy must be written again."""


class _ReadView(io.RawIOBase):
    """A second, read-only position over the sink, for FFmpeg's faststart pass.

    FFmpeg moves the index to the front by re-opening its output for reading while it keeps
    writing through the first handle; both share the sink, so each read restores the writer's
    position.
    """

    def __init__(self, sink: BinaryIO) -> None:
        self.sink = sink
        self.position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_END:
            saved = self.sink.tell()
            base = self.sink.seek(0, io.SEEK_END)
            self.sink.seek(saved)
        else:
            base = self.position if whence == io.SEEK_CUR else 0
        self.position = max(0, base + offset)
        return self.position

    def readinto(self, buffer: Any) -> int:
        saved = self.sink.tell()
        try:
            self.sink.seek(self.position)
            data = self.sink.read(len(buffer))
        finally:
            self.sink.seek(saved)
        buffer[:len(data)] = data
        self.position += len(data)
        return len(data)


def _hash(sink: BinaryIO) -> tuple[str, int]:
    sink.seek(0)
    digest = hashlib.file_digest(sink, "sha256")  # type: ignore[arg-type]
    size = sink.seek(0, os.SEEK_END)
    sink.seek(0)
    return digest.hexdigest(), size


__all__ = ["MAX_GAP", "ExtractError", "Extraction", "Source", "SourceUsed", "extract",
           "tool_version"]
