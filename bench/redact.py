"""Benchmark of masking (R-304, R-607): our pipeline against deface and a plain transcode.

One process runs, side by side on the same clips, each in a child process of its own (so its
peak memory is its own maximum resident set size, read with os.wait4):

    ours       hogo.redact: analyse (CenterFace on every 3rd frame at 640 px, tracking) then
               render (masks, libx264), with the default Settings (plates too, when the plate
               detector is installed); `--no-plates` runs faces only
    deface     `deface IN -o OUT` from the venv: its defaults (full resolution, threshold 0.2,
               every frame, libx264 through imageio-ffmpeg)
    transcode  PyAV decode → libx264 with our encoder settings (preset medium, crf 23), nothing
               else: the floor any re-encoding tool stands on

Clips, made into a temporary folder as 1280×720 H.264 (libx264 veryfast, crf 18) from
../shared/data/video (CC BY 4.0): car-detection.mp4 (a street, 377 frames, almost no faces,
like most dashcam minutes) and the two face GIFs (two faces in every frame).

Frames/s is frames over the child's wall-clock time, start-up included. Coverage, on the face
clips: of the faces deface's own detector finds at full resolution with score ≥ 0.2 (the boxes
deface masks, before its 1.3 scaling), the share whose box lies at least 90 % inside one of our
masks on that frame. Goals (the issue): ours ≥ 3× deface, ≥ 0.5× transcode, coverage ≥ 99 %.
Timings are printed, never asserted. deface needs the `bench` extra:
`.venv/bin/pip install -e '.[bench]'` (dev.py installs deface itself without dependencies).

    .venv/bin/python bench/redact.py [--no-plates] [--skip-deface] [--keep DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import shutil
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import av  # noqa: E402

from hogo.redact import Analysis  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT.parent / "shared" / "data" / "video"
CLIPS = {  # name: (sample file, frame rate for GIFs)
    "street (car-detection)": ("car-detection.mp4", None),
    "walking (face-demographics)": ("face-demographics-walking.gif", 12),
    "head-pose (two faces)": ("head-pose-face-detection-female-and-male.gif", 12),
}
SIZE = (1280, 720)

OURS = """
import json, sys
from hogo.redact import Settings, analyse, render
settings = Settings(plates=sys.argv[4] == "plates")
analysis = analyse(sys.argv[1], settings)
result = render(sys.argv[1], sys.argv[2], analysis, settings)
open(sys.argv[3], "w").write(analysis.to_json())
print(json.dumps({"frames": result.frame_count, "people": result.people_count,
                  "plates": result.plate_count,
                  "plate_detector": analysis.record["plate_detector"]}))
"""

TRANSCODE = """
import sys
import av
from hogo.redact import Settings
settings = Settings()
with av.open(sys.argv[1]) as source, av.open(sys.argv[2], "w", format="mp4") as output:
    video = source.streams.video[0]
    video.thread_type = "AUTO"
    stream = output.add_stream(settings.codec, rate=video.average_rate)
    stream.width, stream.height, stream.pix_fmt = video.width, video.height, "yuv420p"
    stream.time_base = video.time_base
    stream.codec_context.time_base = video.time_base
    stream.options = {"preset": settings.preset, "crf": str(settings.crf)}
    for frame in source.decode(video):
        output.mux(stream.encode(frame))
    output.mux(stream.encode(None))
"""


def make_clip(sample: Path, target: Path, fps: int | None) -> Path:
    """The sample at 1280×720, H.264; GIFs at a constant `fps`."""
    with av.open(str(sample)) as source, av.open(str(target), "w", format="mp4") as output:
        video = source.streams.video[0]
        stream = output.add_stream("libx264", rate=fps or video.average_rate)
        stream.width, stream.height, stream.pix_fmt = *SIZE, "yuv420p"
        stream.options = {"preset": "veryfast", "crf": "18"}
        if fps is None:
            stream.time_base = video.time_base
            stream.codec_context.time_base = video.time_base
        for index, frame in enumerate(source.decode(video)):
            picture = frame.reformat(*SIZE, "yuv420p", interpolation="BICUBIC")
            if fps is None:
                picture.pts, picture.time_base = frame.pts, frame.time_base
            else:
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
    with tempfile.TemporaryFile() as captured:
        child = subprocess.Popen(command, stdout=captured, stderr=subprocess.DEVNULL, cwd=ROOT)
        while child.poll() is None:
            peak = max(peak, _high_water(child.pid))
            time.sleep(0.02)
        seconds = time.perf_counter() - started
        captured.seek(0)
        out = captured.read().decode()
    if child.returncode:
        raise SystemExit(f"failed ({child.returncode}): {' '.join(command)}")
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


def frame_count(path: Path) -> int:
    with av.open(str(path)) as container:
        return sum(1 for packet in container.demux(video=0) if packet.size)


def coverage(clip: Path, analysis: Analysis) -> tuple[int, int]:
    """(faces deface's detector finds at full resolution, ≥ 0.2; of them inside our masks)."""
    from deface.centerface import CenterFace

    with contextlib.redirect_stdout(io.StringIO()):  # it announces its execution provider
        reference = CenterFace(in_shape=None, backend="auto")
    faces = covered = 0
    with av.open(str(clip)) as container:
        for index, frame in enumerate(container.decode(video=0)):
            boxes, _ = reference(frame.to_ndarray(format="rgb24"), threshold=0.2)
            masks = [box for _, box in analysis.boxes_at(index)]
            for x0, y0, x1, y1, _ in boxes:
                faces += 1
                area = (x1 - x0) * (y1 - y0)
                covered += any(_overlap((x0, y0, x1, y1), m) >= 0.9 * area for m in masks)
    return faces, covered


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return max(0.0, w) * max(0.0, h)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-plates", action="store_true", help="run our pipeline faces only")
    parser.add_argument("--skip-deface", action="store_true", help="do not run deface")
    parser.add_argument("--keep", type=Path, help="keep the clips and outputs in this folder")
    args = parser.parse_args()
    if not SAMPLES.is_dir():
        parser.error(f"the sample clips are not at {SAMPLES}")
    deface = Path(sys.executable).parent / "deface"
    if not args.skip_deface:
        try:
            import imageio_ffmpeg  # noqa: F401
            import skimage  # noqa: F401
        except ImportError:
            parser.error("deface's dependencies are missing: .venv/bin/pip install -e '.[bench]'")
    work = args.keep or Path(tempfile.mkdtemp(prefix="hogo-bench-redact-"))
    work.mkdir(parents=True, exist_ok=True)
    python = sys.executable
    plates = "faces" if args.no_plates else "plates"
    rows = []
    try:
        for name, (sample, fps) in CLIPS.items():
            clip = make_clip(SAMPLES / sample, work / f"{Path(sample).stem}-720p.mp4", fps)
            frames = frame_count(clip)
            print(f"{name}: {frames} frames at 1280×720 …", flush=True)
            tracks = work / f"{clip.stem}-tracks.json"
            ours = measure([python, "-c", OURS, str(clip), str(work / f"{clip.stem}-ours.mp4"),
                            str(tracks), plates])
            facts = json.loads(ours[2])
            if facts["frames"] != frames:
                raise SystemExit(f"our output has {facts['frames']} frames, not {frames}")
            trans = measure([python, "-c", TRANSCODE, str(clip),
                             str(work / f"{clip.stem}-transcode.mp4")])
            theirs = None if args.skip_deface else measure(
                [str(deface), str(clip), "-o", str(work / f"{clip.stem}-deface.mp4")])
            covered = None
            if "face" in sample and not args.skip_deface:
                covered = coverage(clip, Analysis.from_json(tracks.read_text()))
            rows.append((name, frames, ours, theirs, trans, facts, covered))
        report(rows)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


def report(rows: list) -> None:
    print()
    print(f"{'clip':29} {'frames':>6} {'ours':>7} {'deface':>7} {'transc.':>7}  "
          f"{'ours/deface':>11} {'ours/transc.':>12}  {'coverage':>15}  "
          f"{'peak MB ours/deface/transc.':>27}  people")
    for name, frames, ours, theirs, trans, facts, covered in rows:
        fps_ours, fps_trans = frames / ours[0], frames / trans[0]
        fps_deface = frames / theirs[0] if theirs else float("nan")
        cover = f"{covered[1]}/{covered[0]} {100 * covered[1] / covered[0]:5.1f}%" \
            if covered and covered[0] else "—"
        memory = f"{ours[1]:.0f}/{theirs[1] if theirs else float('nan'):.0f}/{trans[1]:.0f}"
        print(f"{name:29} {frames:6d} {fps_ours:7.1f} {fps_deface:7.1f} {fps_trans:7.1f}  "
              f"{fps_ours / fps_deface:10.2f}× {fps_ours / fps_trans:11.2f}×  {cover:>15}  "
              f"{memory:>27}  {facts['people']}")
    print("\nframes/s, start-up included; goals: ours ≥ 3× deface, ≥ 0.5× transcode, "
          "coverage ≥ 99 %.")
    print(f"plate detector: {rows[0][5]['plate_detector']}")


if __name__ == "__main__":
    main()
