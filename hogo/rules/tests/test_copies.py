import datetime as dt

import pytest

from hogo.rules.copies import add_months, copy_expires_on, copy_request_refusals


def test_one_year_from_the_day_the_copy_was_made():
    assert copy_expires_on(dt.date(2025, 6, 1), 12) == dt.date(2026, 6, 1)


def test_leap_day_falls_back_to_the_end_of_february():
    assert add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)


def test_an_extension_moves_the_expiry_past_its_last_day():
    assert copy_expires_on(dt.date(2025, 6, 1), 12, dt.date(2027, 3, 31)) == dt.date(2027, 4, 1)
    assert copy_expires_on(dt.date(2025, 6, 1), 12, dt.date(2025, 12, 31)) == dt.date(2026, 6, 1)


def base(**changes):
    request = {"purpose": "accident_investigation", "permitted": {"accident_investigation"},
               "minutes": 2, "max_minutes": 30, "long_range_reason": "",
               "channels": ["front"], "available_channels": ["front", "rear"]}
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
