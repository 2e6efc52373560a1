"""As an administrator would: drop a trigger in the sqlite3 shell, see `verify` say so, and
`hogo migrate` put it back."""

import os
import shutil
import sqlite3
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")),
                                reason="exercises the embedded SQLite file")


def hogo(data_dir, *args):
    env = dict(os.environ, HOGO_DATA_DIR=str(data_dir),
               HOGO_AUDIT_ANCHOR_DIR=str(data_dir.parent / "anchors"))
    env.pop("DATABASE_URL", None)
    exe = shutil.which("hogo", path=os.path.dirname(sys.executable))
    return subprocess.run([exe, *args], env=env, capture_output=True, text=True, timeout=300)


def test_dropped_trigger_is_reported_and_migrate_restores_it(tmp_path):
    data = tmp_path / "data"
    assert hogo(data, "migrate", "-v", "0").returncode == 0
    fresh = hogo(data, "audit", "verify")  # nothing yet, nothing audited: a new install
    assert fresh.returncode == 0 and "audit chain OK: 0 entries" in fresh.stdout, fresh.stderr
    assert hogo(data, "demo", "--no-footage").returncode == 0

    db = sqlite3.connect(data / "hogo.sqlite3")
    db.execute("DROP TRIGGER audit_entry_no_update")
    db.commit()
    broken = hogo(data, "audit", "verify")
    assert broken.returncode == 1
    assert ("audit chain BROKEN: append-only trigger audit_entry_no_update on "
            "audit_auditentry is missing") in broken.stderr
    assert "Traceback" not in broken.stderr

    assert hogo(data, "migrate", "-v", "0").returncode == 0
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("UPDATE audit_auditentry SET actor = 'user:nobody' WHERE seq = 1")
    again = hogo(data, "audit", "verify")
    assert again.returncode == 0, again.stderr
