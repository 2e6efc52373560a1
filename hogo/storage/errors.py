"""The errors of the storage package, in one place so callers catch them by meaning."""

from __future__ import annotations


class StorageError(Exception):
    """Base of every error raised by hogo.storage."""


class IntegrityError(StorageError):
    """A blob is not what was written: changed, truncated, reordered, or read with the wrong key."""


class HashMismatch(StorageError):
    """The stored data's SHA-256 is not the one the client declared; nothing was kept."""

    def __init__(self, expected: str, actual: str) -> None:
        self.expected = expected
        self.actual = actual
        super().__init__(f"SHA-256 mismatch: declared {expected}, received data hashes to {actual}")


class BlobNotFound(StorageError):
    """No blob of that name in the backend (never stored, or shredded)."""


class KeyringError(StorageError):
    """A master key is missing, unreadable, too widely readable, or does not unwrap a data key."""
