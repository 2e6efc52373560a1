"""Recorder profiles: what a file's path on the card says about when and which camera recorded it.

Dashcams name each clip after its start time in the recorder's clock, which in Japan is set to
local time, and mark the camera with a suffix or a folder. A profile turns a path relative to
the card root into (start as an aware Asia/Tokyo datetime, channel). A name a profile does not
recognise gives None, so the upload command can list it for the user instead of guessing.

Conventions (letters and extensions in either case; `_` or `-` between the parts):
- `flat`: `YYYYMMDD_HHMMSS_<ch>.<ext>` in any folder, e.g. `20250603_141500_F.mp4`,
  `DCIM/20250603-141500_rear.MP4`.
- `date_folders`: a folder per day, named `YYYY-MM-DD` or `YYYYMMDD`, holding either
  `HHMMSS_<ch>.<ext>` (`2025-06-03/141500_front.mp4`) or a folder per channel with
  `HHMMSS.<ext>` inside (`20250603/F/141500.MP4`).
`<ch>` is F / FRONT (front), R / REAR (rear), L / LEFT (left), RI / RT / RIGHT (right),
I / IN / CABIN / INSIDE (cabin). `<ext>` is one of VIDEO_SUFFIXES.

Framework-free: imported by Django code, never importing it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo

JST = ZoneInfo("Asia/Tokyo")
CHANNELS = ("front", "rear", "left", "right", "cabin")
CHANNEL_TOKENS = {
    "f": "front", "front": "front",
    "r": "rear", "rear": "rear",
    "l": "left", "left": "left",
    "ri": "right", "rt": "right", "right": "right",
    "i": "cabin", "in": "cabin", "cabin": "cabin", "inside": "cabin",
}
VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".avi", ".mkv", ".ts"})
SIDECAR_SUFFIXES = (".nmea", ".NMEA", ".Nmea")

_FLAT = re.compile(r"(?P<date>\d{8})[_-]?(?P<time>\d{6})[_-](?P<ch>[A-Za-z]+)")
_DAY = re.compile(r"(?P<y>\d{4})(?P<sep>-?)(?P<m>\d{2})(?P=sep)(?P<d>\d{2})")
_TIME_CH = re.compile(r"(?P<time>\d{6})[_-](?P<ch>[A-Za-z]+)")
_TIME = re.compile(r"\d{6}")
_CHANNEL_SUFFIX = re.compile(r"(?P<stem>.+)[_-](?P<ch>[A-Za-z]+)")


@dataclass(frozen=True)
class NameInfo:
    """What a path says: the clip's start in the recorder's (Japanese) clock, and its camera."""

    start: dt.datetime
    channel: str


@dataclass(frozen=True)
class RecorderProfile:
    key: str
    label_ja: str
    label_en: str
    examples: tuple[str, ...]
    parse: Callable[[PurePosixPath], NameInfo | None]


def parse_name(profile_key: str, relative_path: str | PurePosixPath) -> NameInfo | None:
    """Start and channel of a clip by the profile's convention, or None if it does not fit."""
    try:
        profile = PROFILES[profile_key]
    except KeyError:
        raise ValueError(f"unknown recorder profile {profile_key!r}; "
                         f"known: {', '.join(PROFILES)}") from None
    path = PurePosixPath(str(relative_path).replace("\\", "/"))
    if path.suffix.lower() not in VIDEO_SUFFIXES:
        return None
    return profile.parse(path)


def sidecar_for(video_path: Path) -> Path | None:
    """The NMEA file a recorder wrote for a clip, if any.

    Looked for beside the clip as `<stem>.nmea` (any case), then under the stem without its
    channel suffix (one track serves every camera), then in the day folder above a channel
    folder.
    """
    video_path = Path(video_path)
    stems = [video_path.stem]
    if (match := _CHANNEL_SUFFIX.fullmatch(video_path.stem)) and _channel(match["ch"]):
        stems.append(match["stem"])
    folders = [video_path.parent]
    if _channel(video_path.parent.name):
        folders.append(video_path.parent.parent)
    for folder in folders:
        for stem in stems:
            for suffix in SIDECAR_SUFFIXES:
                candidate = folder / f"{stem}{suffix}"
                if candidate.is_file():
                    return candidate
    return None


def _channel(token: str) -> str | None:
    return CHANNEL_TOKENS.get(token.lower())


def _start(year: int, month: int, day: int, hhmmss: str) -> dt.datetime | None:
    try:
        return dt.datetime(year, month, day, int(hhmmss[:2]), int(hhmmss[2:4]),
                           int(hhmmss[4:6]), tzinfo=JST)
    except ValueError:
        return None


def _info(start: dt.datetime | None, channel: str | None) -> NameInfo | None:
    return NameInfo(start, channel) if start is not None and channel is not None else None


def _parse_flat(path: PurePosixPath) -> NameInfo | None:
    match = _FLAT.fullmatch(path.stem)
    if match is None:
        return None
    date = match["date"]
    return _info(_start(int(date[:4]), int(date[4:6]), int(date[6:]), match["time"]),
                 _channel(match["ch"]))


def _parse_date_folders(path: PurePosixPath) -> NameInfo | None:
    parents = path.parent.parts
    if (match := _TIME_CH.fullmatch(path.stem)) and parents:
        day, hhmmss, channel = parents[-1], match["time"], _channel(match["ch"])
    elif _TIME.fullmatch(path.stem) and len(parents) >= 2:
        day, hhmmss, channel = parents[-2], path.stem, _channel(parents[-1])
    else:
        return None
    if (day_match := _DAY.fullmatch(day)) is None:
        return None
    start = _start(int(day_match["y"]), int(day_match["m"]), int(day_match["d"]), hhmmss)
    return _info(start, channel)


PROFILES = {
    "flat": RecorderProfile(
        "flat", "ファイル名に日時とカメラ（例: 20250603_141500_F.mp4）",
        "Date, time and camera in the file name (e.g. 20250603_141500_F.mp4)",
        ("20250603_141500_F.mp4", "DCIM/20250603-141500_rear.MP4"), _parse_flat),
    "date_folders": RecorderProfile(
        "date_folders", "日付フォルダー（例: 2025-06-03/141500_front.mp4）",
        "A folder per day (e.g. 2025-06-03/141500_front.mp4 or 20250603/F/141500.MP4)",
        ("2025-06-03/141500_front.mp4", "20250603/F/141500.MP4"), _parse_date_folders),
}


def sidecar_names(video_path: str) -> list[str]:
    """Where a clip's GPS sidecar may be: `<stem>.nmea`, or `<stem without camera>.nmea`
    shared by every camera of that moment (any letter case of the suffix)."""
    video = PurePosixPath(video_path)
    stems = {video.stem, video.stem.rsplit("_", 1)[0]}
    return [str(video.parent / f"{stem}{suffix}") if str(video.parent) != "." else
            f"{stem}{suffix}" for stem in stems for suffix in SIDECAR_SUFFIXES]


def same_clip(sidecar_path: str, video_path: str) -> bool:
    """A sidecar belongs to a clip with the same stem, or to every camera of that moment."""
    side, video = PurePosixPath(sidecar_path), PurePosixPath(video_path)
    if side.parent != video.parent:
        return False
    stem = side.stem.lower()
    return video.stem.lower() == stem or video.stem.lower().startswith(stem + "_")
