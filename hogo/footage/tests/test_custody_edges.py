"""Edge cases of custody found in review: flags, token scope, restarts, lost spools, shared
content across recorders, sidecars erased with their clip, range headers, expired uploads."""

import datetime as dt

import pytest

from hogo import clock
from hogo.footage import retention, tus, viewing
from hogo.footage.ingest import ingest_file
from hogo.footage.models import DeletionRecord, EncryptedObject, Segment, Upload
from hogo.footage.objects import get_store
from hogo.footage.tasks import expire_uploads
from hogo.footage.tests.test_upload_api import create, patch
from hogo.footage.tracks import track_of
from hogo.registry.models import Recorder
from hogo.video.synth import make_clip, make_nmea_track


def test_overlap_and_clock_mismatch_are_flagged(recorder, clips, tmp_path):
    first = ingest_file(recorder, clips[0], clips[0].name, by="test").segment
    assert first.flags == []
    # Same moment under another name: overlaps the first.
    shifted = tmp_path / "20250603_140002_F.mp4"
    make_clip(shifted, first.start_at + dt.timedelta(seconds=2), 5, fps=10, size=(320, 180))
    second = ingest_file(recorder, shifted, shifted.name, by="test").segment
    assert [f["code"] for f in second.flags] == ["overlap"]
    # A name ten minutes off the time inside the file: the recorder's clock jumped.
    wrong = tmp_path / "20250603_141000_F.mp4"
    wrong.write_bytes(clips[3].read_bytes())
    third = ingest_file(recorder, wrong, wrong.name, by="test")
    assert third.state == "ingested"
    assert "clock_mismatch" in [f["code"] for f in third.segment.flags]


def test_a_token_sees_only_its_department(client, demo, token, clips):
    from hogo.accounts import services

    location = create(client, token, clips[0].read_bytes(), clips[0].name)["Location"]
    seiso = demo.departments.get(code="seiso")
    other = services.issue_token(demo, "清掃課端末", by=None, department=seiso)[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {other}", "HTTP_TUS_RESUMABLE": "1.0.0"}
    assert client.head(location, **auth).status_code == 404
    assert client.get(location, **auth).status_code == 404
    assert patch(client, other, location, 0, b"x").status_code == 404
    known = client.get("/api/uploads/known?sha256=" + "0" * 64 + "&recorder=DEMO-0001", **auth)
    assert known.status_code == 403


def test_upload_resumes_after_a_server_restart(client, token, clips):
    data = clips[1].read_bytes()
    location = create(client, token, data, clips[1].name)["Location"]
    patch(client, token, location, 0, data[: len(data) // 2])
    tus.checkpoints.clear()  # a restart: the in-memory writer and its partial chunk are gone
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    offset = int(client.head(location, **auth)["Upload-Offset"])
    assert offset < len(data)  # only whole chunks survive; the client resends the rest
    assert patch(client, token, location, offset, data[offset:]).status_code == 204
    assert client.get(location, **auth).json()["state"] == "ingested"


def test_a_lost_spool_answers_410_and_a_new_upload_works(client, token, clips):
    data = clips[2].read_bytes()
    location = create(client, token, data, clips[2].name)["Location"]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.head(location, **auth)["Upload-Offset"] == "0"  # staged by its first HEAD
    upload = Upload.objects.get(pk=location.rsplit("/", 1)[1])
    tus.checkpoints.clear()
    get_store().abort_upload(upload.spool_id)
    assert client.head(location, **auth).status_code == 410
    upload.refresh_from_db()
    assert upload.state == "failed" and upload.quarantine_code == "spool_lost"
    again = create(client, token, data, clips[2].name)["Location"]
    assert patch(client, token, again, 0, data).status_code == 204


@pytest.fixture
def second_recorder(demo):
    return Recorder.objects.get(serial="DEMO-0002")


def test_content_shared_by_two_recorders_is_shredded_with_the_last(
        recorder, second_recorder, clips, django_capture_on_commit_callbacks):
    one = ingest_file(recorder, clips[0], clips[0].name, by="test").segment
    two = ingest_file(second_recorder, clips[0], clips[0].name, by="test").segment
    assert one.stored_id == two.stored_id
    with django_capture_on_commit_callbacks(execute=True):
        first = retention.erase_segment(one, rule="test", by=None, why="t")
    assert "still another recorder's original" in first.method
    stored = EncryptedObject.objects.get(pk=one.stored_id)
    assert stored.wrapped_key and get_store().exists(stored.object_id)
    with django_capture_on_commit_callbacks(execute=True):
        last = retention.erase_segment(two, rule="test", by=None, why="t")
    assert "crypto-shred" in last.method
    assert EncryptedObject.objects.get(pk=one.stored_id).wrapped_key == ""
    assert not get_store().exists(stored.object_id)


def test_resending_an_erased_original_does_not_revive_it(recorder, second_recorder, clips,
                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        segment = ingest_file(recorder, clips[1], clips[1].name, by="test").segment
        retention.erase_segment(segment, rule="test", by=None, why="t")
        again = ingest_file(recorder, clips[1], clips[1].name, by="test")
    assert again.state == "duplicate" and "消去済み" in again.quarantine_reason
    assert EncryptedObject.objects.get(object_id=segment.sha256).wrapped_key == ""
    with django_capture_on_commit_callbacks(execute=True):
        other = ingest_file(second_recorder, clips[1], clips[1].name, by="test")
    assert other.state == "ingested"  # another recorder's own original is stored afresh
    stored = EncryptedObject.objects.get(object_id=segment.sha256)
    assert b"".join(get_store().open_range(stored.object_id, stored.wrapped_key)) == \
        clips[1].read_bytes()


def test_a_gps_sidecar_is_erased_with_its_last_clip(recorder, clips, tmp_path,
                                                    django_capture_on_commit_callbacks):
    track = make_nmea_track(tmp_path / "20250603_140000.nmea",
                            dt.datetime(2025, 6, 3, 14, 0, tzinfo=clock.JST), 5)
    with django_capture_on_commit_callbacks(execute=True):
        sidecar = ingest_file(recorder, track, track.name, by="test")
        segment = ingest_file(recorder, clips[0], clips[0].name, by="test").segment
        assert track_of(segment)
        retention.erase_segment(segment, rule="test", by=None, why="t")
    sidecar.stored.refresh_from_db()
    segment.refresh_from_db()
    assert segment.gps_sealed == "" and segment.min_lat is None
    assert sidecar.stored.wrapped_key == ""
    assert DeletionRecord.objects.filter(what__startswith="GPSデータ").exists()
    assert not get_store().exists(sidecar.stored.object_id)


@pytest.mark.parametrize(("header", "expected"), [
    ("", None), ("bytes=0-99", (0, 99)), ("bytes=100-", (100, 999)), ("bytes=-100", (900, 999)),
    ("bytes=990-5000", (990, 999)), ("bytes=-", None), ("bytes=5-3", None), ("items=0-1", None),
    ("bytes=" + "9" * 5000 + "-", None),
])
def test_range_headers(header, expected):
    assert viewing.parse_range(header, 1000) == expected


def test_a_range_beyond_the_end_is_416():
    with pytest.raises(ValueError):
        viewing.parse_range("bytes=1000-", 1000)


def test_abandoned_uploads_expire(client, token, clips):
    data = clips[3].read_bytes()
    location = create(client, token, data, clips[3].name)["Location"]
    patch(client, token, location, 0, data[:100])
    assert expire_uploads(clock.now() + dt.timedelta(days=8)) == 1
    upload = Upload.objects.get(pk=location.rsplit("/", 1)[1])
    assert upload.state == "failed" and upload.quarantine_code == "expired"
    assert client.head(location, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 410
    assert not Segment.objects.filter(original_name=clips[3].name).exists()
