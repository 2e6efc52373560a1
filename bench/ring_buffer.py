"""Benchmark 8(d): ring-buffer sweep time for 100,000 erasures.

One process, two parts, each printed beside its references:

(a) the pure rule, hogo.rules.ring_buffer.ring_buffer_sweep, over 200,000 in-memory originals
    (about 1% pinned) with a capacity that forces exactly 100,000 erasures; reference: sorting
    the same items, the least any oldest-first rule must do.

(b) the real hogo.footage.retention.sweep_recorder on a throw-away SQLite database
    (HOGO_DATA_DIR in a temp directory): one demo recorder holding TOTAL (default 200,000)
    one-minute originals, each with its own EncryptedObject row and the finished Upload row
    ingest leaves behind (no GPS sidecars), and a capacity that forces exactly ERASURES
    erasures. Every erasure locks and re-reads the original, destroys the wrapped key, writes
    a DeletionRecord, looks for GPS sidecars to erase with it, appends an audit entry, commits,
    and shreds the blob after commit; the blobs were never written (only the catalogue is
    measured) and shredding a missing blob is a stat and a failed unlink.
    References in the same database, rolled back afterwards so the sweep sees the same state:
        read + rule              the sweep's own first step: load the recorder's kept
                                 originals with their pinned flag and run the rule
        GPS sidecar lookup x N   retention._erase_orphaned_sidecars for the same N originals
        one UPDATE               marking the same N rows erased in one statement
        audit.record x N         appending N audit entries in one transaction
    and, with nothing to roll back: N empty write transactions, N shreds of missing blobs.

Prints seconds, per-erasure milliseconds, erasures per second and each reference's share of
the sweep; never asserts a timing (the issue sets no number for this one). The default makes
5,000 erasures on the full-size recorder and extrapolates to 100,000, because one erasure
costs tens of milliseconds at this size (see the sidecar lookup row), so 100,000 of them take
over an hour; `--erasures 100000` measures it outright.

    .venv/bin/python bench/ring_buffer.py [--erasures 5000] [--total 200000] [--skip-references]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._catalogue import SEGMENT_BYTES, insert_segments, start_django  # noqa: E402
from hogo.rules.ring_buffer import Kept, ring_buffer_sweep  # noqa: E402

GOAL_ERASURES = 100_000


def timed(action: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


class Rollback(Exception):
    """Raised inside transaction.atomic() to undo a reference measurement."""


def pure_rule(erasures: int, kept: int, repeat: int) -> None:
    generator = random.Random(5)
    first = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    size = SEGMENT_BYTES
    items = [Kept(number, first + dt.timedelta(minutes=number), size, 60.0,
                  generator.random() < 0.01) for number in range(erasures + kept)]
    pinned = sum(item.pinned for item in items)
    # Everything pinned stays, so the oldest `erasures` unpinned go when the capacity is
    # what is left after them.
    capacity = (len(items) - erasures) * size
    best_rule = best_sort = float("inf")
    result = None
    for _ in range(repeat):
        seconds, result = timed(lambda: ring_buffer_sweep(items, capacity, None))
        best_rule = min(best_rule, seconds)
        seconds, _ = timed(lambda: sorted(items, key=lambda k: (k.start_at, k.id)))
        best_sort = min(best_sort, seconds)
    assert len(result.erase) == erasures, len(result.erase)
    print(f"\n(a) pure rule: {len(items):,} kept ({pinned:,} pinned), capacity forces "
          f"{len(result.erase):,} erasures; best of {repeat}")
    print(f"{'path':<28}{'seconds':>9}{'erasures/s':>13}")
    print(f"{'ring_buffer_sweep':<28}{best_rule:>9.3f}{erasures / best_rule:>13,.0f}")
    print(f"{'sorted() of the same items':<28}{best_sort:>9.3f}")
    print(f"rule / sort                 {best_rule / best_sort:.2f}")


def real_sweep(erasures: int, kept: int, references: bool) -> None:
    from django.db import connection, transaction

    from hogo.audit import services as audit
    from hogo.audit.models import AuditEntry
    from hogo.footage import retention
    from hogo.footage.models import DeletionRecord, Segment
    from hogo.footage.objects import get_store
    from hogo.footage.retention import kept_segments, sweep_recorder
    from hogo.registry.models import Recorder
    from hogo.web.demo import load_demo

    load_demo(footage=False)
    recorder = Recorder.objects.select_related("vehicle__department").get(serial="DEMO-0001")
    total = erasures + kept
    print(f"\n(b) sweep_recorder on SQLite: inserting {total:,} originals for "
          f"{recorder.serial} …", flush=True)
    seconds = insert_segments([recorder.pk], total, one_object_each=True, with_uploads=True)
    print(f"loaded in {seconds:.0f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT sum(size) FROM (SELECT size FROM footage_segment "
                       "WHERE recorder_id = %s ORDER BY start_at DESC, id DESC LIMIT %s)",
                       [recorder.pk, kept])
        recorder.capacity_bytes = cursor.fetchone()[0] or 0
    recorder.capacity_hours = None
    recorder.save(update_fields=["capacity_bytes", "capacity_hours"])
    oldest = list(Segment.objects.filter(recorder=recorder).order_by("start_at", "id")
                  .values_list("id", flat=True)[:erasures])
    store = get_store()

    def read_and_rule():
        rows = kept_segments(recorder).values_list("id", "start_at", "size", "duration",
                                                   "pinned")
        return ring_buffer_sweep((Kept(*row) for row in rows), recorder.capacity_bytes, None)

    rows: list[tuple[str, float]] = []
    plan_seconds, plan = timed(read_and_rule)
    assert len(plan.erase) == erasures, len(plan.erase)
    rows.append(("read + rule", plan_seconds))

    if references:
        def rolled_back(action: Callable[[], object]) -> float:
            started = time.perf_counter()
            try:
                with transaction.atomic():
                    action()
                    seconds = time.perf_counter() - started
                    raise Rollback
            except Rollback:
                return seconds

        def one_update() -> None:
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE footage_segment SET erased_at = %s, gps_sealed = '' WHERE id IN "
                    "(SELECT id FROM footage_segment WHERE recorder_id = %s "
                    "ORDER BY start_at, id LIMIT %s)",
                    [connection.ops.adapt_datetimefield_value(dt.datetime.now(dt.UTC)),
                     recorder.pk, erasures])
                assert cursor.rowcount == erasures

        def audit_entries() -> None:
            for segment_id in oldest:
                audit.record("footage.erased", object_type="footage.segment",
                             object_id=segment_id, purpose="bench reference",
                             detail={"rule": "ring_buffer", "sha256": "0" * 64})

        def transactions() -> None:
            for _ in range(erasures):
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute("SELECT 1")

        sidecar_lookup = getattr(retention, "_erase_orphaned_sidecars", None)
        victims = list(Segment.objects.filter(recorder=recorder).order_by("start_at", "id")
                       .select_related("recorder")[:erasures])

        def sidecar_lookups() -> None:
            now = dt.datetime.now(dt.UTC)
            for segment in victims:
                sidecar_lookup(segment, actor="system", rule="ring_buffer", now=now)

        print("references …", flush=True)
        if sidecar_lookup is not None:
            rows.append(("GPS sidecar lookup x N", rolled_back(sidecar_lookups)))
        rows.append(("one UPDATE", rolled_back(one_update)))
        rows.append(("audit.record x N", rolled_back(audit_entries)))
        seconds, _ = timed(transactions)
        rows.append(("transactions x N", seconds))
        missing = [f"{number:064x}" for number in range(erasures)]
        seconds, _ = timed(lambda: [store.shred(name) for name in missing])
        rows.append(("shred missing blob x N", seconds))

    audit_before = AuditEntry.objects.count()
    print(f"sweeping {erasures:,} erasures …", flush=True)
    sweep_seconds, result = timed(lambda: sweep_recorder(recorder))
    assert result.erased == erasures and not result.over_capacity, result
    records = DeletionRecord.objects.filter(recorder=recorder).count()
    entries = AuditEntry.objects.count() - audit_before
    left = Segment.objects.filter(recorder=recorder, erased_at__isnull=True).count()
    print(f"erased {result.erased:,}; {records:,} deletion records, {entries:,} audit entries, "
          f"{left:,} originals kept")

    print(f"\n{'path':<28}{'seconds':>9}{'per item ms':>13}{'/ sweep':>9}")
    print(f"{'sweep_recorder':<28}{sweep_seconds:>9.1f}"
          f"{sweep_seconds / erasures * 1000:>13.3f}{1:>9.2f}")
    for label, seconds in rows:
        print(f"{label:<28}{seconds:>9.1f}{seconds / erasures * 1000:>13.3f}"
              f"{seconds / sweep_seconds:>9.2f}")
    rate = erasures / sweep_seconds
    print(f"\nsweep_recorder: {rate:,.0f} erasures/s")
    if erasures != GOAL_ERASURES:
        print(f"{GOAL_ERASURES:,} erasures at this rate: about "
              f"{GOAL_ERASURES / rate:,.0f} s (extrapolated linearly from {erasures:,} erasures "
              f"on a recorder holding {total:,} originals and uploads; uploads are never "
              "deleted, so the per-erasure cost does not fall as the sweep proceeds)")
    else:
        print(f"{GOAL_ERASURES:,} erasures: {sweep_seconds:,.0f} s (measured)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--erasures", type=int, default=5_000,
                        help="erasures the real sweep makes (100000 for the issue's figure)")
    parser.add_argument("--total", type=int, default=200_000,
                        help="originals (and uploads) the recorder holds before the sweep")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the pure rule")
    parser.add_argument("--skip-references", action="store_true",
                        help="part (b) without its reference measurements")
    parser.add_argument("--dir", type=Path, default=None, help="where the temp directory goes")
    args = parser.parse_args()
    if not 0 < args.erasures < args.total:
        parser.error("--erasures must be between 1 and --total - 1")
    rule_erasures = min(GOAL_ERASURES, args.total // 2)
    pure_rule(rule_erasures, args.total - rule_erasures, args.repeat)
    work = Path(tempfile.mkdtemp(prefix="hogo-bench-ring-", dir=args.dir))
    try:
        print(f"\nwork directory {work}", flush=True)
        start_django(work / "data")
        real_sweep(args.erasures, args.total - args.erasures, not args.skip_references)
    finally:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
