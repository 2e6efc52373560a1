"""Build an export package: an AES-256 encrypted ZIP that 7-Zip opens (R-303, R-405).

Every member is encrypted with WinZip AES-256, version AE-2 (no CRC in the clear), which
7-Zip and the usual Windows archivers with AES support open. Inside:
- the caller's items (the clips), streamed: footage is decrypted on the fly by the caller and
  handed over as a binary file object or an iterable of bytes, so plaintext never touches the
  disk. Each item's SHA-256 is checked as it is written; a mismatch aborts the whole package;
- `遵守事項.txt`: the recipient's obligations, citing the provider's own rule (R-502);
- `chain_of_custody.txt`: who did what to the data, in Japanese;
- `manifest.json`: the caller's manifest (ranges, source originals' hashes…) plus the items'
  names, sizes and SHA-256;
- `manifest.sha256`: `sha256sum -c` lines for every other member.

The package is written strictly forwards (sizes follow each member in a data descriptor), so
its own SHA-256 is computed while writing and the sink need not be seekable. Names with
non-ASCII characters carry the UTF-8 flag (general purpose bit 11); ASCII names read the same
in every encoding.

Not hidden by ZIP encryption: member names, sizes, timestamps and the number of members. Give
items neutral names (e.g. `clip_01_front.mp4`); a name must never contain a person's name,
a plate number or a place.

Framework-free: imported by Django code, never importing it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, NamedTuple

import pyzipper

from hogo import clock
from hogo.export import documents
from hogo.export.documents import DEFAULT_OBLIGATIONS_JA, CustodyEvent
from hogo.export.passwords import check_password

CHUNK_SIZE = 4 * 1024 * 1024  # read from file objects in pieces of this size
_FORBIDDEN_CHARACTERS = set('\\:*?"<>|')  # path separators and what Windows cannot store

Sink = str | os.PathLike[str] | IO[bytes]
Source = IO[bytes] | Iterable[bytes] | bytes | bytearray | memoryview


class Item(NamedTuple):
    """A member to export: its name inside the ZIP, its data, and its expected SHA-256 (hex)."""

    name: str
    data: Source
    sha256: str


@dataclass(frozen=True)
class Member:
    name: str
    size: int
    sha256: str


@dataclass(frozen=True)
class PackageResult:
    """What was written: the package's size and SHA-256 and every member in writing order."""

    size: int
    sha256: str
    members: tuple[Member, ...]

    def member(self, name: str) -> Member:
        for member in self.members:
            if member.name == name:
                return member
        raise KeyError(name)


class PackageError(ValueError):
    """The package was not made; `member` names the item at fault, if one was."""

    def __init__(self, message: str, member: str = "") -> None:
        self.member = member
        super().__init__(f"{member}: {message}" if member else message)


def build_package(
    sink: Sink,
    items: Iterable[Item | tuple[str, Source, str]],
    *,
    manifest: Mapping[str, Any],
    custody: Sequence[CustodyEvent | tuple[dt.datetime, str, str]],
    obligations_text: str = DEFAULT_OBLIGATIONS_JA,
    password: str,
    created: dt.datetime | None = None,
) -> PackageResult:
    """Write the encrypted package to `sink` and describe it.

    `sink` is a path or a writable binary file object. A path must not exist yet: the package
    is written next to it under a temporary name and renamed when complete, so a failure leaves
    nothing behind. A seekable file object is truncated back to where it stood on failure; a
    non-seekable one holds an unfinished ZIP that the caller must discard.

    `created` (aware; default the clock's now) stamps the members and the custody summary.
    """
    check_password(password)
    if not isinstance(obligations_text, str) or not obligations_text.strip():
        raise PackageError("the recipient's obligations (R-502) must be given")
    created = clock.now() if created is None else created
    custody_bytes = documents.for_people(documents.custody_text(custody, created))
    obligations_bytes = documents.for_people(obligations_text)
    if isinstance(sink, str | os.PathLike):
        return _build_at_path(Path(sink), items, manifest, custody_bytes, obligations_bytes,
                              password, created)
    seekable = getattr(sink, "seekable", None)
    start = sink.tell() if callable(seekable) and seekable() else None
    try:
        return _write(sink, items, manifest, custody_bytes, obligations_bytes, password, created)
    except BaseException:
        if start is not None:
            sink.seek(start)
            sink.truncate()
        raise


def _build_at_path(path: Path, items, manifest, custody_bytes, obligations_bytes, password,
                   created) -> PackageResult:
    if path.exists():
        raise FileExistsError(f"{path} exists; a package is never overwritten")
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                         suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            result = _write(out, items, manifest, custody_bytes, obligations_bytes, password,
                            created)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return result


class _HashingWriter:
    """Forward-only output that hashes what passes; has no tell(), so pyzipper never seeks."""

    def __init__(self, out: IO[bytes]) -> None:
        self._out = out
        self._hash = hashlib.sha256()
        self.size = 0
        self.aborted = False

    def write(self, data: bytes) -> int:
        if self.aborted:  # the package is being abandoned: drop ZipFile's closing records
            return len(data)
        written = self._out.write(data)
        if written is not None and written != len(data):
            raise OSError(f"short write: {written} of {len(data)} bytes")
        self._hash.update(data)
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        if not self.aborted:
            self._out.flush()

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def _write(out, items, manifest, custody_bytes, obligations_bytes, password,
           created) -> PackageResult:
    writer = _HashingWriter(out)
    stamp = created.astimezone(clock.JST).timetuple()[:6]
    members: list[Member] = []

    def add_document(name: str, data: bytes) -> None:
        info = pyzipper.zipfile_aes.AESZipInfo(name, date_time=stamp)
        info.compress_type = pyzipper.ZIP_DEFLATED
        with zf.open(info, "w") as member:
            member.write(data)
        members.append(Member(name, len(data), hashlib.sha256(data).hexdigest()))

    with pyzipper.AESZipFile(writer, "w", compression=pyzipper.ZIP_STORED,
                             encryption=pyzipper.WZ_AES,
                             encryption_kwargs={"nbits": 256}) as zf:
        zf.setpassword(password.encode("ascii"))
        try:
            add_document(documents.OBLIGATIONS_NAME, obligations_bytes)
            add_document(documents.CUSTODY_NAME, custody_bytes)
            files = []
            seen = {name.casefold() for name in documents.DOCUMENT_NAMES}
            for raw in items:
                item = Item(*raw)
                _check_name(item.name, seen)
                expected = _check_digest(item)
                # Footage is compressed already: stored, not deflated. Size unknown → ZIP64.
                info = pyzipper.zipfile_aes.AESZipInfo(item.name, date_time=stamp)
                digest = hashlib.sha256()
                size = 0
                with zf.open(info, "w", force_zip64=True) as member:
                    for chunk in _chunks(item):
                        digest.update(chunk)
                        size += len(chunk)
                        member.write(chunk)
                    if digest.hexdigest() != expected:
                        raise PackageError(f"SHA-256 is {digest.hexdigest()}, expected "
                                           f"{expected}: no package was made", item.name)
                members.append(Member(item.name, size, expected))
                files.append({"name": item.name, "size": size, "sha256": expected})
            if not files:
                raise PackageError("nothing to export: no items were given")
            add_document(documents.MANIFEST_NAME, documents.manifest_json(manifest, files))
            add_document(documents.CHECKSUMS_NAME, documents.checksum_lines(
                (m.name, m.sha256) for m in members))
        except BaseException:
            writer.aborted = True
            raise
    return PackageResult(size=writer.size, sha256=writer.hexdigest(), members=tuple(members))


def _check_name(name: Any, seen: set[str]) -> None:
    """A relative path that extracts to the same place on Linux and Windows, used once."""
    if not isinstance(name, str) or not name:
        raise PackageError(f"an item's name must be non-empty text, got {name!r}")
    if name.startswith("/") or any(part in ("", ".", "..") for part in name.split("/")):
        raise PackageError("must be a relative path without empty, '.' or '..' parts", name)
    if any(ch in _FORBIDDEN_CHARACTERS or ord(ch) < 32 or ord(ch) == 127 for ch in name):
        raise PackageError('may not contain control characters or \\ : * ? " < > |', name)
    if name.casefold() in seen:  # Windows and macOS see A.mp4 and a.mp4 as one file
        raise PackageError("is used twice or is reserved for the package's own files", name)
    seen.add(name.casefold())


def _check_digest(item: Item) -> str:
    digest = item.sha256.lower() if isinstance(item.sha256, str) else ""
    if len(digest) != 64 or not all(ch in "0123456789abcdef" for ch in digest):
        raise PackageError(f"expected SHA-256 must be 64 hex digits, got {item.sha256!r}",
                           item.name)
    return digest


def _chunks(item: Item) -> Iterator[bytes | bytearray | memoryview]:
    data = item.data
    if isinstance(data, str | os.PathLike):
        raise PackageError("pass an open binary file or an iterable of bytes, not a path or "
                           "text: plaintext footage must not be read from disk", item.name)
    if isinstance(data, bytes | bytearray | memoryview):
        yield data
        return
    read = getattr(data, "read", None)
    if callable(read):
        while chunk := read(CHUNK_SIZE):
            if not isinstance(chunk, bytes | bytearray | memoryview):
                raise PackageError("the file must be opened in binary mode", item.name)
            yield chunk
        return
    for chunk in data:
        if not isinstance(chunk, bytes | bytearray | memoryview):
            raise PackageError(f"the iterable gave {type(chunk).__name__}, not bytes",
                               item.name)
        yield chunk


__all__ = ["CHUNK_SIZE", "CustodyEvent", "Item", "Member", "PackageError", "PackageResult",
           "build_package"]
