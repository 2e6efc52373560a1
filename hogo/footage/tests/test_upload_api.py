"""tus uploads: resumable, verified by hash, stored once, bad files quarantined with reasons."""

import base64
import datetime as dt
import hashlib

import pytest

from hogo import clock
from hogo.footage.models import DeletionRecord, Segment, Upload

CHUNK = 16 * 1024  # small chunks here, so that small clips take several PATCHes


@pytest.fixture(autouse=True)
def small_chunks():
    from django.conf import settings

    from hogo.footage import objects

    settings.HOGO_STORAGE["chunk_size"] = CHUNK
    objects.reset()
    yield
    del settings.HOGO_STORAGE["chunk_size"]
    objects.reset()


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def meta(**values):
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in values.items())


def create(client, token, data: bytes, name: str, recorder="DEMO-0001", digest=None):
    return client.post("/api/uploads/", HTTP_AUTHORIZATION=f"Bearer {token}",
                       HTTP_TUS_RESUMABLE="1.0.0", HTTP_UPLOAD_LENGTH=str(len(data)),
                       HTTP_UPLOAD_METADATA=meta(filename=name, recorder=recorder,
                                                 sha256=digest or hashlib.sha256(data).hexdigest()))


def patch(client, token, location, offset, piece):
    return client.generic("PATCH", location, piece, content_type="application/offset+octet-stream",
                          HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_TUS_RESUMABLE="1.0.0",
                          HTTP_UPLOAD_OFFSET=str(offset))


def send(client, token, data: bytes, name: str, piece=4 * CHUNK, **kwargs):
    created = create(client, token, data, name, **kwargs)
    assert created.status_code == 201, created.content
    location = created["Location"]
    offset = 0
    while offset < len(data) or not data:
        response = patch(client, token, location, offset, data[offset:offset + piece])
        assert response.status_code == 204, response.content
        offset = int(response["Upload-Offset"])
        if not data:
            break
    return client.get(location, HTTP_AUTHORIZATION=f"Bearer {token}").json()


def test_upload_creates_a_segment_placed_by_its_name(client, token, clips):
    result = send(client, token, clips[0].read_bytes(), clips[0].name)
    assert result["state"] == "ingested"
    segment = Segment.objects.get(pk=result["segment"])
    assert segment.sha256 == sha256(clips[0]) and segment.channel == "front"
    assert segment.start_at.isoformat() == "2025-06-03T05:00:00+00:00"  # 14:00 JST
    assert abs(segment.duration - 5.0) < 0.2 and segment.frame_count == 50


def test_head_reports_the_offset_to_resume_from(client, token, clips):
    data = clips[1].read_bytes()
    assert len(data) > 3 * CHUNK
    location = create(client, token, data, clips[1].name)["Location"]
    head = client.head(location, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert head["Upload-Offset"] == "0" and head["Upload-Length"] == str(len(data))
    assert head["Hogo-Chunk-Size"] == str(CHUNK)
    # Only whole chunks are kept: the answer is the offset after them, and HEAD agrees.
    kept = patch(client, token, location, 0, data[:CHUNK + 1000])
    assert kept.status_code == 204 and kept["Upload-Offset"] == str(CHUNK)
    head = client.head(location, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert head["Upload-Offset"] == str(CHUNK)
    assert patch(client, token, location, 0, data[:10]).status_code == 409  # wrong offset
    short = patch(client, token, location, CHUNK, data[CHUNK:CHUNK + 10])
    assert short.status_code == 400 and "whole chunk" in short.json()["detail"]
    assert patch(client, token, location, CHUNK, data[CHUNK:]).status_code == 204
    assert client.get(location, HTTP_AUTHORIZATION=f"Bearer {token}").json()["state"] == \
        "ingested"


def test_an_upload_keeps_the_chunk_size_it_began_with(client, token, clips):
    """The chunk size setting changes while an upload is unfinished: the upload's staged file
    keeps its own, and HEAD and PATCH go by that one (told to the client, and a whole chunk
    of it is accepted), not by the store's new one."""
    from django.conf import settings

    from hogo.footage import objects

    data = clips[1].read_bytes()
    location = create(client, token, data, clips[1].name)["Location"]
    client.head(location, HTTP_AUTHORIZATION=f"Bearer {token}")  # staged: it has begun
    settings.HOGO_STORAGE["chunk_size"] = 2 * CHUNK
    objects.reset()
    head = client.head(location, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert head["Hogo-Chunk-Size"] == str(CHUNK)
    one = patch(client, token, location, 0, data[:CHUNK])
    assert one.status_code == 204, one.content
    assert one["Upload-Offset"] == str(CHUNK) and one["Hogo-Chunk-Size"] == str(CHUNK)
    assert patch(client, token, location, CHUNK, data[CHUNK:]).status_code == 204
    assert client.get(location, HTTP_AUTHORIZATION=f"Bearer {token}").json()["state"] == \
        "ingested"
    new = create(client, token, clips[2].read_bytes(), clips[2].name)
    assert new["Hogo-Chunk-Size"] == str(2 * CHUNK)  # a new upload takes the new setting


def test_the_same_file_is_stored_once(client, token, clips):
    first = send(client, token, clips[2].read_bytes(), clips[2].name)
    again = send(client, token, clips[2].read_bytes(), "copy/" + clips[2].name)
    assert again["state"] == "duplicate" and again["segment"] == first["segment"]
    assert Segment.objects.filter(sha256=sha256(clips[2])).count() == 1
    known = client.get(f"/api/uploads/known?sha256={sha256(clips[2])}&recorder=DEMO-0001",
                       HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert known["known"]


def test_renamed_text_file_is_quarantined_with_a_reason(client, token):
    result = send(client, token, "運行日誌\n" .encode() * 200, "20250603_150000_F.mp4")
    assert result["state"] == "quarantined" and result["code"] == "not_video"
    assert result["detail"]  # a Japanese reason for the uploader
    assert not Segment.objects.filter(original_name="20250603_150000_F.mp4").exists()


def test_truncated_mp4_is_quarantined(client, token, clips):
    data = clips[3].read_bytes()
    result = send(client, token, data[: len(data) // 2], "20250603_160000_F.mp4")
    assert result["state"] == "quarantined" and result["code"] == "truncated"


def test_unrecognised_name_is_placed_by_the_file_creation_time(client, token, clips):
    result = send(client, token, clips[0].read_bytes(), "MOVIE0001.MP4")
    assert result["state"] == "ingested"
    segment = Segment.objects.get(pk=result["segment"])
    assert segment.start_at.isoformat() == "2025-06-03T05:00:00+00:00"
    assert [f["code"] for f in segment.flags] == ["placed_by_metadata"]


def test_no_name_and_no_creation_time_is_quarantined(client, token, tmp_path):
    import av
    import numpy as np

    path = tmp_path / "clip.mp4"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 64, "yuv420p"
        for _ in range(10):
            frame = av.VideoFrame.from_ndarray(np.zeros((64, 64, 3), np.uint8), format="rgb24")
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    result = send(client, token, path.read_bytes(), "MOVIE0002.MP4")
    assert result["state"] == "quarantined" and result["code"] == "unknown_name"


def test_hash_mismatch_keeps_nothing(client, token, clips):
    data = clips[0].read_bytes()
    result = send(client, token, data, clips[0].name, digest="0" * 64)
    assert result["state"] == "failed" and result["code"] == "hash_mismatch"
    assert Upload.objects.get(pk=result["id"]).stored is None


def test_no_token_gets_json_401(client, demo):
    response = client.post("/api/uploads/", HTTP_UPLOAD_LENGTH="10")
    assert response.status_code == 401 and response.json() == {"detail": "Unauthorized"}


def test_token_of_another_department_is_refused(client, demo, clips):
    from hogo.accounts import services

    seiso = demo.departments.get(code="seiso")
    other = services.issue_token(demo, "清掃課端末", by=None, department=seiso)[1]
    response = create(client, other, clips[0].read_bytes(), clips[0].name)
    assert response.status_code == 403


def test_quarantined_files_are_listed_for_the_department(client, client_for, token):
    send(client, token, b"not a video at all " * 100, "20250603_180000_F.mp4")
    body = client_for("operator").get("/footage/uploads/").content.decode()
    assert "20250603_180000_F.mp4" in body and "隔離" in body
    assert client_for("staff").get("/footage/uploads/").status_code == 403


LONG_NAME = "/".join(["depot-2025-06-03-bus-route-12-front-camera"] * 7) + "/20250603_140000_F.mp4"


def test_a_path_of_more_than_255_characters_is_ingested_and_expires(client, token, clips):
    """Regression: PostgreSQL refused names over 255 characters on the last PATCH (500), then
    every re-send got 410. The whole flow with a 329-character path, on both databases."""
    assert 255 < len(LONG_NAME) <= 500
    result = send(client, token, clips[0].read_bytes(), LONG_NAME)
    assert result["state"] == "ingested", result
    assert Segment.objects.get(pk=result["segment"]).original_name == LONG_NAME
    quarantined = send(client, token, b"not a video " * 100, LONG_NAME.replace("F.mp4", "R.mp4"))
    assert quarantined["state"] == "quarantined"
    data = clips[1].read_bytes()
    location = create(client, token, data, LONG_NAME.replace("140000", "140100"))["Location"]
    assert patch(client, token, location, 0, data[:2 * CHUNK]).status_code == 204
    from hogo.footage.uploads import expire_uploads

    assert expire_uploads(clock.now() + dt.timedelta(days=8)) == 1
    record = DeletionRecord.objects.get(rule="upload_expired")
    assert record.detail["name"].endswith("20250603_140100_F.mp4") and record.size == 2 * CHUNK


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("filename", "20250603_140000\x00_F.mp4", "control character U+0000"),
    ("filename", "20250603_140000_F.mp4\n", "control character U+000A"),
    ("filename", "\x1b[31m20250603_140000_F.mp4", "control character U+001B"),
    ("filename", "a/" * 250 + "20250603_140000_F.mp4", "at most 500"),
    ("recorder", "DEMO-0001\x00", "control character U+0000"),
])
def test_a_bad_name_is_refused_with_400(client, token, field, value, expected):
    values = {"filename": "20250603_140000_F.mp4", "recorder": "DEMO-0001",
              "sha256": "0" * 64, field: value}
    before = Upload.objects.count()
    response = client.post("/api/uploads/", HTTP_AUTHORIZATION=f"Bearer {token}",
                           HTTP_TUS_RESUMABLE="1.0.0", HTTP_UPLOAD_LENGTH="10",
                           HTTP_UPLOAD_METADATA=meta(**values))
    assert response.status_code == 400 and expected in response.json()["detail"]
    assert Upload.objects.count() == before


def test_a_nul_in_the_known_query_is_400(client, token):
    response = client.get("/api/uploads/known?sha256=" + "0" * 64 + "&recorder=DEMO%00",
                          HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 400

