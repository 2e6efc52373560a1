"""Benchmark 8(c): catalogue search p50/p95 for vehicle + time-range queries on SQLite.

One process, one throw-away SQLite database (HOGO_DATA_DIR in a temp directory): the demo
organisation without footage, then ROWS one-minute originals (default 1,000,000) spread over
its three recorders, recorded in two four-hour shifts a day (480 files per vehicle and day).

Each query picks a random vehicle and either a random one-hour window in the working day or a
whole day (JST), and is run side by side, interleaved, as:

    ORM (as the view)     find_segments(Criteria(...)).select_related("recorder__vehicle")[:500],
                          materialised into model instances: what the search page does
    ORM SQL only          building that query's SQL (no database): Django's own share
    raw SQL, same query   the very SQL Django generates, through sqlite3 on the same file,
                          rows fetched as tuples: the database's share

Prints p50/p95/max in milliseconds, the ORM/raw ratio and the query plan; never asserts a
timing. The issue's goal is p95 <= 50 ms at 1,000,000 segments.

    .venv/bin/python bench/search.py [--rows 1000000] [--queries 500] [--seed 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._catalogue import JST, PER_DAY, insert_segments, start_django  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="segments to insert")
    parser.add_argument("--queries", type=int, default=500, help="timed queries")
    parser.add_argument("--warm-up", type=int, default=20, help="untimed queries first")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=None, help="where the temp directory goes")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="hogo-bench-search-", dir=args.dir))
    try:
        run(args, work)
    finally:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(work, ignore_errors=True)


def run(args: argparse.Namespace, work: Path) -> None:
    print(f"work directory {work}", flush=True)
    start_django(work / "data")
    from django.conf import settings
    from django.db import connection

    from hogo.footage.search import Criteria, find_segments
    from hogo.registry.models import Recorder
    from hogo.web.demo import load_demo

    load_demo(footage=False)
    recorders = list(Recorder.objects.select_related("vehicle").order_by("serial"))
    print(f"inserting {args.rows:,} segments over {len(recorders)} recorders …", flush=True)
    seconds = insert_segments([r.pk for r in recorders], args.rows, one_object_each=False)
    print(f"loaded in {seconds:.0f} s", flush=True)
    days = max(1, -(-args.rows // len(recorders)) // PER_DAY)
    first_day = dt.datetime(2024, 1, 1, tzinfo=JST)

    generator = random.Random(args.seed)

    def criteria() -> tuple[Criteria, str]:
        recorder = generator.choice(recorders)
        day = first_day + dt.timedelta(days=generator.randrange(days))
        if generator.random() < 0.5:
            start = day + dt.timedelta(hours=generator.randrange(7, 18),
                                       minutes=generator.randrange(60))
            end, kind = start + dt.timedelta(hours=1), "hour"
        else:
            start, end, kind = day, day + dt.timedelta(days=1), "day"
        return Criteria(department_ids=(recorder.vehicle.department_id,),
                        vehicle_id=recorder.vehicle_id, start=start, end=end), kind

    def query(found: Criteria):
        return find_segments(found).select_related("recorder__vehicle")[:500]

    database = sqlite3.connect(settings.DATABASES["default"]["NAME"])
    sample, _ = criteria()
    sql, params = query(sample).query.sql_with_params()
    print("\nEXPLAIN QUERY PLAN (SQLite, as Django sends it):")
    for row in database.execute("EXPLAIN QUERY PLAN " + sql.replace("%s", "?"), params):
        print(f"  {row[-1]}")

    timings: dict[str, list[float]] = {"ORM (as the view)": [], "ORM SQL only": [],
                                        "raw SQL, same query": []}
    found_rows: dict[str, list[int]] = {"hour": [], "day": []}
    orm_by_kind: dict[str, list[float]] = {"hour": [], "day": []}
    for number in range(args.warm_up + args.queries):
        found, kind = criteria()
        started = time.perf_counter()
        sql, params = query(found).query.sql_with_params()
        built = time.perf_counter() - started
        started = time.perf_counter()
        rows = database.execute(sql.replace("%s", "?"), params).fetchall()
        raw = time.perf_counter() - started
        started = time.perf_counter()
        segments = list(query(found))
        orm = time.perf_counter() - started
        assert len(segments) == len(rows)
        if number < args.warm_up:
            continue
        found_rows[kind].append(len(rows))
        orm_by_kind[kind].append(orm * 1000)
        for label, value in zip(timings, (orm, built, raw), strict=True):
            timings[label].append(value * 1000)
    database.close()

    total = connection.cursor().execute("SELECT count(*) FROM footage_segment").fetchone()[0]
    print(f"\n{total:,} segments; {args.queries} queries: "
          f"{len(found_rows['hour'])} one-hour windows (mean "
          f"{statistics.fmean(found_rows['hour'] or [0]):.0f} rows), "
          f"{len(found_rows['day'])} whole days (mean "
          f"{statistics.fmean(found_rows['day'] or [0]):.0f} rows, at most 500 kept)")
    print(f"\n{'query':<22}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for label, values in timings.items():
        print(f"{label:<22}{percentile(values, 0.5):>9.2f}{percentile(values, 0.95):>9.2f}"
              f"{max(values):>9.2f}")
    for kind, values in orm_by_kind.items():
        if values:
            label = f"  ORM, {kind} windows"
            print(f"{label:<22}{percentile(values, 0.5):>9.2f}"
                  f"{percentile(values, 0.95):>9.2f}{max(values):>9.2f}")
    orm95 = percentile(timings["ORM (as the view)"], 0.95)
    raw95 = percentile(timings["raw SQL, same query"], 0.95)
    print(f"\nORM p95 / raw SQL p95  {orm95 / raw95:.2f}")
    print(f"ORM p95                {orm95:.1f} ms   (goal <= 50 ms at 1,000,000 segments)")


if __name__ == "__main__":
    main()
