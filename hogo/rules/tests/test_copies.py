import datetime as dt

import pytest

from hogo.rules.copies import (
    copy_expires_on,
    copy_request_refusals,
    erasure_from,
    is_due_for_erasure,
    period_end,
)


def test_one_year_counted_as_the_civil_code_counts():
    """Made 2025-06-01: the first day is not counted (Civil Code Art. 140), the period starts
    2025-06-02 and ends the day before its corresponding day, 2026-06-01 (Art. 143(2)). The
    old test asserted 2026-06-01 as the day of erasure, one day early."""
    assert copy_expires_on(dt.date(2025, 6, 1), 12) == dt.date(2026, 6, 1)
    assert erasure_from(dt.date(2026, 6, 1)) == dt.date(2026, 6, 2)
    assert not is_due_for_erasure(dt.date(2026, 6, 1), dt.date(2026, 6, 1))
    assert is_due_for_erasure(dt.date(2026, 6, 1), dt.date(2026, 6, 2))


def test_made_on_29_february_ends_on_28_february():
    assert copy_expires_on(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
    assert erasure_from(copy_expires_on(dt.date(2024, 2, 29), 12)) == dt.date(2025, 3, 1)


@pytest.mark.parametrize(("made", "months", "ends"), [
    (dt.date(2025, 1, 30), 1, dt.date(2025, 2, 28)),  # starts 31 Jan: no 31 Feb (proviso)
    (dt.date(2025, 4, 30), 1, dt.date(2025, 5, 31)),  # starts 1 May: ends 31 May, not 30 May
    (dt.date(2027, 2, 28), 12, dt.date(2028, 2, 29)),  # starts 1 Mar 2027: ends 29 Feb 2028
    (dt.date(2025, 12, 31), 12, dt.date(2026, 12, 31)),
    (dt.date(2025, 6, 1), 0, dt.date(2025, 6, 1)),
])
def test_months_by_the_calendar(made, months, ends):
    assert period_end(made, months) == ends


def test_an_extension_names_the_new_last_day():
    assert copy_expires_on(dt.date(2025, 6, 1), 12, dt.date(2027, 3, 31)) == dt.date(2027, 3, 31)
    assert copy_expires_on(dt.date(2025, 6, 1), 12, dt.date(2025, 12, 31)) == dt.date(2026, 6, 1)


def base(**changes):
    request = {"purpose": "accident_investigation", "permitted": {"accident_investigation"},
               "minutes": 2, "max_minutes": 30, "long_range_reason": "",
               "channels": ["front"], "available_channels": ["front", "rear"],
               "justification": "6月3日 交差点での接触事故の確認", "min_reason_chars": 10}
    return copy_request_refusals(**{**request, **changes})


def test_a_permitted_short_request_goes_ahead():
    assert base() == []


def test_training_material_is_not_a_permitted_use():
    assert "利用目的" in base(purpose="training_material")[0]


@pytest.mark.parametrize(("reason", "refused"), [("", True), ("事故前後の走行経路の確認", False)])
def test_long_ranges_need_a_reason(reason, refused):
    assert bool(base(minutes=45, long_range_reason=reason)) is refused


def test_unknown_cameras_are_refused():
    assert "カメラ" in base(channels=["cabin"])[0]


def test_a_reason_needs_the_profiles_minimum():
    [refusal] = base(justification=" 確認 ")
    assert "10文字以上" in refusal and "いまは2文字" in refusal
    assert base(justification="0123456789") == []
