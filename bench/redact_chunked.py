"""Benchmark of chunked masking: pieces in 1, 2 and 3 worker processes against the
one-go pipeline and a plain transcode, on a long 1280×720 clip.

The clip: ../shared/data/video/car-detection.mp4 (CC BY 4.0; a street, 377 frames at 12.5 fps)
scaled to 1280×720 and encoded once (libx264 veryfast, crf 18, a keyframe a second, closed
groups of pictures, as recorders write), then looped by copying its packets to `--minutes`
(default 2) — built with PyAV in a temporary folder, never kept in the repository.

Each run is a child process of its own, timed by the wall clock with its start-up (imports,
model loading, worker processes) included, its peak memory being the largest sum of the
resident sets of it and its workers, polled:

    one go       hogo.redact.redact (analyse, then render), the default Settings
    chunked N    hogo.redact.chunks.redact_chunked with jobs=N, pieces of `--piece-seconds`
                 (default 30 s, so a 2-minute clip is 4 pieces: whole rounds for 1 and 2
                 workers)
    transcode    PyAV decode → libx264 with the same encoder settings, nothing else: the
                 encoder's own speed, the ceiling on this machine

Printed: frames/s, the ratio to one go and to the transcode, the cores kept busy (CPU time
over wall time: 2.0 is all of this machine), people counted, peak memory, and the load average
just before each run. Timings are printed, never asserted. Importable: `measure(clip, jobs,
work)` gives the rows (bench/redact.py calls it).

    .venv/bin/python bench/redact_chunked.py [--minutes M] [--piece-seconds S] [--jobs 1,2,3]
                                             [--no-plates] [--no-transcode] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import av  # noqa: E402

from bench.redact import TRANSCODE  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT.parent / "shared" / "data" / "video"
STREET = "car-detection.mp4"
SIZE = (1280, 720)

ONE_GO = """
import json, sys
from hogo.redact import Settings, redact
result = redact(sys.argv[1], sys.argv[2], Settings(plates=sys.argv[3] == "plates"))
print(json.dumps({"frames": result.frame_count, "people": result.people_count}))
"""

CHUNKED = """
import json, sys
from hogo.redact import Settings
from hogo.redact.chunks import redact_chunked
if __name__ == "__main__":
    result = redact_chunked(sys.argv[1], sys.argv[2], Settings(plates=sys.argv[3] == "plates"),
                            jobs=int(sys.argv[4]), seconds=float(sys.argv[5]))
    print(json.dumps({"frames": result.frame_count, "people": result.people_count,
                      "pieces": result.settings["chunked"]["pieces"],
                      "steps": result.settings["chunked"]["seconds"]}))
"""

# The plain transcode is bench/redact.py's, so both benchmarks compare against one reference.



def make_long_clip(minutes: float, work: Path) -> Path:
    """The street clip at 1280×720, encoded once and looped (packets copied) to `minutes`."""
    once = work / "street-720p.mp4"
    with av.open(str(SAMPLES / STREET)) as source, av.open(str(once), "w", format="mp4") as out:
        video = source.streams.video[0]
        rate = Fraction(video.average_rate)
        stream = out.add_stream("libx264", rate=rate)
        stream.width, stream.height, stream.pix_fmt = *SIZE, "yuv420p"
        stream.options = {"preset": "veryfast", "crf": "18", "g": str(round(rate)),
                          "keyint_min": str(round(rate))}
        for index, frame in enumerate(source.decode(video)):
            picture = frame.reformat(*SIZE, "yuv420p", interpolation="BICUBIC")
            picture.pts, picture.time_base = index, 1 / rate
            out.mux(stream.encode(picture))
        out.mux(stream.encode(None))
    target = work / f"street-720p-{minutes:g}min.mp4"
    with av.open(str(once)) as source:
        video = source.streams.video[0]
        packets = [p for p in source.demux(video) if p.size]
        span = max(p.pts + p.duration for p in packets) - min(p.pts for p in packets)
        loops = max(1, round(minutes * 60 / float(span * video.time_base)))
        with av.open(str(target), "w", format="mp4") as out:
            stream = out.add_stream_from_template(video)
            for loop in range(loops):
                for packet in packets:
                    copy = av.Packet(bytes(packet))
                    copy.pts, copy.dts = packet.pts + loop * span, packet.dts + loop * span
                    copy.duration, copy.is_keyframe = packet.duration, packet.is_keyframe
                    copy.time_base, copy.stream = packet.time_base, stream
                    out.mux(copy)
    once.unlink()
    return target


def frame_count(path: Path) -> int:
    with av.open(str(path)) as container:
        return sum(1 for packet in container.demux(video=0) if packet.size)


def run(command: list[str]) -> tuple[float, float, float, dict[str, Any]]:
    """(wall seconds, cores busy on average, peak resident MB of the process and its children,
    its JSON line). Cores busy: the CPU time of the process and its waited-for workers (from
    wait4) over the wall-clock time; 2.0 is all of this machine."""
    started = time.perf_counter()
    peak = 0
    with tempfile.TemporaryFile() as captured, tempfile.TemporaryFile() as errors:
        child = subprocess.Popen(command, stdout=captured, stderr=errors, cwd=ROOT)
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            peak = max(peak, _tree_rss(child.pid))
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        captured.seek(0)
        out = captured.read().decode()
        errors.seek(0)
        err = errors.read().decode()
    if child.returncode:
        raise SystemExit(f"failed ({child.returncode}): {' '.join(command[:2])}…\n{err[-2000:]}")
    cores = (usage.ru_utime + usage.ru_stime) / seconds
    return seconds, cores, peak / 1024, json.loads(out.strip().splitlines()[-1])


def _tree_rss(pid: int) -> int:
    """Resident KiB of a process and all its descendants (0 for those already gone)."""
    total = 0
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        total += next((int(line.split()[1]) for line in status.splitlines()
                       if line.startswith("VmRSS:")), 0)
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return total
    return total + sum(_tree_rss(int(child)) for child in children)


def measure(clip: Path, jobs: list[int], work: Path, *, plates: bool = True,
            piece_seconds: float = 30.0, transcode: bool = True) -> list[dict[str, Any]]:
    """One row per run on `clip`: one go, chunked with each number of `jobs`, and (with
    `transcode`) the plain transcode. Each row: name, jobs, frames, seconds, fps, people, pieces,
    steps (a chunked run's seconds per step: plan, analyse, stitch, render, join),
    cores (CPU time of the run and its workers over its wall time), peak_mb, loadavg (taken
    just before the run). Outputs go to `work`."""
    python = sys.executable
    kind = "plates" if plates else "faces"
    frames = frame_count(clip)
    runs: list[tuple[str, int | None, list[str]]] = [
        ("one go", None, [python, "-c", ONE_GO, str(clip), str(work / "one-go.mp4"), kind])]
    runs += [(f"chunked {n}", n, [python, "-c", CHUNKED, str(clip), str(work / f"jobs-{n}.mp4"),
                                  kind, str(n), str(piece_seconds)]) for n in jobs]
    if transcode:
        runs.append(("transcode", None, [python, "-c", TRANSCODE, str(clip),
                                         str(work / "transcode.mp4")]))
    rows = []
    for name, n, command in runs:
        before = Path("/proc/loadavg").read_text().split()[:3]
        print(f"  {name} … (load {' '.join(before)})", flush=True)
        seconds, cores, peak, facts = run(command)
        if facts["frames"] != frames:
            raise SystemExit(f"{name}: {facts['frames']} frames out, the clip has {frames}")
        rows.append({"name": name, "jobs": n, "frames": frames, "seconds": round(seconds, 2),
                     "fps": round(frames / seconds, 2), "people": facts.get("people"),
                     "pieces": facts.get("pieces"), "steps": facts.get("steps"),
                     "cores": round(cores, 2),
                     "peak_mb": round(peak),
                     "loadavg": " ".join(before)})
    return rows


def report(rows: list[dict[str, Any]]) -> None:
    one_go = next(r["fps"] for r in rows if r["name"] == "one go")
    transcode = next((r["fps"] for r in rows if r["name"] == "transcode"), None)
    print(f"\n{'run':12} {'pieces':>6} {'frames':>6} {'seconds':>8} {'fps':>7} {'/one go':>8} "
          f"{'/transc.':>8} {'cores':>5} {'people':>6} {'peak MB':>8}  load before")
    for r in rows:
        versus = f"{r['fps'] / transcode:7.2f}×" if transcode else "—"
        print(f"{r['name']:12} {r['pieces'] or '—':>6} {r['frames']:6d} {r['seconds']:8.1f} "
              f"{r['fps']:7.1f} {r['fps'] / one_go:7.2f}× {versus:>8} {r['cores']:5.2f} "
              f"{'—' if r['people'] is None else r['people']:>6} {r['peak_mb']:8d}  "
              f"{r['loadavg']}")
    for r in rows:
        if r.get("steps"):
            print(f"  {r['name']}: " + ", ".join(f"{k} {v:.1f} s" for k, v in r["steps"].items()))
    print("\nframes/s over the wall clock, start-up included; each run in a child process; "
          "cores: CPU time over wall time (this machine has 2).")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=2.0, help="length of the clip")
    parser.add_argument("--piece-seconds", type=float, default=30.0, help="length of a piece")
    parser.add_argument("--jobs", default="1,2,3", help="worker counts, comma-separated")
    parser.add_argument("--no-plates", action="store_true", help="mask faces only")
    parser.add_argument("--no-transcode", action="store_true", help="skip the plain transcode")
    parser.add_argument("--keep", type=Path, help="keep the clip and outputs in this folder")
    args = parser.parse_args()
    if not SAMPLES.is_dir():
        parser.error(f"the sample clips are not at {SAMPLES}")
    jobs = [int(n) for n in args.jobs.split(",") if n.strip()]
    work = args.keep or Path(tempfile.mkdtemp(prefix="hogo-bench-chunked-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        clip = make_long_clip(args.minutes, work)
        print(f"{clip.name}: {frame_count(clip)} frames at 1280×720 …", flush=True)
        rows = measure(clip, jobs, work, plates=not args.no_plates,
                       piece_seconds=args.piece_seconds, transcode=not args.no_transcode)
        report(rows)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
