"""Master-key rotation: re-wrap every data key under a new master key, data untouched.

Rotating touches only the small wrapped keys in the database — never the encrypted blobs — so
it is quick however much footage is stored. Old master key files are removed (`retire`) only
once no wrapped key refers to them.
"""

from __future__ import annotations

from collections import Counter

from django.db import transaction

from hogo.audit import services as audit
from hogo.footage.models import EncryptedObject, Upload, UploadState
from hogo.footage.storage import get_store
from hogo.storage import WrappedKey


def _holders():
    yield from EncryptedObject.objects.exclude(wrapped_key="").only("pk", "wrapped_key")
    yield from Upload.objects.filter(state=UploadState.RECEIVING).exclude(
        wrapped_key="").only("pk", "wrapped_key")


def key_usage() -> Counter[str]:
    """How many wrapped data keys each master key id protects."""
    return Counter(WrappedKey.from_text(row.wrapped_key).key_id for row in _holders())


def rotate(*, retire: bool = False) -> dict:
    keyring = get_store().keyring
    old_ids = set(keyring.ids())
    new_id = keyring.rotate()
    rewrapped = 0
    with transaction.atomic():
        for row in _holders():
            wrapped = keyring.rewrap(WrappedKey.from_text(row.wrapped_key))
            type(row).objects.filter(pk=row.pk).update(wrapped_key=wrapped.to_text())
            rewrapped += 1
        audit.record("keys.rotated", actor="system",
                     detail={"new_key": new_id, "rewrapped": rewrapped})
    retired = []
    if retire:
        still_used = key_usage()
        for key_id in sorted(old_ids):
            if not still_used.get(key_id):
                keyring.remove(key_id)
                retired.append(key_id)
        audit.record("keys.retired", actor="system", detail={"keys": retired})
    return {"new_key": new_id, "rewrapped": rewrapped, "retired": retired}
