"""What a production installation still lacks (`hogo check`).

Each finding is one line a system administrator can act on. Only what hogo can see from its
own process is checked: settings, the file modes and places of the data and the keys, and
whether someone recorded a backup of the master keys (hogo.footage.keys keeps that record).
A lost key directory makes every stored original undecryptable, so "no backup recorded"
counts as missing like the rest; a backup still holding a retired key keeps erased footage
decryptable from old database backups, so it counts too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import checks

from hogo.footage.keys import current_key_ids, read_backup_record, retired_key_copies
from hogo.storage.errors import StorageError
from hogo.web.filemodes import loose_paths, private_dirs
from hogo.web.installation_scale import scale_findings

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]", "testserver"}
# Django's deployment checks that hogo's own lines already name (HTTPS, DEBUG, hosts), and the
# two HSTS options hogo leaves off on purpose (subdomains and preload are the site's choice).
DJANGO_CHECKS_COVERED = {"hogo.W001", "hogo.E001",  # hogo's own line: "base url: ..."
                         "security.W004", "security.W005", "security.W008", "security.W012",
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


def _backup_findings() -> list[Finding]:
    try:
        live = current_key_ids()
    except StorageError as error:
        return [Finding(True, f"master keys: {error}")]
    found = [Finding(True, f"master keys: the backup {record['to']} ({record.get('at', '?')}) "
                           f"still holds retired master key(s) {', '.join(retired)}; destroy "
                           f"it: with an old database backup it decrypts erased footage "
                           f"({_how_to_replace(record)})")
             for record, retired in retired_key_copies(live)]
    record = read_backup_record()
    if record is None:
        return [*found, Finding(True, "master keys: no backup recorded; run `hogo keys backup "
                                      "--to DIR` (or `--done WHERE` after copying the key "
                                      "directory yourself)")]
    not_covered = sorted(set(live) - set(record.get("key_ids", [])))
    if not_covered:
        found.append(Finding(True, f"master keys: {', '.join(not_covered)} made after the last "
                                   f"backup ({record.get('at', '?')}); back the key directory "
                                   "up again"))
    return found


def _how_to_replace(record: dict[str, Any]) -> str:
    if record.get("kind") == "copy":
        return (f"`hogo keys backup --to {Path(record['to']).parent}` makes a new copy and "
                "deletes it")
    return f"then record the new copy kept there with `hogo keys backup --done '{record['to']}'`"


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
    loose = loose_paths(private_dirs())  # exactly what `tighten` repairs
    if not loose:
        return []
    return [Finding(True, f"file modes: {len(loose)} file(s) or folder(s) readable by other "
                          f"accounts, e.g. {loose[0]}; `hogo migrate` or `hogo serve` make "
                          "them private (0600/0700)")]


def _anchor_findings() -> list[Finding]:
    from hogo.audit import services as audit

    return [Finding(True, f"audit anchor: {p}") for p in audit.anchor_problems()]


def _django_findings() -> list[Finding]:
    messages = checks.run_checks(include_deployment_checks=True)
    return [Finding(True, f"django: {m.id}: {m.msg.splitlines()[0]}") for m in messages
            if m.level >= checks.WARNING and not m.is_silenced()
            and m.id not in DJANGO_CHECKS_COVERED]


def base_url_problem() -> str:
    """Why links in mail would not reach people, or "" (HOGO_BASE_URL set and well formed)."""
    if not getattr(settings, "HOGO_BASE_URL_SET", False):
        return (f"base url: HOGO_BASE_URL is unset; links in mail point at "
                f"{settings.HOGO_BASE_URL} (set it to the address people open hogo at, "
                "e.g. https://hogo.city.example.jp)")
    if not settings.HOGO_BASE_URL.startswith(("http://", "https://")):
        return (f"base url: HOGO_BASE_URL={settings.HOGO_BASE_URL!r} must start with "
                "https:// (or http://)")
    return ""


def base_url_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """A malformed HOGO_BASE_URL is an error at start-up; an unset one behind HTTPS (a real
    installation) a warning."""
    problem = base_url_problem()
    if not problem:
        return []
    if getattr(settings, "HOGO_BASE_URL_SET", False):
        return [checks.Error(problem, id="hogo.E001")]
    if getattr(settings, "HOGO_HTTPS", False):
        return [checks.Warning(problem, id="hogo.W001")]
    return []


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
    if problem := base_url_problem():
        found.append(Finding(True, problem))
    found += _key_place_findings() + _mode_findings() + _backup_findings()
    found += _anchor_findings() + _django_findings()
    found += [Finding(missing, text) for missing, text in scale_findings()]
    if _sqlite_file() is not None:
        found.append(Finding(False, "database: SQLite (fine for one office); PostgreSQL via "
                                    "DATABASE_URL for several servers"))
    return found
