"""File modes (R-1001): nothing under HOGO_DATA_DIR is readable by another local account.

The database holds GPS tracks and names in plaintext; staged uploads and keys sit beside it.
The process umask makes new files 0600 and folders 0700 (static files too: only hogo serves
them); `hogo migrate` and `hogo serve` repair a data directory left looser before. Tried
with the real `hogo` command started from a shell whose umask is the usual 022.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from hogo.web.tests._hogo_process import hogo


def _readable_by_others(root: Path) -> list[str]:
    return [f"{stat.S_IMODE(p.lstat().st_mode):04o} {p}"
            for p in [root, *root.rglob("*")] if p.lstat().st_mode & 0o077]


def test_a_fresh_data_directory_is_private(tmp_path):
    data = tmp_path / "var"
    for command in (["migrate"], ["collectstatic", "--noinput"]):
        done = hogo(*command, "-v0", HOGO_DATA_DIR=str(data))
        assert done.returncode == 0, done.stderr
    assert (data / "hogo.sqlite3").exists() and (data / "secret_key").exists()
    assert any((data / "static").rglob("app.css"))  # Django's storages chmod 0644 by default
    assert _readable_by_others(data) == []


def test_demo_footage_keys_and_objects_are_private(tmp_path):
    data = tmp_path / "var"
    assert hogo("migrate", "-v0", HOGO_DATA_DIR=str(data)).returncode == 0
    done = hogo("demo", HOGO_DATA_DIR=str(data))
    assert done.returncode == 0, done.stderr
    assert any((data / "keys").glob("master-*.key")) and any((data / "objects").rglob("*"))
    assert _readable_by_others(data) == []


def test_start_tightens_a_data_directory_made_looser_before(tmp_path):
    data = tmp_path / "var"
    assert hogo("migrate", "-v0", HOGO_DATA_DIR=str(data)).returncode == 0
    (data / "spool").mkdir()
    (data / "spool" / "staged.part").write_bytes(b"\0" * 16)
    for path in (data, data / "hogo.sqlite3", data / "spool", data / "spool" / "staged.part"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    done = hogo("migrate", "-v0", HOGO_DATA_DIR=str(data))
    assert done.returncode == 0, done.stderr
    assert _readable_by_others(data) == []
    assert stat.S_IMODE((data / "hogo.sqlite3").stat().st_mode) == 0o600
    assert stat.S_IMODE((data / "spool").stat().st_mode) == 0o700
    assert f"file mode of {data / 'hogo.sqlite3'} tightened from 0644 to 0600" in done.stderr


def test_the_wsgi_entry_point_writes_private_files(tmp_path):
    """A WSGI server other than `hogo serve` imports hogo.wsgi: the same umask applies."""
    written = tmp_path / "written"
    code = "import sys, hogo.wsgi; open(sys.argv[1], 'w').close(); print(sys.argv[1])"
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("HOGO_", "DJANGO"))}
    done = subprocess.run([sys.executable, "-c", code, str(written)], capture_output=True,
                          text=True, timeout=120, preexec_fn=lambda: os.umask(0o022),
                          env={**environment, "HOGO_DATA_DIR": str(tmp_path / "var")})
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
