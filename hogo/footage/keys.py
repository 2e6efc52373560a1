"""Master keys: rotation (re-wrap every data key, data untouched) and their backups.

Rotating touches only the small wrapped keys in the database — never the encrypted blobs — so
it is quick however much footage is stored. Old master key files are removed (`retire`) only
once no wrapped key refers to them.

A retired master key is what makes old database backups useless for erased footage, so a
backup of the key directory must not outlive it. The backup record (DATA_DIR/key-backup.json)
lists every backup hogo made or was told of; `back_up_keys` deletes the earlier folders in the
same place once the new copy reads back, and `retired_key_copies` names those that still hold
a retired key (`hogo check`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from hogo import clock
from hogo.audit import services as audit
from hogo.footage.models import EncryptedObject, Upload, UploadState
from hogo.footage.objects import get_store
from hogo.storage import WrappedKey
from hogo.storage.durable import fsync_dir


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


# -- backups ------------------------------------------------------------------------------

BACKUP_RECORD = "key-backup.json"
BACKUP_PREFIX = "hogo-keys-"
_KEY_FILE = re.compile(r"^master-([0-9A-Za-z-]{1,64})\.key$")
_CURRENT_FILE = "current"


def current_key_ids() -> list[str]:
    """The master keys the key directory holds now (a first one is made if there is none)."""
    keyring = get_store().keyring
    keyring.refresh()
    return keyring.ids()


def _record_path() -> Path:
    return Path(settings.DATA_DIR) / BACKUP_RECORD


def read_backup_history() -> list[dict[str, Any]]:
    """Every backup recorded and not known to be gone, oldest first."""
    try:
        stored = json.loads(_record_path().read_text())
    except (FileNotFoundError, ValueError):
        return []
    if isinstance(stored, dict) and "key_ids" in stored:  # one record (first issue-10 form)
        return [stored]
    return list(stored.get("backups", [])) if isinstance(stored, dict) else []


def read_backup_record() -> dict[str, Any] | None:
    """The latest backup recorded, or None."""
    history = read_backup_history()
    return history[-1] if history else None


def _write_backup_history(history: list[dict[str, Any]], audited: dict[str, Any]) -> None:
    """Write the history, its last record the new backup, and audit that backup."""
    from hogo.audit import services as audit

    latest = history[-1]
    kept = [r for r in history[:-1]
            if not (r.get("kind") == "confirmed" and r.get("to") == latest.get("to"))]
    path = _record_path()
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"backups": [*kept, latest]}, ensure_ascii=False,
                                    indent=1) + "\n")
    temporary.replace(path)
    audit.record("keys.backed_up", actor="system", detail=audited)


def _new_folder(target: Path) -> Path:
    stamp = clock.now().astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    target.mkdir(mode=0o700, parents=True, exist_ok=True)
    for attempt in range(1, 100):
        folder = target / f"{BACKUP_PREFIX}{stamp}{'' if attempt == 1 else f'-{attempt}'}"
        try:
            folder.mkdir(mode=0o700)
            return folder
        except FileExistsError:
            continue
    raise ValueError(f"{target} already has 99 backups from {stamp}")


def _copy_verified(keys_dir: Path, destination: Path) -> None:
    for source in sorted(keys_dir.iterdir()):
        if source.is_file():
            copied = destination / source.name
            shutil.copyfile(source, copied)
            copied.chmod(0o600)
            if copied.read_bytes() != source.read_bytes():
                raise ValueError(f"{copied} does not read back as {source}")
            with copied.open("rb") as handle:
                os.fsync(handle.fileno())
    fsync_dir(destination)


def _why_kept(folder: Path, new_copy: Path, live: set[str], known: set[str]) -> str | None:
    """None when `folder` holds only keys the new copy also holds or that were retired;
    otherwise why it must stay."""
    for entry in sorted(folder.iterdir()):
        if entry.is_symlink() or not entry.is_file():
            return f"holds {entry.name}, which is not a key file"
        if entry.name == _CURRENT_FILE:
            continue
        match = _KEY_FILE.match(entry.name)
        if match is None:
            return f"holds {entry.name}, which is not a key file"
        key_id, twin = match.group(1), new_copy / entry.name
        if twin.is_file() and twin.read_bytes() == entry.read_bytes():
            continue  # superseded: the new copy holds the same key
        if key_id not in live and key_id in known:
            continue  # retired here
        return f"holds master key {key_id}, which the new copy does not"
    return None


def _remove_superseded(target: Path, new_copy: Path, live: set[str],
                       history: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    """Delete the earlier backup folders in `target` that the new copy makes useless."""
    known = {key_id for record in history for key_id in record.get("key_ids", [])}
    removed, kept = [], []
    for folder in sorted(target.glob(f"{BACKUP_PREFIX}*")):
        if folder == new_copy or folder.is_symlink() or not folder.is_dir():
            continue
        why = _why_kept(folder, new_copy, live, known)
        if why is None:
            shutil.rmtree(folder)
            removed.append(str(folder))
        else:
            kept.append(f"{folder}: {why}")
    if removed:
        fsync_dir(target)
    return removed, kept


def back_up_keys(to: Path) -> dict[str, Any]:
    """Copy the master key files to a new folder under `to`, verify it, delete the earlier
    backup folders there that hold only retired or superseded keys, and record it. Raises
    ValueError for a place that would share the keys' fate (inside the data or key directory).

    The result is the record plus "removed" (folders deleted) and "kept" (folders left, why).
    """
    # A new installation makes its first master key here, as it would on first use.
    keyring = get_store().keyring
    keyring.refresh()
    keys_dir, target = Path(keyring.directory).resolve(), to.resolve()
    for inside in (Path(settings.DATA_DIR).resolve(), keys_dir):
        if target.is_relative_to(inside):
            raise ValueError(f"{target} is inside {inside}: a backup must live elsewhere")
    key_ids = keyring.ids()
    if not key_ids:
        raise ValueError(f"no master keys in {keys_dir}")
    destination = _new_folder(target)
    _copy_verified(keys_dir, destination)
    history = read_backup_history()
    removed, kept = _remove_superseded(target, destination, set(key_ids), history)
    record = {"at": clock.now().isoformat(), "kind": "copy", "to": str(destination),
              "key_ids": key_ids}
    _write_backup_history([*(r for r in history if r.get("to") not in removed), record],
                          {**record, "removed": removed})
    return {**record, "removed": removed, "kept": kept}


def confirm_key_backup(where: str) -> dict[str, Any]:
    """Record that a person copied the key directory somewhere hogo cannot see (a safe); it
    replaces an earlier copy recorded at the same place."""
    if not where.strip():
        raise ValueError("say where the copy is kept")
    record = {"at": clock.now().isoformat(), "kind": "confirmed", "to": where.strip(),
              "key_ids": current_key_ids()}
    _write_backup_history([*read_backup_history(), record], record)
    return record


def retired_key_copies(live: list[str]) -> list[tuple[dict[str, Any], list[str]]]:
    """Each recorded backup still holding master keys not in `live`, with those key ids.

    A folder hogo made is looked at (deleted or emptied of them: not listed); a copy a person
    recorded is listed until a later copy is recorded at the same place.
    """
    history, found = read_backup_history(), []
    for position, record in enumerate(history):
        retired = sorted(set(record.get("key_ids", [])) - set(live))
        if record.get("kind") == "copy":
            folder = Path(record["to"])
            retired = [k for k in retired if (folder / f"master-{k}.key").exists()]
        elif any(later.get("to") == record.get("to") for later in history[position + 1:]):
            retired = []
        if retired:
            found.append((record, retired))
    return found
