"""A changed, cut, swapped or lengthened blob is refused with a clear error, never read."""

import io
import os

import pytest

from hogo.storage import IntegrityError
from hogo.storage.format import HEADER_BYTES, TAG_BYTES
from hogo.storage.tests.conftest import CHUNK

SEALED = CHUNK + TAG_BYTES


@pytest.fixture
def stored(rig):
    data = os.urandom(4 * CHUNK + 100)
    return rig.store.put(io.BytesIO(data))


def assert_refused(rig, stored, match):
    with pytest.raises(IntegrityError, match=match):
        rig.store.read_all(stored.object_id, stored.wrapped_key)
    problem = rig.store.check(stored.object_id, stored.wrapped_key)
    assert problem is not None
    assert not rig.store.verify(stored.object_id, stored.wrapped_key)


@pytest.mark.parametrize("where", [HEADER_BYTES + 5, HEADER_BYTES + 2 * SEALED + 7,
                                   HEADER_BYTES + SEALED - 1, -1])
def test_one_changed_byte_is_detected(rig, stored, where):
    blob = bytearray(rig.raw(stored.object_id))
    blob[where] ^= 0x01
    rig.replace(stored.object_id, bytes(blob))
    assert_refused(rig, stored, "failed authentication")


@pytest.mark.parametrize("cut", [1, 100 + TAG_BYTES, 100 + TAG_BYTES + SEALED])
def test_a_truncated_blob_is_detected(rig, stored, cut):
    blob = rig.raw(stored.object_id)
    rig.replace(stored.object_id, blob[:-cut])
    assert_refused(rig, stored, "truncated")


def test_a_truncated_blob_with_a_forged_size_is_detected(rig, stored):
    """Drop the last chunk and shrink the header's size to match: the new last chunk was never
    sealed as final, so it fails."""
    blob = bytearray(rig.raw(stored.object_id))
    del blob[-(100 + TAG_BYTES):]
    blob[20:28] = (4 * CHUNK).to_bytes(8, "big")
    rig.replace(stored.object_id, bytes(blob))
    assert_refused(rig, stored, "failed authentication")


def test_two_swapped_chunks_are_detected(rig, stored):
    blob = bytearray(rig.raw(stored.object_id))
    first = slice(HEADER_BYTES + SEALED, HEADER_BYTES + 2 * SEALED)
    second = slice(HEADER_BYTES + 2 * SEALED, HEADER_BYTES + 3 * SEALED)
    blob[first], blob[second] = blob[second], blob[first]
    rig.replace(stored.object_id, bytes(blob))
    assert_refused(rig, stored, "chunk 1 of 5 failed authentication")


def test_bytes_appended_after_the_last_chunk_fail_verification(rig, stored):
    rig.replace(stored.object_id, rig.raw(stored.object_id) + b"extra")
    assert "header implies" in rig.store.check(stored.object_id, stored.wrapped_key)


def test_a_chunk_from_another_object_is_detected(rig, stored):
    other = rig.store.put(io.BytesIO(os.urandom(4 * CHUNK + 100)))
    blob = bytearray(rig.raw(stored.object_id))
    foreign = rig.raw(other.object_id)
    part = slice(HEADER_BYTES, HEADER_BYTES + SEALED)
    blob[part] = foreign[part]
    rig.replace(stored.object_id, bytes(blob))
    assert_refused(rig, stored, "chunk 0 of 5")


def test_a_blob_that_is_not_ours_is_named_as_such(rig, stored):
    rig.replace(stored.object_id, b"\x00\x00\x00\x18ftypisom" + bytes(100))
    assert_refused(rig, stored, "not a hogo blob")
