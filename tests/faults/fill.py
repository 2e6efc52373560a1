"""Fill the catalogue cheaply: many tiny distinct blobs through the real store, their rows
through the ORM, so a sweep or an erasure has hundreds of objects to work through."""

from __future__ import annotations

import datetime as dt
import io
from concurrent.futures import ThreadPoolExecutor

from hogo import clock
from hogo.clock import JST

T0 = dt.datetime(2025, 6, 3, 8, 0, tzinfo=JST)


def tiny_objects(count: int, label: str) -> list:
    """`count` stored EncryptedObject rows, each a blob of its own (32 bytes of plaintext)."""
    from hogo.footage.models import EncryptedObject
    from hogo.footage.objects import get_store

    store = get_store()

    def put(number: int):
        return store.put(io.BytesIO(f"{label} {number:06d}".ljust(32).encode()))

    with ThreadPoolExecutor(4) as pool:  # S3 puts are round trips: a few at a time
        stored = list(pool.map(put, range(count)))
    now = clock.now()
    return EncryptedObject.objects.bulk_create(
        EncryptedObject(object_id=s.object_id, size=s.size, wrapped_key=s.wrapped_key.to_text(),
                        created_at=now) for s in stored)


def originals(recorder, count: int) -> list:
    """`count` one-minute originals of `recorder`, a minute apart from T0."""
    from hogo.footage.models import Segment

    now = clock.now()
    return Segment.objects.bulk_create(
        Segment(recorder=recorder, channel="front", start_at=T0 + dt.timedelta(minutes=n),
                end_at=T0 + dt.timedelta(minutes=n, seconds=60), duration=60.0,
                original_name=f"{T0 + dt.timedelta(minutes=n):%Y%m%d_%H%M%S}_F.mp4",
                sha256=stored.object_id, size=stored.size, stored=stored, codec="h264",
                width=320, height=180, fps=10.0, frame_count=600, uploaded_at=now,
                uploaded_by="test")
        for n, stored in enumerate(tiny_objects(count, f"original {recorder.serial}")))


def expired_copies(manager, recorder, count: int) -> list:
    """`count` copies of one made request, all past their expiry date."""
    from hogo.copies.models import Copy, CopyRequest, RequestState

    now = clock.now()
    request = CopyRequest.objects.create(
        vehicle=recorder.vehicle, start_at=T0, end_at=T0 + dt.timedelta(minutes=1),
        channels=["front"], purpose="accident_investigation", justification="fault matrix",
        requested_by=manager, requested_at=now, state=RequestState.MADE, decided_by=manager,
        decided_at=now, self_approved=True)
    yesterday = clock.today_jst() - dt.timedelta(days=1)
    return Copy.objects.bulk_create(
        Copy(request=request, channel="front", stored=stored, sha256=stored.object_id,
             size=stored.size, actual_start=T0, actual_end=T0 + dt.timedelta(minutes=1),
             made_at=now, expires_on=yesterday)
        for stored in tiny_objects(count, "copy"))
