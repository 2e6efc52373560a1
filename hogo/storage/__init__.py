"""Encrypted, content-addressed storage of originals (R-203, R-1001). Imports no Django.

`keys` holds the master keys outside the database, `format` the chunked AES-256-GCM blob
layout, `backends` where blobs live (local directory or S3), and `store` ties them together
behind one interface: put, range reads, verify, shred.
"""

from hogo.storage.backends import BlobBackend, LocalBackend, S3Backend
from hogo.storage.errors import (
    BlobNotFound,
    HashMismatch,
    IntegrityError,
    KeyringError,
    StorageError,
)
from hogo.storage.keys import Keyring, WrappedKey
from hogo.storage.store import (
    EncryptedStore,
    ShredReceipt,
    StoredObject,
    Upload,
    store_from_settings,
)

__all__ = [
    "BlobBackend", "BlobNotFound", "EncryptedStore", "HashMismatch", "IntegrityError",
    "Keyring", "KeyringError", "LocalBackend", "S3Backend", "ShredReceipt", "StorageError",
    "StoredObject", "Upload", "WrappedKey", "store_from_settings",
]
