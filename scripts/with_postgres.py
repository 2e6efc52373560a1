#!/usr/bin/env python3
"""Run a command against a private, throw-away PostgreSQL server.

A fresh cluster is made in a temporary directory on a free loopback port, DATABASE_URL points
the command at it, and the server is stopped by its PID afterwards whatever the command did.
Nothing touches the machine's own PostgreSQL cluster.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time


def pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        sys.exit("PostgreSQL server binaries not found: run scripts/system_deps.py as root")
    return found[-1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def as_owner(args: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root, so root runs it as the 'postgres' user."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


def main() -> int:
    if len(sys.argv) < 2:
        sys.exit("usage: with_postgres.py COMMAND [ARGS...]")
    datadir = tempfile.mkdtemp(prefix="hogo-pg-")
    if os.geteuid() == 0:
        pw = pwd.getpwnam("postgres")
        os.chown(datadir, pw.pw_uid, pw.pw_gid)
    port = free_port()
    subprocess.run(as_owner([pg_bin("initdb"), "-D", datadir, "-U", "postgres", "-A", "trust",
                             "-E", "UTF8", "--locale=C.UTF-8"]),
                   check=True, stdout=subprocess.DEVNULL)
    server = subprocess.Popen(as_owner([
        pg_bin("postgres"), "-D", datadir, "-p", str(port), "-k", datadir,
        "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
    ]), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            ready = subprocess.run([pg_bin("pg_isready"), "-h", "127.0.0.1", "-p", str(port)],
                                   capture_output=True)
            if ready.returncode == 0:
                break
            time.sleep(0.1)
        else:
            sys.exit("PostgreSQL did not start")
        subprocess.run([pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres",
                        "hogo"], check=True)
        env = dict(os.environ, DATABASE_URL=f"postgres://postgres@127.0.0.1:{port}/hogo")
        print(f"[hogo] PostgreSQL on 127.0.0.1:{port} (pid {server.pid})", flush=True)
        return subprocess.run(sys.argv[1:], env=env).returncode
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(datadir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
