"""Provision records (Act Art. 29) made at hand-over, kept as Rules Art. 21 says and erased
the day after; none at a public body or for a law-based provision, and the page says why."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json

import pytest
from django.test import RequestFactory

from hogo import clock
from hogo.accounts import permissions
from hogo.accounts.models import Role
from hogo.audit.models import AuditEntry
from hogo.clock import JST
from hogo.copies.models import Copy, CopyRequest
from hogo.footage.models import DeletionRecord, EncryptedObject
from hogo.provision import records
from hogo.provision.intake import word_event
from hogo.provision.models import (
    Event,
    HandOver,
    ProvisionRecord,
    ProvisionRequest,
    ReceiptRecord,
)
from hogo.registry.models import Vehicle
from hogo.rules.copies import PROVISION_PURPOSE, period_end

CONSENT_ON = dt.date(2026, 5, 1)
FIRST = dt.datetime(2026, 6, 1, 10, 0, tzinfo=JST)
LATER = dt.datetime(2026, 9, 10, 15, 30, tzinfo=JST)
_numbers = itertools.count(1)

INSURER = dict(recipient_kind="insurer", requester_name="あおば損害保険株式会社",
               requester_address="東京都千代田区丸の内一丁目1番1号", is_organisation=True,
               representative="代表取締役 青葉 太郎", person_in_charge="損害調査課 森",
               basis="consent", basis_detail="書面", consent_on=CONSENT_ON,
               purpose="6月1日の接触事故の損害調査")
POLICE = dict(recipient_kind="police", requester_name="デモ県警察 中央警察署長",
              requester_address="デモ市中央1-1", is_organisation=True,
              representative="署長 警察 一", basis="ccp_197_2",
              basis_detail="刑事訴訟法第197条第2項", letter_reference="中央刑第123号",
              purpose="交通事故の捜査")


def as_business(organisation, key: str = "bus_taxi_operator") -> None:
    organisation.profile_key = key
    organisation.policy_overrides = {}
    organisation.save(update_fields=["profile_key", "policy_overrides"])


def vehicle_of(organisation, code: str = "kanzai") -> Vehicle:
    return Vehicle.objects.filter(department__organisation=organisation,
                                  department__code=code).order_by("pk").first()


def make_request(organisation, by, *, department: str = "kanzai", **changes
                 ) -> ProvisionRequest:
    vehicle = vehicle_of(organisation, department)
    fields = dict(organisation=organisation, department=vehicle.department,
                  number=f"2026-P{next(_numbers):03d}", received_via="letter",
                  state="approved", vehicle=vehicle, start_at=FIRST - dt.timedelta(days=3),
                  end_at=FIRST - dt.timedelta(days=3) + dt.timedelta(minutes=3),
                  channels=["front"], received_at=FIRST - dt.timedelta(days=2), entered_by=by,
                  outcome="approve", record_form="single", **INSURER)
    return ProvisionRequest.objects.create(**{**fields, **changes})


def make_copy(request: ProvisionRequest, by, *, audio: bool = False) -> Copy:
    """A copy as the copy workflow leaves it (ORM only: records read its range and camera)."""
    start, end = request.start_at, request.end_at
    copy_request = CopyRequest.objects.create(
        vehicle=request.vehicle, start_at=start, end_at=end, channels=["front"], audio=audio,
        purpose=PROVISION_PURPOSE, justification=f"提供申請 {request.number}",
        requested_by=by, requested_at=clock.now(), state="made")
    digest = hashlib.sha256(f"{request.number}-{clock.now().isoformat()}".encode()).hexdigest()
    stored = EncryptedObject.objects.create(object_id=digest, size=4096, wrapped_key="k",
                                            created_at=clock.now())
    return Copy.objects.create(request=copy_request, channel="front", stored=stored,
                               sha256=digest, size=4096, actual_start=start, actual_end=end,
                               made_at=clock.now(), expires_on=dt.date(2027, 6, 1))


def hand_over(request: ProvisionRequest, by, at: dt.datetime = FIRST) -> HandOver:
    return HandOver.objects.create(request=request, copy=make_copy(request, by), method="link",
                                   recipient_name=request.person_in_charge or "受領者",
                                   prepared_by=by, prepared_at=at,
                                   erasure_due_on=clock.jst_date(at) + dt.timedelta(days=30))


def panel_html(request: ProvisionRequest, viewer) -> str:
    http = RequestFactory().get(f"/provision/{request.pk}/")
    http.user = viewer
    return records.panel(http, request)


@pytest.fixture
def business(demo):
    as_business(demo)
    return demo


def test_an_insurers_request_with_written_consent_keeps_a_record_three_years(business, user):
    manager = user("manager")
    request = make_request(business, manager)
    record = records.record_provision(hand_over(request, manager))
    assert record is not None and record.request == request and record.form == "single"
    assert record.provided_on == ["2026-06-01"]
    # 3 years from the day the record was made, that day not counted (Act Art. 29(2))
    assert record.keep_until == dt.date(2029, 6, 1)
    assert record.consent == "本人の同意を得ている（令和8年5月1日、書面）"
    assert record.recipient_name == INSURER["requester_name"]
    assert record.recipient_representative == INSURER["representative"]
    assert "公用車1号 前方カメラに記録された者" in record.persons
    assert record.persons.startswith("令和8年5月29日10時00分〜10時03分")
    assert record.data_items == "ドライブレコーダーの映像（前方）、音声なし"
    assert record.department == request.department
    assert AuditEntry.objects.filter(action="provision.record_created",
                                     object_id=str(record.pk)).exists()
    created = Event.objects.get(request=request, action="record_created")
    assert word_event(created) == (f"提供記録 #{record.pk} を作成しました"
                                   "（保存期限 令和11年6月1日）。")
    html = panel_html(request, manager)
    assert f"#{record.pk}" in html and "令和11年6月1日" in html


def test_a_second_single_provision_makes_a_second_record(business, user):
    manager = user("manager")
    first = records.record_provision(hand_over(make_request(business, manager), manager))
    second = records.record_provision(
        hand_over(make_request(business, manager), manager, LATER))
    assert first.pk != second.pk and second.keep_until == dt.date(2029, 9, 10)


def test_repeated_provision_is_kept_three_years_after_the_last(business, user):
    manager = user("manager")
    first = records.record_provision(hand_over(
        make_request(business, manager, record_form="repeated"), manager))
    assert first.keep_until == dt.date(2029, 5, 31)
    again = make_request(business, manager, record_form="repeated")
    same = records.record_provision(hand_over(again, manager, LATER))
    assert same.pk == first.pk
    assert same.provided_on == ["2026-06-01", "2026-09-10"]
    assert same.keep_until == dt.date(2029, 9, 9)  # from the LAST provision (Rules Art. 21(2))
    assert AuditEntry.objects.filter(action="provision.record_extended",
                                     object_id=str(first.pk)).exists()
    assert ProvisionRecord.objects.filter(organisation=business).count() == 1


def test_repeated_provision_to_another_recipient_is_another_record(business, user):
    manager = user("manager")
    first = records.record_provision(hand_over(
        make_request(business, manager, record_form="repeated"), manager))
    other = make_request(business, manager, record_form="repeated",
                         requester_address="大阪府大阪市北区1-1")
    assert records.record_provision(hand_over(other, manager, LATER)).pk != first.pk


def test_a_repeated_record_of_another_department_is_not_extended(business, user):
    manager, other = user("manager"), user("seiso-manager")
    theirs = records.record_provision(hand_over(
        make_request(business, other, department="seiso", record_form="repeated"), other))
    ours = records.record_provision(hand_over(
        make_request(business, manager, record_form="repeated"), manager, LATER))
    assert ours.pk != theirs.pk and ours.department.code == "kanzai"
    theirs.refresh_from_db()
    assert theirs.provided_on == ["2026-06-01"]  # the other department's record is untouched
    assert list(records.visible_records(manager)) == [ours]
    assert list(records.visible_records(other)) == [theirs]


def test_a_link_records_the_day_it_was_first_fetched(business, user):
    """The hand-over helper passes the first fetch's day; by default the preparing day."""
    manager = user("manager")
    handover = hand_over(make_request(business, manager), manager)  # prepared 2026-06-01
    record = records.record_provision(handover, provided_on=dt.date(2026, 6, 4))
    assert record.provided_on == ["2026-06-04"]
    assert record.keep_until == dt.date(2029, 6, 4)
    assert Event.objects.get(request=handover.request,
                             action="record_created").detail["provided_on"] == "2026-06-04"
    repeated = hand_over(make_request(business, manager, record_form="repeated"), manager)
    first = records.record_provision(repeated, provided_on=dt.date(2026, 6, 4))
    assert first.keep_until == dt.date(2029, 6, 3)  # 3 years counted from the fetch day


def test_a_contract_as_record_is_kept_one_year_after_the_last(business, user):
    manager = user("manager")
    first = records.record_provision(hand_over(
        make_request(business, manager, record_form="contract"), manager))
    assert first.keep_until == dt.date(2027, 5, 31)
    last = records.record_provision(hand_over(
        make_request(business, manager, record_form="contract"), manager, LATER))
    assert last.pk == first.pk and last.keep_until == dt.date(2027, 9, 9)


def test_a_police_inquiry_at_a_private_operator_needs_no_record_and_says_why(business, user):
    manager = user("manager")
    request = make_request(business, manager, **POLICE)
    assert records.record_provision(hand_over(request, manager)) is None
    assert not ProvisionRecord.objects.filter(request=request).exists()
    event = Event.objects.get(request=request, action="record_not_required")
    assert event.detail["because"] == "law_based"
    assert event.detail["article"] == "act:29:1:proviso"
    line = word_event(event)
    assert "提供記録は作成しません" in line and "第29条第1項ただし書" in line
    html = panel_html(request, manager)
    assert "第29条第1項ただし書" in html and "第27条第1項第1号" in html


def test_a_city_keeps_no_article_29_record_and_says_why(demo, user):
    manager = user("manager")
    request = make_request(demo, manager, **POLICE)
    assert records.record_provision(hand_over(request, manager)) is None
    event = Event.objects.get(request=request, action="record_not_required")
    assert event.detail["because"] == "public_body"
    html = panel_html(request, manager)
    assert "第29条" in html and "第69条第1項" in html
    assert not ProvisionRecord.objects.exists()


def test_an_insurer_at_a_city_also_needs_no_record(demo, user):
    """A public body provides under Art. 69, never with an Art. 29 record."""
    manager = user("manager")
    request = make_request(demo, manager)
    assert records.record_provision(hand_over(request, manager)) is None
    assert Event.objects.get(request=request,
                             action="record_not_required").detail["because"] == "public_body"


# --- erasure ---------------------------------------------------------------------------------


def test_expired_records_are_erased_from_the_day_after_once(business, user):
    manager = user("manager")
    request = make_request(business, manager)
    record = records.record_provision(hand_over(request, manager))
    keep_until = record.keep_until
    assert records.erase_expired(keep_until) == 0  # still kept on its last day
    record.refresh_from_db()
    assert record.is_kept and record.recipient_name
    assert records.erase_expired(keep_until + dt.timedelta(days=1)) == 1
    record.refresh_from_db()
    assert record.erased_at is not None
    for name in records.PERSONAL_FIELDS["provision"]:
        assert getattr(record, name) == "", name
    assert record.provided_on == ["2026-06-01"] and record.keep_until == keep_until
    deletion = DeletionRecord.objects.get(rule="provision_record_retention")
    assert deletion.what == f"提供記録 #{record.pk}" and deletion.size > 0
    assert len(deletion.sha256) == 64 and "field erasure" in deletion.method
    assert AuditEntry.objects.filter(action="provision.record_erased",
                                     object_id=str(record.pk)).exists()
    assert records.erase_expired(keep_until + dt.timedelta(days=2)) == 0  # idempotent
    assert DeletionRecord.objects.filter(rule="provision_record_retention").count() == 1


def test_a_record_without_a_day_of_provision_is_never_erased(business, user):
    undated = ProvisionRecord.objects.create(
        organisation=business, form="repeated", recipient_name="契約先", persons="乗客",
        data_items="映像", provided_on=[], keep_until=None, created_at=clock.now())
    assert records.erase_expired(dt.date(2100, 1, 1)) == 0
    undated.refresh_from_db()
    assert undated.is_kept and undated.recipient_name == "契約先"


def test_receipt_records_are_erased_too(business, user):
    made = records.enter_receipt_record(user("privacy"), {
        "provider_name": "みどり交通株式会社", "provider_address": "デモ市北町2-2",
        "is_organisation": True, "provider_representative": "代表取締役 緑 花子",
        "how_obtained": "同社のタクシーのドライブレコーダーで撮影", "persons": "事故の相手方",
        "data_items": "映像（前方）", "received_on": [dt.date(2026, 6, 2)],
        "consent_on": dt.date(2026, 6, 1), "consent_how": "書面"})
    assert made.keep_until == period_end(clock.today_jst(), 36)  # 3 years from its making
    assert records.erase_expired(made.keep_until + dt.timedelta(days=1)) == 1
    made.refresh_from_db()
    assert made.provider_name == "" and made.how_obtained == "" and made.erased_at
    assert DeletionRecord.objects.get(rule="receipt_record_retention").what == \
        f"確認記録 #{made.pk}"


# --- reading ---------------------------------------------------------------------------------


def test_a_manager_sees_only_their_departments_records(business, user):
    manager, other = user("manager"), user("seiso-manager")
    own = records.record_provision(hand_over(make_request(business, manager), manager))
    theirs = records.record_provision(hand_over(
        make_request(business, other, department="seiso"), other))
    assert list(records.visible_records(manager)) == [own]
    assert list(records.visible_records(other)) == [theirs]
    assert set(records.visible_records(user("privacy"))) == {own, theirs}
    assert set(records.visible_records(user("auditor"))) == {own, theirs}
    assert records.open_record(manager, "provision", theirs.pk) is None
    with pytest.raises(PermissionError):
        records.visible_records(user("staff"))


def test_records_about_a_person_lists_kept_records_only(business, user):
    manager = user("manager")
    record = records.record_provision(hand_over(make_request(business, manager), manager))
    assert records.records_about(manager, "令和8年5月29日 公用車1号") == [record]
    assert records.records_about(manager, "収集車1号") == []
    records.erase_expired(record.keep_until + dt.timedelta(days=1))
    assert records.records_about(manager, "公用車1号") == []


def test_records_about_a_person_are_scoped_permitted_and_audited_without_the_text(
        business, user):
    manager, other = user("manager"), user("seiso-manager")
    own = records.record_provision(hand_over(make_request(business, manager), manager))
    theirs = records.record_provision(hand_over(
        make_request(business, other, department="seiso"), other))
    text = "令和8年5月29日 前方カメラ"
    assert records.records_about(manager, text) == [own]
    assert records.records_about(other, text) == [theirs]
    assert records.records_about(user("privacy"), text) == [own, theirs]
    with pytest.raises(PermissionError):
        records.records_about(user("staff"), text)
    searched = AuditEntry.objects.filter(action="provision.records_searched",
                                         actor_user_id=manager.pk)
    assert searched.count() == 1
    detail = json.loads(searched.get().detail)
    assert detail["text_length"] == len(text) and detail["count"] == 1
    assert "令和8年5月29日" not in searched.get().detail


def test_the_csv_has_a_bom_and_the_rows(business, user):
    manager = user("manager")
    record = records.record_provision(hand_over(make_request(business, manager), manager))
    text = "".join(records.records_csv(user("privacy"), "provision"))
    assert text.startswith("\ufeff#,")
    assert INSURER["requester_name"] in text and "2029-06-01" in text
    assert str(record.pk) in text.splitlines()[1]
    assert AuditEntry.objects.filter(action="provision.records_exported").exists()


def test_a_formula_typed_into_a_record_stays_text_in_the_csv(business, user):
    records.enter_provision_record(user("privacy"), {
        "recipient_name": "=HYPERLINK(\"x\")", "recipient_address": "大阪市北区1-1",
        "persons": "乗客", "data_items": "映像",
        "provided_on": [dt.date(2026, 6, 1)], "consent_on": dt.date(2026, 5, 1)})
    text = "".join(records.records_csv(user("privacy"), "provision"))
    assert "'=HYPERLINK" in text


# --- entered by hand -------------------------------------------------------------------------


def test_an_opt_out_provision_needs_the_address_and_the_filing_day(demo, user):
    data = {"basis": "opt_out", "form": "single", "recipient_name": "名簿業者株式会社",
            "is_organisation": True, "persons": "乗客", "data_items": "映像",
            "provided_on": [dt.date(2026, 6, 1)]}
    with pytest.raises(records.RecordError) as refused:
        records.enter_provision_record(user("privacy"), data)
    assert sorted(refused.value.missing) == ["opt_out_on", "recipient_address",
                                             "recipient_representative"]
    assert "第三者の住所" in str(refused.value) and "代表者の氏名" in str(refused.value)
    complete = {**data, "opt_out_on": dt.date(2026, 4, 1),
                "recipient_address": "東京都港区1-1", "recipient_representative": "代表 名簿"}
    with pytest.raises(records.RecordError, match="都度"):  # Rules Art. 19(2)-(3)
        records.enter_provision_record(user("privacy"), {**complete, "form": "repeated"})
    made = records.enter_provision_record(user("privacy"), complete)
    assert made.consent == "" and made.opt_out_on == dt.date(2026, 4, 1)
    assert made.keep_until == period_end(clock.today_jst(), 36)
    repeated = records.enter_provision_record(user("privacy"), {
        "form": "repeated", "recipient_name": "保険会社", "recipient_address": "東京都1-1",
        "persons": "乗客", "data_items": "映像", "consent_on": dt.date(2026, 5, 1),
        "provided_on": [dt.date(2026, 6, 1), dt.date(2026, 7, 1)]})
    assert repeated.keep_until == dt.date(2029, 6, 30)  # 3 years from the last provision


def test_a_single_record_covers_one_day_and_no_future_day(demo, user):
    data = {"recipient_name": "保険会社", "recipient_address": "東京都千代田区1-1",
            "persons": "乗客", "data_items": "映像",
            "consent_on": dt.date(2026, 5, 1)}
    with pytest.raises(records.RecordError, match="1日分"):
        records.enter_provision_record(user("privacy"), {
            **data, "provided_on": [dt.date(2026, 6, 1), dt.date(2026, 6, 2)]})
    with pytest.raises(records.RecordError, match="未来"):
        records.enter_provision_record(user("privacy"), {
            **data, "provided_on": [clock.today_jst() + dt.timedelta(days=1)]})
    with pytest.raises(records.RecordError, match="前に得ている"):
        records.enter_provision_record(user("privacy"), {
            **data, "consent_on": dt.date(2026, 6, 5), "provided_on": [dt.date(2026, 6, 1)]})
    assert not ProvisionRecord.objects.exists()


def test_only_managers_and_the_privacy_officer_enter_records_for_their_department(demo, user):
    data = {"recipient_name": "保険会社", "recipient_address": "東京都千代田区1-1",
            "persons": "乗客", "data_items": "映像",
            "consent_on": dt.date(2026, 5, 1), "provided_on": [dt.date(2026, 6, 1)]}
    with pytest.raises(PermissionError):
        records.enter_provision_record(user("auditor"), data)
    seiso = demo.departments.get(code="seiso")
    with pytest.raises(records.RecordError, match="自分の部署"):
        records.enter_provision_record(user("manager"), {**data, "department": seiso})
    made = records.enter_provision_record(user("privacy"), {**data, "department": seiso})
    assert made.department == seiso
    assert AuditEntry.objects.filter(action="provision.record_entered",
                                     object_id=str(made.pk)).exists()


def test_who_records_for_any_department_is_the_permission_layers_to_say(
        demo, user, monkeypatch):
    """provision.manage_all_records decides, not a role test in the records area."""
    data = {"recipient_name": "保険会社", "recipient_address": "東京都千代田区1-1",
            "persons": "乗客", "data_items": "映像",
            "consent_on": dt.date(2026, 5, 1), "provided_on": [dt.date(2026, 6, 1)]}
    manager, seiso = user("manager"), demo.departments.get(code="seiso")
    assert list(records.department_choices(manager)) == [manager.department]
    assert set(records.department_choices(user("privacy"))) == set(demo.departments.all())
    monkeypatch.setitem(permissions.RULES, "provision.manage_all_records",
                        lambda who, obj: who.role == Role.MANAGER)
    assert set(records.department_choices(manager)) == set(demo.departments.all())
    assert records.enter_provision_record(manager, {**data, "department": seiso}
                                          ).department == seiso
    assert list(records.department_choices(user("privacy"))) == [user("privacy").department]
    with pytest.raises(records.RecordError, match="自分の部署"):
        records.enter_provision_record(user("privacy"), {**data, "department": seiso})


# --- receipts entered by hand ----------------------------------------------------------------

FROM_A_PERSON = {"basis": "individual", "provider_name": "山田 花子",
                 "provider_address": "デモ市南町3-3",
                 "how_obtained": "本人の自家用車のドライブレコーダーで撮影したもの",
                 "persons": "令和8年6月1日9時00分〜9時05分 デモ市北町交差点の通行者",
                 "data_items": "ドライブレコーダーの映像（前方）、音声なし"}


def test_a_receipt_from_a_private_individual_needs_no_consent_nor_day(demo, user):
    """Rules Art. 24(1)(iii): a provider that is no business operator — the record holds the
    provider, how they obtained it, the persons and the items; no consent, no day."""
    manager = user("manager")
    with pytest.raises(records.RecordError) as refused:
        records.enter_receipt_record(manager, {**FROM_A_PERSON, "provider_address": ""})
    assert refused.value.missing == ["provider_address"]
    made = records.enter_receipt_record(manager, FROM_A_PERSON)
    assert made.consent == "" and made.received_on == []
    assert made.provider_representative == ""
    assert made.keep_until == period_end(clock.today_jst(), 36)
    assert made.department == manager.department
    entered = AuditEntry.objects.get(action="provision.receipt_entered",
                                     object_id=str(made.pk))
    assert json.loads(entered.detail)["basis"] == "individual"
    dated = records.enter_receipt_record(manager, {**FROM_A_PERSON,
                                                   "received_on": [dt.date(2026, 6, 2)]})
    assert dated.received_on == ["2026-06-02"]
    # kept from the last receipt (Rules Art. 25): a repeated record needs its days
    with pytest.raises(records.RecordError, match="受領年月日"):
        records.enter_receipt_record(manager, {**FROM_A_PERSON, "form": "repeated"})
    repeated = records.enter_receipt_record(manager, {
        **FROM_A_PERSON, "form": "repeated",
        "received_on": [dt.date(2026, 6, 2), dt.date(2026, 7, 1)]})
    assert repeated.keep_until == dt.date(2029, 6, 30)
    assert ReceiptRecord.objects.count() == 3


def test_a_receipt_by_consent_still_needs_the_consent_and_the_day(demo, user):
    data = {**FROM_A_PERSON, "basis": "consent"}
    with pytest.raises(records.RecordError) as refused:
        records.enter_receipt_record(user("manager"), data)
    assert refused.value.missing == ["received_on", "consent_on"]
    with pytest.raises(records.RecordError):
        records.enter_receipt_record(user("manager"), {**FROM_A_PERSON, "basis": "guess"})


def test_a_receipt_by_opt_out_is_recorded_each_time(demo, user):
    """Opt-out is refused with one record for repeated receipt (Rules Art. 23(2)) and with
    the contract as the record, as on the provision side (Rules Art. 19(2)-(3))."""
    data = {**FROM_A_PERSON, "basis": "opt_out", "provider_name": "名簿業者株式会社",
            "received_on": [dt.date(2026, 6, 2)]}
    for form in ("repeated", "contract"):
        with pytest.raises(records.RecordError, match="都度") as refused:
            records.enter_receipt_record(user("manager"), {**data, "form": form})
        assert refused.value.missing == ["form"]
        with pytest.raises(records.RecordError, match="都度"):
            records.enter_provision_record(user("manager"), {
                "basis": "opt_out", "form": form, "recipient_name": "名簿業者株式会社",
                "recipient_address": "東京都港区1-1", "opt_out_on": dt.date(2026, 4, 1),
                "persons": "乗客", "data_items": "映像", "provided_on": [dt.date(2026, 6, 1)]})
    assert not ReceiptRecord.objects.exists() and not ProvisionRecord.objects.exists()
    made = records.enter_receipt_record(user("manager"), {**data, "form": "single"})
    assert made.consent == "" and made.received_on == ["2026-06-02"]


def test_a_consent_based_record_names_the_recipients_address_too(demo, user):
    """Rules Art. 20(1): the consent case's items include the recipient's address (and an
    organisation's representative), as the opt-out case's do."""
    data = {"recipient_name": "保険会社", "persons": "乗客", "data_items": "映像",
            "consent_on": dt.date(2026, 5, 1), "provided_on": [dt.date(2026, 6, 1)]}
    with pytest.raises(records.RecordError) as refused:
        records.enter_provision_record(user("privacy"), data)
    assert "recipient_address" in refused.value.missing
    assert not ProvisionRecord.objects.exists()
