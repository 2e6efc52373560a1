"""Alerts people can act on: in their language, dated in the Japanese era, with links that
work from a mail program (HOGO_BASE_URL), and exactly one per event per person."""

from __future__ import annotations

import datetime as dt

from django.core import mail
from django.test import override_settings
from django.utils import translation
from django.utils.translation import gettext_noop

from hogo.accounts.models import User
from hogo.alerts.models import Alert
from hogo.alerts.services import alert_people, mail_people, raise_alert
from hogo.alerts.text import AlertText, absolute_links, era_dates, kind_label

DUE = dt.date(2026, 6, 3)


def test_a_text_alert_renders_in_each_language_with_its_dates(demo):
    manager = User.objects.get(username="manager")
    text = AlertText(gettext_noop("記録媒体 %(medium)s の返却予定日は%(due)sです。"),
                     medium="KANZAI-USB-01", due=DUE)
    alert = raise_alert("media.overdue", message=text, key="t:1", recipient=manager,
                        link="/media/")
    alert.refresh_from_db()
    assert alert.message == "記録媒体 KANZAI-USB-01 の返却予定日は令和8年6月3日です。"
    assert alert.translated and alert.params["due"] == {"date": "2026-06-03"}
    with translation.override("ja"):
        assert alert.text == "記録媒体 KANZAI-USB-01 の返却予定日は令和8年6月3日です。"
    with translation.override("en"):
        # Without an English catalogue entry the Japanese message id remains, but its date
        # follows the reader's language (the lead adds the English text to the catalogue).
        assert "2026-06-03" in alert.text and "令和" not in alert.text


def test_a_plain_japanese_alert_still_works_and_is_named_in_english(demo, client_for):
    kanzai = demo.departments.get(code="kanzai")
    raise_alert("media.overdue", department=kanzai, key="old:1",
                message="記録媒体 X が返却予定日（2026-06-03）を1日過ぎても返却されていません。",
                link="/media/")
    client = client_for("manager")
    japanese = client.get("/").content.decode()
    assert "返却予定日（令和8年6月3日）" in japanese  # ISO dates in the era on Japanese pages
    assert 'href="/media/" class="alert-link"' in japanese
    assert "たった今</span>" in japanese  # its age (「3日前」 later)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/").content.decode()
    assert "Medium overdue" in english or "記録媒体の返却遅れ" in english
    with translation.override("en"):
        assert kind_label("media.overdue")  # a label exists for the English page
        assert kind_label("copies.requested")  # unknown kinds are named by their app


@override_settings(HOGO_BASE_URL="https://hogo.city.example.jp")
def test_mail_is_japanese_with_era_dates_and_absolute_links(demo):
    manager = User.objects.get(username="manager")
    mail.outbox.clear()
    mail_people([manager], "[hogo] 返却のお願い",
                "返却予定日は2026-06-03です。\n\n/incidents/3/\n\n（hogo から自動送信）",
                link="/media/")
    (sent,) = mail.outbox
    assert "令和8年6月3日" in sent.body and "2026-06-03" not in sent.body
    assert "https://hogo.city.example.jp/incidents/3/" in sent.body
    assert sent.body.rstrip().endswith("https://hogo.city.example.jp/media/")
    assert "\n/incidents/3/" not in sent.body


@override_settings(HOGO_BASE_URL="https://hogo.city.example.jp")
def test_a_hand_off_alerts_each_person_once_and_mails_them_once(
        demo, django_capture_on_commit_callbacks):
    people = list(User.objects.filter(username__in=["manager", "privacy"]))
    mail.outbox.clear()
    text = AlertText(gettext_noop("複製の申請 %(number)s の承認をお願いします。"), number="#12")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = alert_people(people, "copies.requested", message=text,
                             key="copy.requested:12", link="/copies/requests/12/",
                             subject="[hogo] 複製の申請")
        assert mail.outbox == []  # mailed only after the commit
    assert len(callbacks) == 1
    with django_capture_on_commit_callbacks(execute=True):
        again = alert_people(people, "copies.requested", message=text,
                             key="copy.requested:12", link="/copies/requests/12/",
                             subject="[hogo] 複製の申請")
    assert len(first) == 2 and again == []
    assert Alert.objects.filter(key__startswith="copy.requested:12:").count() == 2
    (sent,) = mail.outbox
    assert sorted(sent.to) == sorted(p.email for p in people)
    assert "https://hogo.city.example.jp/copies/requests/12/" in sent.body


def test_only_whole_dates_and_whole_path_lines_are_rewritten():
    assert era_dates("2026-06-03 と 2026-13-40 と 12026-06-030") == (
        "令和8年6月3日 と 2026-13-40 と 12026-06-030")
    assert era_dates("2019-05-01") == "令和元年5月1日"
    text = "見てください /copies/ の画面\n/copies/1/\n"
    assert absolute_links(text).splitlines() == ["見てください /copies/ の画面",
                                                 "http://127.0.0.1:8000/copies/1/"]
