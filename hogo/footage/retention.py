"""Ring-buffer retention and holds for originals (REQUIREMENTS R-204, R-306).

The rule itself is pure (hogo/rules/ring_buffer.py); this module feeds it a recorder's
originals, crypto-shreds what it selects, writes a DeletionRecord and an audit entry for
each erasure, and raises an alert when holds keep a recorder over its capacity.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, OuterRef

from hogo import clock
from hogo.audit import services as audit
from hogo.footage.models import (
    DeletionRecord,
    EncryptedObject,
    Hold,
    HoldKind,
    Segment,
    Upload,
    UploadState,
)
from hogo.footage.storage import get_store
from hogo.footage.tracks import FORGET_FIELDS
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
    from hogo.footage.ingest import same_clip, sidecar_names

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
KEPT_FOR = (("segments", "catalogue entry removed; key kept: still another recorder's original"),
            ("copies", "copy erased; key kept: an identical copy is still kept"),
            ("uploads", "entry erased; key kept: a quarantined file has the same content"))
"""What a DeletionRecord's method says when identical content is still needed elsewhere."""


def still_needed(stored: EncryptedObject, *, besides: Any) -> str | None:
    """What else kept, other than `besides`, uses this object (identical content is stored
    once): another original, a copy not erased, a quarantined file — as the deletion-record
    method to write — or None. Call with the object locked
    (select_for_update), so two erasures of sharers do not both shred it."""
    kept = {"segments": stored.segments.filter(erased_at__isnull=True),
            "copies": stored.copies.filter(erased_at__isnull=True),
            # (a GPS sidecar goes with the last clip that uses it: _erase_orphaned_sidecars)
            "uploads": stored.uploads.filter(state=UploadState.QUARANTINED)}
    for name, method in KEPT_FOR:
        users = kept[name]
        if isinstance(besides, users.model):
            users = users.exclude(pk=besides.pk)
        if users.exists():
            return method
    return None


def shred_unless_needed(stored: EncryptedObject, *, besides: Any, what: str, rule: str,
                        by: str, now: dt.datetime, **record: Any) -> DeletionRecord:
    """Erase one entry's object: crypto-shred it, or — when identical content is still kept
    for another entry — record the entry's erasure and keep the key (the other entry needs
    it). Either way a DeletionRecord says which."""
    kept_for = still_needed(stored, besides=besides)
    if kept_for is None:
        return shred_object(stored, what=what, rule=rule, by=by, now=now, **record)
    record.setdefault("sha256", stored.object_id)
    record.setdefault("size", stored.size)
    return DeletionRecord.objects.create(object_id=stored.object_id, what=what, rule=rule,
                                         method=kept_for, erased_at=now, erased_by=by,
                                         **record)


def shred_object(stored: EncryptedObject, *, what: str, rule: str, by: str,
                 now: dt.datetime, **record: Any) -> DeletionRecord:
    """The one way an encrypted object is erased: its wrapped key is destroyed now, its blob
    once the transaction commits, and a DeletionRecord says what, when, how and why.

    `record` adds DeletionRecord fields (sha256 and size default to the object's).
    """
    stored.wrapped_key, stored.shredded_at = "", now
    stored.save(update_fields=["wrapped_key", "shredded_at"])
    record.setdefault("sha256", stored.object_id)
    record.setdefault("size", stored.size)
    deletion = DeletionRecord.objects.create(
        object_id=stored.object_id, what=what, rule=rule, method=CRYPTO_SHRED,
        erased_at=now, erased_by=by, **record)
    object_id = stored.object_id
    transaction.on_commit(lambda: _delete_blob(object_id))
    return deletion


def _delete_blob(object_id: str) -> None:
    try:
        get_store().shred(object_id)
    except Exception:  # the key is gone already; a left-over blob is unreadable
        log.exception("blob %s could not be deleted after its key was destroyed", object_id)
    if not _in_batch.get():
        forget_freed_pages()


_in_batch: ContextVar[bool] = ContextVar("hogo_erasure_batch", default=False)


@contextlib.contextmanager
def erasure_batch() -> Iterator[None]:
    """Many erasures in a row (a sweep, a daily job): the database files are tidied once at
    the end instead of after each one (a checkpoint costs about as much as an erasure)."""
    token = _in_batch.set(True)
    try:
        yield
    finally:
        _in_batch.reset(token)
        if not _in_batch.get():
            forget_freed_pages()


CHECKPOINT_WAIT_MS = 1000


def forget_freed_pages() -> None:
    """Leave no earlier version of an erased row in the database files hogo controls.

    SQLite (secure_delete on) zeroes freed space when a checkpoint writes the page back, but
    a WAL file keeps older page images — with the wrapped key — until it is reused; a TRUNCATE
    checkpoint moves everything into the main file and cuts the WAL to nothing. PostgreSQL
    keeps dead row versions until VACUUM reuses them; what that means for erasure (and for
    backups on either database) is said in the README under "What erasure guarantees".
    """
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return  # (inside a transaction the erasure is not committed yet: nothing to tidy)
    try:
        with connection.cursor() as cursor:
            # Wait for readers a moment only: a request must not stall behind a long read.
            cursor.execute("PRAGMA busy_timeout")
            (waited,) = cursor.fetchone()
            cursor.execute(f"PRAGMA busy_timeout = {CHECKPOINT_WAIT_MS}")
            try:
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                busy, _, _ = cursor.fetchone()
            finally:
                cursor.execute(f"PRAGMA busy_timeout = {int(waited)}")
    except Exception:  # a checkpoint is housekeeping: never let it undo an erasure
        log.exception("WAL checkpoint after an erasure failed")
        return
    if busy:
        log.info("WAL checkpoint after an erasure was busy; the next one truncates it")


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
