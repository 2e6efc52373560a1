"""Clips for the masking tests: a small synthetic one made here, and the real sample clips.

The synthetic clip is a textured square moving across a gradient (so a followed box has
something to follow, and masked pixels differ clearly from the rest), 320×240 at 10 fps, with
or without AAC audio. The real clips in ../shared/data/video (CC BY 4.0) are converted to MP4 at
their own size; a user's clone has no ../shared, so tests using them skip there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

SAMPLES = Path(__file__).resolve().parents[4] / "shared" / "data" / "video"
FACE_CLIPS = ("face-demographics-walking.gif", "head-pose-face-detection-female-and-male.gif")
SIZE = (320, 240)
FPS = 10
FRAMES = 30
SQUARE = 40  # side of the moving square, pixels
STEP = 4  # pixels it moves right per frame


def square_box(frame: int) -> tuple[int, int, int, int]:
    """Where the moving square is on `frame` (x0, y0, x1, y1)."""
    x0 = 40 + STEP * frame
    return (x0, 100, x0 + SQUARE, 100 + SQUARE)


def visitor_box(frame: int, first: int) -> tuple[int, int, int, int]:
    """Where the square of a visitor clip is on `frame`, `first` being its first frame there:
    it moves 3 pixels right and half a pixel down per frame."""
    x0, y0 = 20 + 3 * (frame - first), 80 + (frame - first) // 2
    return (x0, y0, x0 + SQUARE, y0 + SQUARE)


def make_visitor_clip(path: Path, frames: int, first: int, last: int, keyint: int = FPS) -> Path:
    """A clip in which the square is there on frames `first`..`last` only (`visitor_box`),
    with a keyframe every `keyint` frames and B-frames (presentation order differs from
    decoding order, as in most camera files)."""
    return make_square_clip(path, frames=frames, keyint=keyint, bframes=True,
                            where=lambda index: visitor_box(index, first)
                            if first <= index <= last else None)


def make_square_clip(path: Path, audio: bool = False, frames: int = FRAMES, *,
                     keyint: int = FPS, bframes: bool = False,
                     where: Callable[[int], tuple[int, int, int, int] | None] = square_box,
                     ) -> Path:
    """The square clip: the square on each frame where `where` puts it (none where None)."""
    width, height = SIZE
    rng = np.random.default_rng(6)
    texture = rng.integers(0, 256, (SQUARE, SQUARE, 3), np.uint8)
    background = np.zeros((height, width, 3), np.uint8)
    background[...] = np.linspace(60, 180, width, dtype=np.uint8)[np.newaxis, :, np.newaxis]
    with av.open(str(path), "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = {"preset": "ultrafast", "g": str(keyint), "crf": "12"}
        if bframes:
            stream.options = {**stream.options, "bf": "2", "x264-params": "b-pyramid=none"}
        sound = None
        if audio:
            sound = container.add_stream("aac", rate=16000)
            sound.layout = "mono"
        for index in range(frames):
            image = background.copy()
            if (box := where(index)) is not None:
                x0, y0, x1, y1 = box
                image[y0:y1, x0:x1] = texture
            frame = av.VideoFrame.from_ndarray(image, format="bgr24")
            frame.pts, frame.time_base = index, Fraction(1, FPS)
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
        if sound is not None:
            rate = 16000
            samples = rate * frames // FPS
            wave = (0.1 * np.sin(2 * np.pi * 440 * np.arange(samples) / rate)).astype(np.float32)
            for start in range(0, samples, 1024):
                chunk = wave[start:start + 1024][np.newaxis, :]
                piece = av.AudioFrame.from_ndarray(chunk, format="fltp", layout="mono")
                piece.sample_rate, piece.pts = rate, start
                piece.time_base = Fraction(1, rate)
                container.mux(sound.encode(piece))
            container.mux(sound.encode(None))
    return path


@dataclass(frozen=True)
class Clips:
    silent: Path
    with_audio: Path


@pytest.fixture(scope="session")
def clips(tmp_path_factory: pytest.TempPathFactory) -> Clips:
    folder = tmp_path_factory.mktemp("redact-clips")
    return Clips(silent=make_square_clip(folder / "square.mp4"),
                 with_audio=make_square_clip(folder / "square-audio.mp4", audio=True))


@pytest.fixture(scope="session")
def face_clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The two face clips as MP4 at their own size (480×270), by file stem."""
    if not SAMPLES.is_dir():
        pytest.skip(f"sample clips not present at {SAMPLES} (only in the dev setup)")
    folder = tmp_path_factory.mktemp("face-clips")
    made = {}
    for name in FACE_CLIPS:
        target = folder / f"{Path(name).stem}.mp4"
        made[Path(name).stem] = gif_to_mp4(SAMPLES / name, target)
    return made


def gif_to_mp4(gif: Path, target: Path, fps: int = 12) -> Path:
    """An animated GIF as an H.264 MP4 at a constant `fps` (the sample GIFs run at 12)."""
    with av.open(str(gif)) as source, av.open(str(target), "w", format="mp4") as output:
        stream = output.add_stream("libx264", rate=fps)
        stream.options = {"preset": "veryfast", "crf": "18"}
        for index, frame in enumerate(source.decode(video=0)):
            if index == 0:
                stream.width, stream.height, stream.pix_fmt = frame.width, frame.height, "yuv420p"
            picture = frame.reformat(format="yuv420p")
            picture.pts, picture.time_base = index, Fraction(1, fps)
            output.mux(stream.encode(picture))
        output.mux(stream.encode(None))
    return target


def decode(path: Path | object) -> list[np.ndarray]:
    """Every frame of a clip as BGR arrays."""
    with av.open(path) as container:
        return [frame.to_ndarray(format="bgr24") for frame in container.decode(video=0)]


def pts(path: Path) -> list[int]:
    with av.open(str(path)) as container:
        return [frame.pts for frame in container.decode(video=0)]
