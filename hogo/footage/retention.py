"""Ring-buffer retention and holds for originals (R-204, R-306).

The rule itself is pure (hogo/rules/ring_buffer.py); this module feeds it a recorder's
originals, crypto-shreds what it selects, writes a DeletionRecord and an audit entry for
each erasure, and raises an alert when holds keep a recorder over its capacity.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef

from hogo import clock
from hogo.alerts.services import raise_alert
from hogo.audit import services as audit
from hogo.footage.models import (
    DeletionRecord,
    EncryptedObject,
    Hold,
    HoldKind,
    Segment,
    Upload,
)
from hogo.footage.objects import erasure_batch, shred_unless_needed
from hogo.footage.search import Criteria, find_segments
from hogo.footage.tracks import FORGET_FIELDS
from hogo.registry.models import Recorder
from hogo.rules.ring_buffer import Kept, ring_buffer_sweep
from hogo.video.naming import same_clip, sidecar_names

log = logging.getLogger("hogo.footage")
RING_BUFFER_RULE = "ring_buffer"


def kept_segments(recorder: Recorder):
    """Originals of a recorder that still exist, each marked pinned or not."""
    open_holds = Hold.objects.filter(segments=OuterRef("pk"), released_at__isnull=True)
    return (Segment.objects.filter(recorder=recorder, erased_at__isnull=True)
            .annotate(pinned=Exists(open_holds)))


@dataclass(frozen=True)
class SweepResult:
    erased: int
    over_capacity: bool


def sweep_recorder(recorder: Recorder) -> SweepResult:
    """Erase what the recorder would have overwritten; alert when holds prevent it."""
    rows = kept_segments(recorder).values_list("id", "start_at", "size", "duration", "pinned")
    sweep = ring_buffer_sweep(
        (Kept(*row) for row in rows), recorder.capacity_bytes,
        recorder.capacity_hours * 3600 if recorder.capacity_hours else None)
    erased = 0
    with erasure_batch():
        for segment_id in sweep.erase:  # one at a time: no query with 100,000 parameters
            segment = Segment(pk=segment_id)
            try:
                erase_segment(segment, rule=RING_BUFFER_RULE, by=None,
                              why=f"recorder capacity exceeded ({recorder.serial})")
                erased += 1
            except (ValueError, PermissionError) as skipped:  # erased or held meanwhile
                log.info("ring buffer skipped segment %s: %s", segment.pk, skipped)
    if sweep.over_capacity:
        raise_alert("footage.capacity_pinned", department=recorder.vehicle.department,
                    message=f"{recorder}: 保存中の元データが記録容量を超えていますが、"
                            "消去停止中のため消去していません。",
                    key=f"capacity:{recorder.pk}")
    return SweepResult(erased, sweep.over_capacity)


def erase_segment(segment: Segment, *, rule: str, by: Any, why: str) -> DeletionRecord:
    """Crypto-shred one original: destroy its wrapped key and blob, and record that.

    `by` is the user who decided, or None when a rule ran by itself. Refuses while any open
    hold names the segment, whatever the rule.
    """
    actor, _ = audit.actor_of(by)
    with transaction.atomic():
        segment = Segment.objects.select_for_update().select_related(
            "stored", "recorder__vehicle").get(pk=segment.pk)
        if segment.erased_at is not None:
            raise ValueError(f"segment {segment.pk} is already erased")
        if segment.holds.filter(released_at__isnull=True).exists():
            raise PermissionError(f"segment {segment.pk} is held and cannot be erased")
        now = clock.now()
        # Lock the object: two erasures of segments sharing it must not both think the
        # other keeps it alive.
        stored = EncryptedObject.objects.select_for_update().get(pk=segment.stored_id)
        segment.erased_at = now
        for field, cleared in FORGET_FIELDS.items():
            setattr(segment, field, cleared)
        segment.save(update_fields=["erased_at", *FORGET_FIELDS])
        facts = {"what": f"元データ {segment}", "rule": rule, "by": actor, "now": now,
                 "sha256": segment.sha256, "size": segment.size, "segment_id": segment.pk,
                 "recorder": segment.recorder, "recorded_from": segment.start_at,
                 "detail": {"why": why}}
        record = shred_unless_needed(stored, besides=segment, **facts)
        _erase_orphaned_sidecars(segment, actor=actor, rule=rule, now=now)
        audit.record("footage.erased", user=by, obj=segment,
                     purpose=why, detail={"rule": rule, "sha256": segment.sha256,
                                          "deletion_record": record.pk})
    return record


def _erase_orphaned_sidecars(segment: Segment, *, actor: str, rule: str, now) -> None:
    """A GPS sidecar is personal data too: it goes with the last clip that used it."""
    sidecars = Upload.objects.filter(
        recorder=segment.recorder, segment__isnull=True,
        relative_path__in=sidecar_names(segment.original_name)).exclude(
        stored__wrapped_key="").exclude(stored__isnull=True).select_related("stored")
    for sidecar in sidecars:
        prefix = str(PurePosixPath(sidecar.relative_path).with_suffix(""))
        candidates = Segment.objects.filter(recorder=segment.recorder, erased_at__isnull=True,
                                            original_name__startswith=prefix)
        if any(same_clip(sidecar.relative_path, s.original_name) for s in candidates):
            continue
        stored = EncryptedObject.objects.select_for_update().get(pk=sidecar.stored_id)
        shred_unless_needed(stored, besides=sidecar, what=f"GPSデータ {sidecar.relative_path}",
                            rule=rule, by=actor, now=now, recorder=segment.recorder,
                            detail={"with_segment": segment.pk})


CRYPTO_SHRED = "crypto-shred: wrapped AES-256 data key destroyed, blob deleted"
def place_hold(kind: str, reference: str, segments: list[Segment], *, by: Any) -> Hold:
    if kind not in HoldKind.values:
        raise ValueError(f"unknown hold kind {kind!r}")
    with transaction.atomic():
        hold = Hold.objects.create(kind=kind, reference=reference,
                                   placed_by=audit.actor_of(by)[0], placed_at=clock.now())
        hold.segments.set(segments)
        audit.record("footage.hold_placed", user=by, obj=hold,
                     purpose=reference, detail={"kind": kind,
                                                "segments": [s.pk for s in segments]})
    return hold


def pin_range(hold: Hold | None, kind: str, reference: str, *, vehicle: Any, start: Any,
              end: Any, channels: list[str], by: Any) -> Hold:
    """The hold that pins a vehicle's originals in a time range and cameras (all cameras when
    `channels` is empty): `hold` itself when it is live and already pins exactly those
    segments; otherwise `hold` is released and a new one placed. For a request that names
    footage (a provision request, a person's request) from when its range is known until it
    closes (R-204). Call inside a transaction."""
    found = find_segments(Criteria(department_ids=(vehicle.department_id,),
                                   vehicle_id=vehicle.pk, start=start, end=end))
    segments = [s for s in found if not channels or s.channel in channels]
    if hold is not None and hold.released_at is None:
        if set(hold.segments.values_list("pk", flat=True)) == {s.pk for s in segments}:
            return hold
        release_hold(hold, by=by)
    return place_hold(kind, reference, segments, by=by)


def release_hold(hold: Hold, *, by: Any) -> None:
    with transaction.atomic():
        hold.released_at, hold.released_by = clock.now(), audit.actor_of(by)[0]
        hold.save(update_fields=["released_at", "released_by"])
        audit.record("footage.hold_released", user=by, obj=hold)
