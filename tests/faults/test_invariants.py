"""The invariant checks find each kind of damage a crash (or a bug) can leave, in words."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from tests.faults.fill import originals

pytestmark = pytest.mark.faults
NO_GRACE = dt.timedelta(0)


def test_each_kind_of_damage_is_named(catalogue, fault_store):
    from hogo import clock
    from hogo.footage.invariants import problems
    from hogo.footage.models import DeletionRecord, HoldKind
    from hogo.footage.objects import CRYPTO_SHRED, get_store
    from hogo.footage.retention import place_hold
    from hogo.registry.models import Recorder

    store = get_store()
    first, second, third, fourth = originals(Recorder.objects.get(serial="DEMO-0001"), 4)
    assert problems(orphan_grace=NO_GRACE) == []

    def found() -> str:
        return "\n".join(problems(orphan_grace=NO_GRACE))

    orphan = store.put(io.BytesIO(b"stored; the commit never came"))
    assert f"blob {orphan.object_id}: no EncryptedObject row with a key" in found()
    assert problems() == []  # by default a blob younger than the grace period is not one

    store.backend.delete(first.sha256)
    assert f"object {first.sha256}: has a wrapped key but no blob" in found()

    second.stored.wrapped_key = ""
    second.stored.save(update_fields=["wrapped_key"])
    assert f"original segment {second.pk}: kept, but its key is destroyed" in found()
    assert f"object {second.sha256}: key destroyed, but no deletion record" in found()

    place_hold(HoldKind.LEGAL_HOLD, "invariants", [third], by=None)
    third.erased_at = clock.now() + dt.timedelta(seconds=1)
    third.save(update_fields=["erased_at"])
    assert f"original segment {third.pk}: erased while a hold was open" in found()
    assert f"original segment {third.pk}: erased, but its object still has its key" in found()
    assert f"original segment {third.pk}: erased, but no deletion record" in found()

    record = DeletionRecord.objects.create(
        object_id=fourth.sha256, sha256=fourth.sha256, size=fourth.size, what="test",
        rule="test", method=CRYPTO_SHRED, erased_at=clock.now(), erased_by="test")
    assert f"deletion record {record.pk}: says the key of {fourth.sha256} was destroyed" \
        in found()
