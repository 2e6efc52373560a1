"""Fees (R-606): the demo city's 300 yen per request with copies per sheet and disc, a driving
school's 1,000 yen per item, none for correction or stop (refused with the article), the
payment against a numbered receipt, and no disclosure carried out before the fee is paid."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from hogo import clock
from hogo.audit.models import AuditEntry
from hogo.provision.models import ProvisionRecord
from hogo.requests import carrying, deciding, fees
from hogo.requests.models import RequestState
from hogo.requests.tests.test_decision import driving_school, make_request
from hogo.rules.wareki import format_wareki


def test_the_city_charges_300_yen_per_request_and_copies_per_sheet(demo, user):
    operator = user("operator")
    request = make_request(demo, user("staff"))
    assert request.fee_yen == 300 and fees.total(request) == 300
    request = fees.set_fee(operator, request, items=3, sheets=12, discs=1)
    # per request: three items still cost 300; 12 sheets x 10 + 1 disc x 100
    assert (request.fee_yen, request.copy_fee_yen, fees.total(request)) == (300, 220, 520)
    view = fees.fee_view(request)
    assert not view["unit"]["per_item"] and "法第89条" in view["rule"]
    assert "デモ市個人情報の保護に関する法律施行条例" in view["rule"]
    assert AuditEntry.objects.filter(action="requests.fee_set").exists()


def test_a_payment_must_match_and_gets_a_numbered_receipt(demo, user, client_for):
    operator = user("operator")
    request = make_request(demo, user("staff"))
    with pytest.raises(fees.FeeRefused, match="一致しません"):
        fees.record_payment(operator, request, amount=200)
    request = fees.record_payment(operator, request, amount=300)
    year = clock.today_jst().year
    assert request.fee_receipt_number == f"{year}-F0001" and request.fee_paid_at is not None
    second = fees.record_payment(operator, make_request(demo, user("staff")), amount=300)
    assert second.fee_receipt_number == f"{year}-F0002"
    with pytest.raises(fees.FeeRefused, match="納付済み"):
        fees.record_payment(operator, request, amount=300)
    with pytest.raises(fees.FeeRefused, match="納付済み"):
        fees.set_fee(operator, request, items=2)
    html = client_for("operator").get(f"/requests/{request.pk}/letters/fee-receipt/"
                                      ).content.decode()
    assert "領収書" in html and f"{year}-F0001" in html and "金 300 円" in html
    assert format_wareki(clock.today_jst()) in html and "印" in html
    assert "デモ市長" in html
    printed = AuditEntry.objects.filter(action="requests.letter_printed").latest("seq")
    assert json.loads(printed.detail)["letter"] == "receipt"


def test_no_fee_may_be_charged_for_a_correction_request(demo, user):
    operator = user("operator")
    request = make_request(demo, user("staff"), kind="correction")
    assert request.fee_yen == 0 and fees.settled(request)
    with pytest.raises(fees.FeeRefused) as refused:
        fees.set_fee(operator, request, items=1)
    assert "手数料を課すことはできません" in str(refused.value)
    assert "法第89条" in str(refused.value)
    with pytest.raises(fees.FeeRefused, match="法第89条"):
        fees.record_payment(operator, request, amount=300)
    request.refresh_from_db()
    assert request.fee_yen == 0 and request.fee_paid_at is None
    assert "法第89条" in fees.fee_view(request)["free_because"]


def test_the_fee_screen_refuses_a_correction_fee_with_the_message(demo, user, client_for):
    request = make_request(demo, user("staff"), kind="suspension")
    response = client_for("operator").post(f"/requests/{request.pk}/fee/",
                                           {"items": 1, "sheets": 0, "discs": 0})
    assert response.status_code == 400
    html = response.content.decode()
    assert "利用停止・消去の請求に手数料を課すことはできません" in html and "法第89条" in html


def test_a_business_cites_art_38_for_a_free_request(demo):
    school, people = driving_school()
    request = make_request(school, people["staff"], kind="provision_stop")
    with pytest.raises(fees.FeeRefused, match=r"法第38条第1項"):
        fees.set_fee(people["manager"], request, items=1)


def test_a_pupils_disclosure_shows_1000_yen_per_item_the_may_sue_day_and_records(
        demo, client):
    school, people = driving_school()
    pupil = make_request(school, people["staff"], requester_name="生徒 花子",
                         disclosure_of=["data", "provision_records"])
    ProvisionRecord.objects.create(
        organisation=school, department=pupil.department, form="single",
        consent="本人の同意を得ている（令和8年4月1日、書面）",
        persons="教習生 生徒 花子（教習生番号 1234）", data_items="教習車の車内映像（前方）",
        recipient_name="あおば損害保険株式会社", recipient_address="東京都千代田区丸の内1-1",
        provided_on=["2026-04-10"], created_at=clock.now())
    ProvisionRecord.objects.create(
        organisation=school, form="single", persons="教習生 別人 一郎",
        data_items="映像", recipient_name="別の保険会社", provided_on=["2026-04-11"],
        created_at=clock.now())
    pupil = fees.set_fee(people["manager"], pupil, items=2)
    assert pupil.fee_yen == 2000  # 1,000 yen per item (own rules Art. 31)
    assert pupil.may_sue_on == pupil.received_on + dt.timedelta(days=15)
    client.force_login(people["manager"], backend="hogo.accounts.backends.RoleBackend")
    page = client.get(f"/requests/{pupil.pk}/decide/")
    html = page.content.decode()
    assert "1件（項目）につき1000円" in html and "2000円" in html
    assert format_wareki(pupil.may_sue_on) in html and "法第39条第1項" in html
    assert "あおば損害保険株式会社" in html and "別の保険会社" not in html
    assert AuditEntry.objects.filter(action="provision.records_searched").exists()
    decided = deciding.decide(people["manager"], pupil, outcome="disclose")
    assert [r["recipient"] for r in decided.disclosed_records] == ["あおば損害保険株式会社"]
    letter = client.get(f"/requests/{pupil.pk}/letters/decision/").content.decode()
    assert "別紙" in letter and "あおば損害保険株式会社" in letter
    assert "教習生 生徒 花子（教習生番号 1234）" in letter


def test_a_disclosure_is_not_carried_out_before_its_fee_is_paid(demo, user):
    operator, manager = user("operator"), user("manager")
    request = make_request(demo, user("staff"))
    deciding.decide(manager, request, outcome="disclose")
    with pytest.raises(carrying.CarryOutRefused, match="手数料"):
        carrying.carry_out(operator, request, method="paper")
    fees.record_payment(operator, request, amount=300)
    done = carrying.carry_out(operator, request, method="paper")
    assert done.carried_out_at is not None and done.method == "paper"
    assert done.state == RequestState.DECIDED
    assert carrying.why_not_closable(done) == ""


def test_a_zero_fee_disclosure_needs_no_payment(demo, user):
    operator = user("operator")
    request = make_request(demo, user("staff"), fee_items=0)
    assert fees.total(request) == 0 and fees.settled(request)
    deciding.decide(user("manager"), request, outcome="disclose")
    assert carrying.carry_out(operator, request, method="view").carried_out_at is not None
