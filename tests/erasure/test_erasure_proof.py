"""Erasure really erases: a backup taken just before erasing is useless just after.

Before erasing, everything a person could back up is copied: every blob (every version of
every object, in a versioned S3 bucket), every database row, the raw SQLite files, the key
directory, the spool and the waiting export packages. After erasing an original (sent through
tus, with its GPS sidecar), a copy, a processed copy, their export packages and a quarantined
file, every data key that anything left behind could give — any wrapped key in any row or in
the database files, unwrapped with any master key left in the key directory — is tried on
every copied blob, sealed value and package. The test fails if any of them still decrypts.

It also shows it can fail: the same search over what was there before erasure does decrypt
every blob (so a key left behind would be found), and the quarantined file's key is looked
for in the rows the old code kept (the upload row held the object's wrapped key).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from hogo import clock
from hogo.copies.models import Copy
from hogo.copies.packages import export_dir, export_to_medium
from hogo.copies.services import erase_expired
from hogo.copies.tests.test_copy_workflow import ask
from hogo.footage import objects, retention
from hogo.footage.models import EncryptedObject, Segment, Upload, UploadState
from hogo.footage.quarantine import erase_quarantined
from hogo.footage.tests.test_upload_api import send
from hogo.media.models import Medium
from hogo.media.services import check_out
from hogo.processing import services as processing
from hogo.processing.models import ProcessingState
from hogo.storage import Keyring, KeyringError, WrappedKey
from hogo.storage.errors import IntegrityError
from hogo.storage.format import decrypt_range, read_header
from hogo.testing.stores import store_settings, using_store
from hogo.video.synth import make_nmea_track

WRAPPED = re.compile(rb"kw1:[0-9A-Za-z-]{1,64}:[A-Za-z0-9_-]{54}")
WHOLE = 1 << 26  # each small file in one PATCH


@pytest.fixture(params=["local", "s3"])
def backend(request, tmp_path):
    """A store of this test's own: a fresh directory or a fresh versioned bucket, new keys."""
    endpoint = request.getfixturevalue("s3_endpoint") if request.param == "s3" else None
    with using_store(store_settings(request.param, tmp_path, endpoint=endpoint,
                                    versioned=True)):
        yield request.param


@dataclass
class Backup:
    """Everything a person could copy off the machine at one moment."""

    blobs: dict[str, bytes] = field(default_factory=dict)
    rows: bytes = b""
    files: dict[str, bytes] = field(default_factory=dict)  # database, keys, spool, exports
    sealed: dict[int, tuple[str, str]] = field(default_factory=dict)  # segment -> (text, key)

    def wrapped_keys(self) -> set[str]:
        found = set(WRAPPED.findall(self.rows))
        for data in self.files.values():
            found |= set(WRAPPED.findall(data))
        return {k.decode() for k in found}

    def masters(self, directory: Path) -> dict[str, bytes]:
        return {k: v for k, v in self.files.items() if k.startswith(str(directory))}


def every_blob() -> dict[str, bytes]:
    """Each stored blob — each version of it, in a versioned bucket — by name."""
    backend = objects.get_store().backend
    if hasattr(backend, "root"):
        return {str(p): p.read_bytes() for p in Path(backend.root).rglob("*") if p.is_file()}
    found = {}
    pages = backend.client.get_paginator("list_object_versions").paginate(Bucket=backend.bucket)
    for page in pages:
        for item in page.get("Versions", []):
            body = backend.client.get_object(Bucket=backend.bucket, Key=item["Key"],
                                             VersionId=item["VersionId"])["Body"].read()
            found[f"{item['Key']}@{item['VersionId']}"] = body
    return found


def every_row() -> bytes:
    """Every row of every table, as text: what a database dump holds."""
    lines = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - our own table names
            lines.extend(f"{table}: {row!r}" for row in cursor.fetchall())
    return "\n".join(lines).encode()


def files_under(*directories: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for d in directories if d.exists()
            for p in d.rglob("*") if p.is_file()}


def backup() -> Backup:
    config = settings.HOGO_STORAGE
    places = [Path(config["keys_dir"]), export_dir(), objects.get_store().backend.spool_dir]
    if connection.vendor == "sqlite":  # the raw files hold more than the rows: free pages, WAL
        database = Path(connection.settings_dict["NAME"])
        places_files = {str(p): p.read_bytes() for p in database.parent.glob(
            f"{database.name}*") if p.is_file()}
    else:
        places_files = {}
    sealed = {s.pk: (s.gps_sealed, s.stored.wrapped_key)
              for s in Segment.objects.exclude(gps_sealed="").select_related("stored")}
    return Backup(every_blob(), every_row(), {**files_under(*places), **places_files}, sealed)


def data_keys(found: Backup, keys_dir: Path) -> list[bytes]:
    """Every data key the wrapped keys in `found` give with the master keys in `keys_dir`."""
    keyring = Keyring.load_or_create(keys_dir)
    keys = []
    for text in found.wrapped_keys():
        try:
            keys.append(keyring.unwrap(WrappedKey.from_text(text)))
        except KeyringError:
            continue
    return keys


def opens(blob: bytes, key: bytes) -> bool:
    def read_at(start: int, end: int) -> bytes:
        return blob[start:end]
    try:
        header = read_header(read_at)
        b"".join(decrypt_range(read_at, key, 0, min(header.size, 64), header=header))
    except (IntegrityError, ValueError):
        return False
    return True


def ours(name: str, data: bytes, object_ids: set[str]) -> bool:
    """A blob of one of these objects (the demo's own footage is in the same store)."""
    return data[:8] == b"HOGOBLOB" and any(object_id in name for object_id in object_ids)


def work() -> None:
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)


def test_nothing_erased_can_be_decrypted_from_a_backup(
        backend, transactional_db, recorder, token, continuous_clips, user, client,
        tmp_path, django_capture_on_commit_callbacks):
    manager, officer = user("manager"), user("privacy")
    # Originals through tus, with a GPS sidecar; a text file that ends up in quarantine.
    track = make_nmea_track(tmp_path / "20250603_140000.nmea",
                            dt.datetime(2025, 6, 3, 14, 0, tzinfo=clock.JST), 60)
    with django_capture_on_commit_callbacks(execute=True):
        for item in (track, *continuous_clips):
            assert send(client, token, item.read_bytes(), item.name, piece=WHOLE)["state"] \
                == "ingested"
        bad = send(client, token, b"not a video " * 500, "20250603_150000_F.mp4", piece=WHOLE)
    assert bad["state"] == "quarantined"
    quarantined = Upload.objects.get(pk=bad["id"])
    originals = list(Segment.objects.filter(recorder=recorder, erased_at__isnull=True,
                                            uploaded_by__startswith="token:"))
    assert len(originals) == 3 and any(s.gps_sealed for s in originals)
    # A copy, a masked copy of it, and both exported (packages waiting to be downloaded).
    copy = Copy.objects.get(request=ask(manager, recorder))
    item = processing.request(manager, copy, reason="提供前に顔を隠す")
    with django_capture_on_commit_callbacks(execute=True):
        processing.approve(officer, item)
    work()
    item.refresh_from_db()
    processing.review(manager, item, removed=[], added=[])
    with django_capture_on_commit_callbacks(execute=True):
        processing.make(manager, item)
    work()
    item.refresh_from_db()
    assert item.state == ProcessingState.MADE, item.error
    masked = item.result
    usb = Medium.objects.get(label="KANZAI-USB-01")
    check_out(manager, usb, purpose="保険会社への提出", due_on=clock.today_jst())
    usb.refresh_from_db()
    passwords = [export_to_medium(manager, c, usb).password for c in (copy, masked)]

    erased = {s.sha256 for s in originals} | {c.stored.object_id for c in (copy, masked)} | {
        u.stored.object_id for u in Upload.objects.filter(
            pk=quarantined.pk) | Upload.objects.filter(relative_path=track.name)}
    before = backup()
    keys_dir = Path(settings.HOGO_STORAGE["keys_dir"])
    blobs = {name: data for name, data in before.blobs.items() if ours(name, data, erased)}
    assert len(blobs) == len(erased) == 7  # 3 originals, a sidecar, 2 copies, 1 quarantined
    kept_before = data_keys(before, keys_dir)
    # The search finds keys when there are keys to find: each blob opens before erasure.
    assert blobs and all(any(opens(b, k) for k in kept_before) for b in blobs.values())
    packages = re.compile(rf"copy-({copy.pk:05d}|{masked.pk:05d})-.*\.zip$")
    assert len([p for p in before.files if packages.search(p)]) == 2

    with django_capture_on_commit_callbacks(execute=True):
        for segment in originals:
            retention.erase_segment(segment, rule="test_erasure", by=manager, why="消去の検証")
        assert len(erase_expired(today=clock.today_jst() + dt.timedelta(days=800))) == 2
        erase_quarantined(quarantined, by=officer, reason="壊れたファイルのため消去")

    after = backup()
    left = data_keys(after, keys_dir)
    still_open = [name for name, blob in blobs.items() if any(opens(blob, k) for k in left)]
    assert still_open == [], f"erased blobs still decrypt with what is left: {still_open}"
    store = objects.get_store()
    tracks = {pk: v for pk, v in before.sealed.items() if pk in {s.pk for s in originals}}
    assert tracks
    for pk, (text, _) in tracks.items():  # GPS tracks sealed under the original's key
        for wrapped in after.wrapped_keys():
            with pytest.raises((IntegrityError, KeyringError)):
                store.unseal(wrapped, text, f"gps:{pk}")
    assert not [p for p in after.files if packages.search(p)]  # waiting packages went too
    everything = after.rows + b"".join(after.files.values())
    for password in passwords:
        assert password.encode() not in everything and password.encode() not in before.rows
    # What is left says what happened, and holds no stored object of this test.
    assert not [name for name, data in every_blob().items() if ours(name, data, erased)]
    for obj in EncryptedObject.objects.filter(object_id__in=[s.sha256 for s in originals]):
        assert obj.wrapped_key == "" and obj.shredded_at is not None
    quarantined.refresh_from_db()
    assert quarantined.state == UploadState.ERASED and quarantined.wrapped_key == ""
