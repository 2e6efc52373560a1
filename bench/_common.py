"""A real `hogo serve` on a throw-away installation, for the upload benchmarks and tests.

bench/http_upload.py, bench/upload_load.py and hogo/footage/tests/test_upload_limits.py each
need the same: `hogo` commands on their own data dir (embedded SQLite, nothing of the caller's
HOGO_* or DATABASE_URL), a demo organisation without footage, machine tokens, and a server
on loopback. The server listens on a port the kernel picks (no race for a "free" port), found
from its own "Serving on" line; every wait is bounded and a failure shows the end of the
server's log (hogo.testing.processes.Child); the server is killed by its PID at the end.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from hogo.testing.processes import Child

HOGO = Path(sys.executable).with_name("hogo")


class CommandFailed(RuntimeError):
    """A `hogo` command exited with an error; the message holds its output."""


def clean_env(data_dir: Path, **settings: str) -> dict[str, str]:
    """This process's environment on `data_dir`, without DATABASE_URL and HOGO_* (so the
    embedded SQLite default), plus `settings` (e.g. HOGO_UPLOAD_OPEN_TOTAL="5000")."""
    env = {k: v for k, v in os.environ.items()
           if k != "DATABASE_URL" and not k.startswith("HOGO_")}
    return {**env, "HOGO_DATA_DIR": str(data_dir), **settings}


def hogo(env: dict[str, str], *args: str, timeout: float = 600) -> str:
    """Run one `hogo` command to its end; its standard output."""
    done = subprocess.run([str(HOGO), *args], env=env, capture_output=True, text=True,
                          timeout=timeout)
    if done.returncode:
        raise CommandFailed(f"hogo {' '.join(args)} failed ({done.returncode}):\n"
                            f"{done.stdout}{done.stderr}")
    return done.stdout


def demo_installation(env: dict[str, str]) -> None:
    """Migrate the data dir's database and load the demo organisation without footage."""
    hogo(env, "migrate", "--noinput", "-v", "0")
    hogo(env, "demo", "--no-footage")


def new_token(env: dict[str, str], name: str) -> str:
    """A machine token of the demo organisation (`hogo token create` prints it last)."""
    return hogo(env, "token", "create", name).strip().splitlines()[-1]


def free_port() -> int:
    """A port nothing listens on now (for servers that cannot be asked for port 0)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def healthy(url: str, timeout: float = 10) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/api/health", timeout=timeout) as response:  # noqa: S310
            return response.status == 200
    except OSError:
        return False


@dataclass(frozen=True)
class Server:
    url: str
    port: int
    child: Child

    @property
    def pid(self) -> int:
        return self.child.pid


@contextlib.contextmanager
def serving(env: dict[str, str], log: Path, *options: str,
            timeout: float = 120) -> Iterator[Server]:
    """`hogo serve --port 0 OPTIONS` until the block ends, answering /api/health."""
    env = {**env, "PYTHONUNBUFFERED": "1", "HOGO_LOG_LEVEL": "INFO"}  # its "Serving on" line
    child = Child(["serve", "--host", "127.0.0.1", "--port", "0", *options], log, env)
    try:
        port = int(child.wait_for_line(r"Serving on http://127\.0\.0\.1:(\d+)",
                                       timeout).group(1))
        url = f"http://127.0.0.1:{port}"
        child.wait_for(lambda: healthy(url, timeout=5), "an answer to /api/health", timeout,
                       interval=0.2)
        yield Server(url, port, child)
    finally:
        child.kill()
