"""The public pages (no log-in): the index lists each organisation with a published notice,
a notice page shows the current version, its date and the dated list of changes, writes no
session, and an unpublished draft is nobody's to see."""

from __future__ import annotations

from hogo.clock import today_jst
from hogo.notice import services
from hogo.notice.tests.support import driving_school, publish_city, publish_school
from hogo.rules.wareki import format_wareki


def test_nothing_published_nothing_shown(demo, user, client):
    services.ensure_draft(user("privacy"))
    assert "公表されている事項はまだありません" in client.get("/public/").content.decode()
    assert client.get(f"/public/{demo.pk}/notice/").status_code == 404


def test_the_notice_renders_without_log_in_and_lists_its_dates(demo, user, client):
    publish_city(user("privacy"))
    page = client.get(f"/public/{demo.pk}/notice/")
    body = page.content.decode()
    assert page.status_code == 200 and '<meta charset="utf-8">' in body
    assert "デモ市の保有個人情報の取扱いについて" in body
    assert f"第1版　{format_wareki(today_jst())}公表" in body
    assert 'data-testid="history-date">' + format_wareki(today_jst()) in body
    assert "初版を公表しました。" in body
    assert "公用車に係る事故の原因究明及び保険請求等の事務処理" in body
    assert "notice/print.css" in body  # printable
    assert "sessionid" not in page.cookies
    assert "保護 花子" not in body  # no person's name (the privacy officer's)


def test_a_draft_edit_is_not_public_until_published(demo, user, client):
    officer = user("privacy")
    notice, _version = publish_city(officer)
    services.save_sections(officer, notice, {"complaints_contact": "新しい苦情窓口 電話 111"})
    assert "新しい苦情窓口" not in client.get(f"/public/{demo.pk}/notice/").content.decode()


def test_the_index_lists_each_published_organisation(demo, user, client):
    publish_city(user("privacy"))
    school, people = driving_school()
    services.ensure_draft(people["privacy"])  # a draft only: not listed
    body = client.get("/public/").content.decode()
    assert f'href="/public/{demo.pk}/notice/"' in body and "テスト自動車学校" not in body
    publish_school(people["privacy"])
    body = client.get("/public/").content.decode()
    assert body.count('data-testid="public-row"') == 2
    assert f'href="/public/{school.pk}/notice/"' in body


def test_the_preview_shows_the_draft_to_the_privacy_officer(demo, client_for):
    page = client_for("privacy").get("/notice/preview/").content.decode()
    assert "プレビュー（未公表）" in page and "公用車に係る事故の原因究明" in page


def test_the_index_links_the_forms_the_profile_opens(demo, user, client):
    officer = user("privacy")
    publish_city(officer)
    body = client.get("/public/").content.decode()
    assert 'href="/public/requests/"' in body and 'href="/public/complaints/"' in body
    assert 'href="/public/requests/"' in client.get(f"/public/{demo.pk}/notice/").content.decode()
    demo.policy_overrides = {**demo.policy_overrides, "complaints.public_form": False}
    demo.save(update_fields=["policy_overrides"])
    body = client.get("/public/").content.decode()
    assert 'href="/public/requests/"' in body and 'href="/public/complaints/"' not in body


def test_with_several_organisations_the_forms_are_closed(demo, user, client):
    publish_city(user("privacy"))
    driving_school()
    body = client.get("/public/").content.decode()
    assert "/public/requests/" not in body and "窓口・郵送で受け付けます" in body
