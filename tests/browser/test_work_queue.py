"""The work queue (対応待ち) in Chromium: what waits for a person is on their dashboard with
its age, its due date in the Japanese era and a link that takes them there; an alert shows
its age and link; someone with nothing waiting is told so."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.browser.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser


def _source(user):
    """A source as a domain app registers one, for managers only (the test's own)."""
    from hogo import clock
    from hogo.accounts.permissions import allows
    from hogo.alerts.waiting import WaitingItem

    if not allows(user, "copies.decide"):
        return []
    return [WaitingItem("test.queue", "テスト：台帳を確認", "テスト台帳 #7", "/copies/",
                        since=clock.now() - dt.timedelta(days=3),
                        due_on=clock.today_jst() - dt.timedelta(days=1))]


@pytest.fixture
def registered():
    from hogo.alerts import waiting

    waiting.add_source(_source)
    yield
    waiting._sources.remove(_source)


def test_each_person_sees_what_waits_for_them(session_for, live_server, transactional_db,
                                              registered):
    from hogo import clock
    from hogo.accounts.models import User
    from hogo.alerts.services import raise_alert
    from hogo.rules.wareki import format_wareki
    from hogo.web.demo import load_demo

    load_demo(footage=False)
    raise_alert("media.overdue", key="queue-test", recipient=User.objects.get(username="manager"),
                message="記録媒体 KANZAI-USB-01 を返却してください。", link="/media/")
    _, manager = session_for("manager")
    row = manager.locator("#waiting tr[data-kind='test.queue']")
    assert row.count() == 1
    text = row.inner_text()
    assert "テスト台帳 #7" in text and "3日前" in text and "期限超過" in text
    assert format_wareki(clock.today_jst() - dt.timedelta(days=1)) in text
    alert = manager.locator("#alerts li", has_text="KANZAI-USB-01")
    assert "たった今" in alert.inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    manager.screenshot(path=str(SCREENSHOTS / "work-queue-manager.png"), full_page=True)
    row.locator("a").click()
    manager.wait_for_url(f"{live_server.url}/copies/")
    manager.go_back()
    alert.locator("a.alert-link").click()
    manager.wait_for_url(f"{live_server.url}/media/")

    _, staff = session_for("staff")
    assert staff.locator("#waiting-empty").inner_text() == "対応待ちの項目はありません"
    assert staff.locator("#waiting tr[data-kind='test.queue']").count() == 0
