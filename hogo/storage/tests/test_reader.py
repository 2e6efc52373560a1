"""DecryptingReader: the file PyAV reads originals through; read-ahead must never change bytes."""

import io
import os
import random
import threading

import pytest

from hogo.storage.reader import DecryptingReader
from hogo.storage.tests.conftest import CHUNK


@pytest.mark.parametrize("readahead", [0, 1, 3])
def test_sequential_and_random_reads_equal_the_plaintext(rig, readahead):
    data = os.urandom(9 * CHUNK + 77)
    stored = rig.store.put(io.BytesIO(data))
    with DecryptingReader(rig.store, stored.object_id, stored.wrapped_key.to_text(), len(data),
                          readahead=readahead) as reader:
        assert io.BufferedReader(reader, 300).read() == data
        rng = random.Random(readahead)
        for _ in range(30):
            start = rng.randrange(len(data))
            length = rng.randrange(1, 3 * CHUNK)
            reader.seek(start)
            got = bytearray(length)
            filled = 0
            while filled < length:
                n = reader.readinto(memoryview(got)[filled:])
                if not n:
                    break
                filled += n
            assert bytes(got[:filled]) == data[start:start + length]


def test_read_ahead_fetches_the_next_chunks_in_the_background(rig, monkeypatch):
    data = os.urandom(6 * CHUNK)
    stored = rig.store.put(io.BytesIO(data))
    fetched: list[tuple[int, str]] = []
    original = DecryptingReader._fetch

    def spy(self, index):
        fetched.append((index, threading.current_thread().name))
        return original(self, index)

    monkeypatch.setattr(DecryptingReader, "_fetch", spy)
    reader = DecryptingReader(rig.store, stored.object_id, stored.wrapped_key.to_text(),
                              len(data), readahead=2)
    assert reader.read(CHUNK) == data[:CHUNK]
    assert reader.read(CHUNK) == data[CHUNK:2 * CHUNK]  # sequential now: 2 and 3 ahead
    assert reader.read() == data[2 * CHUNK:]  # each later chunk waits for its prefetch
    reader.close()
    background = {index for index, thread in fetched if thread.startswith("decrypt-ahead")}
    assert background == {2, 3, 4, 5}
    assert sorted(index for index, _ in fetched) == sorted(set(i for i, _ in fetched))
    assert reader.closed
