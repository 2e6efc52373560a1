"""Deciding a person's request (R-605): the outcomes each kind allows, the Act's refusal
grounds (Art. 78(1) for the demo city, Art. 33(2) for a business), the written reason, the
identity check before any decision, and the hand-off to those who send the notice.

Requests are made here with the models (in progress, identity confirmed), as intake would
leave them, so these tests stand on their own."""

from __future__ import annotations

import datetime as dt
import itertools
import json

import pytest

from hogo import clock
from hogo.accounts import services as accounts
from hogo.accounts.models import Organisation, Role
from hogo.alerts.models import Alert
from hogo.alerts.waiting import waiting_for
from hogo.audit.models import AuditEntry
from hogo.requests import deadlines, deciding
from hogo.requests.models import IdentityCheck, PersonalRequest, RequestState

_numbers = itertools.count(1)


def make_request(organisation, by, *, kind: str = "disclosure", department=None,
                 checked: bool = True, received_on: dt.date | None = None,
                 **changes) -> PersonalRequest:
    """A request as intake leaves it: in progress, its identity confirmed, its deadlines and
    fee counted from the profile."""
    department = department or organisation.departments.filter(
        manages_vehicles=True).order_by("code").first()
    received_on = received_on or clock.today_jst() - dt.timedelta(days=2)
    received_at = dt.datetime.combine(received_on, dt.time(10), tzinfo=clock.JST)
    fields = dict(organisation=organisation, department=department,
                  number=f"2026-R{next(_numbers):03d}", kind=kind,
                  disclosure_of=["data"] if kind == "disclosure" else [],
                  received_via="counter", received_at=received_at, received_on=received_on,
                  entered_by=by, state=RequestState.IN_PROGRESS, requester_name="山田 太郎",
                  requester_address="デモ市中央1-2-3", data_description="公用車の運行記録",
                  fee_items=0 if kind in ("correction", "suspension", "provision_stop") else 1)
    request = PersonalRequest.objects.create(**{**fields, **changes})
    if checked:
        IdentityCheck.objects.create(request=request, documents=["driving_licence"],
                                     confirmed=True, checked_by=by, checked_at=clock.now())
    deadlines.refresh(request)
    request.fee_yen = deadlines.fee_for(organisation, kind, items=request.fee_items)
    request.save()
    return request


def driving_school() -> tuple[Organisation, dict]:
    """A driving school (a business, profile driving_school) with its people."""
    school = Organisation.objects.create(name="テスト自動車学校", profile_key="driving_school")
    office = school.departments.create(code="kyomu", name="教務課", manages_vehicles=True)
    people = {
        "manager": accounts.create_user(school, "ds-manager", "pass-word-1234", role=Role.MANAGER,
                                        department=office, display_name="教務 一郎"),
        "privacy": accounts.create_user(school, "ds-privacy", "pass-word-1234",
                                        role=Role.PRIVACY_OFFICER, department=office,
                                        display_name="保護 花子"),
        "staff": accounts.create_user(school, "ds-staff", "pass-word-1234", role=Role.STAFF,
                                      department=office, display_name="職員 三郎"),
    }
    return school, people


@pytest.fixture
def school(demo):
    return driving_school()


def test_a_refusal_needs_a_ground_of_art_78_and_a_reason(demo, user):
    manager = user("manager")
    request = make_request(demo, user("staff"))
    with pytest.raises(deciding.DecisionRefused) as refused:
        deciding.decide(manager, request, outcome="refuse")
    text = " ".join(refused.value.reasons)
    assert "法第78条第1項各号" in text and "理由" in text
    request.refresh_from_db()
    assert request.state == RequestState.IN_PROGRESS and not request.outcome
    # a business's ground is not the city's
    with pytest.raises(deciding.DecisionRefused, match="適用されない"):
        deciding.decide(manager, request, outcome="refuse", grounds=["harm"], reason="理由")
    decided = deciding.decide(manager, request, outcome="partial", grounds=["third_party"],
                              reason="他の人物の顔は開示できないため、加工して開示します。")
    assert decided.state == RequestState.DECIDED and decided.grounds == ["third_party"]
    assert decided.decided_by == manager and decided.decided_at is not None
    entry = json.loads(AuditEntry.objects.filter(action="requests.decided").latest("seq").detail)
    assert entry["outcome"] == "partial" and entry["grounds"] == ["third_party"]
    assert decided.events.filter(action="decided").exists()


def test_not_exist_needs_its_reason_and_disclose_needs_none(demo, user):
    manager = user("manager")
    request = make_request(demo, user("staff"))
    with pytest.raises(deciding.DecisionRefused, match="理由"):
        deciding.decide(manager, request, outcome="not_exist")
    other = make_request(demo, user("staff"))
    decided = deciding.decide(manager, other, outcome="disclose", grounds=["third_party"])
    assert decided.outcome == "disclose" and decided.grounds == []  # no grounds kept


def test_an_outcome_the_kind_does_not_have_is_refused(demo, user):
    request = make_request(demo, user("staff"), kind="correction")
    with pytest.raises(deciding.DecisionRefused):
        deciding.decide(user("manager"), request, outcome="disclose")
    # a correction refused for lack of merit: a reason, no disclosure grounds needed
    decided = deciding.decide(user("manager"), request, outcome="refuse",
                              reason="記録の内容は事実と一致しています。")
    assert decided.outcome == "refuse"


def test_nothing_is_decided_before_the_identity_check(demo, user):
    request = make_request(demo, user("staff"), checked=False)
    assert not request.can_be_decided
    with pytest.raises(deciding.DecisionRefused, match="本人確認"):
        deciding.decide(user("manager"), request, outcome="disclose")


def test_who_may_not_decide_cannot(demo, user):
    request = make_request(demo, user("staff"))
    with pytest.raises(PermissionError):
        deciding.decide(user("operator"), request, outcome="disclose")


def test_the_decision_is_handed_to_the_handlers_and_queued_before(demo, user):
    manager, operator = user("manager"), user("operator")
    request = make_request(demo, user("staff"))
    items = [i for i in waiting_for(manager) if i.kind == "requests.decide"]
    assert [i.due_on for i in items if request.number in i.title] == [request.effective_due_on]
    deciding.decide(manager, request, outcome="disclose")
    alert = Alert.objects.get(recipient=operator, kind=deciding.DECIDED_KIND)
    assert request.number in alert.message and "決定通知書" in alert.message
    assert not Alert.objects.filter(recipient=manager, kind=deciding.DECIDED_KIND).exists()
    assert not [i for i in waiting_for(manager) if i.kind == "requests.decide"
                and request.number in i.title]
    kinds = {i.kind for i in waiting_for(operator) if request.number in i.title}
    assert {"requests.notify", "requests.collect_fee"} <= kinds


def test_an_overdue_request_is_flagged_in_the_queue(demo, user):
    late = make_request(demo, user("staff"),
                        received_on=clock.today_jst() - dt.timedelta(days=45))
    item = next(i for i in waiting_for(user("manager")) if late.number in i.title)
    assert item.overdue and item.due_on < clock.today_jst()


def test_the_decision_screen_keeps_what_was_typed_when_refused(demo, user, client_for):
    request = make_request(demo, user("staff"))
    client = client_for("manager")
    page = client.get(f"/requests/{request.pk}/decide/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "法第78条第1項第2号" in html  # the grounds with their articles
    response = client.post(f"/requests/{request.pk}/decide/",
                           {"outcome": "refuse", "reason": "第三者の情報を含むため"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "第三者の情報を含むため" in html and "法第78条第1項各号" in html
    response = client.post(f"/requests/{request.pk}/decide/",
                           {"outcome": "refuse", "grounds": ["third_party"],
                            "reason": "第三者の情報を含むため"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.outcome == "refuse" and request.state == RequestState.DECIDED


def test_a_business_refuses_only_on_art_33_2_grounds(school):
    organisation, people = school
    request = make_request(organisation, people["staff"])
    with pytest.raises(deciding.DecisionRefused, match="法第33条第2項各号"):
        deciding.decide(people["manager"], request, outcome="refuse", reason="業務に支障")
    decided = deciding.decide(people["manager"], request, outcome="refuse",
                              grounds=["business_hindrance"], reason="業務に著しい支障")
    assert decided.grounds == ["business_hindrance"]
