"""The store is built from a plain dict, so Django settings configure it without code."""

import io

import pytest

from hogo.storage import LocalBackend, S3Backend, StorageError, store_from_settings
from hogo.storage.tests.conftest import BUCKET


def test_a_local_store_from_settings(tmp_path):
    store = store_from_settings({"backend": "local", "root": str(tmp_path / "objects"),
                                 "keys_dir": tmp_path / "keys", "chunk_size": 4096})
    assert isinstance(store.backend, LocalBackend) and store.chunk_size == 4096
    stored = store.put(io.BytesIO(b"hello"))
    assert store.read_all(stored.object_id, stored.wrapped_key) == b"hello"


def test_an_s3_store_from_settings(tmp_path, s3_endpoint):
    store = store_from_settings({
        "backend": "s3", "bucket": BUCKET, "prefix": "settings/", "endpoint_url": s3_endpoint,
        "region": "us-east-1", "access_key_id": "testing", "secret_access_key": "testing",
        "keys_dir": tmp_path / "keys", "spool_dir": tmp_path / "spool"})
    assert isinstance(store.backend, S3Backend)
    stored = store.put(io.BytesIO(b"hello"))
    assert store.read_all(stored.object_id, stored.wrapped_key) == b"hello"
    store.shred(stored.object_id)


@pytest.mark.parametrize(("settings", "message"), [
    ({"backend": "local", "root": "x", "keys_dir": "k", "rooot": "y"}, "unknown key 'rooot'"),
    ({"backend": "local", "root": "x"}, "keys_dir"),
    ({"backend": "local", "keys_dir": "k"}, "needs 'root'"),
    ({"backend": "s3", "keys_dir": "k"}, "needs 'bucket'"),
    ({"backend": "ftp", "keys_dir": "k"}, "'local' or 's3'"),
])
def test_bad_settings_name_the_problem(settings, message):
    with pytest.raises(StorageError, match=message):
        store_from_settings(settings)
