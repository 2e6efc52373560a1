"""The disclosed file shows the requester and masks everyone else (R-607): a real generated
clip of the demo city goes through the real pipeline — copy, approval, detection, review with
one track marked 「本人」, rendering — and the pixels of the requester's box stay as in the
source while another person's box is masked. The synthetic street has no faces the detector
finds, so, as the review-screen tests do, two face tracks are put into the analysis where
the clip has fine detail (its clock); everything after that is the pipeline's own work."""

from __future__ import annotations

import io

import av
import numpy as np
import pytest

from hogo.alerts.models import Alert
from hogo.footage.objects import get_store
from hogo.processing import services as processing
from hogo.processing import work
from hogo.processing.models import ProcessingState
from hogo.requests import footage
from hogo.requests.tests.test_footage import kinds, saved

# x0, y0, x1, y1 on the 640×360 demo clip: two parts of its burned-in clock (fine detail, so
# a blur shows), far enough apart that the other's grown mask stays off the requester's box.
REQUESTER_BOX = (5, 2, 115, 28)
OTHER_BOX = (210, 2, 320, 28)


def _track(track_id: int, box: tuple[int, int, int, int], frames: int) -> dict:
    return {"id": track_id, "kind": "face", "source": "detector", "first": 0,
            "last": frames - 1, "removed": False,
            "keyframes": [[f, *box, 0.9] for f in range(0, frames, 10)]}


def _frames(copy) -> list[np.ndarray]:
    data = b"".join(get_store().open_range(copy.stored.object_id, copy.stored.wrapped_key))
    with av.open(io.BytesIO(data)) as container:
        return [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]


def _region(frame: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    x0, y0, x1, y1 = box
    return frame[y0:y1, x0:x1].astype(int)


@pytest.fixture
def reviewing(demo, user):
    """A request's copy whose masking was approved and detected, with two people in it."""
    request = saved(demo, user)
    copy = footage.make_copy(user("manager"), request).copies.get()
    item = footage.ask_masking(user("operator"), request, copy.pk)
    processing.approve(user("privacy"), item)
    work.run_analysis(item.pk)
    item.refresh_from_db()
    assert item.state == ProcessingState.REVIEW, item.error
    frames = item.analysis["frame_count"]
    item.analysis["tracks"] = [_track(1, REQUESTER_BOX, frames), _track(2, OTHER_BOX, frames)]
    item.people_count = 2
    item.save(update_fields=["analysis", "people_count"])
    return request, copy, item


def test_the_requester_stays_and_everyone_else_is_masked(reviewing, user):
    request, copy, item = reviewing
    assert "requests.footage_review" in kinds(user("operator"))
    with pytest.raises(processing.ProcessingError, match="どちらか一方"):
        processing.review(user("operator"), item, removed=["1"], added=[], requester=["1"])
    with pytest.raises(processing.ProcessingError, match="存在しない"):
        processing.review(user("operator"), item, removed=[], added=[], requester=["7"])
    processing.review(user("operator"), item, removed=[], added=[], requester=["1"])
    processing.make(user("operator"), item)
    work.run_render(item.pk)
    item.refresh_from_db()
    assert item.state == ProcessingState.MADE, item.error
    made = item.result
    assert made.parent == copy

    source, masked = _frames(copy), _frames(made)
    assert len(source) == len(masked)
    middle = len(source) // 2
    kept = np.abs(_region(source[middle], REQUESTER_BOX) - _region(masked[middle],
                                                                    REQUESTER_BOX)).mean()
    hidden = np.abs(_region(source[middle], OTHER_BOX) - _region(masked[middle],
                                                                  OTHER_BOX)).mean()
    print(f"mean absolute change: requester's box {kept:.2f}, the other's box {hidden:.2f}")
    assert kept < 3  # only the re-encoding's noise
    assert hidden > 4 * kept + 5  # blurred

    # The count is of the others, and says so; the record names the marks and the reviewer.
    assert item.people_count == 1 and made.people_count == 1
    assert "請求者本人" in made.count_note and "1" in made.count_note
    assert item.record["requester_tracks"] == ["1"] and item.record["people_detected"] == 2
    assert item.record["reviewed_by"] == str(user("operator"))
    assert item.record["reviewed_at"]

    # The footage handlers are told it is ready; registering it makes it the file to disclose.
    for kind in (footage.REVIEW_KIND, footage.READY_KIND):
        assert sorted(a.recipient.username for a in Alert.objects.filter(
            kind=kind)) == ["manager", "operator"]
    assert "requests.footage_register" in kinds(user("operator"))
    registered = footage.register_disclosed(user("operator"), request, made.pk)
    assert registered.disclosed_copy == made and registered.unmasked_release_at is None
    assert registered.events.filter(action="footage_registered").exists()
    assert "requests.footage_register" not in kinds(user("operator"))
