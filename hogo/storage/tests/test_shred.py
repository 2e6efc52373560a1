"""Crypto-shredding: the blob is deleted (and the caller destroys the wrapped key)."""

import io
import os

import pytest

from hogo import clock
from hogo.storage import BlobNotFound


def test_shred_deletes_the_blob(rig):
    stored = rig.store.put(io.BytesIO(os.urandom(3000)))
    other = rig.store.put(io.BytesIO(os.urandom(10)))
    blob_size = rig.backend.size(stored.object_id)
    receipt = rig.store.shred(stored.object_id)
    assert receipt.existed and receipt.blob_size == blob_size
    assert receipt.object_id == stored.object_id and receipt.at <= clock.now()
    assert not rig.store.exists(stored.object_id)
    assert list(rig.backend.names()) == [other.object_id]
    with pytest.raises(BlobNotFound):
        rig.store.read_all(stored.object_id, stored.wrapped_key)
    assert rig.store.check(stored.object_id, stored.wrapped_key) == "blob is missing"


def test_shredding_twice_says_nothing_was_there(rig):
    stored = rig.store.put(io.BytesIO(b"once"))
    rig.store.shred(stored.object_id)
    receipt = rig.store.shred(stored.object_id)
    assert not receipt.existed and receipt.blob_size == 0


def test_shredded_content_can_be_stored_again(rig):
    data = os.urandom(500)
    first = rig.store.put(io.BytesIO(data))
    rig.store.shred(first.object_id)
    again = rig.store.put(io.BytesIO(data))
    assert not again.deduplicated
    assert rig.store.read_all(again.object_id, again.wrapped_key) == data
