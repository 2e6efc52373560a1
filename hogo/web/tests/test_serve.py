"""The real `hogo serve` process: waitress answers in Japanese and its worker runs jobs."""

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

pytestmark = pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")),
                                reason="exercises the embedded SQLite default")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_server_and_worker_start(tmp_path):
    env = dict(os.environ, HOGO_DATA_DIR=str(tmp_path))
    env.pop("DATABASE_URL", None)
    hogo = shutil.which("hogo", path=os.path.dirname(sys.executable))
    subprocess.run([hogo, "migrate", "-v", "0"], env=env, check=True, timeout=300)
    subprocess.run([hogo, "demo", "--no-footage"], env=env, check=True, capture_output=True,
                   timeout=300)
    port = free_port()
    server = subprocess.Popen([hogo, "serve", "--port", str(port)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        body = ""
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/") as r:
                    body = r.read().decode()
                break
            except OSError:
                time.sleep(0.2)
        assert "ログイン" in body
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/no/such/page/")
            raise AssertionError("a missing page must answer 404")
        except urllib.error.HTTPError as error:  # DEBUG is off: a Japanese page, no traceback
            page = error.read().decode()
            assert error.code == 404 and "ページが見つかりません" in page
            assert "Traceback" not in page and "DEBUG" not in page
        verified = 0
        for _ in range(100):
            db = sqlite3.connect(tmp_path / "hogo.sqlite3")
            verified = db.execute("SELECT count(*) FROM audit_auditentry "
                                  "WHERE action = 'audit.verified'").fetchone()[0]
            db.close()
            if verified:
                break
            time.sleep(0.2)
        assert verified == 1, "the in-process worker did not run the chain verification job"
    finally:
        server.terminate()
        server.wait(timeout=30)
