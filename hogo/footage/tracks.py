"""GPS tracks of originals, sealed under the original's own data key.

A track says where a vehicle (and so its driver and the people it filmed) was, second by
second: personal data like the footage itself. It is therefore not kept in the database in
plaintext but sealed with a subkey of the original's data key, so that crypto-shredding the
original destroys the track with it and a database dump alone shows no route. The bounding
box stays in plaintext columns for the area search and is cleared on erasure.
"""

from __future__ import annotations

import json

from hogo.footage.models import Segment
from hogo.footage.objects import get_store
from hogo.video.nmea import Track, bounding_box

Point = list  # [iso time, lat, lon]


def _context(segment: Segment) -> str:
    return f"gps:{segment.pk}"


def seal_track(segment: Segment, track: Track) -> bool:
    """Keep a parsed track on the segment (sealed) with its bounding box; False if empty."""
    box = bounding_box(track.points)
    if box is None:
        return False
    points = [[p.time.isoformat(), p.lat, p.lon] for p in track.points]
    segment.gps_sealed = get_store().seal(
        segment.stored.wrapped_key, json.dumps(points, separators=(",", ":")).encode(),
        _context(segment))
    segment.min_lat, segment.max_lat = box.south, box.north
    segment.min_lon, segment.max_lon = box.west, box.east
    segment.save(update_fields=["gps_sealed", "min_lat", "max_lat", "min_lon", "max_lon"])
    return True


def track_of(segment: Segment) -> list[Point]:
    """The segment's GPS points, [] when it has none or was erased."""
    if not segment.gps_sealed or not segment.stored.wrapped_key:
        return []
    return json.loads(get_store().unseal(segment.stored.wrapped_key, segment.gps_sealed,
                                         _context(segment)))


FORGET_FIELDS = {"gps_sealed": "", "min_lat": None, "max_lat": None, "min_lon": None,
                 "max_lon": None}
"""What erasure clears on the segment row besides the key: the sealed track and its box."""
