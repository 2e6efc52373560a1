"""Legal dates are Japanese calendar dates, also across midnight JST."""

import datetime as dt

import pytest

from hogo import clock


@pytest.mark.parametrize(("utc", "japanese_date"), [
    (dt.datetime(2025, 6, 2, 14, 59, 59, tzinfo=dt.UTC), dt.date(2025, 6, 2)),
    (dt.datetime(2025, 6, 2, 15, 0, 0, tzinfo=dt.UTC), dt.date(2025, 6, 3)),
    (dt.datetime(2025, 12, 31, 15, 0, 0, tzinfo=dt.UTC), dt.date(2026, 1, 1)),
])
def test_today_is_the_date_in_japan(utc, japanese_date):
    with clock.frozen(utc):
        assert clock.today_jst() == japanese_date


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        clock.jst_date(dt.datetime(2025, 6, 3, 0, 0))
