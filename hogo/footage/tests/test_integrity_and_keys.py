"""Originals are re-hashed and a changed blob raises an alert; master keys rotate without
touching the data."""

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from hogo.alerts.models import Alert
from hogo.footage import keys, objects
from hogo.footage.ingest import ingest_file
from hogo.footage.models import EncryptedObject
from hogo.footage.objects import get_store
from hogo.footage.tasks import check_integrity


def blob_file(object_id: str) -> Path:
    root = Path(settings.HOGO_STORAGE["root"])
    return next(p for p in root.rglob(f"*{object_id}*") if p.is_file())


def test_integrity_job_finds_a_changed_blob(recorder, clips):
    segment = ingest_file(recorder, clips[0], clips[0].name, by="test").segment
    assert check_integrity()["mismatches"] == []
    path = blob_file(segment.sha256)
    original = path.read_bytes()
    try:
        damaged = bytearray(original)
        damaged[len(damaged) // 2] ^= 0xFF
        path.write_bytes(bytes(damaged))
        result = check_integrity()
        assert segment.pk in result["mismatches"]
        alert = Alert.objects.get(kind="footage.integrity")
        assert alert.department == recorder.vehicle.department
    finally:
        path.write_bytes(original)


@pytest.fixture
def keys_restored_afterwards(tmp_path):
    """The test's database changes roll back; its key files must come back with them."""
    directory = Path(settings.HOGO_STORAGE["keys_dir"])
    shutil.copytree(directory, tmp_path / "keys")
    yield
    shutil.rmtree(directory)
    shutil.copytree(tmp_path / "keys", directory)
    objects.reset()


def test_rotation_rewraps_keys_and_leaves_blobs_alone(recorder, clips, capsys,
                                                      keys_restored_afterwards):
    segment = ingest_file(recorder, clips[1], clips[1].name, by="test").segment
    before = blob_file(segment.sha256).read_bytes()
    old_key = EncryptedObject.objects.get(pk=segment.stored_id).wrapped_key
    result = keys.rotate(retire=True)
    assert result["rewrapped"] >= 1 and result["retired"]
    stored = EncryptedObject.objects.get(pk=segment.stored_id)
    assert stored.wrapped_key != old_key
    assert blob_file(segment.sha256).read_bytes() == before
    data = b"".join(get_store().open_range(stored.object_id, stored.wrapped_key))
    assert data == clips[1].read_bytes()
    call_command("keys", "status")
    assert "(current)" in capsys.readouterr().out


@pytest.fixture
def backup_record_restored_afterwards():
    path = Path(settings.DATA_DIR) / keys.BACKUP_RECORD
    saved = path.read_bytes() if path.exists() else None
    yield
    if saved is None:
        path.unlink(missing_ok=True)
    else:
        path.write_bytes(saved)


@pytest.mark.django_db
def test_a_backup_after_retiring_deletes_the_copy_holding_the_retired_keys(
        tmp_path, keys_restored_afterwards, backup_record_restored_afterwards):
    """Retiring a master key makes old database backups useless for erased footage only if no
    key backup keeps it: the next backup to the same place deletes the earlier copy."""
    first = keys.back_up_keys(tmp_path)
    assert keys.retired_key_copies(keys.current_key_ids()) == []
    result = keys.rotate(retire=True)
    assert sorted(result["retired"]) == first["key_ids"]
    (listed,) = keys.retired_key_copies(keys.current_key_ids())
    assert listed == (keys.read_backup_record(), first["key_ids"])
    second = keys.back_up_keys(tmp_path)
    assert second["removed"] == [first["to"]] and not Path(first["to"]).exists()
    assert sorted(p.name for p in Path(second["to"]).iterdir()) == [
        "current", f"master-{result['new_key']}.key"]
    assert keys.retired_key_copies(keys.current_key_ids()) == []
    assert [r["to"] for r in keys.read_backup_history()] == [second["to"]]
