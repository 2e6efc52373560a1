"""Ring-buffer retention and holds for originals (REQUIREMENTS R-204, R-306).

The rule itself is pure (hogo/rules/ring_buffer.py); this module feeds it a recorder's
originals, crypto-shreds what it selects, writes a DeletionRecord and an audit entry for
each erasure, and raises an alert when holds keep a recorder over its capacity.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef

from hogo import clock
from hogo.audit import services as audit
from hogo.footage.models import DeletionRecord, Hold, HoldKind, Segment
from hogo.footage.storage import get_store
from hogo.registry.models import Recorder
from hogo.rules.ring_buffer import Kept, ring_buffer_sweep
from hogo.web.alerts import raise_alert

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
    for segment in Segment.objects.filter(id__in=sweep.erase).select_related("stored"):
        erase_segment(segment, rule=RING_BUFFER_RULE, by=None,
                      why=f"recorder capacity exceeded ({recorder.serial})")
    if sweep.over_capacity:
        raise_alert("footage.capacity_pinned", department=recorder.vehicle.department,
                    message=f"{recorder}: 保存中の元データが記録容量を超えていますが、"
                            "消去停止中のため消去していません。",
                    key=f"capacity:{recorder.pk}")
    return SweepResult(len(sweep.erase), sweep.over_capacity)


def erase_segment(segment: Segment, *, rule: str, by: Any, why: str) -> DeletionRecord:
    """Crypto-shred one original: destroy its wrapped key and blob, and record that.

    `by` is the user who decided, or None when a rule ran by itself. Refuses while any open
    hold names the segment, whatever the rule.
    """
    actor, _ = audit.actor_of(by)
    with transaction.atomic():
        segment = Segment.objects.select_for_update().select_related("stored", "recorder").get(
            pk=segment.pk)
        if segment.erased_at is not None:
            raise ValueError(f"segment {segment.pk} is already erased")
        if segment.holds.filter(released_at__isnull=True).exists():
            raise PermissionError(f"segment {segment.pk} is held and cannot be erased")
        now = clock.now()
        stored = segment.stored
        others = stored.segments.exclude(pk=segment.pk).filter(erased_at__isnull=True).exists()
        if not others:
            stored.wrapped_key = ""
            stored.shredded_at = now
            stored.save(update_fields=["wrapped_key", "shredded_at"])
        segment.erased_at = now
        segment.gps_track = []
        segment.save(update_fields=["erased_at", "gps_track"])
        record = DeletionRecord.objects.create(
            object_id=stored.object_id, sha256=segment.sha256, size=segment.size,
            what=f"元データ {segment}", segment_id=segment.pk, recorder=segment.recorder,
            recorded_from=segment.start_at, rule=rule,
            method="crypto-shred: wrapped AES-256 data key destroyed, blob deleted",
            erased_at=now, erased_by=actor, detail={"why": why})
        audit.record("footage.erased", user=by, obj=segment,
                     purpose=why, detail={"rule": rule, "sha256": segment.sha256,
                                          "deletion_record": record.pk})
        if not others:
            transaction.on_commit(lambda: _delete_blob(stored.object_id))
    return record


def _delete_blob(object_id: str) -> None:
    try:
        get_store().shred(object_id)
    except Exception:  # the key is gone already; a left-over blob is unreadable
        log.exception("blob %s could not be deleted after its key was destroyed", object_id)


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


def release_hold(hold: Hold, *, by: Any) -> None:
    with transaction.atomic():
        hold.released_at, hold.released_by = clock.now(), audit.actor_of(by)[0]
        hold.save(update_fields=["released_at", "released_by"])
        audit.record("footage.hold_released", user=by, obj=hold)
