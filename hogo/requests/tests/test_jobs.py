"""The daily chase of decision deadlines: who may decide (the privacy officer among them) is
alerted once 3 days before the due day and once when it has passed, per request and stage;
a request decided, waiting for a correction or closed is not chased."""

from __future__ import annotations

import datetime as dt

from hogo import clock
from hogo.alerts.models import Alert
from hogo.jobs import find
from hogo.requests import deciding
from hogo.requests.tests.test_decision import make_request


def test_three_days_before_and_when_overdue_once_each(demo, user):
    today = clock.today_jst()
    request = make_request(demo, user("staff"), received_on=today - dt.timedelta(days=28))
    assert request.due_on == today + dt.timedelta(days=2)
    raised = deciding.chase_deadlines(today)
    told = set(Alert.objects.filter(kind=deciding.DUE_SOON_KIND).values_list(
        "recipient__username", flat=True))
    assert {"manager", "privacy"} <= told and "operator" not in told and raised == len(told)
    assert deciding.chase_deadlines(today) == 0  # once per stage
    assert deciding.chase_deadlines(today + dt.timedelta(days=1)) == 0
    late = deciding.chase_deadlines(request.due_on + dt.timedelta(days=1))
    assert late == raised
    alert = Alert.objects.get(kind=deciding.OVERDUE_KIND, recipient=user("manager"))
    assert request.number in alert.message and "過ぎています" in alert.message
    assert deciding.chase_deadlines(request.due_on + dt.timedelta(days=2)) == 0


def test_decided_requests_and_far_days_are_not_chased(demo, user):
    today = clock.today_jst()
    far = make_request(demo, user("staff"))
    decided = make_request(demo, user("staff"), received_on=today - dt.timedelta(days=40))
    deciding.decide(user("manager"), decided, outcome="disclose")
    waiting = make_request(demo, user("staff"), received_on=today - dt.timedelta(days=40),
                           state="correction_wait")
    deciding.chase_deadlines(today)
    messages = " ".join(Alert.objects.filter(
        kind__in=(deciding.DUE_SOON_KIND, deciding.OVERDUE_KIND)).values_list("message",
                                                                             flat=True))
    for quiet in (far, decided, waiting):
        assert quiet.number not in messages


def test_the_job_is_declared():
    job = find("requests.chase_deadlines")
    assert job.every == dt.timedelta(days=1) and job.schedule == "daily"
