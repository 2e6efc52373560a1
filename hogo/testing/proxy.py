"""nginx in front of test servers, with the project's own deploy/ configuration.

The test's nginx.conf includes deploy/nginx-hogo-upstream.conf (its `server` lines pointed at
the test's ports) and deploy/nginx-hogo-locations.conf as they are, in a plain-HTTP server on
a loopback port; every file nginx writes (pid, logs, temporary bodies) stays in the test's
folder. Each answer says which upstream served it (X-Hogo-Upstream, test only), so a test can
see that both servers were used.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"nothing listens on 127.0.0.1:{port} after {timeout} s") from None
            time.sleep(0.1)


def upstream_conf(ports: list[int]) -> str:
    """deploy/nginx-hogo-upstream.conf with its `server` lines replaced by these ports."""
    text = (DEPLOY / "nginx-hogo-upstream.conf").read_text()
    servers = "".join(f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;\n"
                      for port in ports)
    text, count = re.subn(r"(    server 127\.0\.0\.1:\d+[^\n]*\n)+", servers, text)
    if count != 1:
        raise ValueError("deploy/nginx-hogo-upstream.conf has no block of `server` lines")
    return text


class Proxy:
    """nginx on a free loopback port in front of `ports`; `stop()` ends it by its PID."""

    def __init__(self, folder: Path, ports: list[int]) -> None:
        if not Path(NGINX).exists():
            raise RuntimeError("nginx is missing: apt-get install nginx "
                               "(scripts/system_deps.py installs it as root)")
        self.folder, self.port = folder, free_port()
        for name in ("logs", "temp"):
            (folder / name).mkdir(parents=True, exist_ok=True)
        (folder / "upstream.conf").write_text(upstream_conf(ports))
        temp = folder / "temp"
        (folder / "nginx.conf").write_text(f"""
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/logs/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log {folder}/logs/access.log;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {folder}/upstream.conf;
    server {{
        listen 127.0.0.1:{self.port};
        add_header X-Hogo-Upstream $upstream_addr always;
        include {DEPLOY}/nginx-hogo-locations.conf;
    }}
}}
""")
        self.process = subprocess.Popen(
            [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=open(folder / "logs" / "stderr.log", "wb"))  # noqa: SIM115
        wait_for_port(self.port)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def temp_files(self) -> list[Path]:
        """Files nginx spooled to disk (request bodies, responses): there must be none."""
        return [path for path in (self.folder / "temp").rglob("*") if path.is_file()]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
