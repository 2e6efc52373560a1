"""What must hold between the object store and the catalogue, whatever crashed and when.

`problems()` returns one English sentence per violation (empty: all well). The fault tests
assert it after killing hogo mid-work; an operator can run it on a real installation.

- every blob has an EncryptedObject row with a wrapped key (else nothing can read it: an
  orphan, which `orphans.sweep_orphans` removes once older than its grace period);
- every row with a wrapped key has its blob (else kept footage is lost);
- an original or copy still kept has its key; one erased has lost it (unless something kept
  still uses the same content, or it was stored afresh since);
- no original or copy was erased while a hold was open on it;
- a DeletionRecord that says a key was destroyed is true, and no key was destroyed (no
  original erased) without a DeletionRecord;
- no upload that has ended holds a wrapped key;
- the audit chain verifies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.apps import apps
from django.db.models import F, Q, QuerySet

from hogo import clock
from hogo.audit import services as audit
from hogo.footage.models import DeletionRecord, EncryptedObject, Segment, Upload, UploadState
from hogo.footage.objects import CRYPTO_SHRED, ORPHAN_RULE, get_store, still_needed
from hogo.footage.orphans import ORPHAN_GRACE
from hogo.storage import EncryptedStore

_OBJECT_ID_LENGTH = 64


def _copies() -> QuerySet:
    """Copies live in the app above this one: looked up by name, not imported."""
    return apps.get_model("copies", "Copy").objects.all()


def problems(store: EncryptedStore | None = None, *,
             orphan_grace: dt.timedelta = ORPHAN_GRACE,
             now: dt.datetime | None = None) -> list[str]:
    """Every violated invariant, as sentences. Blobs younger than `orphan_grace` are not
    counted as orphans (an upload may be committing its row right now); the fault tests,
    with nothing running, pass 0."""
    store = store or get_store()
    keyed = dict(EncryptedObject.objects.exclude(wrapped_key="").values_list("object_id", "pk"))
    found = [
        *_store_matches_keys(store, keyed, (now or clock.now()) - orphan_grace),
        *_kept_have_keys(),
        *_erased_lost_keys(),
        *_nothing_held_erased(),
        *_records_are_true(keyed),
        *_erasures_are_recorded(),
        *_finished_uploads_hold_no_key(),
    ]
    report = audit.verify_chain()
    if report.first_break:
        found.append(f"audit chain: {report.first_break}")
    return found


def _store_matches_keys(store: EncryptedStore, keyed: dict[str, int],
                        cutoff: dt.datetime) -> list[str]:
    found, blobs = [], set()
    for name, modified in store.backend.names_with_age():
        if len(name) != _OBJECT_ID_LENGTH:
            continue
        blobs.add(name)
        if name not in keyed and modified <= cutoff:
            found.append(f"blob {name}: no EncryptedObject row with a key (unreadable orphan)")
    found += [f"object {object_id}: has a wrapped key but no blob in the store"
              for object_id in sorted(set(keyed) - blobs)]
    return found


def _kept_have_keys() -> list[str]:
    segments = Segment.objects.filter(erased_at__isnull=True, stored__wrapped_key="")
    copies = _copies().filter(erased_at__isnull=True, stored__wrapped_key="")
    return ([f"original segment {pk}: kept, but its key is destroyed"
             for pk in segments.values_list("pk", flat=True)]
            + [f"copy {pk}: kept, but its key is destroyed"
               for pk in copies.values_list("pk", flat=True)])


def _stored_afresh_since(object_pk: int, since: dt.datetime) -> bool:
    """The same content arrived again at or after `since` (a re-sent file after an erasure
    gets a new key on the same row)."""
    return (Segment.objects.filter(stored_id=object_pk, uploaded_at__gte=since).exists()
            or _copies().filter(stored_id=object_pk, made_at__gte=since).exists()
            or Upload.objects.filter(stored_id=object_pk, updated_at__gte=since).exists())


def _in_use_since(object_pk: int, since: dt.datetime) -> bool:
    """Something kept still uses this object (identical content kept for another entry), or
    it was stored afresh since."""
    return (still_needed(EncryptedObject(pk=object_pk), besides=None) is not None
            or _stored_afresh_since(object_pk, since))


def _erased_lost_keys() -> list[str]:
    found = []
    kinds: Iterable[tuple[str, QuerySet]] = (
        ("original segment", Segment.objects.filter(erased_at__isnull=False)),
        ("copy", _copies().filter(erased_at__isnull=False)))
    for label, erased in kinds:
        rows = erased.exclude(stored__wrapped_key="").values_list("pk", "stored_id", "erased_at")
        found += [f"{label} {pk}: erased, but its object still has its key"
                  for pk, stored_id, erased_at in rows if not _in_use_since(stored_id, erased_at)]
    return found


def _nothing_held_erased() -> list[str]:
    segments = Segment.objects.filter(
        erased_at__isnull=False, holds__placed_at__lt=F("erased_at")).filter(
        Q(holds__released_at__isnull=True) | Q(holds__released_at__gt=F("erased_at")))
    copies = _copies().filter(
        erased_at__isnull=False, holds__placed_at__lt=F("erased_at")).filter(
        Q(holds__released_at__isnull=True) | Q(holds__released_at__gt=F("erased_at")))
    return ([f"original segment {pk}: erased while a hold was open on it"
             for pk in segments.distinct().values_list("pk", flat=True)]
            + [f"copy {pk}: erased while a legal hold was open on it"
               for pk in copies.distinct().values_list("pk", flat=True)])


def _records_are_true(keyed: dict[str, int]) -> list[str]:
    """A record of crypto-shredding (or of an orphan deleted) whose object has a key again
    is false, unless the same content was stored afresh after it."""
    records = DeletionRecord.objects.filter(
        Q(method=CRYPTO_SHRED) | Q(rule=ORPHAN_RULE)).exclude(object_id="").values_list(
        "pk", "object_id", "erased_at")  # no IN over every key: SQLite limits parameters
    return [f"deletion record {pk}: says the key of {object_id} was destroyed, "
            "but it is still there"
            for pk, object_id, erased_at in records.iterator(chunk_size=2000)
            if object_id in keyed and not _stored_afresh_since(keyed[object_id], erased_at)]


def _erasures_are_recorded() -> list[str]:
    # An orphan record does not count: it says no key was left when the blob went.
    recorded = DeletionRecord.objects.exclude(rule=ORPHAN_RULE).values("object_id")
    objects = EncryptedObject.objects.filter(wrapped_key="").exclude(object_id__in=recorded)
    segments = Segment.objects.filter(erased_at__isnull=False).exclude(
        pk__in=DeletionRecord.objects.filter(segment_id__isnull=False).values("segment_id"))
    return ([f"object {object_id}: key destroyed, but no deletion record says so"
             for object_id in objects.values_list("object_id", flat=True)]
            + [f"original segment {pk}: erased, but no deletion record says so"
               for pk in segments.values_list("pk", flat=True)])


def _finished_uploads_hold_no_key() -> list[str]:
    """Only an upload still receiving keeps a wrapped key (the one it is staged under): once
    it ends, the stored object's row is the key's only home, so erasure reaches it."""
    rows = Upload.objects.exclude(state=UploadState.RECEIVING).exclude(wrapped_key="")
    return [f"upload {pk}: {state}, yet it still holds a wrapped data key"
            for pk, state in rows.values_list("pk", "state")]
