"""What goes in comes out: every size around the chunk boundaries, from files and iterators."""

import hashlib
import io
import os

import pytest

from hogo.storage import EncryptedStore
from hogo.storage.tests.conftest import CHUNK

SIZES = [0, 1, 17, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 5 * CHUNK + 517]


def pieces(data: bytes, step: int):
    for start in range(0, len(data), step):
        yield data[start:start + step]


@pytest.mark.parametrize("size", SIZES)
def test_a_file_comes_back_byte_for_byte(rig, size):
    data = os.urandom(size)
    stored = rig.store.put(io.BytesIO(data))
    assert stored.object_id == hashlib.sha256(data).hexdigest()
    assert stored.size == size and not stored.deduplicated
    assert rig.store.read_all(stored.object_id, stored.wrapped_key) == data
    assert rig.store.object_size(stored.object_id) == size
    assert rig.store.verify(stored.object_id, stored.wrapped_key.to_text())


@pytest.mark.parametrize("size", [0, CHUNK, 3 * CHUNK + 5])
def test_an_iterator_of_odd_pieces_is_stored_the_same(rig, size):
    data = os.urandom(size)
    stored = rig.store.put(pieces(data, 333), size=size)
    assert stored.object_id == hashlib.sha256(data).hexdigest()
    assert rig.store.read_all(stored.object_id, stored.wrapped_key) == data


def test_a_real_file_is_read_unbuffered(rig, tmp_path):
    data = os.urandom(7 * CHUNK + 3)
    path = tmp_path / "clip.mp4"
    path.write_bytes(data)
    with open(path, "rb", buffering=0) as handle:
        stored = rig.store.put(handle)
    assert rig.store.read_all(stored.object_id, stored.wrapped_key) == data


def test_a_declared_size_that_is_wrong_is_refused(rig):
    with pytest.raises(ValueError, match="declared"):
        rig.store.put(io.BytesIO(b"x" * 10), size=11)
    assert list(rig.backend.names()) == []


def test_a_blob_larger_than_one_s3_part_goes_up_in_parts(rig):
    """11 MiB with 5 MiB parts: a three-part multipart upload on S3, a plain file locally."""
    store = EncryptedStore(rig.backend, rig.store.keyring, chunk_size=1024 * 1024)
    data = os.urandom(11 * 1024 * 1024)
    stored = store.put(io.BytesIO(data))
    assert store.read_all(stored.object_id, stored.wrapped_key) == data
    assert store.verify(stored.object_id, stored.wrapped_key)
