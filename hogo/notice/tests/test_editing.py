"""Editing purposes (R-902): a vague purpose is refused with why and the input kept; once
published, a changed purpose needs a statement of why it stays reasonably related (Act Art.
17(2)), a vague statement is refused; publishing makes a dated version with the before and
after text, audited; publishing nothing new is refused."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from hogo.audit.models import AuditEntry
from hogo.notice import publishing, services
from hogo.notice.models import NoticeVersion, PurposeChange
from hogo.notice.tests.support import publish_city
from hogo.rules.wareki import format_wareki

NEW_TEXT = ("公用車に係る事故の原因究明及び保険請求等の事務処理並びに同種事故の再発防止のための"
            "職員研修")
REASON = ("事故の原因究明に用いる同じ映像を、同じ事故の再発防止の研修に使うもので、撮影の対象と"
          "範囲は変わらない")


def _first(notice):
    return notice.purposes.first()


def test_a_vague_purpose_is_refused_with_why(demo, user):
    officer = user("privacy")
    notice = services.ensure_draft(officer)
    with pytest.raises(services.NoticeError) as refused:
        services.add_purpose(officer, notice, data="ドライブレコーダーの映像", text="業務のため")
    assert "一般的な言葉だけ" in " ".join(refused.value.problems["text"])
    assert notice.purposes.count() == 2 and not PurposeChange.objects.exists()


def test_on_screen_a_vague_purpose_keeps_what_was_typed(demo, client_for):
    client = client_for("privacy")
    client.get("/notice/")
    page = client.post("/notice/purposes/add/", {
        "new-data": "教習生の氏名・住所", "new-text": "当社の業務遂行に必要な範囲で"})
    body = page.content.decode()
    assert page.status_code == 400
    assert "教習生の氏名・住所" in body and "当社の業務遂行に必要な範囲で" in body
    assert "限りのない書き方" in body and "一般的な言葉だけ" in body


def test_before_publication_a_purpose_changes_without_a_statement(demo, user):
    officer = user("privacy")
    notice = services.ensure_draft(officer)
    services.change_purpose(officer, _first(notice), data=_first(notice).data, text=NEW_TEXT)
    assert _first(notice).text == NEW_TEXT


def test_after_publication_a_change_needs_a_specific_statement(demo, user):
    officer = user("privacy")
    notice, _version = publish_city(officer)
    purpose = _first(notice)
    for reason, words in (("", "理由を記入してください"), ("関連があるため", "理由になりません")):
        with pytest.raises(services.NoticeError) as refused:
            services.change_purpose(officer, purpose, data=purpose.data, text=NEW_TEXT,
                                    reason=reason)
        assert words in " ".join(refused.value.problems["reason"])
    purpose.refresh_from_db()
    assert purpose.text != NEW_TEXT


def test_an_edit_and_publication_leave_a_dated_history(demo, user, client_for):
    officer = user("privacy")
    notice, first = publish_city(officer)
    purpose = _first(notice)
    before = purpose.text
    services.change_purpose(officer, purpose, data=purpose.data, text=NEW_TEXT, reason=REASON)
    # not public until published
    assert notice.current_version.snapshot["purposes"][0]["text"] == before
    second = publishing.publish(officer, notice, note="研修での利用を明記しました。")
    assert (first.number, second.number) == (1, 2)
    assert second.summary == "利用目的を変更しました。研修での利用を明記しました。"
    assert second.snapshot["purposes"][0]["text"] == NEW_TEXT
    change = second.purpose_changes.get()
    assert (change.before_text, change.after_text, change.reason) == (before, NEW_TEXT, REASON)
    published = AuditEntry.objects.filter(action="notice.published").order_by("seq").last()
    said = json.loads(published.detail)
    assert said["version"] == 2 and said["sections"] == ["purposes"]
    changed = AuditEntry.objects.get(action="notice.purpose_changed")
    detail = json.loads(changed.detail)
    assert detail["before"][1] == before and detail["after"][1] == NEW_TEXT
    page = client_for("auditor").get("/notice/history/").content.decode()
    assert before in page and NEW_TEXT in page and REASON in page
    assert "第2版" in page and "第1版" in page


def test_the_history_dates_are_the_days_of_publication(demo, user, client):
    officer = user("privacy")
    notice, first = publish_city(officer)
    first.published_at -= dt.timedelta(days=40)  # as if published earlier
    first.save(update_fields=["published_at"])
    purpose = _first(notice)
    services.change_purpose(officer, purpose, data=purpose.data, text=NEW_TEXT, reason=REASON)
    second = publishing.publish(officer, notice)
    page = client.get(f"/public/{demo.pk}/notice/").content.decode()
    assert format_wareki(timezone.localtime(first.published_at).date()) in page
    assert format_wareki(timezone.localtime(second.published_at).date()) in page
    assert page.count('data-testid="history-row"') == 2


def test_publishing_nothing_new_is_refused(demo, user):
    officer = user("privacy")
    notice, _version = publish_city(officer)
    with pytest.raises(publishing.PublishRefused) as refused:
        publishing.publish(officer, notice)
    assert "変更がありません" in refused.value.problems[0]
    assert NoticeVersion.objects.count() == 1


def test_adding_and_removing_purposes_are_changes(demo, user):
    officer = user("privacy")
    notice, _version = publish_city(officer)
    added = services.add_purpose(officer, notice, data="ドライブレコーダーで記録した映像（前方）",
                                 text="公用車の運転者に対する安全運転の指導", reason=REASON)
    services.remove_purpose(officer, _first(notice))
    version = publishing.publish(officer, notice)
    kinds = [c.kind for c in version.purpose_changes.all()]
    assert kinds == ["added", "removed"]
    assert [p["text"] for p in version.snapshot["purposes"]][-1] == added.text


def test_the_last_purpose_cannot_be_removed(demo, user):
    officer = user("privacy")
    notice = services.ensure_draft(officer)
    services.remove_purpose(officer, _first(notice))
    with pytest.raises(services.NoticeError):
        services.remove_purpose(officer, _first(notice))
    assert notice.purposes.count() == 1


def test_an_unchanged_purpose_is_no_change(demo, user):
    officer = user("privacy")
    notice = services.ensure_draft(officer)
    purpose = _first(notice)
    with pytest.raises(services.NoticeError):
        services.change_purpose(officer, purpose, data=purpose.data, text=purpose.text)


def test_a_sections_edit_is_audited_and_an_empty_name_refused(demo, client_for):
    client = client_for("privacy")
    client.get("/notice/")
    page = client.post("/notice/sections/", {"published_name": "",
                                             "complaints_contact": "デモ市 総務部 電話 000"})
    body = page.content.decode()
    assert page.status_code == 400 and "公表する名称を入力してください" in body
    assert "デモ市 総務部 電話 000" in body
    client.post("/notice/sections/", {"published_name": "デモ市",
                                      "requests_where": "デモ市役所 本庁舎1階 情報公開窓口",
                                      "complaints_contact": "デモ市 総務部 電話 000"})
    entry = AuditEntry.objects.get(action="notice.edited")
    changed = json.loads(entry.detail)["changed"]
    assert changed["requests_where"][1] == "デモ市役所 本庁舎1階 情報公開窓口"


def test_the_waiting_item_asks_to_publish(demo, user):
    from hogo.alerts.waiting import waiting_for

    officer = user("privacy")
    services.ensure_draft(officer)
    assert "notice.publish" in [item.kind for item in waiting_for(officer)]
    publish_city(officer)
    assert "notice.publish" not in [item.kind for item in waiting_for(officer)]
