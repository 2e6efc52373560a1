"""Synthetic dashcam footage, so a new user sees the timeline and playback work.

Each clip is H.264 in MP4 with a burned-in Japanese-time clock that advances every frame, a
moving road-like scene (so players and thumbnails show it is not a still), the plate and
camera in the corner, and `creation_time` set to the start instant, as a recorder writes it.
OpenCV draws only ASCII, so kana in the label are romanised and kanji dropped.

Also the damaged files tests need (`make_truncated_copy`) and an NMEA sidecar that drives a
plausible straight track (`make_nmea_track`). Framework-free: imports no Django.
"""

from __future__ import annotations

import datetime as dt
import math
import struct
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from hogo.video.naming import CHANNELS, JST
from hogo.video.nmea import KNOT_KMH, checksum

_KANA = ("あいうえおかきくけこがぎぐげごさしすせそざじずぜぞたちつてとだぢづでど"
         "なにぬねのはひふへほばびぶべぼぱぴぷぺぽまみむめもやゆよらりるれろわをん")
_ROMAJI = (
    "a", "i", "u", "e", "o", "ka", "ki", "ku", "ke", "ko", "ga", "gi", "gu", "ge", "go",
    "sa", "shi", "su", "se", "so", "za", "ji", "zu", "ze", "zo", "ta", "chi", "tsu", "te", "to",
    "da", "ji", "zu", "de", "do", "na", "ni", "nu", "ne", "no", "ha", "hi", "fu", "he", "ho",
    "ba", "bi", "bu", "be", "bo", "pa", "pi", "pu", "pe", "po", "ma", "mi", "mu", "me", "mo",
    "ya", "yu", "yo", "ra", "ri", "ru", "re", "ro", "wa", "wo", "n",
)
ROMAJI = {**dict(zip(_KANA, _ROMAJI, strict=True)),
          **{chr(ord(k) + 0x60): r for k, r in zip(_KANA, _ROMAJI, strict=True)}}
FONT = cv2.FONT_HERSHEY_SIMPLEX
ASHIYA_CITY_HALL = (34.7266, 135.3036)


def video_encoder() -> str:
    """libx264 when PyAV's FFmpeg has it (the wheels do), else FFmpeg's own MPEG-4 Part 2."""
    try:
        av.codec.Codec("libx264", "w")
    except (av.error.FFmpegError, ValueError):
        return "mpeg4"
    return "libx264"


def ascii_label(label: str) -> str:
    """The label as OpenCV can draw it: kana romanised, other non-ASCII characters dropped."""
    text = "".join(ROMAJI.get(ch, ch if ch.isascii() else " ") for ch in label)
    return " ".join(text.split()).upper()


def make_clip(path: Path | str, start: dt.datetime, seconds: int, fps: int = 10,
              size: tuple[int, int] = (640, 360), label: str = "デモ 300 さ 10-01",
              channel: str = "front", *, faststart: bool = True, audio: bool = False) -> Path:
    """Write a synthetic clip; `faststart=False` leaves the index at the end, as recorders do."""
    if start.tzinfo is None:
        raise ValueError("start must be timezone-aware")
    if channel not in CHANNELS:
        raise ValueError(f"channel must be one of {CHANNELS}")
    path = Path(path)
    width, height = size
    encoder = video_encoder()
    options = {"movflags": "+faststart"} if faststart else {}
    with av.open(str(path), "w", format="mp4", options=options) as container:
        container.metadata["creation_time"] = (
            start.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
        stream = container.add_stream(encoder, rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        # One keyframe a second, so a browser can seek anywhere quickly.
        stream.options = {"g": str(fps)}
        if encoder == "libx264":
            stream.options = {**stream.options, "preset": "ultrafast"}
        else:
            stream.bit_rate = 1_500_000
        sound = _add_audio(container) if audio else None
        scene = _Scene(width, height, channel, ascii_label(label))
        for index in range(seconds * fps):
            instant = start + dt.timedelta(seconds=index / fps)
            picture = cv2.cvtColor(scene.draw(index / fps, instant), cv2.COLOR_BGR2YUV_I420)
            frame = av.VideoFrame.from_ndarray(picture, format="yuv420p")
            frame.pts, frame.time_base = index, Fraction(1, fps)
            container.mux(stream.encode(frame))
            if sound is not None and index % fps == 0:
                container.mux(sound.encode(_hum(index // fps, sound.sample_rate)))
        container.mux(stream.encode(None))
        if sound is not None:
            container.mux(sound.encode(None))
    return path


def _add_audio(container: av.container.OutputContainer) -> av.AudioStream:
    sound = container.add_stream("aac", rate=16000, options={"aac_coder": "fast"})
    sound.layout = "mono"
    return sound


def _hum(second: int, rate: int) -> av.AudioFrame:
    """One second of a quiet engine-like hum."""
    t = np.arange(rate) / rate + second
    wave = 0.05 * np.sin(2 * np.pi * 90 * t) + 0.02 * np.sin(2 * np.pi * 180 * t)
    frame = av.AudioFrame.from_ndarray(wave.astype(np.float32)[np.newaxis, :], format="fltp",
                                       layout="mono")
    frame.sample_rate, frame.pts, frame.time_base = rate, second * rate, Fraction(1, rate)
    return frame


class _Scene:
    """A road seen from a camera: static background drawn once, moving parts per frame."""

    def __init__(self, width: int, height: int, channel: str, label: str) -> None:
        self.width, self.height, self.channel = width, height, channel
        self.caption = f"{label}  {channel.upper()}".strip()
        self.scale = height / 360
        self.horizon = int(height * 0.42)
        self.background = self._background()

    def _background(self) -> np.ndarray:
        w, h, horizon = self.width, self.height, self.horizon
        image = np.empty((h, w, 3), np.uint8)
        sky = np.linspace(0, 1, horizon)[:, np.newaxis]
        image[:horizon] = (235 - 60 * sky)[..., np.newaxis] * np.array([1.0, 0.85, 0.6])
        image[horizon:] = (70, 110, 80)  # verges
        road = np.array([[w // 2 - w // 40, horizon], [w // 2 + w // 40, horizon],
                         [w + w // 4, h], [-w // 4, h]], np.int32)
        cv2.fillPoly(image, [road], (95, 95, 95))
        if self.channel == "cabin":
            image //= 3  # the interior is dark; the road shows through the windscreen
        return image

    def draw(self, t: float, instant: dt.datetime) -> np.ndarray:
        image = self.background.copy()
        w, h, horizon = self.width, self.height, self.horizon
        direction = -1 if self.channel == "rear" else 1
        for k in range(6):  # centre-line dashes running towards (or away from) the camera
            phase = ((k + direction * t * 1.5) % 6) / 6
            y0 = horizon + int((h - horizon) * phase**2)
            y1 = horizon + int((h - horizon) * min(1.0, phase + 0.06) ** 2)
            half = max(1, int(w * 0.01 * (0.2 + phase)))
            cv2.rectangle(image, (w // 2 - half, y0), (w // 2 + half, y1), (230, 230, 230), -1)
        for k in range(4):  # roadside posts on both verges, passing by
            phase = ((k + direction * t * 0.8) % 4) / 4
            y = horizon + int((h - horizon) * phase**2)
            spread = int(w * (0.04 + 0.9 * phase**2))
            post_w, post_h = max(2, int(w * 0.012 * (0.2 + 2 * phase))), int(h * 0.35 * phase)
            for x in (w // 2 - spread - post_w, w // 2 + spread):
                cv2.rectangle(image, (x, y - post_h), (x + post_w, y), (60, 200, 230), -1)
        ahead = 0.5 + 0.35 * math.sin(t / 3)  # a car ahead, nearer and further
        car_w, car_h = int(w * 0.12 * ahead), int(h * 0.09 * ahead)
        x = w // 2 + int(w * 0.08 * math.sin(t / 2)) - car_w // 2
        y = horizon + int((h - horizon) * ahead * 0.6)
        cv2.rectangle(image, (x, y), (x + car_w, y + car_h), (40, 40, 170), -1)
        cross = int((t * w / 4) % (w + w // 5)) - w // 10  # traffic on a side road
        if self.channel in ("left", "right"):
            cross = w - cross if self.channel == "left" else cross
        cv2.rectangle(image, (cross, horizon - h // 30), (cross + w // 10, horizon + h // 40),
                      (170, 120, 30), -1)
        if self.channel == "cabin":
            cv2.rectangle(image, (0, int(h * 0.7)), (w, h), (30, 30, 35), -1)  # dashboard
        self._overlay(image, instant)
        return image

    def _overlay(self, image: np.ndarray, instant: dt.datetime) -> None:
        local = instant.astimezone(JST)
        clock = f"{local:%Y/%m/%d %H:%M:%S}.{local.microsecond // 10_000:02d} JST"
        s = self.scale
        thick = max(1, round(2 * s))
        cv2.rectangle(image, (0, 0), (int(330 * s), int(30 * s)), (0, 0, 0), -1)
        cv2.putText(image, clock, (int(8 * s), int(21 * s)), FONT, 0.6 * s, (255, 255, 255),
                    thick, cv2.LINE_AA)
        if self.caption:
            cv2.putText(image, self.caption, (int(8 * s), self.height - int(10 * s)), FONT,
                        0.5 * s, (255, 255, 255), thick, cv2.LINE_AA)


def make_truncated_copy(src: Path | str, dst: Path | str, fraction: float, *,
                        hide_cut: bool = False) -> Path:
    """Copy the first `fraction` of a file, as a recorder losing power or a broken copy leaves it.

    `hide_cut=True` also shrinks the size of the MP4 box the cut falls in (as a careless repair
    tool would), so only the index, which still lists the lost frames, betrays the damage.
    """
    if not 0 <= fraction < 1:
        raise ValueError("fraction must be at least 0 and below 1")
    data = bytearray(Path(src).read_bytes())
    cut = int(len(data) * fraction)
    kept = data[:cut]
    if hide_cut:
        offset = 0
        while offset + 8 <= cut:
            box_size = struct.unpack(">I", data[offset:offset + 4])[0]
            large = box_size == 1
            if large:
                box_size = struct.unpack(">Q", data[offset + 8:offset + 16])[0]
            if box_size < 8:
                break
            if offset + box_size > cut:
                if large:
                    kept[offset + 8:offset + 16] = struct.pack(">Q", cut - offset)
                else:
                    kept[offset:offset + 4] = struct.pack(">I", cut - offset)
                break
            offset += box_size
    dst = Path(dst)
    dst.write_bytes(kept)
    return dst


def make_nmea_track(path: Path | str, start: dt.datetime, seconds: int,
                    origin: tuple[float, float] = ASHIYA_CITY_HALL, speed_kmh: float = 30.0,
                    heading: float = 90.0) -> Path:
    """Write one RMC and one GGA sentence a second for a vehicle driving straight on."""
    lat0, lon0 = origin
    lines = []
    for second in range(seconds + 1):
        instant = (start + dt.timedelta(seconds=second)).astimezone(dt.UTC)
        metres = speed_kmh / 3.6 * second
        lat = lat0 + metres * math.cos(math.radians(heading)) / 111_320
        lon = lon0 + metres * math.sin(math.radians(heading)) / (
            111_320 * math.cos(math.radians(lat0)))
        hms = f"{instant:%H%M%S}.00"
        position = f"{_nmea_angle(lat, 2, 'NS')},{_nmea_angle(lon, 3, 'EW')}"
        rmc = (f"GPRMC,{hms},A,{position},{speed_kmh / KNOT_KMH:.1f},{heading:.1f},"
               f"{instant:%d%m%y},,,A")
        gga = f"GPGGA,{hms},{position},1,08,0.9,12.0,M,34.0,M,,"
        lines += [f"${rmc}*{checksum(rmc)}", f"${gga}*{checksum(gga)}"]
    path = Path(path)
    path.write_text("\r\n".join(lines) + "\r\n", encoding="ascii")
    return path


def _nmea_angle(value: float, degree_digits: int, hemispheres: str) -> str:
    degrees = int(abs(value))
    minutes = (abs(value) - degrees) * 60
    return f"{degrees:0{degree_digits}d}{minutes:07.4f},{hemispheres[value < 0]}"
