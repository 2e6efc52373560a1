"""The one door to stored objects: storing, keeping, forgetting and crypto-shredding.

Everything that writes or reads encrypted bytes (originals, copies, processed copies, export
sources, the apps to come) goes through here: `get_store()` is the store built once from
settings (local directory or S3-compatible; where the master keys live is configuration),
`keep_object`/`store_stream` store a blob and keep its key, `forget_orphan`/`erase_orphan`
delete a blob hogo has no key for, and `shred_object`/`shred_unless_needed` are the one way
an object is erased: its wrapped key destroyed, its blob deleted, a DeletionRecord written.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import io
import logging
import os
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q

from hogo import clock
from hogo.footage.models import DeletionRecord, EncryptedObject, Upload, UploadState
from hogo.storage import (
    BlobNotFound,
    EncryptedStore,
    StorageError,
    StoredObject,
    store_from_settings,
)
from hogo.storage.reader import DecryptingReader

__all__ = ["CRYPTO_SHRED", "DecryptingReader", "erase_orphan", "erasure_batch",
           "forget_orphan", "get_store", "keep_object", "reset", "shred_object",
           "shred_unless_needed", "still_needed", "store_stream"]

log = logging.getLogger("hogo.footage")
CRYPTO_SHRED = "crypto-shred: wrapped AES-256 data key destroyed, blob deleted"
ORPHAN_RULE = "orphan_blob"
ORPHAN_WHAT = "鍵のないデータ（孤立）"
ORPHAN_METHOD = "blob deleted; no wrapped key existed, so nothing in it was readable"
ORPHAN_UPLOAD_METHOD = ("blob deleted with the unfinished upload's wrapped key, its only key "
                        "(a crash mid-finish)")
ANY_AGE = dt.datetime.max.replace(tzinfo=dt.UTC)  # an orphan met at ingest goes at once


@functools.cache
def get_store() -> EncryptedStore:
    configured = {k: v for k, v in settings.HOGO_STORAGE.items() if v is not None}
    return store_from_settings(configured)


def reset() -> None:
    """Forget the cached store (tests that switch settings)."""
    get_store.cache_clear()


# Storing.

def forget_orphan(object_id: str) -> None:
    """A blob whose key hogo no longer has (a crash between store and commit, a restored
    database) can never be read again: delete it now, with its deletion record, so the same
    content is stored afresh."""
    store = get_store()
    if store.exists(object_id) and erase_orphan(store, object_id, clock.now(), cutoff=ANY_AGE):
        log.warning("blob %s had no key in the database; deleted the orphan", object_id)


def keep_object(stored: StoredObject) -> EncryptedObject:
    """The database row of a stored blob; a deduplicated blob keeps its first row and key."""
    existing = EncryptedObject.objects.select_for_update().filter(
        object_id=stored.object_id).first()
    if existing is not None and existing.wrapped_key:
        return existing
    if stored.wrapped_key is None:
        raise RuntimeError(f"blob {stored.object_id} exists but hogo has no key for it")
    if existing is not None:  # shredded before; the same content was stored afresh
        existing.wrapped_key, existing.shredded_at = stored.wrapped_key.to_text(), None
        existing.save(update_fields=["wrapped_key", "shredded_at"])
        return existing
    return EncryptedObject.objects.create(object_id=stored.object_id, size=stored.size,
                                          wrapped_key=stored.wrapped_key.to_text(),
                                          created_at=clock.now())


def store_stream(sink: io.BytesIO) -> EncryptedObject:
    """Encrypt and keep a copy made in memory (hashed while encrypting: its SHA-256 is the
    object id). Call inside a transaction."""
    sink.seek(0)
    put = get_store().put(sink)
    if put.deduplicated and not EncryptedObject.objects.filter(
            object_id=put.object_id).exclude(wrapped_key="").exists():
        forget_orphan(put.object_id)  # a left-over blob without a key
        sink.seek(0)
        put = get_store().put(sink)
    return keep_object(put)


# Orphans: blobs without a key.

def erase_orphan(store: EncryptedStore, name: str, now: dt.datetime,
                 cutoff: dt.datetime) -> int:
    """Delete one orphan written at or before `cutoff` and record it; 0 if it turned out not
    to be one (keyed or rewritten meanwhile, already gone). Returns the blob's size in bytes.

    A crash between the store's finish and ingest's commit leaves the blob and an upload row
    still RECEIVING whose wrapped key is the blob's data key: that key goes too (the upload
    becomes FAILED, to be sent again), and the record says so.
    """
    with transaction.atomic():
        row = EncryptedObject.objects.select_for_update().filter(object_id=name).first()
        if row is not None and row.wrapped_key:
            return 0
        try:
            if store.backend.modified_at(name) > cutoff:  # stored afresh since the listing
                return 0
            blob_size = store.backend.size(name)
            plain_size = _plaintext_size(store, name, fallback=row.size if row else 0)
        except BlobNotFound:
            return 0
        receipt = store.shred(name)
        if not receipt.existed:
            return 0
        unfinished = Upload.objects.filter(state=UploadState.RECEIVING, declared_sha256=name,
                                           spool_id__in=_gone_spool_ids(store, name))
        with_key = list(unfinished.exclude(wrapped_key="").values_list("pk", flat=True))
        unfinished.update(wrapped_key="", state=UploadState.FAILED, quarantine_code="spool_lost",
                          quarantine_reason="受信途中のデータが失われました。"
                                            "もう一度送信してください。", updated_at=now)
        detail = {"blob_bytes": blob_size, "uploads": [str(pk) for pk in with_key]}
        if row is not None and row.shredded_at is not None:
            detail["key_destroyed_at"] = row.shredded_at.isoformat()
        DeletionRecord.objects.create(
            object_id=name, sha256=name, size=plain_size, what=ORPHAN_WHAT, rule=ORPHAN_RULE,
            method=ORPHAN_UPLOAD_METHOD if with_key else ORPHAN_METHOD, erased_at=now,
            erased_by="system", detail=detail)
    log.info("deleted orphan blob %s (%s bytes): no key in the database", name, blob_size)
    return blob_size


def _gone_spool_ids(store: EncryptedStore, name: str) -> list[str]:
    """Spool ids of RECEIVING uploads of this content whose staged file is gone (it became
    the blob); one still staged is a live upload that may yet finish."""
    return [spool_id for spool_id in Upload.objects.filter(
        state=UploadState.RECEIVING, declared_sha256=name).exclude(spool_id="")
        .values_list("spool_id", flat=True)
        if not (store.backend.spool_dir / f"upload-{spool_id}.part").exists()]


def _plaintext_size(store: EncryptedStore, name: str, fallback: int) -> int:
    """The size the blob's header declares (no key needed), else what the row said."""
    try:
        return store.object_size(name)
    except (StorageError, ValueError):
        return fallback


# Erasure.

def still_needed(stored: EncryptedObject, *, besides: Any) -> str | None:
    """What else kept, other than `besides`, uses this object (identical content is stored
    once) — as the deletion-record method to write — or None. Call with the object locked
    (select_for_update), so two erasures of sharers do not both shred it.

    Each model that points at EncryptedObject says which of its rows still keep it in
    `keeps_stored` (an order, a filter, the method text): an original not erased, a copy not
    erased, a quarantined file. So an app above this one (copies, and those to come) is asked
    without being imported.
    """
    for _order, relation, keeping, method in _keepers():
        users = getattr(stored, relation.get_accessor_name()).filter(keeping)
        if isinstance(besides, relation.related_model):
            users = users.exclude(pk=besides.pk)
        if users.exists():
            return method
    return None


def _keepers() -> list[tuple[int, Any, Q, str]]:
    found = []
    for relation in EncryptedObject._meta.related_objects:
        declared = getattr(relation.related_model, "keeps_stored", None)
        if declared is not None:
            found.append((declared[0], relation, declared[1], declared[2]))
    return sorted(found, key=lambda keeper: keeper[0])


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


# Scanned documents kept beside a request (a letter, a copy of an ID): PDF, JPEG or PNG,
# recognised by their first bytes, at most this size.
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
DOCUMENT_SIGNATURES = ((b"%PDF-", "application/pdf", ".pdf"),
                       (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
                       (b"\x89PNG\r\n\x1a\n", "image/png", ".png"))


class DocumentRefused(ValueError):
    """An upload that is no scanned document: `code` is empty, too_large or not_a_document."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(code)


def document_type(uploaded: Any) -> str:
    """The content type of an uploaded scan (by its first bytes), or DocumentRefused."""
    size = int(getattr(uploaded, "size", 0) or 0)
    if size <= 0:
        raise DocumentRefused("empty")
    if size > MAX_DOCUMENT_BYTES:
        raise DocumentRefused("too_large")
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    for signature, content_type, _suffix in DOCUMENT_SIGNATURES:
        if head.startswith(signature):
            return content_type
    raise DocumentRefused("not_a_document")


@dataclass(frozen=True)
class KeptUpload:
    """An uploaded file kept as an encrypted object, with what its record notes of it."""

    stored: EncryptedObject
    size: int
    sha256: str
    filename: str


def keep_upload(uploaded: Any) -> KeptUpload:
    """Encrypt and keep an uploaded file through the door (call inside the transaction that
    records it): its size, SHA-256 and base name for the record."""
    sink = io.BytesIO()
    digest = hashlib.sha256()
    for chunk in uploaded.chunks() if hasattr(uploaded, "chunks") else [uploaded.read()]:
        digest.update(chunk)
        sink.write(chunk)
    size = sink.tell()
    name = os.path.basename(str(getattr(uploaded, "name", "") or "")).strip()[:200]
    return KeptUpload(store_stream(sink), size, digest.hexdigest(), name)
