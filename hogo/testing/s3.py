"""A pytest plugin: one real S3-API server (moto_server) per test session, `s3_endpoint`.

It runs on a free loopback port, with the bucket BUCKET made, and is stopped by its PID at
the end, so multipart uploads, ranged GETs, conditional writes and listings go over HTTP as
they would in production. Tests keep apart by using a prefix of their own.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

BUCKET = "hogo-test"
CREDENTIALS = {"region": "us-east-1", "access_key_id": "testing",
               "secret_access_key": "testing"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import boto3

    executable = Path(sys.executable).parent / "moto_server"
    if not executable.exists():
        pytest.fail(f"{executable} is missing: install the test extras (moto[server])")
    port = _free_port()
    log = tmp_path_factory.mktemp("moto") / "moto_server.log"
    with open(log, "wb") as output:
        server = subprocess.Popen([str(executable), "-H", "127.0.0.1", "-p", str(port)],
                                  stdout=output, stderr=subprocess.STDOUT)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        client = boto3.client("s3", endpoint_url=endpoint, region_name=CREDENTIALS["region"],
                              aws_access_key_id=CREDENTIALS["access_key_id"],
                              aws_secret_access_key=CREDENTIALS["secret_access_key"])
        deadline = time.monotonic() + 30
        while True:
            try:
                client.create_bucket(Bucket=BUCKET)
                break
            except Exception:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"moto_server did not answer on {endpoint}; see {log}"
                                       ) from None
                time.sleep(0.1)
        yield endpoint
    finally:
        os.kill(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(server.pid, signal.SIGKILL)
            server.wait()
