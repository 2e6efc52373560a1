"""The daily orphan sweep: a blob no key can open (a crash between the store's put and the
database commit, a key destroyed but the blob's deletion lost) goes after its grace period,
with a deletion record; stale staging files go too, never a staged upload still receiving."""

from __future__ import annotations

import datetime as dt
import io
import os
import time

import pytest

from hogo import clock
from hogo.audit.models import AuditEntry
from hogo.footage.models import DeletionRecord, EncryptedObject, Upload, UploadState
from hogo.footage.objects import ORPHAN_METHOD, ORPHAN_RULE, ORPHAN_WHAT, get_store, keep_object
from hogo.footage.orphans import (
    STALE_UPLOAD_RULE,
    sweep_orphans,
    sweep_orphans_task,
)
from hogo.testing.stores import store_settings, using_store

LATER = dt.timedelta(days=2)


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path, db):
    endpoint = request.getfixturevalue("s3_endpoint") if request.param == "s3" else None
    with using_store(store_settings(request.param, tmp_path, endpoint=endpoint)):
        yield get_store()


def test_orphans_go_after_the_grace_period_each_with_a_deletion_record(store):
    kept = keep_object(store.put(io.BytesIO(b"a kept original")))
    orphan = store.put(io.BytesIO(b"stored, then the process died before its commit"))
    lost = store.put(io.BytesIO(b"key destroyed, blob deletion lost"))
    EncryptedObject.objects.create(object_id=lost.object_id, size=lost.size, wrapped_key="",
                                   created_at=clock.now(), shredded_at=clock.now())
    sweeps = AuditEntry.objects.filter(action="footage.orphans_swept")

    young = sweep_orphans()  # written just now: an upload may be committing its row
    assert young.blobs == 0 and sweeps.count() == 1
    assert all(store.exists(s.object_id) for s in (kept, orphan, lost))

    swept = sweep_orphans(now=clock.now() + LATER)
    assert (swept.blobs, sweeps.count()) == (2, 2)
    assert store.exists(kept.object_id)
    assert not store.exists(orphan.object_id) and not store.exists(lost.object_id)
    records = {r.object_id: r for r in DeletionRecord.objects.filter(rule=ORPHAN_RULE)}
    assert set(records) == {orphan.object_id, lost.object_id}
    for stored in (orphan, lost):
        record = records[stored.object_id]
        assert (record.what, record.method, record.size) == (ORPHAN_WHAT, ORPHAN_METHOD,
                                                             stored.size)
        assert "no wrapped key" in record.method and record.erased_by == "system"
    assert "key_destroyed_at" in records[lost.object_id].detail
    assert '"blobs":2' in sweeps.order_by("-seq").first().detail

    assert sweep_orphans(now=clock.now() + LATER).blobs == 0  # nothing twice


def _old(path, days: int = 2):
    stamp = time.time() - days * 86400
    os.utime(path, (stamp, stamp))
    return path


def test_stale_staging_files_go_but_never_a_receiving_upload(store, recorder):
    spool = store.backend.spool_dir
    temporaries = [spool / name for name in ("put-1a2b.blob", "write-3c4d", "copy-5e6f")]
    for path in temporaries:
        path.touch()
        _old(path)
    young = spool / "put-9f9f.blob"
    young.touch()

    def staged(state: str | None):
        writer = store.begin_upload(10)
        writer.close()
        if state is not None:
            now = clock.now()
            Upload.objects.create(
                recorder=recorder, relative_path=f"{state}.mp4", length=10,
                declared_sha256="0" * 64, state=state, spool_id=writer.upload_id,
                wrapped_key=writer.wrapped_key.to_text(), uploaded_by="test", created_at=now,
                updated_at=now)
        return _old(writer.path)

    receiving, failed, rowless = (staged(UploadState.RECEIVING), staged(UploadState.FAILED),
                                  staged(None))

    swept = sweep_orphans()
    assert (swept.temporary_files, swept.staged_uploads) == (3, 2)
    assert not any(path.exists() for path in (*temporaries, failed, rowless))
    assert receiving.exists() and young.exists()
    records = DeletionRecord.objects.filter(rule=STALE_UPLOAD_RULE)
    assert records.count() == 2
    assert {r.detail["state"] for r in records} == {UploadState.FAILED, ""}


def test_the_sweep_runs_daily():
    from hogo.jobs import find

    job = find("footage.orphans")
    assert job.task is sweep_orphans_task and job.every == dt.timedelta(days=1)


def test_a_crash_mid_finish_loses_the_upload_rows_key_with_the_blob(store, recorder):
    """The store sealed the staged file into a blob, then the process died before ingest
    committed: the upload row, still receiving, holds the blob's only (wrapped) key."""
    from hogo.footage.objects import ORPHAN_UPLOAD_METHOD

    data = os.urandom(5000)
    writer = store.begin_upload(len(data))
    writer.append(data)
    finished = store.finish_upload(writer)
    now = clock.now()
    upload = Upload.objects.create(
        recorder=recorder, relative_path="20250603_140000_F.mp4", length=len(data),
        offset=len(data), declared_sha256=finished.object_id, spool_id=writer.upload_id,
        wrapped_key=writer.wrapped_key.to_text(), uploaded_by="token:test", created_at=now,
        updated_at=now)
    assert store.read_all(finished.object_id, upload.wrapped_key) == data  # the key works

    assert sweep_orphans(now=clock.now() + LATER).blobs == 1
    upload.refresh_from_db()
    assert upload.state == UploadState.FAILED and upload.wrapped_key == ""
    record = DeletionRecord.objects.get(rule=ORPHAN_RULE, object_id=finished.object_id)
    assert record.method == ORPHAN_UPLOAD_METHOD and record.detail["uploads"] == [str(upload.pk)]
