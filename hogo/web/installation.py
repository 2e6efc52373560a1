"""What a production installation still lacks (`hogo check`), and the key-backup record.

Each finding is one line a system administrator can act on. Only what hogo can see from its
own process is checked: settings, the file modes and places of the data and the keys, and
whether someone recorded a backup of the master keys. A lost key directory makes every
stored original undecryptable, so "no backup recorded" counts as missing like the rest.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import checks

from hogo import clock
from hogo.web.filemodes import loose_paths

BACKUP_RECORD = "key-backup.json"
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]", "testserver"}
# Django's deployment checks that hogo's own lines already name (HTTPS, DEBUG, hosts), and the
# two HSTS options hogo leaves off on purpose (subdomains and preload are the site's choice).
DJANGO_CHECKS_COVERED = {"security.W004", "security.W005", "security.W008", "security.W012",
                         "security.W016", "security.W018", "security.W020", "security.W021"}


@dataclass(frozen=True)
class Finding:
    missing: bool  # False: a note only
    text: str


def _key_dir() -> Path:
    return Path(settings.HOGO_STORAGE["keys_dir"]).resolve()


def _sqlite_file() -> Path | None:
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        return None
    return Path(database["NAME"]).resolve()


def _key_ids(directory: Path) -> list[str]:
    return sorted(p.name[len("master-"):-len(".key")] for p in directory.glob("master-*.key"))


def read_backup_record() -> dict[str, Any] | None:
    path = Path(settings.DATA_DIR) / BACKUP_RECORD
    try:
        return json.loads(path.read_text())
    except (FileNotFoundError, ValueError):
        return None


def _write_backup_record(record: dict[str, Any]) -> None:
    from hogo.audit import services as audit

    path = Path(settings.DATA_DIR) / BACKUP_RECORD
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n")
    temporary.replace(path)
    audit.record("keys.backed_up", actor="system", detail=record)


def back_up_keys(to: Path) -> dict[str, Any]:
    """Copy the master key files to a new folder under `to` and record it. Raises ValueError
    for a place that would share the keys' fate (inside the data or key directory)."""
    from hogo.footage.storage import get_store

    # A new installation makes its first master key here, as it would on first use.
    keys_dir, target = Path(get_store().keyring.directory).resolve(), to.resolve()
    for inside in (Path(settings.DATA_DIR).resolve(), keys_dir):
        if target.is_relative_to(inside):
            raise ValueError(f"{target} is inside {inside}: a backup must live elsewhere")
    key_ids = _key_ids(keys_dir)
    if not key_ids:
        raise ValueError(f"no master keys in {keys_dir}")
    stamp = clock.now().astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    destination = target / f"hogo-keys-{stamp}"
    destination.mkdir(mode=0o700, parents=True)
    for source in sorted(keys_dir.iterdir()):
        if source.is_file():
            copied = destination / source.name
            shutil.copyfile(source, copied)
            copied.chmod(0o600)
            if copied.read_bytes() != source.read_bytes():
                raise ValueError(f"{copied} does not read back as {source}")
            with copied.open("rb") as handle:
                os.fsync(handle.fileno())
    record = {"at": clock.now().isoformat(), "kind": "copy", "to": str(destination),
              "key_ids": key_ids}
    _write_backup_record(record)
    return record


def confirm_key_backup(where: str) -> dict[str, Any]:
    """Record that a person copied the key directory somewhere hogo cannot see (a safe)."""
    if not where.strip():
        raise ValueError("say where the copy is kept")
    record = {"at": clock.now().isoformat(), "kind": "confirmed", "to": where.strip(),
              "key_ids": _key_ids(_key_dir())}
    _write_backup_record(record)
    return record


def _backup_findings() -> list[Finding]:
    record = read_backup_record()
    if record is None:
        return [Finding(True, "master keys: no backup recorded; run `hogo keys backup --to DIR` "
                              "(or `--done WHERE` after copying the key directory yourself)")]
    not_covered = sorted(set(_key_ids(_key_dir())) - set(record.get("key_ids", [])))
    if not_covered:
        return [Finding(True, f"master keys: {', '.join(not_covered)} made after the last backup "
                              f"({record.get('at', '?')}); back the key directory up again")]
    return []


def _key_place_findings() -> list[Finding]:
    keys_dir, data_dir = _key_dir(), Path(settings.DATA_DIR).resolve()
    if keys_dir.is_relative_to(data_dir):
        return [Finding(True, f"master keys: {keys_dir} is inside the data directory {data_dir}; "
                              "one backup or disk image holds keys and data together "
                              "(set HOGO_KEY_DIR elsewhere)")]
    database = _sqlite_file()
    if database is not None and database.parent.exists() and keys_dir.exists() and \
            database.parent.stat().st_dev == keys_dir.stat().st_dev:
        return [Finding(True, f"master keys: {keys_dir} is on the same filesystem as the "
                              f"database {database}; keep them on another disk or machine")]
    return []


def _mode_findings() -> list[Finding]:
    roots = [p for p in {Path(settings.DATA_DIR).resolve(), _key_dir()} if p.exists()]
    loose = loose_paths(sorted(roots))
    if not loose:
        return []
    return [Finding(True, f"file modes: {len(loose)} file(s) or folder(s) readable by other "
                          f"accounts, e.g. {loose[0]}; `hogo migrate` or `hogo serve` make "
                          "them private (0600/0700)")]


def _anchor_findings() -> list[Finding]:
    from hogo.audit import services as audit

    problems = getattr(audit, "anchor_problems", None)
    return [Finding(True, f"audit anchor: {p}") for p in (problems() if problems else [])]


def _django_findings() -> list[Finding]:
    messages = checks.run_checks(include_deployment_checks=True)
    return [Finding(True, f"django: {m.id}: {m.msg.splitlines()[0]}") for m in messages
            if m.level >= checks.WARNING and not m.is_silenced()
            and m.id not in DJANGO_CHECKS_COVERED]


def findings() -> list[Finding]:
    """Everything a production installation still lacks, then notes."""
    found: list[Finding] = []
    if settings.DEBUG:
        found.append(Finding(True, "debug: HOGO_DEBUG is on; never in production"))
    if not getattr(settings, "HOGO_HTTPS", False):
        found.append(Finding(True, "https: HOGO_HTTPS is off; set it behind the HTTPS proxy "
                                   "(secure cookies, HSTS, redirect to HTTPS)"))
    hosts = {h.strip() for h in settings.ALLOWED_HOSTS if h.strip()}
    if hosts <= LOOPBACK_HOSTS:
        found.append(Finding(True, "hosts: HOGO_ALLOWED_HOSTS names only this machine "
                                   f"({', '.join(sorted(hosts)) or 'none'}); add the "
                                   "server's name"))
    found += _key_place_findings() + _mode_findings() + _backup_findings()
    found += _anchor_findings() + _django_findings()
    if _sqlite_file() is not None:
        found.append(Finding(False, "database: SQLite (fine for one office); PostgreSQL via "
                                    "DATABASE_URL for several servers"))
    return found
