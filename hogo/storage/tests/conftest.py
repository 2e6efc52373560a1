"""One storage suite, two backends: every `rig` test runs on a local directory and on S3.

The S3 side talks to a real S3-API server (moto_server, the session's `s3_endpoint` from
hogo/testing/s3.py), so multipart uploads, ranged GETs and conditional writes go over HTTP as
they would in production.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from hogo.storage import EncryptedStore, Keyring, LocalBackend, S3Backend
from hogo.testing.s3 import BUCKET, CREDENTIALS

__all__ = ["BUCKET", "CREDENTIALS", "Rig"]
CHUNK = 1024  # small chunks: many-chunk cases stay fast


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
