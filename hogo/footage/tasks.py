"""Background jobs for footage custody, run by the worker."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db.models import Q
from django_tasks import task

from hogo import clock
from hogo.audit import services as audit
from hogo.footage.ingest import mark_failed
from hogo.footage.models import DeletionRecord, Segment, Upload, UploadState
from hogo.footage.retention import sweep_recorder
from hogo.footage.storage import get_store
from hogo.registry.models import Recorder
from hogo.storage import StorageError
from hogo.web.alerts import raise_alert

log = logging.getLogger("hogo.footage")


def check_integrity(limit: int | None = None) -> dict:
    """Re-hash kept originals by decrypting them; a mismatch raises an alert (R-203)."""
    store = get_store()
    checked, bad = 0, []
    kept = Segment.objects.filter(erased_at__isnull=True).select_related(
        "stored", "recorder__vehicle__department").order_by("pk")
    for segment in kept[:limit] if limit else kept.iterator(chunk_size=200):
        try:
            problem = store.check(segment.stored.object_id, segment.stored.wrapped_key)
        except StorageError as error:  # e.g. a master key missing: say so, keep going
            problem = str(error)
        if problem is None and segment.stored.object_id != segment.sha256:
            problem = "the catalogue hash differs from the stored object"
        checked += 1
        if problem:
            bad.append(segment.pk)
            raise_alert("footage.integrity", department=segment.recorder.vehicle.department,
                        key=f"integrity:{segment.pk}",
                        message=f"元データの完全性検査で不一致を検出しました: {segment}"
                                f"（{problem}）")
    audit.record("footage.integrity_checked", actor="system",
                 detail={"checked": checked, "mismatches": bad})
    return {"checked": checked, "mismatches": bad}


UPLOAD_TTL = dt.timedelta(days=7)


def empty_upload_ttl() -> dt.timedelta:
    """How long an upload that never kept a byte may wait: abandoned openers must not hold a
    token's places (HOGO_UPLOAD_OPEN_PER_TOKEN) for a week."""
    return dt.timedelta(minutes=settings.HOGO_UPLOAD_EMPTY_MINUTES)


def expire_uploads(now: dt.datetime | None = None) -> int:
    """Unfinished uploads left alone for a week, or for HOGO_UPLOAD_EMPTY_MINUTES when not a
    whole chunk arrived: their staged (encrypted) data is deleted and they cannot resume."""
    from hogo.footage import tus

    now = now or clock.now()
    stale = Q(updated_at__lt=now - UPLOAD_TTL) | Q(offset=0,
                                                   updated_at__lt=now - empty_upload_ttl())
    expired = 0
    for pk in Upload.objects.filter(stale, state=UploadState.RECEIVING).values_list(
            "pk", flat=True):
        with tus.locks.hold(str(pk)):  # not while a request of this upload is running
            upload = Upload.objects.filter(stale, pk=pk, state=UploadState.RECEIVING).first()
            if upload is None:
                continue
            tus.forget_progress(str(pk))
            get_store().abort_upload(upload.spool_id)
            what = f"受信途中のデータ {upload.relative_path}"
            DeletionRecord.objects.create(
                object_id="", sha256=upload.declared_sha256, size=upload.offset,
                what=what[:DeletionRecord._meta.get_field("what").max_length],
                recorder=upload.recorder, rule="upload_expired",
                method="staged encrypted data deleted with its data key",
                erased_at=clock.now(), erased_by="system", detail={
                    "upload": str(upload.pk), "name": upload.relative_path})
            mark_failed(upload, "expired",
                        "再開されないまま期限を過ぎたため、受信途中のデータを削除しました。")
            expired += 1
    return expired


@task()
def expire_uploads_task() -> int:
    return expire_uploads()


@task()
def integrity_task() -> dict:
    return check_integrity()


@task()
def sweep_task() -> int:
    """Run the ring buffer on every recorder (also run after each ingest)."""
    return sum(sweep_recorder(r).erased for r in Recorder.objects.all())
