"""Access-log flags in Chromium (R-903): a night-time viewing made through the footage
service and a viewing of another department's footage are flagged by the nightly analysis;
the privacy officer opens one from the work queue on the dashboard, reads why it was flagged,
is refused a dismissal without a real reason (the text kept), then dismisses it with one; the
flag stays listed among the dismissed ones."""

import datetime as dt

import pytest

pytestmark = pytest.mark.browser

REASON = "本人と管財課長に確認：夜間の事故の通報を受けて閲覧した"


def test_privacy_officer_reviews_a_flag_from_the_work_queue(page, login, transactional_db):
    from hogo import clock
    from hogo.accounts.models import User
    from hogo.audit import services as audit
    from hogo.clock import JST
    from hogo.footage import viewing
    from hogo.footage.models import Segment
    from hogo.oversight import flags
    from hogo.oversight.models import AccessFlag, Pattern
    from tests.browser.conftest import save_shot

    day = dt.date(2026, 6, 3)
    segment = Segment.objects.filter(recorder__vehicle__department__code="kanzai").first()
    with clock.frozen(dt.datetime(2026, 6, 3, 22, 40, tzinfo=JST)):
        viewing.start_viewing(User.objects.get(username="operator"), {}, segment,
                              "accident_investigation", "6月3日 夜 交差点での接触事故の確認")
    with clock.frozen(dt.datetime(2026, 6, 3, 10, 5, tzinfo=JST)):
        audit.record("footage.viewed", user=User.objects.get(username="seiso-manager"),
                     obj=segment, purpose="事故の確認: 権限の設定の誤りで閲覧できた")
    made = {flag.pattern: flag for flag in flags.analyse_day(day)}
    assert set(made) == {Pattern.OUT_OF_HOURS, Pattern.OTHER_DEPARTMENT}
    night = made[Pattern.OUT_OF_HOURS]

    login("privacy")
    row = page.locator("#waiting tr[data-kind='oversight.review_flag']",
                       has_text="執務時間外")
    assert page.locator("#waiting tr[data-kind='oversight.review_flag']").count() == 2
    row.locator("a").click()
    page.wait_for_url(f"{page.base_url}/audit/flags/{night.pk}/")
    explanation = page.inner_text("[data-testid=explanation]")
    assert "執務時間（08:30-17:15）外に映像を1回閲覧しました（令和8年6月3日 22:40）" in explanation
    assert "交差点での接触事故の確認" in page.inner_text("[data-testid=evidence]")

    page.fill("textarea[name=reason]", "問題なし")
    page.click("[data-testid=dismiss]")
    assert "10文字以上" in page.inner_text("[data-testid=reason-error]")
    assert page.input_value("textarea[name=reason]") == "問題なし"
    page.fill("textarea[name=reason]", REASON)
    page.click("[data-testid=dismiss]")
    page.wait_for_selector("[data-testid=dismissal-reason]")
    assert "確認済み" in page.inner_text("[data-testid=state]")
    assert REASON in page.inner_text("[data-testid=dismissal-reason]")
    save_shot(page, "log-flag-dismissed")

    page.goto(f"{page.base_url}/audit/flags/")
    assert page.locator(f"[data-testid=flag-{night.pk}]").count() == 0
    other = made[Pattern.OTHER_DEPARTMENT]
    assert "他部署の車両" in page.inner_text(f"[data-testid=flag-{other.pk}]")
    save_shot(page, "log-flags-open")
    page.select_option("select[name=state]", "dismissed")
    page.click("[data-testid=flag-filters] button")
    assert "確認済み" in page.inner_text(f"[data-testid=flag-{night.pk}]")
    page.goto(f"{page.base_url}/")
    assert page.locator("#waiting tr[data-kind='oversight.review_flag']").count() == 1
    assert AccessFlag.objects.count() == 2
