"""No row but the stored object's own keeps a data key, and no row keeps a route in plaintext.

An upload is staged under the data key its object then keeps; erasure destroys the object's
wrapped key, so the upload row must not keep one too (it did: a backed-up blob decrypted
after erasure). A GPS track is where the vehicle was, second by second: it is sealed under
its original's key and goes when the original goes.
"""

import datetime as dt

from django.db import connection

from hogo import clock
from hogo.footage import retention
from hogo.footage.models import Segment, Upload, UploadState
from hogo.footage.objects import get_store
from hogo.footage.tests.test_upload_api import create, patch
from hogo.footage.tracks import track_of
from hogo.video.synth import make_nmea_track


def upload(client, token, data: bytes, name: str, digest: str | None = None) -> Upload:
    """One tus upload sent in a single PATCH (the clips are small)."""
    location = create(client, token, data, name, digest=digest)["Location"]
    assert patch(client, token, location, 0, data).status_code == 204
    return Upload.objects.get(pk=location.rsplit("/", 1)[1])


def test_finished_uploads_forget_their_data_key(client, token, clips):
    ingested = upload(client, token, clips[0].read_bytes(), clips[0].name)
    duplicate = upload(client, token, clips[0].read_bytes(), "again/" + clips[0].name)
    quarantined = upload(client, token, b"plain text, not a video\n" * 40,
                         "20250603_150000_F.mp4")
    failed = upload(client, token, clips[1].read_bytes(), clips[1].name, digest="0" * 64)
    states = [u.state for u in (ingested, duplicate, quarantined, failed)]
    assert states == [UploadState.INGESTED, UploadState.DUPLICATE, UploadState.QUARANTINED,
                      UploadState.FAILED]
    assert [u.wrapped_key for u in (ingested, duplicate, quarantined, failed)] == [""] * 4
    assert ingested.stored.wrapped_key  # the object itself keeps its key, and only it
    assert not list(get_store().backend.spool_dir.glob(f"upload-{failed.spool_id}*"))


def test_an_erased_original_leaves_no_key_in_any_row(client, token, clips,
                                                     django_capture_on_commit_callbacks):
    made = upload(client, token, clips[2].read_bytes(), clips[2].name)
    key = made.stored.wrapped_key
    with django_capture_on_commit_callbacks(execute=True):
        retention.erase_segment(made.segment, rule="test", by=None, why="test")
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - our own table names
            assert key not in repr(cursor.fetchall()), f"{table} still holds the data key"


def test_the_gps_track_is_sealed_and_goes_with_its_original(
        client, token, clips, tmp_path, django_capture_on_commit_callbacks):
    start = dt.datetime(2025, 6, 3, 14, 1, tzinfo=clock.JST)
    track = make_nmea_track(tmp_path / "20250603_140100.nmea", start, 5,
                            origin=(34.7266, 135.3036))
    upload(client, token, track.read_bytes(), track.name)
    segment = upload(client, token, clips[1].read_bytes(), clips[1].name).segment
    segment = Segment.objects.select_related("stored").get(pk=segment.pk)
    points = track_of(segment)
    assert len(points) >= 5 and 34.72 < points[0][1] < 34.73
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM footage_segment WHERE id = %s", [segment.pk])
        row = repr(cursor.fetchall())
    inner = points[2]  # neither the start time nor a corner of the bounding box
    assert inner[0] not in row and f"{inner[1]}, {inner[2]}" not in row
    assert segment.gps_sealed.startswith("s1:")
    with django_capture_on_commit_callbacks(execute=True):
        retention.erase_segment(segment, rule="test", by=None, why="test")
    segment.refresh_from_db()
    assert segment.gps_sealed == "" and segment.min_lat is None and track_of(segment) == []
