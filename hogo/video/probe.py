"""Probe: what a recorder's file really holds, checked before it may count as footage (R-201).

Recorders lose power mid-write and SD cards fail, so a file's own header is not trusted: an MP4
whose index (the `moov` box) was never written, or whose media data stops short of what the
index promises, must be quarantined with a reason instead of entering the catalogue. Probing
therefore walks the MP4 box structure, then demuxes every packet (no decoding, except the first
frame, to prove the codec data is real) and compares the packets found with the index. That
costs one sequential read of the file, not a decode.

The uploader sees `ProbeError.code` as `REASONS_JA[code]` (or `reason`, the English detail).
Framework-free: imported by Django code, never importing it.
"""

from __future__ import annotations

import datetime as dt
import os
import struct
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import BinaryIO

import av
import av.error

REASONS_EN = {
    "empty": "The file is empty (0 bytes).",
    "not_video": "The file is not a video (for example text or another kind of document).",
    "image": "The file is a still or animated image, not a video recording.",
    "no_video_stream": "The file holds no video track (audio or data only).",
    "unsupported_codec": "The video is compressed with a codec this system cannot read.",
    "truncated": "The file is cut short: the recording or the copy stopped before it ended.",
    "corrupt": "The file is damaged and cannot be played.",
}
REASONS_JA = {
    "empty": "ファイルが空です（0 バイト）。",
    "not_video": "動画ファイルではありません（文字データなど、映像として読めない内容です）。",
    "image": "静止画またはアニメーション画像です。ドライブレコーダーの映像ではありません。",
    "no_video_stream": "映像が含まれていません（音声やデータのみのファイルです）。",
    "unsupported_codec": "この映像の圧縮形式（コーデック）には対応していません。",
    "truncated": "ファイルが途中で切れています（録画中の電源断やコピーの中断が考えられます）。",
    "corrupt": "ファイルが壊れていて再生できません。",
}
# Recorders without a set clock write zero (1904 or 1970); such a time says nothing.
EARLIEST_CREATION = dt.datetime(1971, 1, 1, tzinfo=dt.UTC)
_IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"BM",
                b"II*\x00", b"MM\x00*")
_IMAGE_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis"}
_IMAGE_FORMATS = {"image2", "image2pipe", "gif", "apng", "webp"}
_BMFF_FIRST = {b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide", b"pnot", b"styp"}
_FIRST_FRAME_PACKETS = 64  # a decoder with frame threads holds back a few packets


class ProbeError(ValueError):
    """A file that must not become footage; `code` is machine-readable, `reason` English."""

    def __init__(self, code: str, reason: str = "") -> None:
        if code not in REASONS_EN:
            raise ValueError(f"unknown probe error code {code!r}")
        self.code = code
        self.reason = reason or REASONS_EN[code]
        super().__init__(f"{code}: {self.reason}")

    @property
    def reason_ja(self) -> str:
        return REASONS_JA[self.code]


@dataclass(frozen=True)
class ProbeResult:
    """What a readable video file holds.

    `creation_time` is what the container says, read as UTC as MP4 defines it; many recorders
    store their local clock there instead, so compare it with the file name before trusting it.
    """

    duration: float
    container: str
    video_codec: str
    width: int
    height: int
    frame_rate: Fraction
    frame_count: int
    creation_time: dt.datetime | None
    has_audio: bool
    audio_codec: str | None
    size: int


def probe(source: Path | str | BinaryIO) -> ProbeResult:
    """Read a file's facts by demuxing it whole; raise ProbeError when it is not footage.

    `source` is a path or a seekable binary file object (e.g. one that decrypts a stored
    original on the fly, so no plaintext copy is ever written to disk). A missing or
    unreadable path raises OSError: that is the caller's fault, not the file's.
    """
    if isinstance(source, str | Path):
        with open(source, "rb") as handle:
            return probe(handle)
    size = source.seek(0, os.SEEK_END)
    if size == 0:
        raise ProbeError("empty")
    source.seek(0)
    head = source.read(4096)
    _sniff(head)
    is_bmff = _check_bmff(source, size)
    source.seek(0)
    try:
        container = av.open(source, metadata_errors="replace")
    except av.error.FFmpegError as error:
        if is_bmff:
            raise ProbeError("corrupt", f"the MP4 structure cannot be read ({error})") from error
        raise ProbeError("not_video", f"no video format recognises this file ({error})") from error
    try:
        return _read(container, size)
    finally:
        container.close()


def _sniff(head: bytes) -> None:
    if head.startswith(_IMAGE_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        raise ProbeError("image")
    if _looks_like_text(head):
        raise ProbeError("not_video", "the file is text, not video")


def _looks_like_text(head: bytes) -> bool:
    # Every video container has zero bytes in its first kilobytes (sizes, flags, sync words).
    if b"\x00" in head:
        return False
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return control <= len(head) // 100


def _check_bmff(handle: BinaryIO, size: int) -> bool:
    """Walk the top-level MP4/MOV boxes; False when the file is not ISO BMFF at all."""
    boxes: list[bytes] = []
    offset = 0
    while offset < size:
        handle.seek(offset)
        header = handle.read(16)
        if len(header) < 8:
            if not boxes:
                return False
            if header.strip(b"\0"):
                raise ProbeError("truncated", f"the file ends inside a box header at byte "
                                              f"{offset}")
            break  # a few bytes of zero padding
        box_size, box_type = struct.unpack(">I4s", header[:8])
        if not boxes:
            if box_type not in _BMFF_FIRST:
                return False
            if box_type == b"ftyp" and header[8:12] in _IMAGE_BRANDS:
                raise ProbeError("image", "the file is a HEIF/AVIF image")
        if not _is_fourcc(box_type):
            break  # padding or junk after the last box, as some recorders preallocate
        name = box_type.decode("latin-1")
        header_size = 8
        if box_size == 1:
            if len(header) < 16:
                raise ProbeError("truncated", f"the file ends inside the {name} box header")
            box_size = struct.unpack(">Q", header[8:16])[0]
            header_size = 16
        elif box_size == 0:
            box_size = size - offset
        if box_size < header_size:
            raise ProbeError("corrupt", f"the {name} box at byte {offset} has an impossible "
                                        f"size of {box_size} bytes")
        if offset + box_size > size:
            raise ProbeError("truncated", f"the {name} box at byte {offset} declares "
                                          f"{box_size} bytes but only {size - offset} remain")
        boxes.append(box_type)
        offset += box_size
    if b"moov" not in boxes:
        if b"mdat" in boxes:
            raise ProbeError("truncated", "the media data has no index (moov box): the "
                                          "recorder stopped before finishing the file")
        raise ProbeError("corrupt", "the MP4 file has neither an index nor media data")
    return True


def _is_fourcc(box_type: bytes) -> bool:
    return all(32 <= b < 127 or b == 0xA9 for b in box_type) and box_type != b"    "


def _read(container: av.container.InputContainer, size: int) -> ProbeResult:
    if container.format.name in _IMAGE_FORMATS or container.format.name.endswith("_pipe"):
        raise ProbeError("image", f"the file is an image ({container.format.name})")
    videos = [s for s in container.streams.video
              if not s.disposition & av.stream.Disposition.attached_pic]
    audios = list(container.streams.audio)
    if not videos:
        if audios:
            raise ProbeError("no_video_stream")
        raise ProbeError("not_video", f"the {container.format.name} file holds no video or "
                                      "audio track")
    video, audio = videos[0], (audios[0] if audios else None)
    context = video.codec_context
    if not context.width or not context.height:
        raise ProbeError("corrupt", "the video track declares no picture size")
    frame_count, start, end = _demux(container, video, size)
    # Only the video count is compared: an MP4 edit list legitimately drops audio priming
    # frames from what the demuxer returns.
    if video.frames and frame_count < video.frames:
        raise ProbeError("truncated", f"the index lists {video.frames} video frames but only "
                                      f"{frame_count} are in the file")
    if frame_count == 0:
        if video.duration or container.duration:
            raise ProbeError("truncated", "the file declares a duration but holds no video "
                                          "frames")
        raise ProbeError("corrupt", "the video track holds no frames")
    rate = video.average_rate or video.guessed_rate
    if start is None or end is None:
        if not rate:
            raise ProbeError("corrupt", "the video track has neither timestamps nor a frame rate")
        duration = float(frame_count / rate)
    else:
        duration = float((end - start) * video.time_base)
    if not rate:
        rate = Fraction(frame_count) / Fraction(duration) if duration else Fraction(0)
    _check_declared_duration(container, video, duration, rate)
    return ProbeResult(
        duration=duration,
        container=_container_name(container),
        video_codec=context.name,
        width=context.width,
        height=context.height,
        frame_rate=Fraction(rate),
        frame_count=frame_count,
        creation_time=_creation_time(container.metadata, video.metadata),
        has_audio=audio is not None,
        audio_codec=audio.codec_context.name if audio is not None else None,
        size=size,
    )


def _demux(container: av.container.InputContainer, video: av.VideoStream,
           size: int) -> tuple[int, int | None, int | None]:
    """Count the video packets and their time span; decode only the first frame.

    Every stream is read, so that a packet cut short by the end of the file is seen whichever
    track it belongs to: the demuxer flags it corrupt instead of failing.
    """
    count = 0
    start = end = None
    rate = video.average_rate or video.guessed_rate
    # Packets without a duration (e.g. AVI) last one frame.
    frame_ticks = round(1 / (rate * video.time_base)) if rate and video.time_base else 0
    decoded = False
    tried = 0
    try:
        for packet in container.demux():
            if packet.size == 0:
                continue  # the flush marker at the end
            if packet.is_corrupt and packet.pos is not None and packet.pos + packet.size >= size:
                raise ProbeError("truncated", f"the file ends inside a {packet.stream.type}-track "
                                              f"packet at byte {packet.pos}")
            if packet.stream_index != video.index:
                continue
            count += 1
            stamp = packet.pts if packet.pts is not None else packet.dts
            if stamp is not None:
                start = stamp if start is None else min(start, stamp)
                stamp_end = stamp + (packet.duration or frame_ticks)
                end = stamp_end if end is None else max(end, stamp_end)
            if not decoded and tried < _FIRST_FRAME_PACKETS:
                tried += 1
                decoded = _decodes(video, packet)
        if count and not decoded:
            decoded = _decodes(video, None)
    except av.error.DecoderNotFoundError as error:
        raise ProbeError("unsupported_codec", f"no decoder for {video.codec_context.name}") \
            from error
    except av.error.EOFError as error:
        raise ProbeError("truncated", f"the file ends in the middle of a frame ({error})") \
            from error
    except av.error.FFmpegError as error:
        raise ProbeError("corrupt", f"reading the file failed after {count} "
                                    f"video frames ({error})") from error
    if count and not decoded:
        raise ProbeError("corrupt", "the first video frame cannot be decoded")
    return count, start, end


def _decodes(video: av.VideoStream, packet: av.Packet | None) -> bool:
    """Whether feeding this packet (None: flushing) made the decoder give a picture."""
    try:
        return bool(video.codec_context.decode(packet))
    except av.error.DecoderNotFoundError:
        raise
    except av.error.FFmpegError as error:
        raise ProbeError("corrupt", f"the first video frame cannot be decoded ({error})") \
            from error


def _check_declared_duration(container: av.container.InputContainer, video: av.VideoStream,
                             duration: float, rate: Fraction) -> None:
    # MPEG-TS durations are estimates from the bit rate; every other container states its own.
    if video.duration is None or not video.time_base or container.format.name == "mpegts":
        return
    declared = float(video.duration * video.time_base)
    slack = max(1.0, 3 / float(rate)) if rate else 1.0
    if duration + slack < declared:
        raise ProbeError("truncated", f"the file declares {declared:.2f} s of video but holds "
                                      f"only {duration:.2f} s")


def _container_name(container: av.container.InputContainer) -> str:
    name = container.format.name
    if name.startswith("mov,"):
        return "mov" if container.metadata.get("major_brand", "").strip() == "qt" else "mp4"
    return name.split(",")[0]


def _creation_time(*metadata: dict[str, str]) -> dt.datetime | None:
    for values in metadata:
        raw = values.get("creation_time", "").strip()
        if not raw:
            continue
        try:
            instant = dt.datetime.fromisoformat(raw)
        except ValueError:
            continue
        if instant.tzinfo is None:
            instant = instant.replace(tzinfo=dt.UTC)  # MP4 times are UTC by definition
        if instant >= EARLIEST_CREATION:
            return instant.astimezone(dt.UTC)
    return None
