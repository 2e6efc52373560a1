"""Handling: routing alerts the department's manager and operators (a hand-off, and a
work-queue item to answer); the answer is recorded and the manager is asked to close; closing
needs an answer first; withdrawal needs a reason; each refusal says why in Japanese."""

from __future__ import annotations

import pytest

from hogo.accounts.models import Department, Organisation
from hogo.accounts.permissions import Refused
from hogo.alerts.models import Alert
from hogo.audit.models import AuditEntry
from hogo.complaints import handling, intake
from hogo.complaints.common import ComplaintError
from hogo.complaints.models import AnswerHow, State
from hogo.complaints.tests.conftest import complaint_data, kinds, recipients


@pytest.fixture
def received(demo, user):
    return intake.enter(user("staff"), complaint_data())


def test_assigning_alerts_the_departments_manager_and_operators(received, user, kanzai):
    assigned = handling.assign(user("privacy"), received, kanzai)
    assert assigned.state == State.ASSIGNED and assigned.department == kanzai
    assert recipients(handling.ASSIGNED_KIND) == ["manager", "operator"]
    assert "complaints.answer" in kinds(user("manager"))
    assert "complaints.answer" in kinds(user("operator"))
    assert "complaints.answer" not in kinds(user("staff"))
    assert "complaints.answer" not in kinds(user("seiso-manager"))
    # The routing request is done: the privacy officer's alert is closed, the queue empty.
    assert not Alert.objects.filter(kind=intake.RECEIVED_KIND,
                                    acknowledged_at__isnull=True).exists()
    assert "complaints.assign" not in kinds(user("privacy"))
    assert AuditEntry.objects.filter(action="complaints.assigned").count() == 1


def test_reassigning_moves_the_work_to_the_other_department(received, user, kanzai, seiso):
    handling.assign(user("privacy"), received, kanzai)
    moved = handling.assign(user("manager"), received, seiso)
    assert moved.department == seiso
    assert "complaints.answer" not in kinds(user("manager"))
    assert "complaints.answer" in kinds(user("seiso-manager"))
    assert not Alert.objects.filter(kind=handling.ASSIGNED_KIND, recipient=user("manager"),
                                    acknowledged_at__isnull=True).exists()
    assert moved.events.last().detail["previous"] == "総務部 管財課"
    with pytest.raises(ComplaintError, match="既にこの所属"):
        handling.assign(user("privacy"), moved, seiso)


def test_assigning_to_a_department_of_another_organisation_is_refused(received, user):
    other = Organisation.objects.create(name="別の市", profile_key="city")
    elsewhere = Department.objects.create(organisation=other, code="x", name="別の課")
    with pytest.raises(ComplaintError) as refused:
        handling.assign(user("privacy"), received, elsewhere)
    assert refused.value.field == "department"
    assert "この組織の所属ではないため、割り当てられません。" in str(refused.value)
    received.refresh_from_db()
    assert received.department is None and received.state == State.RECEIVED


def test_staff_and_other_departments_may_not_assign(received, user, kanzai):
    with pytest.raises(Refused):
        handling.assign(user("staff"), received, kanzai)
    assigned = handling.assign(user("privacy"), received, kanzai)
    with pytest.raises(Refused):
        handling.assign(user("seiso-manager"), assigned, kanzai)


def test_answer_then_close(received, user, kanzai):
    handling.assign(user("privacy"), received, kanzai)
    answered = handling.answer(user("operator"), received, "撮影範囲を確認し、玄関が映らない"
                               "よう設定を変更しました。", AnswerHow.PHONE)
    assert answered.state == State.ANSWERED and answered.answered_by == user("operator")
    assert answered.within_target is True
    # The operator answered: the manager is asked to close, and finds it in the queue.
    assert recipients(handling.ANSWERED_KIND) == ["manager"]
    assert "complaints.close" in kinds(user("manager"))
    assert "complaints.answer" not in kinds(user("manager"))
    closed = handling.close(user("manager"), answered, "電話で説明し、了解を得た。")
    assert closed.state == State.CLOSED and closed.closed_by == user("manager")
    assert "complaints.close" not in kinds(user("manager"))
    assert [e.action for e in closed.events.all()] == ["entered", "assigned", "answered",
                                                        "closed"]
    assert not Alert.objects.filter(acknowledged_at__isnull=True,
                                    key__startswith=f"complaints:{closed.pk}:").exists()


def test_closing_an_unanswered_complaint_is_refused(received, user, kanzai):
    handling.assign(user("privacy"), received, kanzai)
    with pytest.raises(ComplaintError) as refused:
        handling.close(user("manager"), received)
    assert "回答を記録するまで完了にはできません" in str(refused.value)
    received.refresh_from_db()
    assert received.state == State.ASSIGNED and received.closed_at is None


def test_an_empty_answer_is_refused(received, user, kanzai):
    handling.assign(user("privacy"), received, kanzai)
    with pytest.raises(ComplaintError) as refused:
        handling.answer(user("manager"), received, "   ", AnswerHow.LETTER)
    assert refused.value.field == "answer" and "回答の内容を入力してください" in str(refused.value)
    with pytest.raises(ComplaintError) as refused:
        handling.answer(user("manager"), received, "説明しました。", "")
    assert refused.value.field == "answer_how"
    received.refresh_from_db()
    assert received.state == State.ASSIGNED and received.answer == ""


def test_an_anonymous_complaint_is_answered_only_as_a_record(demo, user, kanzai):
    anonymous = intake.enter(user("privacy"), complaint_data(
        complainant_name="", complainant_contact="", department=kanzai))
    with pytest.raises(ComplaintError, match="回答を送ることができません"):
        handling.answer(user("manager"), anonymous, "設定を変更しました。", AnswerHow.LETTER)
    done = handling.answer(user("manager"), anonymous, "設定を変更しました。", AnswerHow.NONE)
    assert done.state == State.ANSWERED
    named = intake.enter(user("privacy"), complaint_data(department=kanzai))
    with pytest.raises(ComplaintError, match="回答の方法"):
        handling.answer(user("manager"), named, "設定を変更しました。", AnswerHow.NONE)


def test_only_the_department_answers(received, user, kanzai):
    handling.assign(user("privacy"), received, kanzai)
    for name in ("staff", "seiso-manager", "auditor"):
        with pytest.raises(Refused):
            handling.answer(user(name), received, "回答", AnswerHow.PHONE)


def test_a_withdrawal_needs_its_reason(received, user, kanzai):
    handling.assign(user("privacy"), received, kanzai)
    with pytest.raises(ComplaintError, match="取下げの理由を入力してください"):
        handling.withdraw(user("manager"), received, " ")
    done = handling.withdraw(user("manager"), received, "申出人から電話で取下げの連絡があった。")
    assert done.state == State.WITHDRAWN and done.closed_at is not None
    assert "complaints.answer" not in kinds(user("operator"))
    with pytest.raises(ComplaintError, match="既に完了又は取下げ"):
        handling.close(user("manager"), done)
