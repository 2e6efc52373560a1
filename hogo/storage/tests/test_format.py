"""The blob format as documented in hogo/storage/format.py, checked from the bytes."""

import hashlib
import io
import os
import struct
import subprocess
import sys

import pytest

from hogo.storage.format import (
    HEADER_BYTES,
    MAGIC,
    TAG_BYTES,
    ChunkWriter,
    Header,
    decrypt_range,
    encrypt_stream,
)


def encrypt(data: bytes, key: bytes, chunk_size: int = 100, **options) -> bytes:
    sink = io.BytesIO()
    result = encrypt_stream(io.BytesIO(data), sink, key, chunk_size=chunk_size, **options)
    assert result.sha256 == hashlib.sha256(data).hexdigest()
    assert result.blob_size == len(sink.getvalue())
    return sink.getvalue()


def test_the_header_and_chunk_layout_are_as_documented():
    data = os.urandom(250)
    blob = encrypt(data, os.urandom(32))
    magic, version, reserved, chunk_size, size, prefix = struct.unpack(">8sHHIQ8s",
                                                                       blob[:HEADER_BYTES])
    assert (magic, version, reserved, chunk_size, size) == (MAGIC, 1, 0, 100, 250)
    assert len(prefix) == 8 and HEADER_BYTES == 32
    assert len(blob) == HEADER_BYTES + 250 + 3 * TAG_BYTES  # chunks of 100, 100 and 50


def test_the_same_plaintext_never_gives_the_same_blob():
    data, key = b"same" * 100, os.urandom(32)
    assert encrypt(data, key)[HEADER_BYTES:] != encrypt(data, key)[HEADER_BYTES:]


def test_an_unknown_size_is_patched_into_the_header_of_a_seekable_sink():
    data, key = os.urandom(1000), os.urandom(32)
    blob = encrypt(data, key)
    assert Header.unpack(blob).size == 1000
    read_at = lambda start, end: blob[start:end]  # noqa: E731
    assert b"".join(decrypt_range(read_at, key)) == data


def test_a_stream_of_unknown_size_needs_a_seekable_sink():
    class Pipe(io.RawIOBase):
        def writable(self):
            return True

        def write(self, data):
            return len(data)

    with pytest.raises(ValueError, match="cannot seek"):
        encrypt_stream(io.BytesIO(b"x"), Pipe(), os.urandom(32))
    encrypt_stream(io.BytesIO(b"x"), Pipe(), os.urandom(32), size=1)


def test_a_chunk_writer_makes_the_same_format_as_the_stream(tmp_path):
    data, key = os.urandom(777), os.urandom(32)
    with open(tmp_path / "blob", "w+b", buffering=0) as file:
        writer = ChunkWriter.create(file, key, len(data), chunk_size=100)
        for start in range(0, len(data), 64):
            writer.append(data[start:start + 64])
        assert writer.finish().sha256 == hashlib.sha256(data).hexdigest()
    blob = (tmp_path / "blob").read_bytes()
    read_at = lambda start, end: blob[start:end]  # noqa: E731
    assert b"".join(decrypt_range(read_at, key)) == data
    assert len(blob) == Header.unpack(blob).blob_size


def test_the_storage_package_imports_no_django():
    code = ("import sys, hogo.storage; "
            "sys.exit(1 if any(m.split('.')[0] == 'django' for m in sys.modules) else 0)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
