"""Range reads (HTTP playback): any [start, end) equals the slice, reading only its chunks."""

import io
import os
import random

import pytest

from hogo.storage.format import HEADER_BYTES, TAG_BYTES
from hogo.storage.tests.conftest import CHUNK


def test_random_ranges_equal_the_plaintext_slice(rig):
    data = os.urandom(6 * CHUNK + 123)
    stored = rig.store.put(io.BytesIO(data))
    rng = random.Random(3)
    cases = [(0, len(data)), (0, 0), (len(data), len(data)), (CHUNK - 1, CHUNK + 1),
             (CHUNK, 2 * CHUNK), (len(data) - 1, len(data))]
    cases += [tuple(sorted((rng.randrange(len(data) + 1), rng.randrange(len(data) + 1))))
              for _ in range(40)]
    for start, end in cases:
        got = b"".join(rig.store.open_range(stored.object_id, stored.wrapped_key, start, end))
        assert got == data[start:end], (start, end)


def test_a_range_reads_only_the_chunks_it_needs(rig, monkeypatch):
    data = os.urandom(20 * CHUNK)
    stored = rig.store.put(io.BytesIO(data))
    reads = []
    original = rig.backend.read_range

    def counting(name, start, end):
        reads.append((start, end))
        return original(name, start, end)

    monkeypatch.setattr(rig.backend, "read_range", counting)
    got = b"".join(rig.store.open_range(stored.object_id, stored.wrapped_key,
                                        10 * CHUNK + 5, 11 * CHUNK + 5))
    assert got == data[10 * CHUNK + 5:11 * CHUNK + 5]
    header, chunks = reads  # the header, then chunks 10 and 11 in one read
    assert header == (0, HEADER_BYTES)
    sealed = CHUNK + TAG_BYTES
    assert chunks == (HEADER_BYTES + 10 * sealed, HEADER_BYTES + 12 * sealed)


def test_a_range_outside_the_object_is_refused_before_any_byte(rig):
    stored = rig.store.put(io.BytesIO(b"abc"))
    with pytest.raises(ValueError, match="outside"):
        rig.store.open_range(stored.object_id, stored.wrapped_key, 2, 4)
    with pytest.raises(ValueError, match="outside"):
        rig.store.open_range(stored.object_id, stored.wrapped_key, 2, 1)
