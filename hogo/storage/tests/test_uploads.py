"""Resumable uploads: bytes arrive in pieces, a restart resumes at a chunk boundary."""

import hashlib
import os
import stat

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


def _open_files() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_an_upload_opened_per_request_holds_no_file_between_them(rig):
    data = os.urandom(6 * CHUNK + 123)
    upload = rig.store.begin_upload(len(data))
    upload_id, wrapped = upload.upload_id, upload.wrapped_key.to_text()
    checkpoint = upload.close()
    before = _open_files()
    offset = 0
    while offset < len(data):  # each "request" sends 1.5 chunks; only whole ones are kept
        upload = rig.store.resume_upload(upload_id, wrapped, checkpoint)
        assert upload.offset == offset
        upload.append(data[offset:offset + CHUNK + CHUNK // 2])
        if upload.offset == len(data):
            break
        offset = upload.durable_offset
        checkpoint = upload.close()
        assert checkpoint is not None and checkpoint.chunks == offset // CHUNK
        assert _open_files() == before
    stored = rig.store.finish_upload(upload, hashlib.sha256(data).hexdigest())
    assert rig.store.read_all(stored.object_id, stored.wrapped_key) == data
    assert _open_files() == before


def test_a_checkpoint_that_does_not_fit_the_file_is_not_trusted(rig):
    data = os.urandom(3 * CHUNK)
    upload = rig.store.begin_upload(len(data))
    upload.append(data[:2 * CHUNK])
    checkpoint = upload.close()
    with open(upload.path, "r+b") as handle:  # torn by a crash after the checkpoint
        handle.truncate(handle.seek(0, 2) - 100)
    resumed = rig.store.resume_upload(upload.upload_id, upload.wrapped_key, checkpoint)
    assert resumed.offset == CHUNK  # re-read from the file, not taken from the checkpoint
    other = rig.store.begin_upload(len(data))
    other_checkpoint = other.close()
    resumed.close()
    again = rig.store.resume_upload(upload.upload_id, upload.wrapped_key, other_checkpoint)
    assert again.offset == CHUNK  # another upload's checkpoint is ignored
    send(again, data[CHUNK:])
    stored = rig.store.finish_upload(again, hashlib.sha256(data).hexdigest())
    assert rig.store.read_all(stored.object_id, stored.wrapped_key) == data


def test_staged_upload_files_are_owner_only(rig):
    previous = os.umask(0o022)  # the usual default; the spool file must not follow it
    try:
        upload = rig.store.begin_upload(10)
    finally:
        os.umask(previous)
    assert stat.S_IMODE(os.stat(upload.path).st_mode) == 0o600
    upload.close()
