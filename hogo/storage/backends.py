"""Where encrypted blobs live: a local directory or an S3-compatible bucket, behind one protocol.

Backends see only ciphertext and names. Blobs are immutable: a name is written once, and a
second write of the same name keeps the first blob and reports False. That is what makes
content addressing safe when two uploads of the same file race: the loser's blob (encrypted
under another data key) must never replace the winner's. Locally that is `os.link` (atomic,
fails on an existing name); on S3 a conditional write (`If-None-Match: *`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import logging
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from hogo.storage.durable import fsync_dir
from hogo.storage.errors import BlobNotFound

log = logging.getLogger("hogo.storage")
_NAME = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{3,199}$")
MiB = 1024 * 1024


def check_name(name: str) -> str:
    if not _NAME.match(name):
        raise ValueError(f"blob name {name!r} must be 4-200 letters, digits, '.', '_' or '-'")
    return name


@runtime_checkable
class BlobBackend(Protocol):
    """Storage of immutable named blobs. `spool_dir` is where blobs are built before `put_file`."""

    spool_dir: Path

    def write(self, name: str, chunks: Iterable[bytes]) -> bool:
        """Store a blob from pieces of bytes; False (and nothing changed) if the name exists."""
        ...

    def put_file(self, name: str, path: Path) -> bool:
        """Move a finished local file in as blob `name` (the file is gone afterwards either way);
        False if the name already existed, which keeps the existing blob."""
        ...

    def read_range(self, name: str, start: int, end: int) -> bytes:
        """Bytes [start, end) of a blob, fewer only at its end."""
        ...

    def size(self, name: str) -> int: ...

    def exists(self, name: str) -> bool: ...

    def delete(self, name: str) -> bool:
        """Remove a blob; False if there was none."""
        ...

    def names(self) -> Iterator[str]: ...

    def names_with_age(self) -> Iterator[tuple[str, dt.datetime]]:
        """Every blob name with when it was last written (UTC), to tell a blob being
        committed right now from one left behind long ago."""
        ...

    def modified_at(self, name: str) -> dt.datetime:
        """When a blob was last written (UTC); BlobNotFound if there is none."""
        ...


class LocalBackend:
    """Blobs as read-only files under `root`, sharded as `ab/cd/<name>` to keep directories small.

    Writes go to `root/.spool` first and are fsynced, then hard-linked into place, so a reader
    never sees half a blob and a crash leaves at most a stray file in the spool.
    """

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self.spool_dir = self.root / ".spool"
        self.spool_dir.mkdir(mode=0o700, parents=True, exist_ok=True)

    def __repr__(self) -> str:
        return f"LocalBackend({str(self.root)!r})"

    def path(self, name: str) -> Path:
        check_name(name)
        return self.root / name[:2] / name[2:4] / name

    def write(self, name: str, chunks: Iterable[bytes]) -> bool:
        fd, temp = tempfile.mkstemp(dir=self.spool_dir, prefix="write-")
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
        return self.put_file(name, Path(temp))

    def put_file(self, name: str, path: Path) -> bool:
        final = self.path(name)
        try:
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
            os.chmod(path, 0o400)  # never changed, not even by accident; read by hogo only
            final.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(path, final)
            except FileExistsError:
                return False
            except OSError as error:
                if error.errno != errno.EXDEV:
                    raise
                return self._copy_in(path, final)
            for directory in (final.parent, final.parent.parent, self.root):
                fsync_dir(directory)
            return True
        finally:
            path.unlink(missing_ok=True)

    def _copy_in(self, path: Path, final: Path) -> bool:
        """A file from another filesystem: copy it into the spool first, then link."""
        temp = self.spool_dir / f"copy-{secrets.token_hex(8)}"
        shutil.copyfile(path, temp)
        return self.put_file(final.name, temp)

    def read_range(self, name: str, start: int, end: int) -> bytes:
        try:
            with open(self.path(name), "rb", buffering=0) as handle:
                return os.pread(handle.fileno(), max(0, end - start), start)
        except FileNotFoundError as error:
            raise BlobNotFound(name) from error

    def size(self, name: str) -> int:
        try:
            return self.path(name).stat().st_size
        except FileNotFoundError as error:
            raise BlobNotFound(name) from error

    def exists(self, name: str) -> bool:
        return self.path(name).is_file()

    def delete(self, name: str) -> bool:
        final = self.path(name)
        try:
            final.unlink()
        except FileNotFoundError:
            return False
        fsync_dir(final.parent)
        return True

    def names(self) -> Iterator[str]:
        for blob in self._blob_paths():
            yield blob.name

    def names_with_age(self) -> Iterator[tuple[str, dt.datetime]]:
        for blob in self._blob_paths():
            with contextlib.suppress(FileNotFoundError):  # deleted while listing
                yield blob.name, _utc(blob.stat().st_mtime)

    def modified_at(self, name: str) -> dt.datetime:
        try:
            return _utc(self.path(name).stat().st_mtime)
        except FileNotFoundError as error:
            raise BlobNotFound(name) from error

    def _blob_paths(self) -> Iterator[Path]:
        for first in sorted(self.root.iterdir()):
            if len(first.name) != 2 or first.name.startswith(".") or not first.is_dir():
                continue
            for second in sorted(first.iterdir()):
                if len(second.name) != 2 or not second.is_dir():
                    continue
                for blob in sorted(second.iterdir()):
                    if _NAME.match(blob.name) and blob.name[:4] == first.name + second.name:
                        yield blob


def _utc(timestamp: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(timestamp, dt.UTC)


def _code(error: Exception) -> str:
    response: dict[str, Any] = getattr(error, "response", {}) or {}
    return str(response.get("Error", {}).get("Code", ""))


class S3Backend:
    """Blobs as objects in an S3-compatible bucket, under `prefix`.

    Large blobs go up as multipart uploads (parts of `part_size`, several in flight); reads are
    ranged GETs. A shredded object may survive as an old version in a versioned bucket; the
    wrapped key is destroyed all the same, so such a copy is undecryptable.
    """

    def __init__(self, bucket: str, *, prefix: str = "", endpoint_url: str | None = None,
                 region: str | None = None, access_key_id: str | None = None,
                 secret_access_key: str | None = None, spool_dir: Path | str | None = None,
                 part_size: int = 16 * MiB, threads: int = 4, client: Any = None) -> None:
        import boto3
        from botocore.config import Config

        if part_size < 5 * MiB:
            raise ValueError("S3 parts are at least 5 MiB")
        self.bucket = bucket
        self.prefix = prefix
        self.part_size = part_size
        self.threads = threads
        self.client = client or boto3.client(
            "s3", endpoint_url=endpoint_url, region_name=region,
            aws_access_key_id=access_key_id, aws_secret_access_key=secret_access_key,
            config=Config(retries={"max_attempts": 5, "mode": "standard"},
                          max_pool_connections=max(10, threads * 2)))
        self.spool_dir = Path(spool_dir or Path(tempfile.gettempdir()) / "hogo-spool")
        self.spool_dir.mkdir(mode=0o700, parents=True, exist_ok=True)

    def __repr__(self) -> str:
        return f"S3Backend({self.bucket!r}, prefix={self.prefix!r})"

    def key(self, name: str) -> str:
        return self.prefix + check_name(name)

    def write(self, name: str, chunks: Iterable[bytes]) -> bool:
        if self.exists(name):
            return False
        parts = self._parts_of(chunks)
        first = next(parts, b"")
        second = next(parts, None)
        if second is None:
            return self._put_small(name, first)
        upload = self._start(name)

        def numbered() -> Iterator[tuple[int, bytes]]:
            yield 1, first
            yield 2, second
            yield from enumerate(parts, start=3)
        return self._finish(name, upload, numbered())

    def put_file(self, name: str, path: Path) -> bool:
        try:
            if self.exists(name):
                return False
            size = path.stat().st_size
            if size <= self.part_size:
                return self._put_small(name, path.read_bytes())
            part_size = max(self.part_size, -(-size // 9_000))  # S3 allows 10,000 parts
            with open(path, "rb", buffering=0) as handle:
                fd = handle.fileno()

                def numbered() -> Iterator[tuple[int, bytes]]:
                    for number, offset in enumerate(range(0, size, part_size), start=1):
                        yield number, os.pread(fd, part_size, offset)
                return self._finish(name, self._start(name), numbered())
        finally:
            path.unlink(missing_ok=True)

    def _parts_of(self, chunks: Iterable[bytes]) -> Iterator[bytes]:
        buffer = bytearray()
        for chunk in chunks:
            buffer += chunk
            while len(buffer) >= self.part_size:
                yield bytes(buffer[:self.part_size])
                del buffer[:self.part_size]
        if buffer:
            yield bytes(buffer)

    def _put_small(self, name: str, body: bytes) -> bool:
        try:
            self.client.put_object(Bucket=self.bucket, Key=self.key(name), Body=body,
                                   IfNoneMatch="*")
        except Exception as error:
            if _code(error) in ("PreconditionFailed", "412"):
                return False
            raise
        return True

    def _start(self, name: str) -> str:
        answer = self.client.create_multipart_upload(Bucket=self.bucket, Key=self.key(name))
        return str(answer["UploadId"])

    def _finish(self, name: str, upload_id: str, parts: Iterator[tuple[int, bytes]]) -> bool:
        """Upload numbered parts, a few at a time, then complete only if the name is free."""
        key = self.key(name)

        def send(number: int, body: bytes) -> dict[str, Any]:
            answer = self.client.upload_part(Bucket=self.bucket, Key=key, UploadId=upload_id,
                                             PartNumber=number, Body=body)
            return {"PartNumber": number, "ETag": answer["ETag"]}
        try:
            done: list[dict[str, Any]] = []
            with ThreadPoolExecutor(self.threads, "hogo-s3") as pool:
                pending = []
                for number, body in parts:
                    pending.append(pool.submit(send, number, body))
                    if len(pending) >= self.threads:  # bound memory: parts in flight only
                        done.append(pending.pop(0).result())
                done.extend(future.result() for future in pending)
            self.client.complete_multipart_upload(
                Bucket=self.bucket, Key=key, UploadId=upload_id, IfNoneMatch="*",
                MultipartUpload={"Parts": sorted(done, key=lambda part: part["PartNumber"])})
        except Exception as error:
            with contextlib.suppress(Exception):
                self.client.abort_multipart_upload(Bucket=self.bucket, Key=key,
                                                   UploadId=upload_id)
            if _code(error) in ("PreconditionFailed", "412"):
                return False
            raise
        return True

    def read_range(self, name: str, start: int, end: int) -> bytes:
        if end <= start:
            return b""
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self.key(name),
                                            Range=f"bytes={start}-{end - 1}")
        except Exception as error:
            code = _code(error)
            if code in ("NoSuchKey", "404"):
                raise BlobNotFound(name) from error
            if code in ("InvalidRange", "416"):
                return b""
            raise
        return bytes(answer["Body"].read())

    def _head(self, name: str) -> dict[str, Any]:
        try:
            return dict(self.client.head_object(Bucket=self.bucket, Key=self.key(name)))
        except Exception as error:
            if _code(error) in ("NoSuchKey", "NotFound", "404"):
                raise BlobNotFound(name) from error
            raise

    def size(self, name: str) -> int:
        return int(self._head(name)["ContentLength"])

    def exists(self, name: str) -> bool:
        try:
            self.size(name)
        except BlobNotFound:
            return False
        return True

    def delete(self, name: str) -> bool:
        """Remove the object and, in a versioned bucket, every version and delete marker of
        it: a shredded blob must not linger as a "previous version". Without the
        s3:DeleteObjectVersion permission (or under Object Lock) old versions stay; they are
        undecryptable all the same, since the wrapped key is destroyed first."""
        key = self.key(name)
        existed = self.exists(name)
        versions = self._versions(key)
        for version_id in versions:
            try:
                self.client.delete_object(Bucket=self.bucket, Key=key, VersionId=version_id)
            except Exception as error:
                if _code(error) not in ("AccessDenied", "403", "InvalidArgument"):
                    raise
                log.warning("old version %s of %s not deleted (%s): it stays undecryptable",
                            version_id, key, _code(error))
        if existed and not versions:
            self.client.delete_object(Bucket=self.bucket, Key=key)
        return existed

    def _versions(self, key: str) -> list[str]:
        """Version ids of exactly `key` (objects and delete markers); [] if not listable."""
        found: list[str] = []
        try:
            pages = self.client.get_paginator("list_object_versions").paginate(
                Bucket=self.bucket, Prefix=key)
            for page in pages:
                for item in page.get("Versions", []) + page.get("DeleteMarkers", []):
                    if item["Key"] == key and item.get("VersionId"):
                        found.append(item["VersionId"])
        except Exception as error:
            if _code(error) not in ("AccessDenied", "403", "NotImplemented", "501"):
                raise
            log.warning("cannot list versions of %s (%s)", key, _code(error))
        return found

    def names(self) -> Iterator[str]:
        for name, _ in self.names_with_age():
            yield name

    def names_with_age(self) -> Iterator[tuple[str, dt.datetime]]:
        """LastModified is when S3 began the object (for a multipart upload: when it was
        started), never later than its data arrived."""
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix)
        for page in pages:
            for item in page.get("Contents", []):
                name = item["Key"][len(self.prefix):]
                if _NAME.match(name):
                    yield name, item["LastModified"].astimezone(dt.UTC)

    def modified_at(self, name: str) -> dt.datetime:
        return self._head(name)["LastModified"].astimezone(dt.UTC)

