"""Unfinished uploads: which hold a place under the limits, which are stale, their expiry.

One definition of "stale" serves the admission count (tus.py), a request for a stale upload
and the hourly expiry job (tasks.py), so they cannot disagree:
- an upload that never kept a whole chunk (offset 0) is stale after HOGO_UPLOAD_EMPTY_MINUTES
  without a request: abandoned openers must not hold a token's places
  (HOGO_UPLOAD_OPEN_PER_TOKEN) for a week, so they stop counting at once, even before the
  hourly job deletes them;
- any other is stale after UPLOAD_TTL.
Also the in-memory state per upload that requests and the expiry share: one lock per upload
(one request, or the expiry, at a time) and the hash checkpoint kept between requests.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Iterator

from django.conf import settings
from django.db.models import Q, QuerySet

from hogo import clock
from hogo.footage import ingest
from hogo.footage.models import DeletionRecord, Upload, UploadState
from hogo.footage.objects import get_store
from hogo.storage.format import Checkpoint

UPLOAD_TTL = dt.timedelta(days=7)
CHECKPOINTS_KEPT = 4096  # beyond this the oldest upload re-reads its file on the next request


class _UploadLocks:
    """One lock per upload while requests for it run (one request at a time per upload);
    forgotten when the last one ends, so the table holds only uploads being served now."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._held: dict[str, tuple[threading.Lock, list[int]]] = {}

    @contextlib.contextmanager
    def hold(self, upload_id: str) -> Iterator[None]:
        with self._guard:
            lock, users = self._held.setdefault(upload_id, (threading.Lock(), [0]))
            users[0] += 1
        try:
            with lock:
                yield
        finally:
            with self._guard:
                users[0] -= 1
                if not users[0]:
                    del self._held[upload_id]


class _Checkpoints:
    """Each upload's hash state at the end of its last request, least recently used first
    out. Losing one (a restart, eviction) only costs the next request a re-read of the file."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._guard = threading.Lock()
        self._kept: OrderedDict[str, Checkpoint] = OrderedDict()

    def take(self, upload_id: str) -> Checkpoint | None:
        with self._guard:
            return self._kept.pop(upload_id, None)

    def keep(self, upload_id: str, checkpoint: Checkpoint | None) -> None:
        if checkpoint is None:
            return
        with self._guard:
            self._kept[upload_id] = checkpoint
            while len(self._kept) > self.limit:
                self._kept.popitem(last=False)

    def clear(self) -> None:
        with self._guard:
            self._kept.clear()

    def __len__(self) -> int:
        return len(self._kept)


locks = _UploadLocks()
checkpoints = _Checkpoints(CHECKPOINTS_KEPT)


def forget_progress(upload_id: str) -> None:
    """The upload is over (finished, failed, expired): drop what is kept about it."""
    checkpoints.take(upload_id)


def empty_upload_ttl() -> dt.timedelta:
    return dt.timedelta(minutes=settings.HOGO_UPLOAD_EMPTY_MINUTES)


def stale_empty(now: dt.datetime) -> Q:
    """Uploads that never kept a whole chunk and were not touched for
    HOGO_UPLOAD_EMPTY_MINUTES (of those still receiving: abandoned openers)."""
    return Q(offset=0, updated_at__lt=now - empty_upload_ttl())


def stale(now: dt.datetime) -> Q:
    """Uploads due to expire: stale empty ones, and any left alone for UPLOAD_TTL."""
    return Q(updated_at__lt=now - UPLOAD_TTL) | stale_empty(now)


def holding_places(now: dt.datetime | None = None) -> QuerySet[Upload]:
    """Unfinished uploads that count against the limits: stale empty ones do not, so a
    token blocked by abandoned openers can open new uploads at once, without waiting for
    (or running, under the admission lock) the expiry."""
    return Upload.objects.filter(state=UploadState.RECEIVING).exclude(
        stale_empty(now or clock.now()))


def is_stale(upload: Upload, now: dt.datetime | None = None) -> bool:
    """Whether this receiving upload is due to expire (the same test as the expiry's)."""
    return Upload.objects.filter(stale(now or clock.now()), pk=upload.pk,
                                 state=UploadState.RECEIVING).exists()


def expire(upload: Upload) -> None:
    """Delete a stale upload's staged (encrypted) data with a deletion record; it cannot be
    resumed. The caller holds the upload's lock."""
    forget_progress(str(upload.pk))
    if upload.spool_id:  # else nothing was staged yet (no HEAD or PATCH came)
        get_store().abort_upload(upload.spool_id)
    what = f"受信途中のデータ {upload.relative_path}"
    DeletionRecord.objects.create(
        object_id="", sha256=upload.declared_sha256, size=upload.offset,
        what=what[:DeletionRecord._meta.get_field("what").max_length],
        recorder=upload.recorder, rule="upload_expired",
        method="staged encrypted data deleted with its data key",
        erased_at=clock.now(), erased_by="system", detail={
            "upload": str(upload.pk), "name": upload.relative_path})
    ingest.mark_failed(upload, "expired",
                       "再開されないまま期限を過ぎたため、受信途中のデータを削除しました。")


def expire_uploads(now: dt.datetime | None = None) -> int:
    """Expire every stale unfinished upload (the hourly job); returns how many."""
    due = stale(now or clock.now())
    expired = 0
    for pk in Upload.objects.filter(due, state=UploadState.RECEIVING).values_list(
            "pk", flat=True):
        with locks.hold(str(pk)):  # not while a request of this upload is running
            upload = Upload.objects.filter(due, pk=pk, state=UploadState.RECEIVING).first()
            if upload is None:
                continue
            expire(upload)
            expired += 1
    return expired
