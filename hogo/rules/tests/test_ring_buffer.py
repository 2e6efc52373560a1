"""The ring buffer erases the oldest unpinned originals and never a pinned one."""

import datetime as dt

import pytest

from hogo.rules.ring_buffer import Kept, ring_buffer_sweep

T0 = dt.datetime(2025, 6, 3, 0, 0, tzinfo=dt.UTC)


def kept(n: int, pinned: set[int] = frozenset(), size: int = 100, seconds: float = 60):
    return [Kept(i, T0 + dt.timedelta(minutes=i), size, seconds, i in pinned) for i in range(n)]


def test_within_capacity_nothing_is_erased():
    sweep = ring_buffer_sweep(kept(5), capacity_bytes=500, capacity_seconds=None)
    assert sweep.erase == () and not sweep.over_capacity


def test_oldest_are_erased_first_until_it_fits():
    sweep = ring_buffer_sweep(kept(10), capacity_bytes=700, capacity_seconds=None)
    assert sweep.erase == (0, 1, 2) and sweep.used_bytes == 700


def test_pinned_originals_survive_and_younger_ones_go_instead():
    sweep = ring_buffer_sweep(kept(10, pinned={0, 2}), capacity_bytes=700,
                              capacity_seconds=None)
    assert sweep.erase == (1, 3, 4)
    assert sweep.pinned_kept == (0, 2) and not sweep.over_capacity


def test_pins_that_exceed_capacity_raise_the_alarm_instead():
    sweep = ring_buffer_sweep(kept(4, pinned={0, 1, 2, 3}), capacity_bytes=100,
                              capacity_seconds=None)
    assert sweep.erase == () and sweep.over_capacity


def test_capacity_in_hours():
    sweep = ring_buffer_sweep(kept(5, seconds=1800), capacity_bytes=None,
                              capacity_seconds=2 * 3600)
    assert sweep.erase == (0,)


def test_both_limits_must_hold():
    sweep = ring_buffer_sweep(kept(5, seconds=1800), capacity_bytes=10_000,
                              capacity_seconds=3600)
    assert sweep.erase == (0, 1, 2)


def test_order_is_by_recording_time_not_by_id():
    items = [Kept(1, T0 + dt.timedelta(hours=1), 100, 60, False), Kept(2, T0, 100, 60, False)]
    assert ring_buffer_sweep(items, 100, None).erase == (2,)


def test_a_capacity_is_required():
    with pytest.raises(ValueError):
        ring_buffer_sweep(kept(1), None, None)
