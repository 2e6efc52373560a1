"""Intake: a complaint entered by staff gets its number and target day (plain calendar days
from the day of receipt); unrouted, the privacy officer is told and finds it in the work
queue; a handler may route it at once; what was typed is refused with a reason beside its
field (empty text, no category, a future day, a department of another organisation)."""

from __future__ import annotations

import datetime as dt

import pytest

from hogo import clock
from hogo.accounts.models import Department, Organisation
from hogo.audit.models import AuditEntry
from hogo.clock import JST
from hogo.complaints import common, intake
from hogo.complaints.common import ComplaintError
from hogo.complaints.models import Complaint, Event, State, Via
from hogo.complaints.tests.conftest import complaint_data, kinds, recipients

NOON = dt.datetime(2026, 6, 1, 12, 0, tzinfo=JST)


def test_the_target_day_is_the_day_of_receipt_plus_the_profiles_days(demo):
    assert common.answer_days(demo) == 14
    assert common.due_on(demo, dt.date(2026, 6, 1)) == dt.date(2026, 6, 15)
    # Calendar days: a weekend or the year's end does not move it.
    assert common.due_on(demo, dt.date(2026, 12, 25)) == dt.date(2027, 1, 8)
    demo.policy_overrides = {**demo.policy_overrides, "complaints.answer_days": 30}
    assert common.due_on(demo, dt.date(2026, 6, 1)) == dt.date(2026, 7, 1)


def test_staff_enter_a_complaint_and_the_privacy_officer_is_asked_to_route_it(demo, user):
    with clock.frozen(NOON):
        made = intake.enter(user("staff"), complaint_data())
    assert made.number == "2026-C001" and made.state == State.RECEIVED
    assert made.received_on == dt.date(2026, 6, 1) and made.due_on == dt.date(2026, 6, 15)
    assert made.received_via == Via.PHONE and made.department is None
    assert recipients(intake.RECEIVED_KIND) == ["privacy"]
    assert "complaints.assign" in kinds(user("privacy"))
    assert "complaints.assign" not in kinds(user("manager"))
    assert [e.action for e in Event.objects.filter(complaint=made)] == ["entered"]
    entry = AuditEntry.objects.get(action="complaints.entered")
    assert entry.actor == "user:staff" and '"number":"2026-C001"' in entry.detail
    with clock.frozen(NOON):
        assert intake.enter(user("staff"), complaint_data()).number == "2026-C002"


def test_a_letter_received_earlier_counts_from_its_day(demo, user):
    with clock.frozen(NOON):
        made = intake.enter(user("staff"), complaint_data(received_via="post",
                                                          received_on=dt.date(2026, 5, 28)))
    assert made.due_on == dt.date(2026, 6, 11)


def test_a_manager_routes_it_while_entering(demo, user, seiso):
    made = intake.enter(user("manager"), complaint_data(department=seiso))
    assert made.state == State.ASSIGNED and made.department == seiso
    assert recipients("complaints.assigned") == ["seiso-manager"]
    assert recipients(intake.RECEIVED_KIND) == []  # nothing left to route
    assert [e.action for e in made.events.all()] == ["entered", "assigned"]


@pytest.mark.parametrize(("changes", "field", "says"), [
    ({"text": "  "}, "text", "苦情の内容を入力してください。"),
    ({"category": ""}, "category", "苦情の区分を選んでください。"),
    ({"received_via": "web"}, "received_via", "受付方法を選んでください。"),
    ({"received_on": dt.date(2026, 6, 2)}, "received_on", "未来の日付"),
    ({"occurred_at": dt.datetime(2026, 6, 3, 9, 0, tzinfo=JST)}, "occurred_at", "未来の日時"),
])
def test_wrong_input_is_refused_beside_its_field(demo, user, changes, field, says):
    with clock.frozen(NOON), pytest.raises(ComplaintError) as refused:
        intake.enter(user("staff"), complaint_data(**changes))
    assert refused.value.field == field and says in str(refused.value)
    assert not Complaint.objects.exists()


def test_staff_may_not_route_and_nobody_routes_to_another_organisation(demo, user, kanzai):
    with pytest.raises(ComplaintError) as refused:
        intake.enter(user("staff"), complaint_data(department=kanzai))
    assert refused.value.field == "department" and "管理責任者" in str(refused.value)
    other = Organisation.objects.create(name="別の市", profile_key="city")
    elsewhere = Department.objects.create(organisation=other, code="x", name="別の課")
    with pytest.raises(ComplaintError) as refused:
        intake.enter(user("privacy"), complaint_data(department=elsewhere))
    assert "この組織の所属ではない" in str(refused.value)
    assert not Complaint.objects.exists()


def test_an_anonymous_complaint_is_taken_in_and_says_no_answer_can_be_sent(demo, user):
    made = intake.enter(user("staff"), complaint_data(complainant_name="",
                                                      complainant_contact=""))
    assert made.is_anonymous and not made.can_reply
    assert made.events.get().detail["anonymous"] is True


def test_the_list_shows_what_each_may_view_and_audits_the_look(demo, user, kanzai):
    staffs = intake.enter(user("staff"), complaint_data())
    routed = intake.enter(user("privacy"), complaint_data(department=kanzai))
    assert {c.pk for c in intake.visible(user("privacy"))} == {staffs.pk, routed.pk}
    assert {c.pk for c in intake.visible(user("auditor"))} == {staffs.pk, routed.pk}
    assert {c.pk for c in intake.visible(user("staff"))} == {staffs.pk}  # entered by them
    assert {c.pk for c in intake.visible(user("seiso-manager"))} == {staffs.pk}  # unrouted
    assert intake.visible(user("sysadmin")) == []
    intake.listing(user("manager"))
    assert AuditEntry.objects.filter(action="complaints.list_viewed").count() == 1
