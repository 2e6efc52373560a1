"""The one storage interface of the project, built once from settings.

Everything that writes or reads footage bytes goes through `get_store()`; which backend it
is (local directory or S3-compatible) and where the master keys live is configuration.
"""

from __future__ import annotations

import functools

from django.conf import settings

from hogo.storage import EncryptedStore, store_from_settings
from hogo.storage.reader import DecryptingReader

__all__ = ["DecryptingReader", "get_store", "reset"]


@functools.cache
def get_store() -> EncryptedStore:
    configured = {k: v for k, v in settings.HOGO_STORAGE.items() if v is not None}
    return store_from_settings(configured)


def reset() -> None:
    """Forget the cached store (tests that switch settings)."""
    get_store.cache_clear()
