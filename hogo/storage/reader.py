"""A seekable file over a stored object, so PyAV can read an original without a plaintext
copy ever touching the disk (probe at ingest, extraction of copies)."""

from __future__ import annotations

import io
from concurrent.futures import Future, ThreadPoolExecutor

from hogo.storage.store import EncryptedStore


class DecryptingReader(io.RawIOBase):
    """A seekable, read-only file over a stored object, decrypted chunk by chunk in memory.

    Lets PyAV probe an original without a plaintext copy ever touching the disk. The last
    chunk read is cached, as demuxers read in small pieces. With `readahead`, a sequential
    reader (extraction) has the next chunks fetched and decrypted by a background thread while
    it demuxes the current one: AES-GCM and file reads release the GIL, so this uses the
    second core instead of waiting.
    """

    def __init__(self, store: EncryptedStore, object_id: str, wrapped_key: str,
                 size: int, *, readahead: int = 0) -> None:
        super().__init__()
        self.store, self.object_id, self.wrapped_key = store, object_id, wrapped_key
        self.size, self.position = size, 0
        self.chunk = store.chunk_size
        self.readahead = readahead
        self._cached: tuple[int, bytes] | None = None
        self._pending: dict[int, Future[bytes]] = {}
        self._pool: ThreadPoolExecutor | None = None

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

    def close(self) -> None:
        if self._pool is not None:
            for future in self._pending.values():
                future.cancel()
            self._pool.shutdown(wait=True)
            self._pool, self._pending = None, {}
        super().close()

    def _fetch(self, index: int) -> bytes:
        start = index * self.chunk
        end = min(start + self.chunk, self.size)
        return b"".join(self.store.open_range(self.object_id, self.wrapped_key, start, end))

    def _chunk(self, index: int) -> bytes:
        if self._cached is not None and self._cached[0] == index:
            return self._cached[1]
        sequential = self._cached is not None and self._cached[0] == index - 1
        future = self._pending.pop(index, None)
        data = future.result() if future is not None else self._fetch(index)
        self._cached = (index, data)
        if self.readahead:
            self._prefetch(index, sequential)
        return data

    def _prefetch(self, index: int, sequential: bool) -> None:
        wanted = set(range(index + 1, index + 1 + self.readahead)) if sequential else set()
        wanted = {i for i in wanted if i * self.chunk < self.size}
        for stale in set(self._pending) - wanted:  # a seek elsewhere: drop what is not needed
            self._pending.pop(stale).cancel()
        if not wanted:
            return
        if self._pool is None:
            self._pool = ThreadPoolExecutor(1, thread_name_prefix="decrypt-ahead")
        for ahead in sorted(wanted - set(self._pending)):
            self._pending[ahead] = self._pool.submit(self._fetch, ahead)

    def readinto(self, buffer) -> int:  # type: ignore[override]
        if self.position >= self.size:
            return 0
        index, within = divmod(self.position, self.chunk)
        data = memoryview(self._chunk(index))[within:within + len(buffer)]
        buffer[:len(data)] = data
        self.position += len(data)
        return len(data)
