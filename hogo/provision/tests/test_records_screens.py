"""The records register on screen: two registers with keep-until days in 和暦, erased rows
shown as erased, entries by hand refused with what is missing and the input kept, the CSV."""

from __future__ import annotations

import datetime as dt

from hogo import clock
from hogo.audit.models import AuditEntry
from hogo.provision import records
from hogo.provision.models import ReceiptRecord
from hogo.provision.tests.test_records import as_business, hand_over, make_request
from hogo.rules.copies import period_end
from hogo.rules.wareki import format_wareki

RECEIPT = {"form": "single", "basis": "consent", "consent_on": "2026-06-01",
           "consent_how": "書面", "provider_name": "みどり交通株式会社",
           "is_organisation": "on", "provider_address": "",
           "provider_representative": "代表取締役 緑 花子",
           "how_obtained": "同社のタクシーのドライブレコーダーで撮影したもの",
           "persons": "令和8年6月1日9時00分〜9時05分 デモ市北町交差点の通行者",
           "data_items": "ドライブレコーダーの映像（前方）、音声なし",
           "received_on": "2026-06-02"}


def test_a_receipt_without_the_providers_address_is_refused_and_kept(demo, client_for):
    client = client_for("privacy")
    page = client.post("/provision/records/receipt/new/", RECEIPT)
    body = page.content.decode()
    assert page.status_code == 200 and not ReceiptRecord.objects.exists()
    assert "次の事項を記入してください" in body and "提供者の住所" in body
    assert "みどり交通株式会社" in body and "同社のタクシーのドライブレコーダーで撮影" in body
    assert "2026-06-02" in body and "代表取締役 緑 花子" in body


def test_a_receipt_of_an_organisation_needs_its_representative(demo, client_for):
    page = client_for("privacy").post("/provision/records/receipt/new/", {
        **RECEIPT, "provider_address": "デモ市北町2-2", "provider_representative": ""})
    assert "代表者の氏名" in page.content.decode() and not ReceiptRecord.objects.exists()


def test_a_complete_receipt_is_recorded_and_listed_in_wareki(demo, client_for):
    client = client_for("manager")
    page = client.post("/provision/records/receipt/new/",
                       {**RECEIPT, "provider_address": "デモ市北町2-2"}, follow=True)
    made = ReceiptRecord.objects.get()
    keep_until = period_end(clock.today_jst(), 36)  # 3 years from the day it is made
    assert made.keep_until == keep_until
    assert page.status_code == 200 and format_wareki(keep_until) in page.content.decode()
    assert made.consent == "本人の同意を得ている（令和8年6月1日、書面）"
    assert made.department.code == "kanzai"
    listing = client.get("/provision/records/?kind=receipt").content.decode()
    assert "みどり交通株式会社" in listing and format_wareki(keep_until) in listing
    assert AuditEntry.objects.filter(action="provision.receipt_entered").exists()


def test_a_bad_day_is_refused_with_the_input_kept(demo, client_for):
    page = client_for("privacy").post("/provision/records/receipt/new/", {
        **RECEIPT, "provider_address": "デモ市北町2-2", "received_on": "6月2日"})
    body = page.content.decode()
    assert "6月2日" in body and "読めません" in body and not ReceiptRecord.objects.exists()


def test_the_register_shows_keep_until_and_erased_rows(demo, user, client_for):
    as_business(demo)
    manager = user("manager")
    kept = records.record_provision(hand_over(make_request(demo, manager), manager))
    gone = records.record_provision(hand_over(make_request(demo, manager), manager))
    gone.keep_until = dt.date(2026, 11, 1)  # as if it had been made long ago
    gone.save(update_fields=["keep_until"])
    assert records.erase_expired(dt.date(2026, 11, 2)) == 1
    client = client_for("privacy")
    body = client.get("/provision/records/").content.decode()
    assert "令和11年6月1日" in body and "消去済み" in body
    assert body.count("あおば損害保険株式会社") == 1 and kept.is_kept
    detail = client.get(f"/provision/records/provision/{gone.pk}/").content.decode()
    assert "消去済み" in detail and "あおば損害保険" not in detail
    assert AuditEntry.objects.filter(action="provision.records_viewed").exists()


def test_a_manager_cannot_open_another_departments_record(demo, user, client_for):
    as_business(demo)
    other = user("seiso-manager")
    theirs = records.record_provision(hand_over(
        make_request(demo, other, department="seiso"), other))
    client = client_for("manager")
    assert client.get(f"/provision/records/provision/{theirs.pk}/").status_code == 404
    assert "あおば損害保険" not in client.get("/provision/records/").content.decode()
    assert client_for("staff").get("/provision/records/").status_code == 403


def test_the_csv_downloads_with_a_bom(demo, user, client_for):
    as_business(demo)
    manager = user("manager")
    records.record_provision(hand_over(make_request(demo, manager), manager))
    response = client_for("auditor").get("/provision/records/provision.csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert response.status_code == 200 and text.startswith("\ufeff")
    assert "あおば損害保険株式会社" in text
    assert response["Content-Disposition"].endswith('provision-records.csv"')
    assert client_for("auditor").get("/provision/records/other.csv").status_code == 404


def test_a_manager_enters_a_provision_record_on_screen(demo, client_for):
    client = client_for("manager")
    assert client.get("/provision/records/provision/new/").status_code == 200
    page = client.post("/provision/records/provision/new/", {
        "form": "single", "basis": "consent", "consent_on": "2026-05-01",
        "consent_how": "書面", "recipient_name": "あおば損害保険株式会社",
        "recipient_address": "東京都千代田区大手町一丁目1番1号",
        "persons": "令和8年5月29日10時00分〜10時03分 公用車1号 前方カメラに記録された者",
        "data_items": "ドライブレコーダーの映像（前方）、音声なし",
        "provided_on": "2026-06-01"}, follow=True)
    body = page.content.decode()
    assert "記録を作成しました" in body
    assert format_wareki(period_end(clock.today_jst(), 36)) in body
    assert "本人の同意を得ている（令和8年5月1日、書面）" in body
    assert client_for("auditor").get("/provision/records/provision/new/").status_code == 403


def test_the_request_page_says_why_no_record_is_made(demo, user, client_for):
    from hogo.provision.tests.test_records import POLICE

    manager = user("manager")
    request = make_request(demo, manager, **POLICE)
    assert records.record_provision(hand_over(request, manager)) is None
    body = client_for("manager").get(f"/provision/{request.pk}/").content.decode()
    assert 'data-testid="records-panel"' in body
    assert "第29条" in body and "第69条第1項" in body
    assert "提供記録は作成しません" in body  # the 経過 line


def test_a_receipt_from_a_private_individual_is_entered_on_screen(demo, client_for):
    client = client_for("manager")
    form = client.get("/provision/records/receipt/new/").content.decode()
    assert 'value="individual"' in form and "個人情報取扱事業者でない個人" in form
    page = client.post("/provision/records/receipt/new/", {
        **RECEIPT, "basis": "individual", "consent_on": "", "consent_how": "",
        "is_organisation": "", "provider_name": "山田 花子", "provider_representative": "",
        "provider_address": "デモ市南町3-3", "received_on": ""}, follow=True)
    body = page.content.decode()
    made = ReceiptRecord.objects.get()
    assert "記録を作成しました" in body and made.consent == "" and made.received_on == []
    assert format_wareki(period_end(clock.today_jst(), 36)) in body
