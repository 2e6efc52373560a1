"""Hardening (R-1001): `hogo check` names what a production installation still lacks.

A deliberately weak installation (debug on, no HTTPS, loopback hosts, keys inside the data
directory, a world-readable file, no key backup, the audit anchor beside the database) gets
one line for each and exit 1; a well-configured one exits 0. Django's own system check is
still there as `hogo check --django`. File modes are checked wherever hogo writes (a store
kept outside the data directory too), and a key backup that still holds a retired master key
is named until it is destroyed: `hogo keys backup --to DIR` deletes the earlier ones in DIR.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hogo.web.tests._hogo_process import hogo

# A filesystem other than the data directory's, for the keys of the good installation.
OTHER_FILESYSTEM = Path("/dev/shm")


def _missing_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("MISSING: ")]


def test_a_weak_installation_gets_one_line_for_each_gap(tmp_path):
    data = tmp_path / "var"
    env = {"HOGO_DATA_DIR": str(data), "HOGO_DEBUG": "true"}
    assert hogo("migrate", "-v0", **env).returncode == 0
    assert hogo("keys", "status", **env).returncode == 0  # makes the first master key
    (data / "hogo.sqlite3").chmod(0o644)
    done = hogo("check", **env)
    assert done.returncode == 1, done.stdout + done.stderr
    missing = "\n".join(_missing_lines(done.stdout))
    for expected in ("debug: HOGO_DEBUG is on", "https: HOGO_HTTPS is off",
                     "base url: HOGO_BASE_URL is unset; links in mail point at "
                     "http://127.0.0.1:8000",
                     "hosts: HOGO_ALLOWED_HOSTS names only this machine",
                     f"master keys: {data / 'keys'} is inside the data directory",
                     f"file modes: 1 file(s) or folder(s) readable by other accounts, "
                     f"e.g. {data / 'hogo.sqlite3'}",
                     "master keys: no backup recorded", "audit anchor: "):
        assert expected in missing, (expected, done.stdout)
    assert "note: database: SQLite" in done.stdout  # a note, not a failure


def test_keys_beside_the_sqlite_database_and_a_key_made_after_the_backup(tmp_path):
    data, keys, backups = tmp_path / "var", tmp_path / "keys", tmp_path / "backups"
    env = {"HOGO_DATA_DIR": str(data), "HOGO_KEY_DIR": str(keys)}
    assert hogo("migrate", "-v0", **env).returncode == 0
    backed_up = hogo("keys", "backup", "--to", str(backups), **env)
    assert backed_up.returncode == 0, backed_up.stderr
    assert hogo("keys", "rotate", **env).returncode == 0
    missing = "\n".join(_missing_lines(hogo("check", **env).stdout))
    assert f"master keys: {keys} is on the same filesystem as the database" in missing
    assert "made after the last backup" in missing


def test_a_store_outside_the_data_directory_has_its_file_modes_checked(tmp_path):
    data, objects = tmp_path / "var", tmp_path / "objects"
    env = {"HOGO_DATA_DIR": str(data), "HOGO_STORAGE_ROOT": str(objects)}
    assert hogo("migrate", "-v0", **env).returncode == 0
    objects.mkdir(mode=0o755, exist_ok=True)
    objects.chmod(0o755)
    missing = "\n".join(_missing_lines(hogo("check", **env).stdout))
    assert f"file modes: 1 file(s) or folder(s) readable by other accounts, e.g. {objects}" \
        in missing, missing


def test_backups_holding_a_retired_key_are_named_until_destroyed(tmp_path):
    data, keys = tmp_path / "var", tmp_path / "keys"
    here, elsewhere = tmp_path / "backups", tmp_path / "usb"
    env = {"HOGO_DATA_DIR": str(data), "HOGO_KEY_DIR": str(keys)}
    assert hogo("migrate", "-v0", **env).returncode == 0
    for target in (here, elsewhere):
        assert hogo("keys", "backup", "--to", str(target), **env).returncode == 0
    assert hogo("keys", "backup", "--done", "金庫A", **env).returncode == 0
    (old_copy,) = here.glob("hogo-keys-*")
    (other_copy,) = elsewhere.glob("hogo-keys-*")
    foreign = here / "hogo-keys-another-installation"  # keys hogo never had: never deleted
    foreign.mkdir()
    (foreign / "master-20200101-deadbeef.key").write_text("not ours\n")

    rotated = hogo("keys", "rotate", "--retire", **env)
    assert rotated.returncode == 0, rotated.stderr
    (retired,) = [p.name[len("master-"):-len(".key")] for p in old_copy.glob("master-*.key")]
    assert f"retired: {retired}" in rotated.stdout
    assert "back the master keys up now: `hogo keys backup --to DIR`" in rotated.stdout
    assert f"destroy every older copy of the key directory: it still holds {retired}" \
        in rotated.stdout
    missing = "\n".join(_missing_lines(hogo("check", **env).stdout))
    for place in (old_copy, other_copy, "金庫A"):
        assert f"the backup {place} (" in missing, (place, missing)
    assert f"still holds retired master key(s) {retired}; destroy it" in missing

    backed_up = hogo("keys", "backup", "--to", str(here), **env)
    assert backed_up.returncode == 0, backed_up.stderr
    assert f"deleted the earlier backup {old_copy}: it held only retired" in backed_up.stdout
    assert f"kept the earlier backup {foreign}: holds master key 20200101-deadbeef" \
        in backed_up.stdout
    assert not old_copy.exists() and foreign.exists() and other_copy.exists()
    (new_copy,) = set(here.glob("hogo-keys-*")) - {foreign}
    assert not (new_copy / f"master-{retired}.key").exists()
    assert hogo("keys", "backup", "--done", "金庫A", **env).returncode == 0  # replaced there
    missing = "\n".join(_missing_lines(hogo("check", **env).stdout))
    assert f"the backup {other_copy} (" in missing
    assert str(old_copy) not in missing and "金庫A" not in missing and str(new_copy) not in missing


def test_a_backup_inside_the_data_directory_is_refused(tmp_path):
    data = tmp_path / "var"
    env = {"HOGO_DATA_DIR": str(data)}
    assert hogo("migrate", "-v0", **env).returncode == 0
    done = hogo("keys", "backup", "--to", str(data / "backup"), **env)
    assert done.returncode != 0 and "a backup must live elsewhere" in done.stderr
    assert not (data / "key-backup.json").exists()


def test_a_well_configured_installation_passes(tmp_path):
    if os.stat(OTHER_FILESYSTEM).st_dev == os.stat(tmp_path).st_dev:
        pytest.fail(f"{OTHER_FILESYSTEM} must be another filesystem (tmpfs) than {tmp_path}")
    keys = Path(os.path.realpath(OTHER_FILESYSTEM)) / f"hogo-check-keys-{tmp_path.name}"
    anchors, backups = tmp_path / "anchors", tmp_path / "backups"
    anchors.mkdir()
    env = {"HOGO_DATA_DIR": str(tmp_path / "var"), "HOGO_KEY_DIR": str(keys),
           "HOGO_HTTPS": "true", "HOGO_ALLOWED_HOSTS": "hogo.city.example.jp",
           "HOGO_AUDIT_ANCHOR_DIR": str(anchors), "HOGO_BASE_URL": "https://hogo.city.example.jp"}
    try:
        assert hogo("migrate", "-v0", **env).returncode == 0
        backed_up = hogo("keys", "backup", "--to", str(backups), **env)
        assert backed_up.returncode == 0, backed_up.stderr
        copies = list(backups.glob("hogo-keys-*/master-*.key"))
        assert copies and all(c.stat().st_mode & 0o077 == 0 for c in copies)
        done = hogo("check", **env)
        assert done.returncode == 0, done.stdout + done.stderr
        assert _missing_lines(done.stdout) == []
        assert "OK: nothing missing for production" in done.stdout
    finally:
        for path in sorted(keys.glob("*")):
            path.unlink()
        if keys.exists():
            keys.rmdir()


def test_djangos_own_check_is_still_there(tmp_path):
    done = hogo("check", "--django", HOGO_DATA_DIR=str(tmp_path / "var"))
    assert done.returncode == 0 and "System check identified no issues" in done.stdout


def test_a_base_url_missing_behind_https_warns_and_a_malformed_one_stops_start_up(tmp_path):
    data = str(tmp_path / "var")
    unset = hogo("check", "--django", HOGO_DATA_DIR=data, HOGO_HTTPS="true",
                 HOGO_ALLOWED_HOSTS="hogo.city.example.jp")
    assert "hogo.W001" in unset.stdout + unset.stderr and "HOGO_BASE_URL is unset" in (
        unset.stdout + unset.stderr)
    broken = hogo("check", "--django", HOGO_DATA_DIR=data, HOGO_BASE_URL="hogo.example.jp")
    assert broken.returncode != 0 and "hogo.E001" in broken.stdout + broken.stderr
