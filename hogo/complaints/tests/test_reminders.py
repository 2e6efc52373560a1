"""Reminders: three days before the target day and once it has passed, the assigned
department's manager is alerted (the privacy officer while unassigned), each only once
however often the daily job runs, even after the alert was acknowledged; an overdue
complaint is marked in the list and in the work queue; an answered one is left alone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from hogo import clock
from hogo.alerts.models import Alert
from hogo.alerts.services import acknowledge
from hogo.alerts.waiting import waiting_for
from hogo.clock import JST
from hogo.complaints import handling, intake, reminders
from hogo.complaints.models import AnswerHow
from hogo.complaints.tests.conftest import complaint_data, recipients
from hogo.jobs.declarations import find

DAY1 = dt.datetime(2026, 6, 1, 10, 0, tzinfo=JST)  # due on 15 June


def at(day: int) -> dt.date:
    return dt.date(2026, 6, day)


@pytest.fixture
def assigned(demo, user, kanzai):
    with clock.frozen(DAY1):
        return intake.enter(user("privacy"), complaint_data(department=kanzai))


def test_which_reminder_is_due(assigned):
    assert reminders.reminder_due(assigned, at(11)) == ""
    assert reminders.reminder_due(assigned, at(12)) == "due_soon"
    assert reminders.reminder_due(assigned, at(15)) == "due_soon"
    assert reminders.reminder_due(assigned, at(16)) == "overdue"


def test_the_manager_is_reminded_once_before_and_once_when_overdue(assigned, user):
    assert reminders.remind(at(11)) == 0
    assert reminders.remind(at(12)) == 1
    assert recipients(reminders.DUE_SOON_KIND) == ["manager"]
    assert reminders.remind(at(13)) == 0  # the same reminder is not sent again
    acknowledge(Alert.objects.get(kind=reminders.DUE_SOON_KIND), by=user("manager"))
    assert reminders.remind(at(14)) == 0  # not even after it was acknowledged
    assert reminders.remind(at(16)) == 1
    overdue = Alert.objects.get(kind=reminders.OVERDUE_KIND)
    assert overdue.recipient == user("manager") and "2026-C001" in overdue.message
    assert "過ぎて" in overdue.message and "令和8年6月15日" in overdue.message
    assert reminders.remind(at(17)) == 0 and reminders.remind(at(30)) == 0
    assert [e.action for e in assigned.events.all()][-2:] == ["due_soon", "overdue"]


def test_an_unassigned_complaint_reminds_the_privacy_officer(demo, user):
    with clock.frozen(DAY1):
        intake.enter(user("staff"), complaint_data())
    assert reminders.remind(at(16)) == 1
    assert recipients(reminders.OVERDUE_KIND) == ["privacy"]


def test_an_answered_complaint_is_not_reminded(assigned, user):
    with clock.frozen(DAY1):
        handling.answer(user("manager"), assigned, "説明しました。", AnswerHow.PHONE)
    assert reminders.remind(at(16)) == 0


def test_overdue_shows_in_the_work_queue_and_the_list(assigned, user):
    with clock.frozen(dt.datetime(2026, 6, 16, 9, 0, tzinfo=JST)):
        mine = [i for i in waiting_for(user("manager")) if i.kind == "complaints.answer"]
        assert len(mine) == 1 and mine[0].overdue
        watched = [i.kind for i in waiting_for(user("privacy"))]
        assert "complaints.overdue" in watched
        rows = intake.listing(user("manager"), overdue=True)
        assert [(c.number, late) for c, late in rows] == [("2026-C001", True)]
    with clock.frozen(dt.datetime(2026, 6, 14, 9, 0, tzinfo=JST)):
        assert intake.listing(user("manager"), overdue=True) == []
        assert "complaints.overdue" not in [i.kind for i in waiting_for(user("privacy"))]


def test_the_daily_job_runs_the_reminders(assigned, capsys):
    assert find("complaints.reminders").every == dt.timedelta(days=1)
    with clock.frozen(dt.datetime(2026, 6, 16, 9, 0, tzinfo=JST)):
        call_command("jobs", "run", "complaints.reminders")
    assert recipients(reminders.OVERDUE_KIND) == ["manager"]
