"""Handling a complaint after intake (R-701): routed to a department (its manager and
operators are told and find it in their work queue), answered (the text and how it reached
the complainant), then closed by the department's manager or the privacy officer; or
withdrawn with a reason. Closing needs an answer first, so no complaint is closed unanswered.
Each step is a line of 経過 and an audit entry; each hand-off alerts who acts next.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from hogo import clock
from hogo.accounts.models import Department, Role, User
from hogo.accounts.permissions import allows, require
from hogo.alerts.text import AlertText
from hogo.alerts.waiting import WaitingItem
from hogo.complaints import common
from hogo.complaints.common import ComplaintError
from hogo.complaints.models import AnswerHow, Complaint, State

ASSIGNED_KIND = "complaints.assigned"
ANSWERED_KIND = "complaints.answered"
# The alerts that ask someone to act on a complaint while it waits (closed once it is done).
ASKING_EVENTS = ("received", "assigned", "due_soon", "overdue")
MAX_ANSWER = 10000


def _locked(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update(of=("self",)).select_related(
        "organisation", "department").get(pk=complaint.pk)


# --- who may do what (views and templates read these) --------------------------------------


def may_assign(user: User, complaint: Complaint) -> bool:
    """Whether the page offers routing to this person."""
    return complaint.can_be_assigned and allows(user, "complaints.assign", complaint)


def may_answer(user: User, complaint: Complaint) -> bool:
    """Whether the page offers the answer to this person."""
    return complaint.can_be_answered and allows(user, "complaints.answer", complaint)


def may_close(user: User, complaint: Complaint) -> bool:
    """Whether the page offers closing to this person."""
    return complaint.can_be_closed and allows(user, "complaints.close", complaint)


def may_withdraw(user: User, complaint: Complaint) -> bool:
    """Whether the page offers withdrawal to this person."""
    return complaint.can_be_withdrawn and allows(user, "complaints.close", complaint)


# --- assigning ----------------------------------------------------------------------------


def assign(user: User, complaint: Complaint, department: Department | Any) -> Complaint:
    """Route the complaint to the department concerned (or to another one): its manager and
    operators are told and find it in their work queue; the alerts that asked for the
    routing, and the former department's, are closed."""
    with transaction.atomic():
        complaint = _locked(complaint)
        require(user, "complaints.assign", complaint)
        department = common.check_department(complaint.organisation, department)
        if not complaint.can_be_assigned:
            raise ComplaintError(_("回答済み又は完了した苦情の所属は変更できません。"),
                                 field="department")
        if complaint.department_id == department.pk:
            raise ComplaintError(_("既にこの所属に割り当てられています。"), field="department")
        previous = complaint.department
        complaint.department = department
        complaint.state = State.ASSIGNED
        complaint.assigned_at, complaint.assigned_by = clock.now(), user
        complaint.save()
        common.log_event(complaint, "assigned", actor=user,
                         audit_action="complaints.assigned", department=department.name,
                         department_id=department.pk,
                         previous=previous.name if previous else "")
        common.close_alerts(complaint, by=user, events=("received",))
        if previous is not None:
            common.close_alerts(complaint, by=user, events=(f"assigned:{previous.pk}",))
        _tell_assigned(complaint, actor=user)
    return complaint


def _tell_assigned(complaint: Complaint, *, actor: User) -> list[User]:
    return common.tell(
        complaint, ASSIGNED_KIND, f"assigned:{complaint.department_id}",
        common.department_answerers(complaint),
        AlertText(gettext_noop("苦情 %(number)s（%(category)s）の対応が%(department)sに割り当て"
                               "られました。%(due)s までに回答してください。"),
                  department=str(complaint.department), due=complaint.due_on,
                  **common.title_params(complaint)),
        AlertText(gettext_noop("苦情 %(number)s の対応依頼"), **common.title_params(complaint)),
        actor=actor)


# --- answering ----------------------------------------------------------------------------


def answer(user: User, complaint: Complaint, text: str, how: str) -> Complaint:
    """Record the answer given to the complainant and how it reached them. An anonymous
    complaint (no name or no contact) cannot be answered, so its answer is the record of what
    was done (AnswerHow.NONE); a named one with a contact gets a real answer. The
    department's manager is then told to close it."""
    with transaction.atomic():
        complaint = _locked(complaint)
        require(user, "complaints.answer", complaint)
        text, how = _checked_answer(complaint, text, how)
        complaint.answer, complaint.answer_how = text, how
        complaint.answered_at, complaint.answered_by = clock.now(), user
        complaint.state = State.ANSWERED
        complaint.save()
        common.log_event(complaint, "answered", actor=user, audit_action="complaints.answered",
                         how=how, within_target=bool(complaint.within_target))
        common.close_alerts(complaint, by=user, events=ASKING_EVENTS)
        _tell_answered(complaint, actor=user)
    return complaint


def _checked_answer(complaint: Complaint, text: str, how: str) -> tuple[str, str]:
    """The answer's text and how, or ComplaintError naming the field."""
    text, how = common.text(text), common.text(how)
    if not complaint.can_be_answered:
        raise ComplaintError(_("この苦情は既に回答済み又は完了しています。"))
    if not text:
        raise ComplaintError(_("回答の内容を入力してください。"), field="answer")
    if len(text) > MAX_ANSWER:
        raise ComplaintError(_("回答の内容は%(n)d文字以内で入力してください。") % {
            "n": MAX_ANSWER}, field="answer")
    if how not in AnswerHow.values:
        raise ComplaintError(_("回答の方法を選んでください。"), field="answer_how")
    if not complaint.can_reply and how != AnswerHow.NONE:
        raise ComplaintError(_("申出人の氏名又は連絡先がないため、回答を送ることができません。"
                               "回答の方法は「回答不能（匿名・連絡先なし）」を選び、対応した内容を"
                               "記録してください。"), field="answer_how")
    if complaint.can_reply and how == AnswerHow.NONE:
        raise ComplaintError(_("申出人の氏名と連絡先があるため、回答の方法（文書、電話など）を"
                               "選んでください。"), field="answer_how")
    return text, how


def closers(complaint: Complaint) -> list[User]:
    """Who closes an answered complaint: its department's manager; the privacy officers
    when no department has it."""
    return common.department_managers(complaint) or common.privacy_officers(complaint)


def _tell_answered(complaint: Complaint, *, actor: User) -> list[User]:
    return common.tell(
        complaint, ANSWERED_KIND, "answered", closers(complaint),
        AlertText(gettext_noop("%(who)sさんが苦情 %(number)s（%(category)s）に回答しました。"
                               "内容を確認して完了としてください。"),
                  who=str(actor), **common.title_params(complaint)),
        AlertText(gettext_noop("苦情 %(number)s の回答"), **common.title_params(complaint)),
        actor=actor)


# --- closing, withdrawing -----------------------------------------------------------------


def close(user: User, complaint: Complaint, note: str = "") -> Complaint:
    """完了: only once the answer is recorded (a complaint the complainant withdrew is
    withdrawn instead, with the reason)."""
    with transaction.atomic():
        complaint = _locked(complaint)
        require(user, "complaints.close", complaint)
        if complaint.state in (State.RECEIVED, State.ASSIGNED):
            raise ComplaintError(_("回答を記録するまで完了にはできません。先に回答を記録するか、"
                                   "申出人が取り下げた場合は「取下げ」から理由を記録してください。"))
        if complaint.state != State.ANSWERED:
            raise ComplaintError(_("この苦情は既に完了又は取下げとなっています。"))
        complaint.state = State.CLOSED
        complaint.closed_at, complaint.closed_by = clock.now(), user
        complaint.close_note = common.text(note)
        complaint.save()
        common.log_event(complaint, "closed", actor=user, audit_action="complaints.closed",
                         note=complaint.close_note)
        common.close_alerts(complaint, by=user, events=("answered",))
    return complaint


def withdraw(user: User, complaint: Complaint, reason: str) -> Complaint:
    """取下げ: the complainant withdrew it before an answer; the reason is required."""
    reason = common.text(reason)
    with transaction.atomic():
        complaint = _locked(complaint)
        require(user, "complaints.close", complaint)
        if not reason:
            raise ComplaintError(_("取下げの理由を入力してください。"), field="reason")
        if not complaint.can_be_withdrawn:
            raise ComplaintError(_("回答済み又は完了した苦情は取り下げられません。"))
        complaint.state = State.WITHDRAWN
        complaint.closed_at, complaint.closed_by = clock.now(), user
        complaint.close_note = reason
        complaint.save()
        common.log_event(complaint, "withdrawn", actor=user,
                         audit_action="complaints.withdrawn", purpose=reason, reason=reason)
        common.close_alerts(complaint, by=user, events=ASKING_EVENTS)
    return complaint


# --- the work queue -----------------------------------------------------------------------


def waiting(user: User) -> Iterator[WaitingItem]:
    """For the assigned department's manager and operators: complaints to answer (due on
    the target day); for its manager: answered ones to close; for the privacy officer:
    every complaint past its target, whichever department has it."""
    if user.organisation_id is None:
        return
    rows = Complaint.objects.filter(organisation=user.organisation_id, state__in=(
        State.ASSIGNED, State.ANSWERED)).select_related("department")
    today = clock.today_jst()
    for complaint in rows:
        own = complaint.department_id is not None and complaint.department_id == (
            user.department_id)
        since = complaint.assigned_at or complaint.received_at
        if complaint.state == State.ASSIGNED and own and may_answer(user, complaint):
            yield WaitingItem("complaints.answer", _("苦情に回答する"), common.title(complaint),
                              common.link_to(complaint), since, due_on=complaint.due_on)
        elif (complaint.state == State.ASSIGNED and user.role == Role.PRIVACY_OFFICER
              and complaint.overdue_on(today)):
            yield WaitingItem("complaints.overdue",
                              _("回答の目安日を過ぎた苦情（%(department)s）") % {
                                  "department": complaint.department},
                              common.title(complaint), common.link_to(complaint), since,
                              due_on=complaint.due_on)
        elif complaint.state == State.ANSWERED and user in closers(complaint) and may_close(
                user, complaint):
            yield WaitingItem("complaints.close", _("回答済みの苦情を完了とする"),
                              common.title(complaint), common.link_to(complaint),
                              complaint.answered_at or since)


def register() -> None:
    """Work-queue source and alert names of handling (called from ComplaintsConfig.ready)."""
    from hogo.alerts.text import label_kind
    from hogo.alerts.waiting import add_source

    add_source(waiting)
    label_kind(ASSIGNED_KIND, gettext_lazy("苦情の対応依頼"))
    label_kind(ANSWERED_KIND, gettext_lazy("苦情の回答（完了の確認）"))
