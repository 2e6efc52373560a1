"""In a versioned bucket, shredding leaves no old version of the blob behind."""

import io
import os

from hogo.storage import EncryptedStore, Keyring, S3Backend
from hogo.testing.s3 import CREDENTIALS
from hogo.testing.stores import new_bucket


def versioned_store(endpoint: str, tmp_path) -> EncryptedStore:
    bucket = new_bucket(endpoint, versioned=True)
    backend = S3Backend(bucket, endpoint_url=endpoint, spool_dir=tmp_path / "spool",
                        part_size=5 * 1024 * 1024, **CREDENTIALS)
    return EncryptedStore(backend, Keyring.load_or_create(tmp_path / "keys"), chunk_size=1024)


def versions(store: EncryptedStore) -> list[tuple[str, str]]:
    backend = store.backend
    answer = backend.client.list_object_versions(Bucket=backend.bucket)
    return [(v["Key"], v["VersionId"]) for v in
            answer.get("Versions", []) + answer.get("DeleteMarkers", [])]


def test_shred_removes_every_version_and_delete_marker(s3_endpoint, tmp_path):
    store = versioned_store(s3_endpoint, tmp_path)
    kept = store.put(io.BytesIO(os.urandom(2000)))
    gone = store.put(io.BytesIO(os.urandom(7 * 1024 * 1024)))  # multipart
    backend = store.backend
    # An old delete and a re-put leave a delete marker and two versions under the same name.
    backend.client.delete_object(Bucket=backend.bucket, Key=backend.key(gone.object_id))
    backend.client.put_object(Bucket=backend.bucket, Key=backend.key(gone.object_id),
                              Body=b"HOGOBLOB stale version")
    assert len([k for k, _ in versions(store) if k.endswith(gone.object_id)]) == 3
    assert store.shred(gone.object_id).existed
    assert [k for k, _ in versions(store)] == [backend.key(kept.object_id)]
    assert store.read_all(kept.object_id, kept.wrapped_key)


def test_shred_of_a_name_that_is_only_a_prefix_of_another_keeps_the_other(s3_endpoint,
                                                                         tmp_path):
    store = versioned_store(s3_endpoint, tmp_path)
    backend = store.backend
    first = store.put(io.BytesIO(b"first"))
    longer = first.object_id + "-sidecar"  # a name that starts with the first one's
    backend.write(longer, [b"other"])
    store.shred(first.object_id)
    assert backend.exists(longer) and not backend.exists(first.object_id)
