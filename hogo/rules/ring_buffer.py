"""Which originals the recorder itself would have overwritten by now (R-204).

Ashiya rule Art. 7(1): originals are kept until the recorder's storage would overwrite them.
hogo imitates that per recorder: while the originals kept exceed the recorder's capacity (in
bytes or in hours), the oldest are erased first. An original still needed — pinned by a copy
request, a person's or a third party's request, or a legal hold — is never erased to make
room: the sweep skips it and reports that capacity is exceeded, so a person is alerted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Kept:
    """One original still held, as the sweep sees it."""

    id: int
    start_at: dt.datetime
    size: int
    seconds: float
    pinned: bool


@dataclass(frozen=True)
class Sweep:
    erase: tuple[int, ...]
    over_capacity: bool  # still over after erasing everything unpinned that could go
    pinned_kept: tuple[int, ...]  # pinned originals older than the newest erased one
    used_bytes: int
    used_seconds: float


def ring_buffer_sweep(kept: Iterable[Kept], capacity_bytes: int | None,
                      capacity_seconds: float | None) -> Sweep:
    """Oldest unpinned first, until both limits that are set hold."""
    if capacity_bytes is None and capacity_seconds is None:
        raise ValueError("a recorder needs a capacity in bytes or hours")
    ordered = sorted(kept, key=lambda k: (k.start_at, k.id))
    used_bytes = sum(k.size for k in ordered)
    used_seconds = sum(k.seconds for k in ordered)

    def over() -> bool:
        return ((capacity_bytes is not None and used_bytes > capacity_bytes)
                or (capacity_seconds is not None and used_seconds > capacity_seconds))

    erase: list[int] = []
    skipped: list[int] = []
    for item in ordered:
        if not over():
            break
        if item.pinned:
            skipped.append(item.id)
            continue
        erase.append(item.id)
        used_bytes -= item.size
        used_seconds -= item.seconds
    return Sweep(tuple(erase), over(), tuple(skipped), used_bytes, used_seconds)
