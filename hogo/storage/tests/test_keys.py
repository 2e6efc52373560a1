"""Master keys: files outside the database, rotation, re-wrapping without touching blobs."""

import io
import os
import stat

import pytest

from hogo.storage import EncryptedStore, Keyring, KeyringError, WrappedKey


def test_a_new_key_directory_gets_one_private_current_key(tmp_path):
    ring = Keyring.load_or_create(tmp_path / "keys")
    files = sorted(p.name for p in (tmp_path / "keys").iterdir())
    assert files == ["current", f"master-{ring.current_id}.key"]
    key_file = tmp_path / "keys" / f"master-{ring.current_id}.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "keys").stat().st_mode) == 0o700
    assert Keyring.load_or_create(tmp_path / "keys").current_id == ring.current_id


def test_a_wrapped_key_round_trips_through_text(tmp_path):
    ring = Keyring.load_or_create(tmp_path)
    data_key = os.urandom(32)
    wrapped = ring.wrap(data_key)
    text = wrapped.to_text()
    assert len(text) < 100 and data_key.hex() not in text
    assert WrappedKey.from_text(text) == wrapped
    assert ring.unwrap(WrappedKey.from_text(text)) == data_key


def test_a_wrapped_key_from_another_keyring_is_refused(tmp_path):
    ours, theirs = Keyring.load_or_create(tmp_path / "a"), Keyring.load_or_create(tmp_path / "b")
    foreign = theirs.wrap(os.urandom(32))
    with pytest.raises(KeyringError, match="not in"):
        ours.unwrap(foreign)
    with pytest.raises(KeyringError, match="does not unwrap"):
        ours.unwrap(WrappedKey(ours.current_id, foreign.wrapped))
    with pytest.raises(KeyringError, match="not a wrapped key"):
        WrappedKey.from_text("garbage")


def test_a_key_file_others_can_read_is_refused(tmp_path):
    ring = Keyring.load_or_create(tmp_path)
    (tmp_path / f"master-{ring.current_id}.key").chmod(0o644)
    with pytest.raises(KeyringError, match="chmod 600"):
        Keyring.load_or_create(tmp_path)


def test_keys_without_a_current_marker_are_not_guessed(tmp_path):
    Keyring.load_or_create(tmp_path)
    (tmp_path / "current").unlink()
    with pytest.raises(KeyringError, match="current"):
        Keyring.load_or_create(tmp_path)


def test_the_current_key_cannot_be_removed(tmp_path):
    ring = Keyring.load_or_create(tmp_path)
    with pytest.raises(KeyringError, match="rotate first"):
        ring.remove(ring.current_id)


def test_rotate_and_rewrap_keep_objects_readable_without_the_old_key(rig):
    data = os.urandom(3000)
    stored = rig.store.put(io.BytesIO(data))
    blob = rig.raw(stored.object_id)
    ring = rig.store.keyring
    old = ring.current_id
    new = ring.rotate()
    assert new != old and ring.current_id == new
    # before re-wrapping, the old wrapped key still reads (the old master key is kept)
    assert rig.store.read_all(stored.object_id, stored.wrapped_key) == data
    rewrapped = ring.rewrap(stored.wrapped_key)
    assert rewrapped.key_id == new and rewrapped != stored.wrapped_key
    assert rig.raw(stored.object_id) == blob  # re-wrapping never touches the blob
    ring.remove(old)
    assert not (rig.keys_dir / f"master-{old}.key").exists()
    reloaded = EncryptedStore(rig.backend, Keyring.load_or_create(rig.keys_dir),
                              chunk_size=rig.store.chunk_size)
    assert reloaded.read_all(stored.object_id, rewrapped.to_text()) == data
    assert reloaded.verify(stored.object_id, rewrapped)
    with pytest.raises(KeyringError, match="not in"):
        reloaded.read_all(stored.object_id, stored.wrapped_key)


def test_new_objects_are_wrapped_by_the_current_key(rig):
    new = rig.store.keyring.rotate()
    stored = rig.store.put(io.BytesIO(b"after rotation"))
    assert stored.wrapped_key.key_id == new


def test_a_running_process_sees_a_rotation_made_elsewhere(tmp_path):
    from hogo.storage.keys import Keyring

    server = Keyring.load_or_create(tmp_path / "keys")
    command = Keyring.load_or_create(tmp_path / "keys")
    old = server.wrap(b"k" * 32)
    new_id = command.rotate()
    rewrapped = command.rewrap(old)
    assert server.unwrap(rewrapped) == b"k" * 32  # unknown id: the server re-reads the keys
    assert server.wrap(b"n" * 32).key_id == new_id  # and wraps new keys with the new one
