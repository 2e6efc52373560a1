"""Shared set-up for the catalogue benchmarks (bench/search.py, bench/ring_buffer.py).

`start_django` points HOGO_DATA_DIR at a throw-away directory *before* Django reads its
settings, forces the embedded SQLite database and migrates it. `insert_segments` bulk-loads
realistic one-minute originals with raw `executemany` (the ORM's bulk_create would take
minutes for a million rows, and loading is not what is measured).
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import secrets
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

JST = dt.timezone(dt.timedelta(hours=9))
# A dashcam that records while the vehicle is out: two four-hour shifts a day, one file a minute.
SHIFTS = ((8, 240), (13, 240))  # (starting hour JST, one-minute files)
PER_DAY = sum(count for _, count in SHIFTS)
FIRST_DAY = dt.date(2024, 1, 1)
SEGMENT_BYTES = 90_000_000  # about 12 Mbit/s for a minute


def start_django(data_dir: Path) -> None:
    """Configure Django on a throw-away data directory (SQLite) and migrate it."""
    os.environ["HOGO_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "hogo.settings"
    os.environ.setdefault("HOGO_LOG_LEVEL", "WARNING")
    for name in ("DATABASE_URL", "HOGO_STORAGE_BACKEND", "HOGO_STORAGE_ROOT", "HOGO_KEY_DIR",
                 "HOGO_SPOOL_DIR"):
        os.environ.pop(name, None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def slot_start(slot: int) -> dt.datetime:
    """Start (UTC) of a recorder's `slot`-th one-minute file."""
    day, minute = divmod(slot, PER_DAY)
    for hour, count in SHIFTS:
        if minute < count:
            local = dt.datetime.combine(FIRST_DAY + dt.timedelta(days=day), dt.time(hour), JST)
            return (local + dt.timedelta(minutes=minute)).astimezone(dt.UTC)
        minute -= count
    raise AssertionError("PER_DAY is the sum of the shifts")


def _db_time(value: dt.datetime) -> str:
    """What Django's SQLite backend stores for an aware datetime (naive UTC, ISO, space)."""
    return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")


def _segment_rows(recorder_ids: Sequence[int], first: int, count: int,
                  stored_ids: Iterator[int]) -> Iterator[tuple]:
    for number in range(first, first + count):
        recorder_id = recorder_ids[number % len(recorder_ids)]
        start = slot_start(number // len(recorder_ids))
        text = _db_time(start)
        yield ("front", text, _db_time(start + dt.timedelta(minutes=1)), 60.0,
               f"{start.astimezone(JST):%Y%m%d_%H%M%S}_F.mp4", secrets.token_hex(32),
               SEGMENT_BYTES + number % 1000, "h264", 1920, 1080, 30.0, 1800, 0, text, "[]",
               "", _db_time(start + dt.timedelta(hours=20)), "token:depot", recorder_id,
               next(stored_ids))


SEGMENT_SQL = (
    "INSERT INTO footage_segment (channel, start_at, end_at, duration, original_name, sha256, "
    "size, codec, width, height, fps, frame_count, has_audio, recorded_creation_time, flags, "
    "gps_sealed, uploaded_at, uploaded_by, recorder_id, stored_id) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")

UPLOAD_SQL = (
    'INSERT INTO footage_upload (id, relative_path, length, "offset", declared_sha256, state, '
    "spool_id, wrapped_key, uploaded_by, created_at, updated_at, quarantine_code, "
    "quarantine_reason, resolved_by, resolution_note, recorder_id, segment_id, stored_id) "
    "SELECT lower(hex(randomblob(16))), original_name, size, size, sha256, 'ingested', '', '', "
    "uploaded_by, uploaded_at, uploaded_at, '', '', '', '', recorder_id, id, stored_id "
    "FROM footage_segment WHERE id >= ?")


def insert_segments(recorder_ids: Sequence[int], count: int, *, one_object_each: bool,
                    with_uploads: bool = False, batch: int = 50_000, say=print) -> float:
    """Insert `count` kept segments spread round-robin over the recorders; seconds taken.

    With `one_object_each` every segment gets its own EncryptedObject row (as ingest makes
    them), else all share one dummy row; with `with_uploads` each also gets the finished
    Upload row ingest leaves behind. No blob is written: the catalogue is what is measured.
    """
    from django.db import connection, transaction

    from hogo import clock

    check = clock.now().replace(microsecond=0)
    assert connection.ops.adapt_datetimefield_value(check) == _db_time(check)
    started = time.perf_counter()
    connection.ensure_connection()
    raw = connection.connection
    created = _db_time(clock.now())
    done = 0
    while done < count:
        size = min(batch, count - done)
        with transaction.atomic():
            if one_object_each or done == 0:
                objects = size if one_object_each else 1
                first_id = raw.execute("SELECT coalesce(max(id), 0) + 1 "
                                       "FROM footage_encryptedobject").fetchone()[0]
                raw.executemany(
                    "INSERT INTO footage_encryptedobject (id, object_id, size, wrapped_key, "
                    "created_at) VALUES (?, ?, ?, ?, ?)",
                    ((first_id + n, secrets.token_hex(32), SEGMENT_BYTES, "bench-wrapped-key",
                      created) for n in range(objects)))
            ids = (iter(range(first_id, first_id + size)) if one_object_each
                   else itertools.repeat(first_id))
            first_segment = raw.execute("SELECT coalesce(max(id), 0) + 1 "
                                        "FROM footage_segment").fetchone()[0]
            raw.executemany(SEGMENT_SQL, _segment_rows(recorder_ids, done, size, ids))
            if with_uploads:
                raw.execute(UPLOAD_SQL, [first_segment])
        done += size
        if done % (batch * 4) == 0 or done == count:
            say(f"  {done:,} segments inserted ({time.perf_counter() - started:.0f} s)")
    return time.perf_counter() - started

