"""The first draft from what hogo knows, and how a city's page differs from a driving
school's (R-601): Chapter 5 wording and requests for the city; the Act Art. 32 items (address,
representative, security measures), the purpose notification and the association's complaints
contact for the school; fees from each profile (300 yen per request vs 1,000 yen per item)."""

from __future__ import annotations

import pytest

from hogo.audit.models import AuditEntry
from hogo.notice import publishing, services
from hogo.notice.models import SECURITY_CODES
from hogo.notice.tests.support import driving_school, publish_school


@pytest.fixture
def school(demo):
    return driving_school()


def test_the_city_draft_has_its_name_purposes_and_chapter_5_requests(demo, user):
    notice = services.ensure_draft(user("privacy"))
    shown = publishing.snapshot(notice)
    assert shown["name"] == "デモ市" and shown["public_body"] is True
    texts = [p["text"] for p in shown["purposes"]]
    assert texts == ["公用車に係る事故の原因究明及び保険請求等の事務処理",
                     "公用車に係る事故の捜査及び裁判において証拠として提出"]
    assert all(p["data"] == "ドライブレコーダーで記録した映像（前方）" for p in shown["purposes"])
    kinds = {k["code"]: k for k in shown["requests"]["kinds"]}
    # Chapter 5 has no purpose notification; disclosure rests on Art. 76(1)
    assert list(kinds) == ["disclosure", "correction", "suspension", "provision_stop"]
    assert kinds["disclosure"]["right"].endswith("第76条第1項")  # the right (Chapter 5)
    assert (kinds["disclosure"]["amount"], kinds["disclosure"]["per"]) == (300, "request")
    assert kinds["correction"]["free"] and kinds["suspension"]["free"]
    assert (shown["requests"]["copy_sheet"], shown["requests"]["copy_disc"]) == (10, 100)
    assert "個人情報の保護に関する法律施行条例" in shown["requests"]["fee_rule"]
    # no business items
    assert shown["address"] == shown["representative"] == "" and shown["security"] == []
    assert shown["association"] == ""
    assert "総務部 情報政策課" in shown["complaints"]  # the privacy officer's department
    assert "デモ市" in shown["dashcam"] and "録画中" in shown["dashcam"]
    assert AuditEntry.objects.filter(action="notice.drafted").count() == 1


def test_a_second_visit_keeps_the_draft(demo, user):
    first = services.ensure_draft(user("privacy"))
    assert services.ensure_draft(user("privacy")).pk == first.pk
    assert AuditEntry.objects.filter(action="notice.drafted").count() == 1


def test_the_school_draft_has_the_business_items_and_the_association(school):
    organisation, people = school
    notice = services.ensure_draft(people["privacy"])
    shown = publishing.snapshot(notice)
    assert shown["public_body"] is False
    kinds = {k["code"]: k for k in shown["requests"]["kinds"]}
    assert list(kinds) == ["purpose_notification", "disclosure", "correction", "suspension",
                           "provision_stop"]
    assert (kinds["disclosure"]["amount"], kinds["disclosure"]["per"]) == (1000, "item")
    assert kinds["disclosure"]["right"] == "法第33条第1項"
    assert [m["code"] for m in shown["security"]] == list(SECURITY_CODES)
    assert all(m["text"] for m in shown["security"])
    assert "全日本指定自動車教習所協会連合会" in shown["association"]
    assert "運転者の安全運転指導・教育" in [p["text"] for p in shown["purposes"]]
    assert shown["complaints_rule"] == "テスト自動車学校個人情報保護規程第32条"
    # the address and representative are the school's to give: publishing waits for them
    found = publishing.problems(notice)
    assert any("住所" in p for p in found) and any("代表者の氏名" in p for p in found)


def test_the_pages_show_the_differences(demo, user, school, client):
    from hogo.notice.tests.support import publish_city

    publish_city(user("privacy"))
    organisation, people = school
    publish_school(people["privacy"])
    city = client.get(f"/public/{demo.pk}/notice/").content.decode()
    ds = client.get(f"/public/{organisation.pk}/notice/").content.decode()
    assert "第5章" in city and "第5章" not in ds
    assert "第32条第1項" in ds
    assert "1件の請求につき300円" in city and "用紙1枚につき10円" in city
    assert "請求の対象1件につき1,000円" in ds and "用紙1枚" not in ds
    for business_only in ("安全管理のために講じた措置", "代表取締役 教習 太郎",
                          "デモ県デモ市南町1-2-3", "認定個人情報保護団体",
                          "利用目的の通知の求め", "技術的安全管理措置"):
        assert business_only in ds and business_only not in city, business_only
    assert "開示請求" in city and "訂正請求" in city


def test_an_association_contact_is_needed_to_publish_a_school(school):
    organisation, people = school
    notice = services.ensure_draft(people["privacy"])
    services.save_sections(people["privacy"], notice, {
        "address": "デモ県デモ市南町1-2-3", "representative": "代表取締役 教習 太郎",
        "association_contact": ""})
    with pytest.raises(publishing.PublishRefused) as refused:
        publishing.publish(people["privacy"], notice)
    assert any("認定個人情報保護団体" in p for p in refused.value.problems)
    assert not notice.versions.exists()


def test_a_business_without_a_security_measure_cannot_publish(school):
    organisation, people = school
    notice = services.ensure_draft(people["privacy"])
    services.save_sections(people["privacy"], notice, {
        "address": "デモ県デモ市南町1-2-3", "representative": "代表取締役 教習 太郎",
        "security_measures": {"technical": ""}})
    with pytest.raises(publishing.PublishRefused) as refused:
        publishing.publish(people["privacy"], notice)
    assert any("技術的安全管理措置" in p for p in refused.value.problems)
