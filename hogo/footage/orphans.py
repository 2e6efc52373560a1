"""The daily sweep of what a crash leaves in storage: blobs with no key, stale staging files.

A blob is stored before the database row that holds its wrapped key is committed. A crash in
between (or a database restored from an older backup) leaves a blob that nothing can ever
decrypt; until now it stayed until the same file happened to be sent again
(`objects.forget_orphan`). This sweep deletes every such blob once it is older than a grace
period — an upload committing right now is never hit — and leaves a DeletionRecord for each
(rule "orphan_blob") and one audit entry per run.

It also removes staging files of the spool older than a day: the store's own temporary files
(`put-*.blob`, `write-*`, `copy-*`, ciphertext under a key that was never kept) and staged
uploads (`upload-*.part`) whose upload is no longer receiving. Staged files of uploads still
RECEIVING are left to `expire_uploads`, which knows when they may go.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from itertools import islice
from pathlib import Path

from django.db import transaction
from django_tasks import task

from hogo import clock
from hogo.audit import services as audit
from hogo.footage.models import DeletionRecord, EncryptedObject, Upload, UploadState
from hogo.footage.objects import erase_orphan, get_store
from hogo.storage import EncryptedStore

log = logging.getLogger("hogo.footage")
ORPHAN_GRACE = dt.timedelta(days=1)  # far longer than any put-to-commit (a big ingest's probe)
STAGING_GRACE = dt.timedelta(days=1)
ORPHAN_RULE = "orphan_blob"
ORPHAN_WHAT = "鍵のないデータ（孤立）"
ORPHAN_METHOD = "blob deleted; no wrapped key existed, so nothing in it was readable"
ORPHAN_UPLOAD_METHOD = ("blob deleted with the unfinished upload's wrapped key, its only key "
                        "(a crash mid-finish)")
STALE_UPLOAD_RULE = "stale_staged_upload"
STALE_UPLOAD_METHOD = "staged encrypted upload file deleted; the upload was no longer receiving"
_OBJECT_ID = re.compile(r"^[0-9a-f]{64}$")
_TEMPORARY = re.compile(r"^(put-.+\.blob|write-.+|copy-.+)$")
_STAGED_UPLOAD = re.compile(r"^upload-([0-9a-f]{32})\.part$")
_BATCH = 500


@dataclass(frozen=True)
class OrphanSweep:
    blobs: int  # orphan blobs deleted
    blob_bytes: int
    temporary_files: int  # store temporaries removed from the spool
    staged_uploads: int  # upload-*.part of uploads no longer receiving


def sweep_orphans(now: dt.datetime | None = None,
                  grace: dt.timedelta = ORPHAN_GRACE) -> OrphanSweep:
    """Delete blobs without a keyed EncryptedObject row written before `now - grace`, and
    spool files left over for more than a day; one audit entry says what went."""
    now = now or clock.now()
    store = get_store()
    blobs, blob_bytes = 0, 0
    for batch in _batches(_old_names(store, now - grace)):
        keyed = set(EncryptedObject.objects.filter(object_id__in=batch).exclude(
            wrapped_key="").values_list("object_id", flat=True))
        for name in batch:
            if name not in keyed and (size := erase_orphan(store, name, now, now - grace)):
                blobs, blob_bytes = blobs + 1, blob_bytes + size
    temporary, staged = _sweep_spool(store.backend.spool_dir, now, now - STAGING_GRACE)
    result = OrphanSweep(blobs, blob_bytes, temporary, staged)
    audit.record("footage.orphans_swept", actor="system",
                 detail={**asdict(result), "grace_seconds": int(grace.total_seconds())})
    if blobs or temporary or staged:
        log.warning("orphan sweep: %s", result)
    return result


def _old_names(store: EncryptedStore, cutoff: dt.datetime) -> Iterator[str]:
    """Names of content-addressed blobs written at or before `cutoff`; others (not hogo's
    naming) are never touched."""
    for name, modified in store.backend.names_with_age():
        if _OBJECT_ID.match(name) and modified <= cutoff:
            yield name


def _batches(names: Iterable[str]) -> Iterator[list[str]]:
    iterator = iter(names)
    while batch := list(islice(iterator, _BATCH)):
        yield batch


def _sweep_spool(spool: Path, now: dt.datetime, cutoff: dt.datetime) -> tuple[int, int]:
    if not spool.is_dir():
        return 0, 0
    temporary, staged = 0, 0
    receiving = None
    for path in sorted(spool.iterdir()):
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue
        if not path.is_file() or dt.datetime.fromtimestamp(stat.st_mtime, dt.UTC) > cutoff:
            continue
        if _TEMPORARY.match(path.name):
            path.unlink(missing_ok=True)
            temporary += 1
        elif match := _STAGED_UPLOAD.match(path.name):
            if receiving is None:
                receiving = set(Upload.objects.filter(state=UploadState.RECEIVING)
                                .values_list("spool_id", flat=True))
            if match[1] not in receiving:
                _erase_staged_upload(path, match[1], stat.st_size, now)
                staged += 1
    return temporary, staged


def _erase_staged_upload(path: Path, spool_id: str, size: int, now: dt.datetime) -> None:
    """A staged upload its upload row no longer needs (finished, failed, or no row at all):
    that row may still hold its data key, so the file goes with a DeletionRecord."""
    upload = Upload.objects.filter(spool_id=spool_id).select_related("recorder").first()
    with transaction.atomic():
        path.unlink(missing_ok=True)
        DeletionRecord.objects.create(
            object_id="", sha256=upload.declared_sha256 if upload else "", size=size,
            what=f"受信途中のデータ（残留） {upload.relative_path if upload else spool_id}",
            recorder=upload.recorder if upload else None, rule=STALE_UPLOAD_RULE,
            method=STALE_UPLOAD_METHOD, erased_at=now, erased_by="system",
            detail={"upload": str(upload.pk) if upload else "", "spool_id": spool_id,
                    "state": upload.state if upload else ""})


@task()
def sweep_orphans_task() -> dict:
    """Daily: orphan blobs and stale staging files (see the module docstring)."""
    return asdict(sweep_orphans())
