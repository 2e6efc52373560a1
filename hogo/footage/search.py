"""Finding originals: by vehicle, camera, time range and map area, always within the
departments the user may see (R-206). One query shape serves the list, the timeline and
the benchmark, so what is measured is what users get.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from hogo.footage.models import Segment

# A recorded file is never longer than this; it bounds the overlap query so the
# (recorder, start_at) index does the work.
MAX_SEGMENT = dt.timedelta(hours=6)


@dataclass(frozen=True)
class Criteria:
    department_ids: tuple[int, ...]
    vehicle_id: int | None = None
    channel: str | None = None
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    min_lat: float | None = None
    max_lat: float | None = None
    min_lon: float | None = None
    max_lon: float | None = None


def find_segments(criteria: Criteria) -> QuerySet[Segment]:
    """Kept originals that overlap the time range and, when given, the map area."""
    found = Segment.objects.filter(
        erased_at__isnull=True,
        recorder__vehicle__department_id__in=criteria.department_ids)
    if criteria.vehicle_id is not None:
        found = found.filter(recorder__vehicle_id=criteria.vehicle_id)
    if criteria.channel:
        found = found.filter(channel=criteria.channel)
    if criteria.start is not None:
        found = found.filter(start_at__gte=criteria.start - MAX_SEGMENT,
                             end_at__gt=criteria.start)
    if criteria.end is not None:
        found = found.filter(start_at__lt=criteria.end)
    if None not in (criteria.min_lat, criteria.max_lat, criteria.min_lon, criteria.max_lon):
        found = found.filter(max_lat__gte=criteria.min_lat, min_lat__lte=criteria.max_lat,
                             max_lon__gte=criteria.min_lon, min_lon__lte=criteria.max_lon)
    # The GPS track can be long and is not needed to list or place a segment.
    return found.defer("gps_sealed").order_by("start_at", "channel")


def timeline_rows(segments, day_start) -> list[dict]:
    """Bars per camera as percentages of the day, for a plain HTML timeline."""
    by_channel: dict[str, list[dict]] = {}
    for segment in segments:
        left = max(0.0, (segment.start_at - day_start).total_seconds() / 864)
        right = min(100.0, (segment.end_at - day_start).total_seconds() / 864)
        by_channel.setdefault(segment.get_channel_display(), []).append(
            {"segment": segment, "left": round(left, 3), "width": round(max(right - left, 0.15), 3),
             "flagged": bool(segment.flags)})
    return [{"channel": channel, "bars": bars} for channel, bars in sorted(by_channel.items())]
