"""Resumable uploads: bytes arrive in pieces, a restart resumes at a chunk boundary."""

import hashlib
import os

import pytest

from hogo.storage import HashMismatch
from hogo.storage.tests.conftest import CHUNK


def send(upload, data, step=700):
    for start in range(0, len(data), step):
        upload.append(data[start:start + step])


@pytest.mark.parametrize("size", [0, 5, CHUNK, 4 * CHUNK + 77])
def test_an_upload_in_pieces_is_stored_like_a_put(rig, size):
    data = os.urandom(size)
    upload = rig.store.begin_upload(size)
    send(upload, data)
    assert upload.offset == size and upload.complete
    stored = rig.store.finish_upload(upload, hashlib.sha256(data).hexdigest())
    assert stored.object_id == hashlib.sha256(data).hexdigest() and not stored.deduplicated
    assert rig.store.read_all(stored.object_id, stored.wrapped_key) == data
    assert not upload.path.exists()


def test_a_restart_resumes_at_the_last_whole_chunk(rig):
    data = os.urandom(5 * CHUNK + 10)
    upload = rig.store.begin_upload(len(data))
    upload.append(data[:2 * CHUNK + 300])
    assert upload.offset == 2 * CHUNK + 300 and upload.durable_offset == 2 * CHUNK
    upload_id, wrapped_text = upload.upload_id, upload.wrapped_key.to_text()
    upload.close()  # the process dies: the 300 bytes in memory are lost
    resumed = rig.store.resume_upload(upload_id, wrapped_text)
    assert resumed.offset == 2 * CHUNK
    send(resumed, data[resumed.offset:])
    stored = rig.store.finish_upload(resumed)
    assert rig.store.read_all(stored.object_id, stored.wrapped_key) == data


def test_a_torn_chunk_is_cut_off_on_resume(rig):
    data = os.urandom(3 * CHUNK)
    upload = rig.store.begin_upload(len(data))
    upload.append(data[:2 * CHUNK])
    upload.close()
    with open(upload.path, "r+b") as handle:  # the second chunk reached the disk half-way
        handle.truncate(handle.seek(0, 2) - 100)
    resumed = rig.store.resume_upload(upload.upload_id, upload.wrapped_key)
    assert resumed.offset == CHUNK
    send(resumed, data[CHUNK:])
    stored = rig.store.finish_upload(resumed)
    assert rig.store.read_all(stored.object_id, stored.wrapped_key) == data


def test_chunks_may_arrive_out_of_order_but_only_once(rig):
    data = os.urandom(4 * CHUNK + 1)
    parts = [data[i:i + CHUNK] for i in range(0, len(data), CHUNK)]
    upload = rig.store.begin_upload(len(data))
    for index in (2, 0, 4, 3):
        upload.write_chunk(index, parts[index])
    with pytest.raises(ValueError, match="already written"):
        upload.write_chunk(2, parts[2])  # the same nonce twice would break GCM
    with pytest.raises(ValueError, match="not written"):
        rig.store.finish_upload(upload)
    upload = rig.store.resume_upload(upload.upload_id, upload.wrapped_key)
    assert upload.offset == CHUNK  # only the run of chunks from the start survives a restart
    for index in (1, 2, 3, 4):
        upload.write_chunk(index, parts[index])
    stored = rig.store.finish_upload(upload)
    assert stored.object_id == hashlib.sha256(data).hexdigest()


def test_more_bytes_than_declared_are_refused(rig):
    upload = rig.store.begin_upload(10)
    with pytest.raises(ValueError, match="exceed"):
        upload.append(b"x" * 11)


def test_an_upload_with_the_wrong_hash_leaves_nothing(rig):
    upload = rig.store.begin_upload(100)
    upload.append(os.urandom(100))
    with pytest.raises(HashMismatch):
        rig.store.finish_upload(upload, hashlib.sha256(b"other").hexdigest())
    assert list(rig.backend.names()) == []
    assert list(rig.backend.spool_dir.iterdir()) == []


def test_a_re_sent_upload_is_recognised(rig):
    data = os.urandom(2 * CHUNK)
    first = rig.store.begin_upload(len(data))
    send(first, data)
    kept = rig.store.finish_upload(first)
    second = rig.store.begin_upload(len(data))
    send(second, data)
    again = rig.store.finish_upload(second)
    assert again.deduplicated and again.object_id == kept.object_id
    assert list(rig.backend.names()) == [kept.object_id]


def test_an_aborted_upload_leaves_nothing(rig):
    upload = rig.store.begin_upload(100)
    upload.append(b"x" * 50)
    upload.close()
    rig.store.abort_upload(upload.upload_id)
    assert list(rig.backend.spool_dir.iterdir()) == []
