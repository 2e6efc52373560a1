"""As a new user would: edit the real SQLite file with sqlite3, then run `hogo audit verify`."""

import os
import shutil
import sqlite3
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")),
                                reason="exercises the embedded SQLite file")


def hogo(data_dir, *args):
    env = dict(os.environ, HOGO_DATA_DIR=str(data_dir))
    env.pop("DATABASE_URL", None)
    exe = shutil.which("hogo", path=os.path.dirname(sys.executable))
    return subprocess.run([exe, *args], env=env, capture_output=True, text=True, timeout=300)


def test_verify_names_the_row_edited_in_the_sqlite_shell(tmp_path):
    assert hogo(tmp_path, "migrate", "-v", "0").returncode == 0
    assert hogo(tmp_path, "demo", "--no-footage").returncode == 0
    ok = hogo(tmp_path, "audit", "verify")
    assert ok.returncode == 0, ok.stderr
    db = sqlite3.connect(tmp_path / "hogo.sqlite3")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("UPDATE audit_auditentry SET actor = 'user:nobody' WHERE seq = 4")
    db.execute("DROP TRIGGER audit_entry_no_update")
    db.execute("UPDATE audit_auditentry SET actor = 'user:nobody' WHERE seq = 4")
    db.commit()
    broken = hogo(tmp_path, "audit", "verify")
    assert broken.returncode == 1
    assert "seq=4" in broken.stderr and "changed" in broken.stderr

    db.execute("DROP TRIGGER audit_entry_no_delete")
    db.execute("DELETE FROM audit_auditentry WHERE seq = 4")
    db.commit()
    removed = hogo(tmp_path, "audit", "verify")
    assert removed.returncode == 1 and "removed" in removed.stderr
