"""Benchmark 8(b): the whole HTTP upload on loopback against the disk's own write speed.

One process, one file, measured side by side in the same run:

    dd conv=fdatasync        what the disk writes (same file, same disk)
    HTTP only (discard)      the same client PATCHing the same pieces to a bare waitress app
                             that reads and drops the body: what loopback HTTP alone allows
    hogo upload path         hogo.footage.client.upload_file (the code behind `hogo upload`)
                             against the real server (`hogo serve --no-worker`, waitress),
                             16 MiB PATCH pieces, a machine token, recorder DEMO-000n

Each round (default 2) makes a fresh file, then runs dd, HTTP only and the upload (to its own
demo recorder, so nothing is deduplicated and no ring buffer erases); the best of each is kept,
as other work on the machine easily halves a single figure.

The server runs in a subprocess on a throw-away HOGO_DATA_DIR (migrated, demo loaded without
footage; bench/_common.py) and is killed by its PID afterwards. The file is, by default, a
valid QuickTime clip of uncompressed 720p frames, so ingest accepts it and probes it the way
it probes any original (one decrypting, demuxing read of the whole file); `--content random`
sends random bytes instead, which are stored and then quarantined as not_video.

The last PATCH response comes only after the server has sealed the object and ingested it
(probe, catalogue, ring-buffer sweep), so the report splits the time:

    client SHA-256           the client hashes the file before it sends anything
    transfer + store         every PATCH but the last: HTTP, encrypt, write, fsync
    last PATCH               one more piece, then seal + ingest; its excess over the median
                             PATCH is reported as "seal + ingest (approx.)"
    probe alone              the same stored object probed again in this process, for scale

Prints MB/s (10^6 bytes per second of plaintext) and the ratios to dd; never asserts a timing.
The issue's goal is upload/dd >= 0.25.

    .venv/bin/python bench/http_upload.py [--size-mb 1024] [--dir DIR] [--piece-mb 16]
                                          [--content video|random] [--repeat 1|2|3]
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import (  # noqa: E402
    clean_env,
    demo_installation,
    free_port,
    new_token,
    serving,
)
from hogo.footage.client import ResumeState, TusClient, upload_file  # noqa: E402

# The HTTP floor: the same waitress settings as `hogo serve`, an app that only reads the body.
DISCARD_SERVER = """
import sys
from waitress import serve

def app(environ, start_response):
    stream, left = environ["wsgi.input"], int(environ.get("CONTENT_LENGTH") or 0)
    got = 0
    while left:
        piece = stream.read(min(1 << 20, left))
        if not piece:
            break
        got, left = got + len(piece), left - len(piece)
    offset = int(environ.get("HTTP_UPLOAD_OFFSET") or 0) + got
    start_response("204 No Content", [("Upload-Offset", str(offset))])
    return [b""]

serve(app, host="127.0.0.1", port=int(sys.argv[1]), threads=8, ident="discard",
      inbuf_overflow=(64 << 20) + (1 << 20))
"""


class TimedClient(TusClient):
    """The project's tus client, noting when each request starts and ends."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.events: list[tuple[str, float, float, int]] = []
        self.sha256 = ""

    def _timed(self, name: str, size: int, call):
        started = time.perf_counter()
        result = call()
        self.events.append((name, started, time.perf_counter(), size))
        return result

    def known(self, sha256: str, recorder: str) -> dict | None:
        self.sha256 = sha256
        return self._timed("known", 0, lambda: super(TimedClient, self).known(sha256, recorder))

    def create(self, length: int, relative_path: str, sha256: str, recorder: str,
               say: Callable[[str], None] | None = None) -> str:
        return self._timed("create", 0, lambda: super(TimedClient, self).create(
            length, relative_path, sha256, recorder, say))

    def patch(self, url: str, offset: int, data: bytes) -> int:
        return self._timed("patch", len(data),
                           lambda: super(TimedClient, self).patch(url, offset, data))

    def result(self, url: str) -> dict:
        return self._timed("result", 0, lambda: super(TimedClient, self).result(url))


def make_video(path: Path, size: int, seed: int = 8) -> None:
    """A valid MOV of uncompressed 1280x720 RGB frames (2.76 MB each), about `size` bytes."""
    import av
    import numpy as np

    width, height = 1280, 720
    frames = max(1, size // (width * height * 3))
    generator = np.random.default_rng(seed)
    pictures = [av.VideoFrame.from_ndarray(
        generator.integers(0, 256, (height, width, 3), dtype=np.uint8), format="rgb24")
        for _ in range(8)]
    with av.open(str(path), "w", format="mov") as out:
        stream = out.add_stream("rawvideo", rate=30)
        stream.width, stream.height, stream.pix_fmt = width, height, "rgb24"
        for number in range(frames):
            picture = pictures[number % len(pictures)]
            picture.pts = number
            for packet in stream.encode(picture):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def make_random(path: Path, size: int) -> None:
    block = 16 * 1024 * 1024
    with open(path, "wb") as handle:
        for offset in range(0, size, block):
            handle.write(os.urandom(min(block, size - offset)))
        handle.flush()
        os.fsync(handle.fileno())


def http_floor(source: Path, piece: int, env: dict[str, str], work: Path) -> float:
    """Seconds to PATCH the file to a waitress app that discards it, with the same client."""
    port = free_port()
    log = work / "discard.log"
    with open(log, "wb") as log_handle:
        server = subprocess.Popen([sys.executable, "-c", DISCARD_SERVER, str(port)], env=env,
                                  stdout=log_handle, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    message = f"the discard server did not start:\n{log.read_text()}"
                    raise SystemExit(message) from None
                time.sleep(0.1)
        client = TusClient(url, "none", timeout=600)
        offset = 0
        started = time.perf_counter()
        with source.open("rb") as handle:
            while data := handle.read(piece):
                offset = client.patch(f"{url}/discard", offset, data)
        return time.perf_counter() - started
    finally:
        stop(server)


def stop(server: subprocess.Popen) -> None:
    """Stop the discard server (hogo's own is stopped by bench._common.serving)."""
    if server.poll() is None:
        os.kill(server.pid, 15)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.kill(server.pid, 9)
            server.wait()


def probe_again(data: Path, object_id: str) -> tuple[float, str]:
    """Time hogo's probe over the stored (encrypted) object, read as ingest reads it."""
    from hogo.footage.objects import DecryptingReader
    from hogo.storage import store_from_settings
    from hogo.video.probe import ProbeError, probe

    store = store_from_settings({"backend": "local", "root": str(data / "objects"),
                                 "keys_dir": str(data / "keys")})
    with sqlite3.connect(data / "hogo.sqlite3") as db:
        row = db.execute("SELECT wrapped_key, size FROM footage_encryptedobject "
                         "WHERE object_id = ?", [object_id]).fetchone()
    if row is None or not row[0]:
        return 0.0, "no key stored"
    started = time.perf_counter()
    try:
        facts = probe(io.BufferedReader(DecryptingReader(store, object_id, row[0], row[1]),
                                        buffer_size=1 << 20))
        outcome = f"{facts.video_codec} {facts.width}x{facts.height}, {facts.frame_count} frames"
    except ProbeError as error:
        outcome = f"refused: {error.code}"
    return time.perf_counter() - started, outcome


def upload_round(url: str, token: str, card: Path, source: Path, recorder: str, piece: int,
                 state: Path) -> dict:
    """One upload through the project's client, split into its phases (seconds)."""
    client = TimedClient(url, token, timeout=600)
    started = time.perf_counter()
    outcome = upload_file(client, ResumeState(state), card, source, recorder, piece,
                          lambda _n: None, print)
    whole = time.perf_counter() - started
    patches = [e for e in client.events if e[0] == "patch"]
    body = [e[2] - e[1] for e in patches[:-1]]
    last = patches[-1][2] - patches[-1][1]
    typical = statistics.median(body) if body else last
    # the last PATCH carries one more piece, then the server seals and ingests before answering
    last_piece = typical * patches[-1][3] / max(patches[0][3], 1)
    return {
        "outcome": outcome, "sha256": client.sha256, "patches": len(patches),
        "whole": whole,
        "hash": client.events[0][1] - started,
        "transfer": sum(body) + last_piece,
        "through_last": patches[-1][2] - next(e[1] for e in client.events if e[0] == "create"),
        "typical": typical, "last": last, "seal_ingest": max(last - last_piece, 0.0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024, help="file size in MiB")
    parser.add_argument("--dir", type=Path, default=None,
                        help="work directory on the disk to measure (default: system temp)")
    parser.add_argument("--piece-mb", type=int, default=16, help="bytes per PATCH, in MiB")
    parser.add_argument("--content", choices=("video", "random"), default="video",
                        help="a valid uncompressed clip (ingested) or random bytes "
                             "(quarantined as not_video after storing)")
    parser.add_argument("--repeat", type=int, default=2, choices=(1, 2, 3),
                        help="rounds of dd + HTTP only + upload (a fresh file and demo "
                             "recorder each); the best of each is kept")
    args = parser.parse_args()
    if args.dir:
        args.dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="hogo-bench-upload-", dir=args.dir))
    data = work / "data"
    env = clean_env(data)  # the goal is stated for the embedded default, SQLite
    piece = args.piece_mb << 20
    try:
        print(f"work directory {work}", flush=True)
        demo_installation(env)
        token = new_token(env, "bench-upload")
        dd_times, floors, rounds = [], [], []
        with serving(env, work / "server.log", "--no-worker") as server:
            print(f"server pid {server.pid} on {server.url}", flush=True)
            for number in range(1, args.repeat + 1):
                card = work / f"card{number}"
                card.mkdir()
                suffix = ".mov" if args.content == "video" else ".mp4"
                source = card / f"20250603_14150{number}_F{suffix}"
                print(f"round {number}: a fresh {args.size_mb} MiB {args.content} file …",
                      flush=True)
                if args.content == "video":
                    make_video(source, args.size_mb * 1024 * 1024, seed=number)
                else:
                    make_random(source, args.size_mb * 1024 * 1024)
                size = source.stat().st_size
                out = work / "dd.out"
                started = time.perf_counter()
                subprocess.run(["dd", f"if={source}", f"of={out}", "bs=4M", "conv=fdatasync",
                                "status=none"], check=True)
                dd_times.append(time.perf_counter() - started)
                out.unlink()
                floors.append(http_floor(source, piece, env, work))
                rounds.append(upload_round(server.url, token, card, source,
                                           f"DEMO-{number:04d}", piece,
                                           work / "upload-state.json"))
                source.unlink()
        best = min(rounds, key=lambda r: r["whole"])
        probe_seconds, probe_outcome = probe_again(data, best["sha256"])

        dd_rate = size / min(dd_times) / 1e6
        outcome = best["outcome"]
        print(f"\nfile {size:,} bytes, {best['patches']} PATCH requests of {args.piece_mb} MiB; "
              f"ended as: {outcome.state}" + (f" ({outcome.detail})" if outcome.detail else ""))
        print(f"best of {args.repeat} round(s) each; whole upload per round: "
              + ", ".join(f"{size / r['whole'] / 1e6:.0f}" for r in rounds) + " MB/s; "
              "dd per round: " + ", ".join(f"{size / t / 1e6:.0f}" for t in dd_times) + " MB/s")
        rows = [
            ("dd conv=fdatasync", min(dd_times)),
            ("HTTP only (discard)", min(floors)),
            ("transfer + store", best["transfer"]),
            ("POST .. last PATCH", best["through_last"]),
            ("whole upload_file", best["whole"]),
        ]
        print(f"\n{'path':<22}{'seconds':>9}{'MB/s':>9}{'/ dd':>7}")
        for label, seconds in rows:
            rate = size / seconds / 1e6
            print(f"{label:<22}{seconds:>9.2f}{rate:>9.0f}{rate / dd_rate:>7.2f}")
        print(f"\nof which: client SHA-256 {best['hash']:.2f} s, median PATCH "
              f"{best['typical'] * 1000:.0f} ms, last PATCH {best['last']:.2f} s, "
              f"seal + ingest (approx.) {best['seal_ingest']:.2f} s")
        print(f"probe alone (same stored object, in this process): {probe_seconds:.2f} s "
              f"-> {probe_outcome}")
        goal = (size / best["whole"] / 1e6) / dd_rate
        print(f"\nwhole upload / dd      {goal:.2f}   (goal >= 0.25)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
