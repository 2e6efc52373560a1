"""Generated clips shared by the video tests: made once per run, a few seconds each."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest

from hogo.video.naming import JST
from hogo.video.synth import make_clip

START = dt.datetime(2025, 6, 3, 14, 15, 0, tzinfo=JST)


@dataclass(frozen=True)
class Clips:
    faststart: Path  # index at the front, no audio: 4 s at 10 fps, 640x360
    recorder: Path  # index at the end, with audio: 3 s at 15 fps, 320x180, rear camera


@pytest.fixture(scope="session")
def clips(tmp_path_factory: pytest.TempPathFactory) -> Clips:
    folder = tmp_path_factory.mktemp("clips")
    return Clips(
        faststart=make_clip(folder / "faststart.mp4", START, 4),
        recorder=make_clip(folder / "recorder.mp4", START, 3, fps=15, size=(320, 180),
                           channel="rear", faststart=False, audio=True),
    )
