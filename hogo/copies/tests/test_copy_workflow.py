"""An operator requests a copy for an accident investigation, the manager approves, the copy
is made without re-encoding; a request for an unlisted use is refused with the reason."""

import datetime as dt
import hashlib

import pytest

from hogo.audit.models import AuditEntry
from hogo.clock import JST, jst_date
from hogo.copies import services
from hogo.copies.models import Copy, RequestState
from hogo.footage.ingest import ingest_file
from hogo.footage.models import Hold, Segment
from hogo.footage.objects import get_store
from hogo.rules.copies import copy_expires_on
from hogo.video.probe import probe

T0 = dt.datetime(2025, 6, 3, 14, 0, 0, tzinfo=JST)


@pytest.fixture
def originals(recorder, continuous_clips):
    return [ingest_file(recorder, clip, clip.name, by="test").segment for clip in continuous_clips]


def ask(user, recorder, **changes):
    request = {"vehicle": recorder.vehicle, "start": T0 + dt.timedelta(seconds=62),
               "end": T0 + dt.timedelta(seconds=124), "channels": ["front"], "audio": False,
               "purpose": "accident_investigation", "justification": "6月3日 接触事故の確認"}
    return services.request_copy(user, **{**request, **changes})


def test_operator_request_is_approved_and_made(recorder, originals, user, continuous_clips):
    hashes_before = [hashlib.sha256(c.read_bytes()).hexdigest() for c in continuous_clips]
    request = ask(user("operator"), recorder)
    assert request.state == RequestState.PENDING
    pinned = Hold.objects.get(pk=request.hold_id)
    assert pinned.released_at is None and pinned.segments.count() == 2  # 14:01 and 14:02 files
    services.approve(user("manager"), request)
    request.refresh_from_db()
    assert request.state == RequestState.MADE and not request.self_approved
    copy = Copy.objects.get(request=request)
    data = b"".join(get_store().open_range(copy.stored.object_id, copy.stored.wrapped_key))
    assert hashlib.sha256(data).hexdigest() == copy.sha256 == copy.manifest["output"]["sha256"]
    assert copy.actual_start <= request.start_at and copy.actual_end >= request.end_at - \
        dt.timedelta(seconds=1)
    assert [s["sha256"] for s in copy.manifest["sources"]] == [
        o.sha256 for o in originals[1:3]]
    assert copy.expires_on == copy_expires_on(jst_date(copy.made_at), 12)
    assert [hashlib.sha256(c.read_bytes()).hexdigest() for c in continuous_clips] == hashes_before
    for original in Segment.objects.filter(pk__in=[o.pk for o in originals]):
        assert get_store().check(original.stored.object_id, original.stored.wrapped_key) is None
    pinned.refresh_from_db()
    assert pinned.released_at is not None  # the copy exists: the originals are free again
    assert AuditEntry.objects.filter(action="copy.made").exists()


def test_copy_plays(recorder, originals, user, tmp_path):
    request = ask(user("manager"), recorder)
    assert request.state == RequestState.MADE and request.self_approved
    copy = Copy.objects.get(request=request)
    path = tmp_path / "copy.mp4"
    path.write_bytes(b"".join(get_store().open_range(copy.stored.object_id,
                                                     copy.stored.wrapped_key)))
    facts = probe(path)
    assert 60 <= facts.duration <= 64 and facts.width == 320


def test_training_material_is_refused_with_the_reason(recorder, originals, user):
    with pytest.raises(services.CopyRefused) as refused:
        ask(user("operator"), recorder, purpose="training_material")
    assert "利用目的" in refused.value.reasons[0]
    assert AuditEntry.objects.filter(action="copy.refused").exists()


def test_staff_and_other_departments_cannot_request(recorder, originals, user):
    for username in ("staff", "auditor", "seiso-manager"):
        with pytest.raises(PermissionError):
            ask(user(username), recorder)


def test_the_manager_refuses_and_the_originals_are_released(recorder, originals, user):
    request = ask(user("operator"), recorder)
    services.refuse(user("manager"), request, "範囲が広すぎます")
    request.refresh_from_db()
    assert request.state == RequestState.REFUSED
    assert Hold.objects.get(pk=request.hold_id).released_at is not None
