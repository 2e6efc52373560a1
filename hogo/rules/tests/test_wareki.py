import datetime as dt

import pytest

from hogo.rules.wareki import format_wareki


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2025, 6, 3), "令和7年6月3日"),
        (dt.date(2019, 5, 1), "令和元年5月1日"),
        (dt.date(2019, 4, 30), "平成31年4月30日"),
        (dt.date(1989, 1, 8), "平成元年1月8日"),
        (dt.date(1989, 1, 7), "昭和64年1月7日"),
        (dt.date(2026, 11, 22), "令和8年11月22日"),
        (dt.date(1900, 1, 1), "明治33年1月1日"),
        (dt.date(1912, 7, 29), "明治45年7月29日"),
        (dt.date(1912, 7, 30), "大正元年7月30日"),
    ],
)
def test_era_dates_as_official_documents_print_them(day, expected):
    assert format_wareki(day) == expected


def test_dates_before_1873_are_refused():
    with pytest.raises(ValueError, match="1873"):
        format_wareki(dt.date(1872, 12, 31))
