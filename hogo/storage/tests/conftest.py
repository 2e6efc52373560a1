"""One storage suite, two backends: every `rig` test runs on a local directory and on S3.

The S3 side talks to a real S3-API server (moto_server) started here once per session on a
free loopback port and stopped by its PID at the end, so multipart uploads, ranged GETs and
conditional writes go over HTTP as they would in production.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from hogo.storage import EncryptedStore, Keyring, LocalBackend, S3Backend

CHUNK = 1024  # small chunks: many-chunk cases stay fast
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
        client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                              aws_access_key_id="testing", aws_secret_access_key="testing")
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


@dataclass
class Rig:
    """A store on one backend, plus raw access to its blobs for tampering tests."""

    kind: str
    store: EncryptedStore
    keys_dir: Path

    @property
    def backend(self) -> LocalBackend | S3Backend:
        return self.store.backend  # type: ignore[return-value]

    def raw(self, name: str) -> bytes:
        return self.backend.read_range(name, 0, self.backend.size(name))

    def replace(self, name: str, data: bytes) -> None:
        """Overwrite a blob behind the store's back, as an attacker or a bad disk would."""
        backend = self.backend
        if isinstance(backend, LocalBackend):
            path = backend.path(name)
            path.chmod(0o640)
            path.write_bytes(data)
        else:
            backend.client.put_object(Bucket=backend.bucket, Key=backend.key(name), Body=data)

    def every_stored_byte(self) -> list[tuple[str, bytes]]:
        """Every file under the storage root (spool included), or every object in the bucket."""
        backend = self.backend
        if isinstance(backend, LocalBackend):
            return [(str(path), path.read_bytes())
                    for path in sorted(backend.root.rglob("*")) if path.is_file()]
        pages = backend.client.get_paginator("list_objects_v2").paginate(
            Bucket=backend.bucket, Prefix=backend.prefix)
        return [(item["Key"], backend.client.get_object(
                    Bucket=backend.bucket, Key=item["Key"])["Body"].read())
                for page in pages for item in page.get("Contents", [])]


@pytest.fixture(params=["local", "s3"])
def rig(request: pytest.FixtureRequest, tmp_path: Path) -> Rig:
    keyring = Keyring.load_or_create(tmp_path / "keys")
    if request.param == "local":
        backend: LocalBackend | S3Backend = LocalBackend(tmp_path / "objects")
    else:
        endpoint = request.getfixturevalue("s3_endpoint")
        backend = S3Backend(BUCKET, prefix=f"{uuid.uuid4().hex}/", endpoint_url=endpoint,
                            spool_dir=tmp_path / "spool", part_size=5 * 1024 * 1024,
                            **CREDENTIALS)
    return Rig(request.param, EncryptedStore(backend, keyring, chunk_size=CHUNK),
               tmp_path / "keys")
