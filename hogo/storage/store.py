"""The one storage interface of hogo: encrypted, content-addressed, immutable originals.

An object's id is the hex SHA-256 of its plaintext, so a re-sent file is recognised and stored
once. Each object gets a fresh random data key; the caller keeps the wrapped key (text, from
`WrappedKey.to_text`) next to the object id in its database, and the master keys stay in the
key directory. Neither the database nor the blobs alone reveal any footage.

Crypto-shredding (`shred`): the caller destroys its wrapped-key row and the store deletes the
blob. Without the wrapped key, any copy of the blob left elsewhere (a backup, an old S3 object
version) is undecryptable; deleting the blob too frees the space and leaves no ciphertext.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
import re
import secrets
import tempfile
from collections.abc import Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from hogo import clock
from hogo.storage.backends import BlobBackend, LocalBackend, S3Backend
from hogo.storage.errors import BlobNotFound, HashMismatch, IntegrityError, StorageError
from hogo.storage.format import (
    DEFAULT_CHUNK_SIZE,
    Checkpoint,
    ChunkWriter,
    Header,
    Source,
    decrypt_range,
    encrypt_stream,
    read_header,
)
from hogo.storage.keys import Keyring, WrappedKey

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_UPLOAD_ID = re.compile(r"^[0-9a-f]{32}$")
SEAL_VERSION = "s1"


def _sha256(value: str) -> str:
    value = value.strip().lower()
    if not _SHA256.match(value):
        raise ValueError(f"not a hex SHA-256: {value[:70]!r}")
    return value


@dataclass(frozen=True)
class StoredObject:
    """The result of storing: keep object_id, size and wrapped_key.to_text() in the database.

    `deduplicated` means a blob with this content already existed and was kept as it was; it is
    encrypted under the data key the first store returned, so `wrapped_key` is None here and the
    caller refers to its existing row.
    """

    object_id: str
    size: int
    wrapped_key: WrappedKey | None
    deduplicated: bool


@dataclass(frozen=True)
class ShredReceipt:
    """What a shred removed, for the deletion record."""

    object_id: str
    existed: bool
    blob_size: int
    at: dt.datetime


class Upload:
    """A resumable upload of declared size, encrypted chunk by chunk into the spool.

    Keep `upload_id` and `wrapped_key.to_text()` in the database to `resume_upload` it. Open it
    for one request and `close` it at the end, so no file stays open between requests:
    `offset` includes bytes of an incomplete chunk still in memory, `durable_offset` only the
    whole chunks on disk, which is all that a later `resume_upload` continues from. `close`
    returns a checkpoint (the hash state over those chunks) that makes the next
    `resume_upload` cheap. One request at a time per upload.
    """

    def __init__(self, upload_id: str, wrapped_key: WrappedKey, writer: ChunkWriter,
                 path: Path) -> None:
        self.upload_id = upload_id
        self.wrapped_key = wrapped_key
        self.writer = writer
        self.path = path

    @property
    def size(self) -> int:
        return self.writer.size

    @property
    def offset(self) -> int:
        return self.writer.offset

    @property
    def durable_offset(self) -> int:
        return self.writer.durable_offset

    @property
    def complete(self) -> bool:
        return self.writer.complete

    def append(self, data: bytes | memoryview) -> None:
        self.writer.append(data)

    def write_chunk(self, index: int, plaintext: bytes | memoryview) -> None:
        self.writer.write_chunk(index, plaintext)

    def close(self) -> Checkpoint | None:
        """Close the file; a partial chunk in memory is dropped. Returns the checkpoint to
        pass to `resume_upload` (which re-reads everything if the file no longer matches it)."""
        if self.writer.file.closed:
            return None
        try:
            return self.writer.checkpoint()
        finally:
            self.writer.file.close()


class EncryptedStore:
    """Encrypted, content-addressed objects in a backend; data keys wrapped by a keyring."""

    def __init__(self, backend: BlobBackend, keyring: Keyring, *,
                 chunk_size: int = DEFAULT_CHUNK_SIZE) -> None:
        self.backend = backend
        self.keyring = keyring
        self.chunk_size = chunk_size
        Header(chunk_size, 0, bytes(8))  # refuse a bad chunk size now, not at the first put

    def __repr__(self) -> str:
        return f"EncryptedStore({self.backend!r})"

    # -- storing -------------------------------------------------------------------------

    def put(self, source: Source, expected_sha256: str | None = None, *,
            size: int | None = None) -> StoredObject:
        """Hash, encrypt and store `source` (a binary file or an iterable of bytes) in one pass.

        With `expected_sha256`, data hashing to anything else raises HashMismatch and leaves
        nothing behind; if that object already exists the data is only hashed, not stored again.
        """
        expected = _sha256(expected_sha256) if expected_sha256 else None
        if expected and self.backend.exists(expected):
            actual, length = _hash_only(source, self.chunk_size)
            if actual != expected:
                raise HashMismatch(expected, actual)
            return StoredObject(expected, length, None, True)
        data_key = AESGCM.generate_key(bit_length=256)
        fd, name = tempfile.mkstemp(dir=self.backend.spool_dir, prefix="put-", suffix=".blob")
        temp = Path(name)
        try:
            with open(fd, "wb", buffering=0) as sink:
                result = encrypt_stream(source, sink, data_key, chunk_size=self.chunk_size,
                                        size=size)
                os.fsync(sink.fileno())
            if expected and result.sha256 != expected:
                raise HashMismatch(expected, result.sha256)
            stored = self.backend.put_file(result.sha256, temp)
        finally:
            temp.unlink(missing_ok=True)
        wrapped = self.keyring.wrap(data_key) if stored else None
        return StoredObject(result.sha256, result.size, wrapped, not stored)

    def begin_upload(self, size: int) -> Upload:
        """Start a resumable upload of `size` bytes; feed it with `append` or `write_chunk`."""
        if size < 0:
            raise ValueError("size must not be negative")
        upload_id = secrets.token_hex(16)
        data_key = AESGCM.generate_key(bit_length=256)
        path = self._upload_path(upload_id)
        # Owner-only from the first byte (the umask cannot widen it); the Upload closes it.
        file = os.fdopen(os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600), "r+b",
                         buffering=0)
        try:
            writer = ChunkWriter.create(file, data_key, size, self.chunk_size)
        except BaseException:
            file.close()
            path.unlink(missing_ok=True)
            raise
        return Upload(upload_id, self.keyring.wrap(data_key), writer, path)

    def resume_upload(self, upload_id: str, wrapped_key: WrappedKey | str,
                      checkpoint: Checkpoint | None = None) -> Upload:
        """Reopen an upload; it continues at `durable_offset`. With the checkpoint its last
        `close` returned, only the header and last chunk are read; without (after a restart),
        every chunk is authenticated and re-hashed."""
        path = self._upload_path(upload_id)
        try:
            file = open(path, "r+b", buffering=0)  # noqa: SIM115 - the Upload owns and closes it
        except FileNotFoundError as error:
            raise BlobNotFound(f"upload {upload_id}") from error
        wrapped = _wrapped(wrapped_key)
        try:
            writer = ChunkWriter.resume(file, self.keyring.unwrap(wrapped), checkpoint)
        except BaseException:
            file.close()
            raise
        return Upload(upload_id, wrapped, writer, path)

    def finish_upload(self, upload: Upload, expected_sha256: str | None = None) -> StoredObject:
        """Seal a complete upload into the backend; a hash mismatch discards it entirely."""
        expected = _sha256(expected_sha256) if expected_sha256 else None
        try:
            result = upload.writer.finish()  # an incomplete upload stays resumable
        finally:
            upload.writer.file.close()
        try:
            if expected and result.sha256 != expected:
                raise HashMismatch(expected, result.sha256)
            stored = self.backend.put_file(result.sha256, upload.path)
        finally:
            upload.path.unlink(missing_ok=True)
        wrapped = self.keyring.rewrap(upload.wrapped_key) if stored else None
        return StoredObject(result.sha256, result.size, wrapped, not stored)

    def abort_upload(self, upload_id: str) -> None:
        self._upload_path(upload_id).unlink(missing_ok=True)

    def _upload_path(self, upload_id: str) -> Path:
        if not _UPLOAD_ID.match(upload_id):
            raise ValueError(f"not an upload id: {upload_id!r}")
        return self.backend.spool_dir / f"upload-{upload_id}.part"

    # -- reading -------------------------------------------------------------------------

    def exists(self, object_id: str) -> bool:
        return self.backend.exists(_sha256(object_id))

    def object_size(self, object_id: str) -> int:
        """Plaintext size, from the blob header (no key needed)."""
        return read_header(self._reader(object_id)).size

    def open_range(self, object_id: str, wrapped_key: WrappedKey | str, start: int = 0,
                   end: int | None = None) -> Iterator[bytes]:
        """Plaintext [start, end) as pieces, reading only the chunks it needs.

        The header is read now, so a missing blob (BlobNotFound) or a bad range (ValueError)
        fails before the first byte is sent; a chunk that fails authentication raises
        IntegrityError while iterating.
        """
        read_at = self._reader(object_id)
        header = read_header(read_at)
        end = header.size if end is None else end
        if not 0 <= start <= end <= header.size:
            raise ValueError(f"range [{start}, {end}) is outside 0..{header.size}")
        key = self.keyring.unwrap(_wrapped(wrapped_key))
        return decrypt_range(read_at, key, start, end, header=header)

    def read_all(self, object_id: str, wrapped_key: WrappedKey | str) -> bytes:
        """The whole plaintext in memory: for small objects and tests; stream big ones."""
        return b"".join(self.open_range(object_id, wrapped_key))

    def check(self, object_id: str, wrapped_key: WrappedKey | str) -> str | None:
        """Re-hash an object by decrypting it; None if intact, else what is wrong.

        A missing master key raises KeyringError instead: the blob may well be intact.
        """
        key = self.keyring.unwrap(_wrapped(wrapped_key))
        read_at = self._reader(object_id)
        try:
            header = read_header(read_at)
            blob_size = self.backend.size(object_id)
            if blob_size != header.blob_size:
                return f"blob is {blob_size} bytes, its header implies {header.blob_size}"
            hasher = hashlib.sha256()
            with ThreadPoolExecutor(1, "hogo-verify") as pool:
                pending: list[Future[None]] = []
                for piece in decrypt_range(read_at, key, header=header):
                    pending.append(pool.submit(hasher.update, piece))
                    if len(pending) > 2:
                        pending.pop(0).result()
                for future in pending:
                    future.result()
        except BlobNotFound:
            return "blob is missing"
        except IntegrityError as error:
            return str(error)
        actual = hasher.hexdigest()
        return None if actual == object_id else f"plaintext hashes to {actual}"

    def verify(self, object_id: str, wrapped_key: WrappedKey | str) -> bool:
        return self.check(object_id, wrapped_key) is None

    def _reader(self, object_id: str) -> Any:
        return partial(self.backend.read_range, _sha256(object_id))

    # -- small values sealed under an object's data key ----------------------------------

    def seal(self, wrapped_key: WrappedKey | str, plaintext: bytes, context: str) -> str:
        """Encrypt a small value (a GPS track) under a subkey of an object's data key.

        The value is then as mortal as the object: shredding the object's wrapped key makes
        it unreadable too. `context` (e.g. "gps:<segment id>") is bound as associated data,
        so a sealed value cannot be moved to another row. Returns text for a database column.
        """
        nonce = secrets.token_bytes(12)
        sealed = AESGCM(self._subkey(wrapped_key)).encrypt(nonce, plaintext, context.encode())
        return f"{SEAL_VERSION}:{base64.urlsafe_b64encode(nonce + sealed).decode('ascii')}"

    def unseal(self, wrapped_key: WrappedKey | str, text: str, context: str) -> bytes:
        version, _, encoded = text.partition(":")
        if version != SEAL_VERSION:
            raise IntegrityError(f"not a sealed value: {text[:12]!r}")
        try:
            raw = base64.urlsafe_b64decode(encoded)
            return AESGCM(self._subkey(wrapped_key)).decrypt(raw[:12], raw[12:],
                                                             context.encode())
        except (ValueError, InvalidTag) as error:
            raise IntegrityError("sealed value fails authentication") from error

    def _subkey(self, wrapped_key: WrappedKey | str) -> bytes:
        data_key = self.keyring.unwrap(_wrapped(wrapped_key))
        return HKDF(hashes.SHA256(), 32, salt=None, info=b"hogo-seal-v1").derive(data_key)

    # -- erasing -------------------------------------------------------------------------

    def shred(self, object_id: str) -> ShredReceipt:
        """Delete the blob. The caller destroys its wrapped-key row in the same step."""
        object_id = _sha256(object_id)
        try:
            blob_size = self.backend.size(object_id)
        except BlobNotFound:
            blob_size = 0
        existed = self.backend.delete(object_id)
        return ShredReceipt(object_id, existed, blob_size if existed else 0, clock.now())


def _wrapped(value: WrappedKey | str) -> WrappedKey:
    return value if isinstance(value, WrappedKey) else WrappedKey.from_text(value)


def _hash_only(source: Source, chunk_size: int) -> tuple[str, int]:
    """SHA-256 and length of a source, without storing it (the object already exists)."""
    hasher, length = hashlib.sha256(), 0
    reader: Any = source
    if hasattr(reader, "readinto"):
        buffer = bytearray(chunk_size)
        view = memoryview(buffer)
        while got := reader.readinto(view):
            hasher.update(view[:got])
            length += got
    elif hasattr(reader, "read"):
        while data := reader.read(chunk_size):
            hasher.update(data)
            length += len(data)
    else:
        for data in reader:
            hasher.update(data)
            length += len(data)
    return hasher.hexdigest(), length


SETTINGS_KEYS = {
    "backend", "root", "keys_dir", "chunk_size", "bucket", "prefix", "endpoint_url", "region",
    "access_key_id", "secret_access_key", "spool_dir", "part_size",
}


def store_from_settings(settings: Mapping[str, Any]) -> EncryptedStore:
    """Build a store from a plain dict (Django settings pass one), naming any bad key.

    {"backend": "local", "root": ..., "keys_dir": ...} or {"backend": "s3", "bucket": ...,
    "keys_dir": ..., "endpoint_url", "region", "access_key_id", "secret_access_key", "prefix",
    "spool_dir", "part_size"}; "chunk_size" for either.
    """
    unknown = set(settings) - SETTINGS_KEYS
    if unknown:
        raise StorageError(f"storage settings: unknown key {sorted(unknown)[0]!r}; "
                           f"known: {', '.join(sorted(SETTINGS_KEYS))}")
    if not settings.get("keys_dir"):
        raise StorageError("storage settings: 'keys_dir' (the master key directory) is required")
    kind = settings.get("backend", "local")
    backend: BlobBackend
    if kind == "local":
        if not settings.get("root"):
            raise StorageError("storage settings: a local backend needs 'root'")
        backend = LocalBackend(Path(settings["root"]))
    elif kind == "s3":
        if not settings.get("bucket"):
            raise StorageError("storage settings: an s3 backend needs 'bucket'")
        options = {name: settings[name] for name in (
            "prefix", "endpoint_url", "region", "access_key_id", "secret_access_key",
            "spool_dir", "part_size") if settings.get(name) is not None}
        backend = S3Backend(settings["bucket"], **options)
    else:
        raise StorageError(f"storage settings: backend must be 'local' or 's3', got {kind!r}")
    keyring = Keyring.load_or_create(Path(settings["keys_dir"]))
    return EncryptedStore(backend, keyring,
                          chunk_size=int(settings.get("chunk_size", DEFAULT_CHUNK_SIZE)))


__all__ = ["EncryptedStore", "ShredReceipt", "StoredObject", "Upload", "store_from_settings"]
