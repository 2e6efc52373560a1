"""Background jobs for footage custody, run by the worker."""

from __future__ import annotations

import logging

from django_tasks import task

from hogo.alerts.services import raise_alert
from hogo.audit import services as audit
from hogo.footage.models import Segment
from hogo.footage.objects import get_store
from hogo.footage.retention import sweep_recorder
from hogo.footage.uploads import expire_uploads
from hogo.registry.models import Recorder
from hogo.storage import StorageError

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


@task()
def expire_uploads_task() -> int:
    """Stale unfinished uploads (hourly); what "stale" means is in hogo.footage.uploads."""
    return expire_uploads()


@task()
def integrity_task() -> dict:
    return check_integrity()


@task()
def sweep_task() -> int:
    """Run the ring buffer on every recorder (also run after each ingest)."""
    return sum(sweep_recorder(r).erased for r in Recorder.objects.all())
