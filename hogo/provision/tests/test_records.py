"""Provision records (Act Art. 29) made at hand-over, kept as Rules Art. 21 says and erased
the day after; none at a public body or for a law-based provision, and the page says why."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools

import pytest
from django.test import RequestFactory

from hogo import clock
from hogo.audit.models import AuditEntry
from hogo.clock import JST
from hogo.copies.models import Copy, CopyRequest
from hogo.footage.models import DeletionRecord, EncryptedObject
from hogo.provision import records
from hogo.provision.intake import word_event
from hogo.provision.models import Event, HandOver, ProvisionRecord, ProvisionRequest
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
    assert records.records_about(business, "令和8年5月29日 公用車1号") == [record]
    assert records.records_about(business, "収集車1号") == []
    records.erase_expired(record.keep_until + dt.timedelta(days=1))
    assert records.records_about(business, "公用車1号") == []


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
        "recipient_name": "=HYPERLINK(\"x\")", "persons": "乗客", "data_items": "映像",
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
    assert refused.value.missing == ["opt_out_on", "recipient_address",
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
        "form": "repeated", "recipient_name": "保険会社", "persons": "乗客",
        "data_items": "映像", "consent_on": dt.date(2026, 5, 1),
        "provided_on": [dt.date(2026, 6, 1), dt.date(2026, 7, 1)]})
    assert repeated.keep_until == dt.date(2029, 6, 30)  # 3 years from the last provision


def test_a_single_record_covers_one_day_and_no_future_day(demo, user):
    data = {"recipient_name": "保険会社", "persons": "乗客", "data_items": "映像",
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
    data = {"recipient_name": "保険会社", "persons": "乗客", "data_items": "映像",
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
