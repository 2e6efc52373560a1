"""Footage fixtures: short generated clips with recorder-style names, and an upload token."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from hogo.clock import JST
from hogo.video.synth import make_clip

T0 = dt.datetime(2025, 6, 3, 14, 0, 0, tzinfo=JST)


@pytest.fixture(scope="session")
def clips(tmp_path_factory):
    """Four 5-second front-camera clips a minute apart, named as the flat profile expects."""
    folder = tmp_path_factory.mktemp("card")
    made = []
    for n in range(4):
        start = T0 + dt.timedelta(minutes=n)
        path = folder / f"{start:%Y%m%d_%H%M%S}_F.mp4"
        make_clip(path, start, 5, fps=10, size=(320, 180))
        made.append(path)
    return made


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def recorder(demo):
    from hogo.registry.models import Recorder

    return Recorder.objects.get(serial="DEMO-0001")


@pytest.fixture
def token(demo):
    from hogo.accounts import services

    department = demo.departments.get(code="kanzai")
    return services.issue_token(demo, "車庫端末", by=None, department=department)[1]
