"""The yearly list (苦情処理状況一覧): one fiscal year, April to March by the day of receipt,
counted by category and by whether the answer came within the target; the CSV says the
same; neither names a complainant."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from hogo import clock
from hogo.clock import JST
from hogo.complaints import common, handling, intake, yearly
from hogo.complaints.models import AnswerHow
from hogo.complaints.tests.conftest import complaint_data


def on(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=JST)


def test_the_fiscal_year_runs_april_to_march():
    assert common.fiscal_year(dt.date(2026, 4, 1)) == 2026
    assert common.fiscal_year(dt.date(2027, 3, 31)) == 2026
    assert common.fiscal_year(dt.date(2026, 3, 31)) == 2025
    assert common.fiscal_year_range(2026) == (dt.date(2026, 4, 1), dt.date(2027, 3, 31))


def _year_of_complaints(user, kanzai):
    """FY2026: two filming complaints (one answered in time, one late), one about conduct
    unanswered, one withdrawn; one in March 2026 (FY2025) and one in April 2027 (FY2027)."""
    privacy, manager = user("privacy"), user("manager")

    def entered(day, **changes):
        with clock.frozen(on(day)):
            return intake.enter(privacy, complaint_data(department=kanzai, **changes))

    in_time = entered(dt.date(2026, 4, 1))
    late = entered(dt.date(2026, 9, 1))
    entered(dt.date(2027, 3, 31), category="conduct")
    gone = entered(dt.date(2026, 10, 1), category="other")
    entered(dt.date(2026, 3, 31))
    entered(dt.date(2027, 4, 1))
    with clock.frozen(on(dt.date(2026, 4, 15), 17)):  # the target day itself
        handling.answer(manager, in_time, "説明しました。", AnswerHow.LETTER)
    with clock.frozen(on(dt.date(2026, 9, 16))):  # a day late
        handling.answer(manager, late, "説明しました。", AnswerHow.PHONE)
    with clock.frozen(on(dt.date(2026, 10, 2))):
        handling.withdraw(manager, gone, "申出人が取り下げた。")


def test_counts_by_category_and_target(demo, user, kanzai):
    _year_of_complaints(user, kanzai)
    listed = yearly.yearly_list(user("auditor"), 2026)
    by = {t.label: t for t in listed.tallies}
    filming = by["ドライブレコーダーによる撮影"]
    assert (filming.received, filming.within_target, filming.late) == (2, 1, 1)
    assert by["職員の対応"].unanswered == 1 and by["その他"].withdrawn == 1
    assert by["映像データの取扱い"].received == 0
    total = listed.total
    assert (total.received, total.within_target, total.late, total.unanswered,
            total.withdrawn) == (4, 1, 1, 1, 1)
    assert [yearly.outcome(c) for c in listed.complaints] == [
        "目安日内に回答", "目安日を過ぎて回答", "取下げ", "未回答"]


def test_the_page_and_the_csv(client_for, user, kanzai):
    _year_of_complaints(user, kanzai)
    client = client_for("auditor")
    page = client.get(reverse("complaints:yearly"), {"year": 2026}).content.decode()
    assert "苦情処理状況一覧" in page and "2026年度" in page and "令和8年4月1日" in page
    assert "市民 太郎" not in page  # no complainant on the list
    csv = client.get(reverse("complaints:yearly_csv"), {"year": 2026})
    text = csv.content.decode("utf-8-sig")
    assert csv["Content-Type"].startswith("text/csv")
    assert "ドライブレコーダーによる撮影,2,1,1,0,0" in text
    assert "合計,4,1,1,1,1" in text and "2026-04-01" in text and "市民 太郎" not in text
