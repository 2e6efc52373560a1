"""A re-sent file is recognised by its hash and stored once."""

import hashlib
import io
import os

from hogo.storage.tests.conftest import CHUNK


def test_the_same_content_is_stored_once(rig):
    data = os.urandom(3 * CHUNK + 9)
    first = rig.store.put(io.BytesIO(data))
    blob = rig.raw(first.object_id)
    second = rig.store.put(iter([data[:100], data[100:]]))
    assert second.deduplicated and second.wrapped_key is None
    assert second.object_id == first.object_id and second.size == first.size
    assert list(rig.backend.names()) == [first.object_id]
    assert rig.raw(first.object_id) == blob  # the first blob, untouched
    assert rig.store.read_all(first.object_id, first.wrapped_key) == data


def test_a_declared_hash_of_a_stored_object_is_checked_not_trusted(rig):
    data = os.urandom(CHUNK)
    first = rig.store.put(io.BytesIO(data))
    again = rig.store.put(io.BytesIO(data), expected_sha256=first.object_id.upper())
    assert again.deduplicated and again.size == len(data)


def test_a_backend_never_replaces_an_existing_blob(rig):
    """Two racing uploads of one file: the second write must not replace the first blob,
    whose data key the first caller already holds."""
    name = hashlib.sha256(b"race").hexdigest()
    assert rig.backend.write(name, [b"first"])
    assert not rig.backend.write(name, [b"second"])
    spooled = rig.backend.spool_dir / "late.blob"
    spooled.write_bytes(b"third")
    assert not rig.backend.put_file(name, spooled)
    assert not spooled.exists()
    assert rig.raw(name) == b"first"
