"""NMEA 0183 sidecars: the GPS track a dashcam writes next to a clip (`<clip>.nmea`).

The track lets footage be found by map area (R-206). Cards are written by recorders
that lose power, so a sidecar often ends in half a sentence or holds damaged lines: every
sentence's checksum is verified, and bad ones are skipped and counted rather than failing the
whole track. Positions come from RMC (date, time, position, speed) and GGA (time, position);
GGA has no date, so it takes the date of the nearest RMC.

Framework-free: imported by Django code, never importing it.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from pathlib import Path

KNOT_KMH = 1.852


@dataclass(frozen=True)
class TrackPoint:
    """One fix: an aware UTC instant, degrees north and east, speed if the sentence gave it."""

    time: dt.datetime
    lat: float
    lon: float
    speed_kmh: float | None = None


@dataclass(frozen=True)
class Track:
    """A parsed sidecar: points sorted by time, one per instant, and what was left out."""

    points: tuple[TrackPoint, ...]
    bad: int = 0  # checksum wrong or missing, or fields malformed
    no_fix: int = 0  # well-formed, but the receiver had no position (RMC "V", GGA quality 0)
    undated: int = 0  # GGA fixes with no RMC in the file to give their date


@dataclass(frozen=True)
class BoundingBox:
    south: float
    west: float
    north: float
    east: float

    def contains(self, lat: float, lon: float) -> bool:
        return self.south <= lat <= self.north and self.west <= lon <= self.east


class _Bad(ValueError):
    pass


def read_nmea(path: Path | str, day: dt.date | None = None) -> Track:
    """Parse a sidecar file; bytes that are not ASCII only spoil their own sentence."""
    return parse_nmea(Path(path).read_bytes().decode("ascii", errors="replace"), day)


def parse_nmea(text: str, day: dt.date | None = None) -> Track:
    """Parse NMEA text. `day` (UTC) dates GGA fixes in a file that has no RMC sentence."""
    rmc: dict[dt.datetime, TrackPoint] = {}
    gga: list[tuple[int, dt.time, float, float]] = []  # (order, time of day, lat, lon)
    rmc_order: list[tuple[int, dt.datetime]] = []
    bad = no_fix = 0
    for order, line in enumerate(text.splitlines()):
        start = line.find("$")
        if start < 0:
            continue
        try:
            fields = _fields(line[start + 1:])
            kind = fields[0][2:]
            if kind == "RMC":
                point = _rmc(fields)
                if point is None:
                    no_fix += 1
                else:
                    rmc[point.time] = point
                    rmc_order.append((order, point.time))
            elif kind == "GGA":
                fix = _gga(fields)
                if fix is None:
                    no_fix += 1
                else:
                    gga.append((order, *fix))
        except (_Bad, ValueError, IndexError):
            bad += 1
    points = dict(rmc)
    undated = 0
    for order, time_of_day, lat, lon in gga:
        instant = _date_gga(order, time_of_day, rmc_order, day)
        if instant is None:
            undated += 1
        elif instant not in points:
            points[instant] = TrackPoint(instant, lat, lon)
    ordered = tuple(points[t] for t in sorted(points))
    return Track(ordered, bad=bad, no_fix=no_fix, undated=undated)


def bounding_box(points: Iterable[TrackPoint]) -> BoundingBox | None:
    """The smallest box around the points, or None for an empty track.

    Dashcam tracks never span the antimeridian in Japan, so longitudes are not wrapped.
    """
    points = list(points)
    if not points:
        return None
    lats = [p.lat for p in points]
    lons = [p.lon for p in points]
    return BoundingBox(min(lats), min(lons), max(lats), max(lons))


def checksum(body: str) -> str:
    """The two hex digits after `*`: XOR of every character between `$` and `*`."""
    return f"{reduce(lambda acc, ch: acc ^ ord(ch), body, 0):02X}"


def _fields(sentence: str) -> list[str]:
    body, star, given = sentence.strip().partition("*")
    if not star or len(given) < 2 or checksum(body) != given[:2].upper():
        raise _Bad("checksum")
    fields = body.split(",")
    if len(fields[0]) != 5:
        raise _Bad("address")
    return fields


def _rmc(fields: list[str]) -> TrackPoint | None:
    if fields[2] != "A":
        return None
    day = dt.datetime.strptime(fields[9], "%d%m%y").date()
    instant = dt.datetime.combine(day, _time(fields[1]), tzinfo=dt.UTC)
    lat, lon = _position(fields[3:7])
    speed = float(fields[7]) * KNOT_KMH if fields[7] else None
    return TrackPoint(instant, lat, lon, speed)


def _gga(fields: list[str]) -> tuple[dt.time, float, float] | None:
    if fields[6] in ("", "0"):
        return None
    return (_time(fields[1]), *_position(fields[2:6]))


def _time(raw: str) -> dt.time:
    if len(raw) < 6 or not raw[:6].isdigit():
        raise _Bad("time")
    micro = round(float(f"0{raw[6:]}") * 1_000_000) if raw[6:] else 0
    return dt.time(int(raw[:2]), int(raw[2:4]), int(raw[4:6]), min(micro, 999_999))


def _position(raw: list[str]) -> tuple[float, float]:
    lat_raw, north, lon_raw, east = raw
    lat = _degrees(lat_raw, 2) * {"N": 1, "S": -1}[north]
    lon = _degrees(lon_raw, 3) * {"E": 1, "W": -1}[east]
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise _Bad("position")
    return lat, lon


def _degrees(raw: str, degree_digits: int) -> float:
    """ddmm.mmmm (or dddmm.mmmm) to decimal degrees."""
    whole, minutes = raw[:degree_digits], float(raw[degree_digits:])
    if not whole.isdigit() or not 0 <= minutes < 60:
        raise _Bad("degrees")
    return int(whole) + minutes / 60


def _date_gga(order: int, time_of_day: dt.time, rmc_order: list[tuple[int, dt.datetime]],
              day: dt.date | None) -> dt.datetime | None:
    """The instant of a GGA fix: the date, within a day either way, closest to nearby RMC."""
    if rmc_order:
        index = bisect.bisect(rmc_order, (order,))
        reference = rmc_order[index - 1 if index else 0][1]
    elif day is not None:
        reference = dt.datetime.combine(day, time_of_day, tzinfo=dt.UTC)
    else:
        return None
    candidates = (dt.datetime.combine(reference.date() + dt.timedelta(days=shift), time_of_day,
                                      tzinfo=dt.UTC) for shift in (-1, 0, 1))
    return min(candidates, key=lambda c: abs(c - reference))
