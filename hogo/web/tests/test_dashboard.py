"""Every dashboard shows the person's work queue (対応待ち), their alerts with age and link,
and people, the profile and dates in words, never codes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from hogo import clock
from hogo.accounts.permissions import allows
from hogo.alerts import waiting
from hogo.alerts.waiting import WaitingItem
from hogo.web.demo import USERS
from hogo.web.templatetags.hogo import ago


def _decisions(user):
    """A source as an app registers one: only for those allowed to decide copies."""
    if not allows(user, "copies.decide"):
        return []
    now = clock.now()
    return [WaitingItem("test.decide", "複製の申請を承認", "複製申請 #12 公用車1号", "/copies/",
                        since=now - dt.timedelta(days=3), due_on=clock.today_jst()
                        - dt.timedelta(days=1)),
            WaitingItem("test.review", "検出結果を確認", "加工 #4", "/copies/processing/4/",
                        since=now - dt.timedelta(hours=2))]


@pytest.fixture
def source():
    waiting.add_source(_decisions)
    yield _decisions
    waiting._sources.remove(_decisions)


@pytest.mark.parametrize("login", [u.username for u in USERS])
def test_every_dashboard_has_a_work_queue(client_for, login):
    page = client_for(login).get("/").content.decode()
    assert 'id="work-queue"' in page and "対応待ち" in page


def test_the_queue_shows_what_waits_with_age_due_date_and_link(client_for, source):
    page = client_for("manager").get("/").content.decode()
    assert "対応待ちの項目はありません" not in page
    assert '<a href="/copies/">複製の申請を承認</a>' in page
    assert "3日前" in page and "2時間前" in page
    yesterday = clock.today_jst() - dt.timedelta(days=1)
    from hogo.rules.wareki import format_wareki

    assert format_wareki(yesterday) in page and "期限超過" in page
    # the overdue item comes first
    assert page.index("複製の申請を承認") < page.index("検出結果を確認")


def test_the_queue_shows_only_what_this_person_may_act_on(client_for, source):
    page = client_for("staff").get("/").content.decode()
    assert "複製の申請を承認" not in page and "対応待ちの項目はありません" in page


def test_ages_in_words():
    translation.activate("ja")  # a client request before may have left English active
    assert ago(dt.timedelta(days=3, hours=5)) == "3日前"
    assert ago(dt.timedelta(hours=1, minutes=59)) == "1時間前"
    assert ago(dt.timedelta(minutes=5)) == "5分前"
    assert ago(dt.timedelta(seconds=20)) == "たった今"
    assert ago(clock.now() + dt.timedelta(hours=1)) == "たった今"  # never negative
    assert ago(None) == ""


def test_people_and_the_profile_are_shown_in_words(client_for):
    client = client_for("manager")
    client.post("/accounts/department/", {})  # nothing: just to have a recent entry
    page = client.get("/").content.decode()
    assert "市（行政機関等）" in page and "2026.7版" in page
    assert "city 2026" not in page
    from hogo.accounts.models import User
    from hogo.accounts.services import designate_operator

    manager, staff = (User.objects.get(username=n) for n in ("manager", "staff"))
    designate_operator(manager, staff)
    page = client.get("/").content.decode()
    assert "職員 三郎（操作取扱者）" in page  # whom the manager designated, by name and role
    assert "職員 #" not in page


def test_an_english_dashboard_translates_the_queue_and_age(client_for, source):
    client = client_for("manager")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    with translation.override("en"):
        assert translation.gettext("対応待ち") in page
    assert 'lang="en"' in page
