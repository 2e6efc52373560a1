"""Data that does not match the client's declared SHA-256 is refused and nothing is kept."""

import hashlib
import io
import os

import pytest

from hogo.storage import HashMismatch
from hogo.storage.tests.conftest import CHUNK


def leftovers(rig):
    return list(rig.backend.names()) + list(rig.backend.spool_dir.iterdir())


def test_a_mismatch_raises_and_leaves_no_blob(rig):
    data = os.urandom(2 * CHUNK + 1)
    wrong = hashlib.sha256(b"something else").hexdigest()
    with pytest.raises(HashMismatch) as raised:
        rig.store.put(io.BytesIO(data), expected_sha256=wrong)
    assert raised.value.expected == wrong
    assert raised.value.actual == hashlib.sha256(data).hexdigest()
    assert leftovers(rig) == []


def test_a_mismatch_against_an_existing_object_keeps_it_intact(rig):
    data = os.urandom(CHUNK)
    first = rig.store.put(io.BytesIO(data))
    with pytest.raises(HashMismatch):
        rig.store.put(io.BytesIO(b"not that file"), expected_sha256=first.object_id)
    assert rig.store.verify(first.object_id, first.wrapped_key)


def test_a_matching_declared_hash_is_accepted(rig):
    data = os.urandom(CHUNK + 3)
    stored = rig.store.put(io.BytesIO(data), expected_sha256=hashlib.sha256(data).hexdigest())
    assert not stored.deduplicated


def test_a_malformed_declared_hash_is_refused_before_reading(rig):
    with pytest.raises(ValueError, match="SHA-256"):
        rig.store.put(io.BytesIO(b"x"), expected_sha256="abc")
