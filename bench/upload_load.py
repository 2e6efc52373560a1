"""Load test of the tus upload endpoint: many uploaders, idle openers, abandoned uploads.

Against one real `hogo serve` (waitress, in-process worker) on a 127.0.0.1 port with its
own throw-away HOGO_DATA_DIR (migrated, demo organisation without footage, machine tokens
from `hogo token create`; bench/_common.py), all traffic on loopback:

    phase 1   CLIENTS uploaders, each sending its own generated clip (distinct content, names
              and start times spread over the three demo recorders) through
              hogo.footage.client.upload_file, the code behind `hogo upload`; 10 tokens, so a
              token has fewer open uploads than HOGO_UPLOAD_OPEN_PER_TOKEN. Meanwhile IDLERS
              idle openers on one token POST uploads and never send a byte: past the
              per-token limit they get 429.
    phase 2   ABANDONED opened-and-abandoned uploads (20 tokens × 50), then: the health check,
              a fresh complete upload, and the server's open descriptors before and after.

Every complete upload must come back "ingested" (also counted in the server's database).
Prints counts, 429s, errors, p50/p95 latency per request type and wall time; timing is printed,
never asserted. Bounded: fixed counts, a deadline for the whole run (--deadline), HTTP
timeouts; the server is killed by its PID at the end.

    .venv/bin/python bench/upload_load.py [--clients 200] [--idlers 50] [--abandoned 1000]
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import (  # noqa: E402
    Server,
    clean_env,
    demo_installation,
    healthy,
    new_token,
    serving,
)
from hogo.clock import JST  # noqa: E402
from hogo.footage.client import ResumeState, TusClient, UploadError, upload_file  # noqa: E402

RECORDERS = ("DEMO-0001", "DEMO-0002", "DEMO-0003")
T0 = dt.datetime(2025, 6, 3, 8, 0, tzinfo=JST)


class Timings:
    """Latency per request type, status counts, errors; shared by all threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.seconds: dict[str, list[float]] = defaultdict(list)
        self.statuses: dict[str, int] = defaultdict(int)
        self.errors: list[str] = []

    def add(self, kind: str, seconds: float, status: int | str) -> None:
        with self.lock:
            self.seconds[kind].append(seconds)
            self.statuses[f"{kind} {status}"] += 1

    def error(self, message: str) -> None:
        with self.lock:
            self.errors.append(message)


class TimedClient(TusClient):
    """The project's client, timing each request by type (known, POST, HEAD, PATCH, GET)."""

    def __init__(self, base_url: str, token: str, timings: Timings) -> None:
        super().__init__(base_url, token, timeout=120)
        self.timings = timings

    def _request(self, method, url, body=None, headers=None):
        kind = "known" if "/known?" in url else method
        started = time.perf_counter()
        try:
            result = super()._request(method, url, body, headers)
        except UploadError as error:
            self.timings.add(kind, time.perf_counter() - started, error.status or "error")
            raise
        self.timings.add(kind, time.perf_counter() - started, result[0])
        return result


def open_fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def make_clips(folder: Path, count: int) -> list[tuple[Path, str]]:
    """`count` distinct 2-second clips, 10 s apart per recorder, named as `flat` expects."""
    from hogo.video.synth import make_clip

    made = []
    for n in range(count):
        recorder = RECORDERS[n % len(RECORDERS)]
        start = T0 + dt.timedelta(seconds=10 * (n // len(RECORDERS)))
        card = folder / recorder
        card.mkdir(parents=True, exist_ok=True)
        path = card / f"{start:%Y%m%d_%H%M%S}_F.mp4"
        make_clip(path, start, 2, fps=5, size=(160, 96), label=f"LOAD {n}")
        made.append((path, recorder))
    return made


def open_and_abandon(url: str, token: str, name: str, timings: Timings) -> int:
    """POST an upload of 10 MiB and never send a byte; returns the HTTP status."""
    metadata = ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in {
        "filename": name, "recorder": RECORDERS[0],
        "sha256": hashlib.sha256(name.encode()).hexdigest()}.items())
    request = urllib.request.Request(f"{url}/api/uploads/", method="POST", headers={  # noqa: S310
        "Authorization": f"Bearer {token}", "Tus-Resumable": "1.0.0",
        "Upload-Length": str(10 << 20), "Upload-Metadata": metadata})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 (loopback)
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
        if status == 429 and not error.headers.get("Retry-After"):
            timings.error(f"{name}: 429 without Retry-After")
    except OSError as error:
        timings.error(f"POST {name}: {error}")
        status = 0
    timings.add("POST (abandoned)", time.perf_counter() - started, status or "error")
    return status


def upload_one(url: str, token: str, path: Path, recorder: str, state: Path,
               timings: Timings, deadline: float) -> str:
    if time.monotonic() > deadline:
        return "not started (deadline)"
    client = TimedClient(url, token, timings)
    try:
        outcome = upload_file(client, ResumeState(state), path.parent, path, recorder, 16 << 20,
                              lambda _n: None, lambda _s: None)
    except UploadError as error:
        timings.error(f"{path.name}: {error}")
        return "error"
    return outcome.state


def tally(statuses: list[int]) -> str:
    opened, busy = statuses.count(201), statuses.count(429)
    return f"{opened} opened, {busy} got 429, {len(statuses) - opened - busy} other"


def report(timings: Timings) -> None:
    print(f"{'request':<18} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for kind, values in sorted(timings.seconds.items()):
        ordered = sorted(values)
        p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
        print(f"{kind:<18} {len(values):>6} {statistics.median(values) * 1000:>8.1f} "
              f"{p95 * 1000:>8.1f} {ordered[-1] * 1000:>8.1f}")
    print("statuses: " + ", ".join(f"{k}: {v}" for k, v in sorted(timings.statuses.items())))
    print(f"errors: {len(timings.errors)}")
    for message in timings.errors[:10]:
        print(f"  {message}")


@dataclass(frozen=True)
class Tokens:
    clients: list[str]  # the uploaders share these
    idle: str  # all idle openers on one token: past its limit they get 429
    abandon: list[str]  # 50 abandoned uploads each
    fresh: str  # the complete upload after phase 2


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--idlers", type=int, default=50)
    parser.add_argument("--idle-posts", type=int, default=4, help="POSTs per idle opener")
    parser.add_argument("--abandoned", type=int, default=1000)
    parser.add_argument("--deadline", type=float, default=900, help="seconds for the whole run")
    parser.add_argument("--keep", action="store_true", help="keep the work dir (server log)")
    options = parser.parse_args()
    deadline = time.monotonic() + options.deadline
    work = Path(tempfile.mkdtemp(prefix="hogo-load-"))
    try:
        env = clean_env(work / "data")
        print(f"work dir {work}; generating {options.clients + 1} clips ...", flush=True)
        clips = make_clips(work / "cards", options.clients + 1)
        demo_installation(env)
        tokens = Tokens(
            clients=[new_token(env, f"load-client-{n}") for n in range(10)],
            idle=new_token(env, "load-idle"),
            abandon=[new_token(env, f"load-abandon-{n}")
                     for n in range(-(-options.abandoned // 50))],
            fresh=new_token(env, "load-fresh"))
        with serving(env, work / "serve.log") as server:
            return run(options, server, work, clips, tokens, deadline)
    finally:
        if not options.keep:
            shutil.rmtree(work, ignore_errors=True)


def run(options: argparse.Namespace, server: Server, work: Path,
        clips: list[tuple[Path, str]], tokens: Tokens, deadline: float) -> int:
    """Both phases against the running server; 0 if every complete upload was ingested."""
    url = server.url
    fds_start = open_fds(server.pid)
    timings = Timings()
    print(f"phase 1: {options.clients} uploaders and {options.idlers} idle openers "
          f"({options.idle_posts} POSTs each) ...", flush=True)
    started = time.perf_counter()
    with ThreadPoolExecutor(options.clients + options.idlers) as pool:
        uploads = [pool.submit(upload_one, url, tokens.clients[n % len(tokens.clients)],
                               path, recorder, work / f"state-{n}.json", timings, deadline)
                   for n, (path, recorder) in enumerate(clips[:options.clients])]

        def idle(n: int) -> list[int]:
            statuses = []
            for k in range(options.idle_posts):
                if time.monotonic() > deadline:
                    break
                statuses.append(open_and_abandon(url, tokens.idle, f"idle/{n}-{k}.mp4",
                                                 timings))
                time.sleep(0.2)
            return statuses

        idlers = [pool.submit(idle, n) for n in range(options.idlers)]
        outcomes = [f.result() for f in uploads]
        idle_statuses = [s for f in idlers for s in f.result()]
    phase1 = time.perf_counter() - started
    ingested = outcomes.count("ingested")
    with sqlite3.connect(work / "data" / "hogo.sqlite3") as db:
        segments = db.execute("SELECT COUNT(*) FROM footage_segment").fetchone()[0]
    print(f"phase 1 wall time {phase1:.1f} s")
    print(f"  uploads: {len(outcomes)} sent, {ingested} ingested "
          f"(server catalogue: {segments} segments), other outcomes: "
          f"{ {s: outcomes.count(s) for s in set(outcomes) if s != 'ingested'} }")
    print(f"  idle POSTs: {tally(idle_statuses)} (429: the per-token limit)")
    report(timings)

    print(f"phase 2: {options.abandoned} opened-and-abandoned uploads "
          f"({len(tokens.abandon)} tokens) ...", flush=True)
    fds_before = open_fds(server.pid)
    abandon = Timings()
    started = time.perf_counter()
    with ThreadPoolExecutor(len(tokens.abandon)) as pool:
        def abandon_all(t: int) -> list[int]:
            count = min(50, options.abandoned - 50 * t)
            return [open_and_abandon(url, tokens.abandon[t], f"abandon/{t}-{k}.mp4", abandon)
                    for k in range(count) if time.monotonic() < deadline]
        statuses = [s for f in [pool.submit(abandon_all, t)
                                for t in range(len(tokens.abandon))] for s in f.result()]
    phase2 = time.perf_counter() - started
    fds_after = open_fds(server.pid)
    alive = healthy(url)
    fresh_path, fresh_recorder = clips[-1]
    fresh = upload_one(url, tokens.fresh, fresh_path, fresh_recorder, work / "fresh.json",
                       abandon, deadline)
    print(f"phase 2 wall time {phase2:.1f} s: {tally(statuses)}")
    print(f"  server open descriptors: {fds_start} at start, {fds_before} before phase 2, "
          f"{fds_after} after {statuses.count(201)} more open uploads")
    print(f"  afterwards: health check {'OK' if alive else 'FAILED'}, "
          f"a fresh complete upload: {fresh}")
    print(f"  server peak RSS {peak_rss_mb(server.pid):.0f} MB")
    report(abandon)
    ok = ingested == len(outcomes) and alive and fresh == "ingested" and \
        not timings.errors and not abandon.errors
    print("RESULT: " + ("every complete upload ingested; the server still answers" if ok
                        else "PROBLEMS above"))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
