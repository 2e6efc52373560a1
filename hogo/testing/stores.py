"""A test's own object store, local or on the S3 server, switched in through settings.

Tests that commit (transactional tests) and check the store against the catalogue need a
store that holds their blobs only: the session's shared store also keeps blobs of tests whose
rows were rolled back.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hogo.testing.s3 import CREDENTIALS


def store_settings(kind: str, directory: Path, *, endpoint: str | None = None,
                   chunk_size: int | None = None, versioned: bool = False) -> dict[str, Any]:
    """HOGO_STORAGE for a store of its own under `directory` (local) or in a new bucket on
    the moto server at `endpoint` (s3; `versioned` turns bucket versioning on)."""
    settings: dict[str, Any] = {"keys_dir": str(directory / "keys")}
    if chunk_size:
        settings["chunk_size"] = chunk_size
    if kind == "local":
        return {**settings, "backend": "local", "root": str(directory / "objects")}
    if kind == "s3":
        if not endpoint:
            raise ValueError("an s3 test store needs the moto endpoint")
        return {**settings, "backend": "s3", "bucket": new_bucket(endpoint, versioned=versioned),
                "prefix": "", "endpoint_url": endpoint, "spool_dir": str(directory / "spool"),
                **CREDENTIALS}
    raise ValueError(f"store kind must be 'local' or 's3', got {kind!r}")


def new_bucket(endpoint: str, *, versioned: bool = False) -> str:
    """A bucket of its own: listings (of objects, of versions) see this test's blobs only."""
    import boto3

    name = f"hogo-{uuid.uuid4().hex[:20]}"
    client = boto3.client("s3", endpoint_url=endpoint, region_name=CREDENTIALS["region"],
                          aws_access_key_id=CREDENTIALS["access_key_id"],
                          aws_secret_access_key=CREDENTIALS["secret_access_key"])
    client.create_bucket(Bucket=name)
    if versioned:
        client.put_bucket_versioning(Bucket=name,
                                     VersioningConfiguration={"Status": "Enabled"})
    return name


@contextlib.contextmanager
def using_store(configured: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Make `get_store()` the store of `configured` for the block, then restore the old one."""
    from django.conf import settings

    from hogo.footage import objects

    saved = settings.HOGO_STORAGE
    settings.HOGO_STORAGE = configured
    objects.reset()
    try:
        yield configured
    finally:
        settings.HOGO_STORAGE = saved
        objects.reset()
