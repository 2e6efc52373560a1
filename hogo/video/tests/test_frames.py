"""frame_at seeks and decodes one group of pictures; the picture equals a full decode's."""

import datetime as dt
import io

import av
import cv2
import numpy as np
import pytest

from hogo.redact import FrameError, frame_at
from hogo.video.frames import thumbnail_jpeg
from hogo.video.naming import JST
from hogo.video.synth import make_clip


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    path = make_clip(tmp_path_factory.mktemp("frames") / "c.mp4",
                     dt.datetime(2025, 6, 3, 14, 0, tzinfo=JST), 4, fps=10)
    with av.open(str(path)) as container:
        frames = [f.to_ndarray(format="bgr24") for f in container.decode(video=0)]
    return io.BytesIO(path.read_bytes()), frames


@pytest.mark.parametrize("index", [0, 1, 9, 10, 23, 39])
def test_frame_at_equals_the_sequentially_decoded_frame(clip, index):
    source, frames = clip
    assert np.array_equal(frame_at(source, index), frames[index])


def test_beyond_the_end_is_an_error(clip):
    source, frames = clip
    with pytest.raises(FrameError):
        frame_at(source, len(frames) + 5)
    with pytest.raises(FrameError):
        frame_at(source, -1)


def test_thumbnail_draws_the_boxes(clip):
    source, frames = clip
    plain = cv2.imdecode(np.frombuffer(thumbnail_jpeg(frames[0], width=320), np.uint8), 1)
    boxed = cv2.imdecode(np.frombuffer(thumbnail_jpeg(
        frames[0], [((100, 100, 300, 200), "face 1")], width=320), np.uint8), 1)
    assert plain.shape[1] == 320
    red = (boxed[..., 2].astype(int) - boxed[..., 1].astype(int)) > 120
    assert red.sum() > 100 and ((plain[..., 2].astype(int) - plain[..., 1]) > 120).sum() < red.sum()
