"""Master keys, kept in files outside the database, that wrap each object's data key.

A database dump alone therefore decrypts nothing: it holds only wrapped data keys. The key
directory holds one file per master key, `master-<key_id>.key` (32 random bytes as base64,
mode 600), and a file `current` naming the key that wraps new data keys. Older keys stay until
every data key wrapped by them has been re-wrapped (`rewrap`), then `remove` retires them.

Wrapping is AES Key Wrap (RFC 3394): made for wrapping keys, deterministic, no nonce to manage,
and its integrity check refuses a wrong master key. A wrapped 32-byte key is 40 bytes; with its
key id it serialises to about 80 characters of text (`WrappedKey.to_text`) for a database
column. Re-wrapping replaces that text only; the encrypted blob is never touched.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.keywrap import (
    InvalidUnwrap,
    aes_key_unwrap,
    aes_key_wrap,
)

from hogo import clock
from hogo.storage.durable import fsync_dir
from hogo.storage.errors import KeyringError

KEY_BYTES = 32
CURRENT_FILE = "current"
TEXT_VERSION = "kw1"
_ID = re.compile(r"^[0-9A-Za-z-]{1,64}$")
_FILE = re.compile(r"^master-([0-9A-Za-z-]{1,64})\.key$")


@dataclass(frozen=True)
class WrappedKey:
    """A data key wrapped by the master key `key_id`; what the database keeps per object."""

    key_id: str
    wrapped: bytes

    def to_text(self) -> str:
        encoded = base64.urlsafe_b64encode(self.wrapped).decode("ascii").rstrip("=")
        return f"{TEXT_VERSION}:{self.key_id}:{encoded}"

    @classmethod
    def from_text(cls, text: str) -> WrappedKey:
        try:
            version, key_id, encoded = text.strip().split(":")
            if version != TEXT_VERSION or not _ID.match(key_id):
                raise ValueError(version)
            wrapped = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        except (ValueError, binascii.Error) as error:
            raise KeyringError(f"not a wrapped key: {text[:20]!r}…") from error
        return cls(key_id, wrapped)


def _write_private(path: Path, text: str, *, exclusive: bool) -> None:
    """Write a mode-600 file durably; an existing file is replaced only if not exclusive."""
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if exclusive:
            os.link(temp, path)  # fails rather than overwrite an existing master key
        else:
            os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
    fsync_dir(path.parent)


class Keyring:
    """The master keys of one key directory. Build with `Keyring.load_or_create(directory)`."""

    def __init__(self, directory: Path, keys: dict[str, bytes], current_id: str) -> None:
        self.directory = directory
        self._keys = keys
        self._current = current_id

    @classmethod
    def load_or_create(cls, directory: Path | str) -> Keyring:
        """Read every master key in `directory`; make the directory and a first key if empty."""
        directory = Path(directory)
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        keys, current = _read_directory(directory)
        if not keys:
            ring = cls(directory, {}, "")
            ring.rotate()
            return ring
        return cls(directory, keys, current)

    def refresh(self) -> None:
        """Re-read the key directory: another process (`hogo keys rotate`) may have changed it.

        A long-running server calls this before wrapping and when a key id is unknown, so a
        rotation from the command line takes effect without a restart.
        """
        keys, current = _read_directory(self.directory)
        if keys:
            self._keys, self._current = keys, current

    @property
    def current_id(self) -> str:
        return self._current

    def ids(self) -> list[str]:
        return sorted(self._keys)

    def rotate(self) -> str:
        """Create a new master key and make it current; return its id."""
        key_id = f"{clock.now():%Y%m%d}-{secrets.token_hex(4)}"
        secret = secrets.token_bytes(KEY_BYTES)
        _write_private(self.directory / f"master-{key_id}.key",
                       base64.b64encode(secret).decode("ascii") + "\n", exclusive=True)
        _write_private(self.directory / CURRENT_FILE, key_id + "\n", exclusive=False)
        self._keys[key_id] = secret
        self._current = key_id
        return key_id

    def wrap(self, data_key: bytes) -> WrappedKey:
        """Wrap a data key with the current master key."""
        if len(data_key) != KEY_BYTES:
            raise KeyringError(f"a data key is {KEY_BYTES} bytes, got {len(data_key)}")
        self.refresh()
        return WrappedKey(self._current, aes_key_wrap(self._keys[self._current], data_key))

    def unwrap(self, wrapped: WrappedKey) -> bytes:
        master = self._keys.get(wrapped.key_id)
        if master is None:
            self.refresh()
            master = self._keys.get(wrapped.key_id)
        if master is None:
            raise KeyringError(f"master key {wrapped.key_id!r} is not in {self.directory} "
                               "(removed before its data keys were re-wrapped?)")
        try:
            return aes_key_unwrap(master, wrapped.wrapped)
        except InvalidUnwrap as error:
            raise KeyringError(f"wrapped key does not unwrap with master key "
                               f"{wrapped.key_id!r}: altered or wrapped elsewhere") from error

    def rewrap(self, wrapped: WrappedKey) -> WrappedKey:
        """The same data key wrapped by the current master key (unchanged if it already is)."""
        if wrapped.key_id == self._current:
            return wrapped
        return self.wrap(self.unwrap(wrapped))

    def remove(self, key_id: str) -> None:
        """Delete an old master key's file: only once no data key is wrapped by it any more."""
        if key_id == self._current:
            raise KeyringError(f"{key_id!r} is the current master key; rotate first")
        if key_id not in self._keys:
            raise KeyringError(f"no master key {key_id!r} in {self.directory}")
        (self.directory / f"master-{key_id}.key").unlink()
        fsync_dir(self.directory)
        del self._keys[key_id]


def _read_directory(directory: Path) -> tuple[dict[str, bytes], str]:
    """Every master key in a directory and the id of the current one ({} and "" if none)."""
    keys = {}
    for path in sorted(directory.iterdir()):
        if match := _FILE.match(path.name):
            keys[match.group(1)] = _read_key(path)
    if not keys:
        return {}, ""
    marker = directory / CURRENT_FILE
    if not marker.exists():
        raise KeyringError(f"{directory}: master keys but no '{CURRENT_FILE}' file naming "
                           "the current one; write the key id of the newest into it")
    current = marker.read_text(encoding="ascii").strip()
    if current not in keys:
        raise KeyringError(f"{marker}: names key {current!r}, but "
                           f"master-{current}.key is not in {directory}")
    return keys, current


def _read_key(path: Path) -> bytes:
    if os.name == "posix" and path.stat().st_mode & 0o077:
        raise KeyringError(f"{path} is readable by others; run: chmod 600 {path}")
    try:
        secret = base64.b64decode(path.read_text(encoding="ascii").strip(), validate=True)
    except (ValueError, binascii.Error) as error:
        raise KeyringError(f"{path} is not base64 text") from error
    if len(secret) != KEY_BYTES:
        raise KeyringError(f"{path} holds {len(secret)} bytes, a master key is {KEY_BYTES}")
    return secret
