"""A seekable file over a stored object, so PyAV can read an original without a plaintext
copy ever touching the disk (probe at ingest, extraction of copies)."""

from __future__ import annotations

import io

from hogo.storage.store import EncryptedStore


class DecryptingReader(io.RawIOBase):
    """A seekable, read-only file over a stored object, decrypted chunk by chunk in memory.

    Lets PyAV probe an original without a plaintext copy ever touching the disk. The last
    chunk read is cached, as demuxers read in small pieces.
    """

    def __init__(self, store: EncryptedStore, object_id: str, wrapped_key: str,
                 size: int) -> None:
        self.store, self.object_id, self.wrapped_key = store, object_id, wrapped_key
        self.size, self.position = size, 0
        self.chunk = store.chunk_size
        self._cached: tuple[int, bytes] | None = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        self.position = max(0, base + offset)
        return self.position

    def _chunk(self, index: int) -> bytes:
        if self._cached is None or self._cached[0] != index:
            start = index * self.chunk
            end = min(start + self.chunk, self.size)
            data = b"".join(self.store.open_range(self.object_id, self.wrapped_key, start, end))
            self._cached = (index, data)
        return self._cached[1]

    def readinto(self, buffer) -> int:  # type: ignore[override]
        if self.position >= self.size:
            return 0
        index, within = divmod(self.position, self.chunk)
        data = memoryview(self._chunk(index))[within:within + len(buffer)]
        buffer[:len(data)] = data
        self.position += len(data)
        return len(data)
