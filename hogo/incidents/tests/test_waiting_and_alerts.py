"""The work queue's incident items (acknowledge, deadlines within 7 days, steps due) for the
people who can act, and exactly one alert per event per recipient."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.core import mail
from django.utils import translation

from hogo import clock
from hogo.alerts.models import Alert
from hogo.alerts.services import acknowledge
from hogo.alerts.waiting import waiting_for
from hogo.incidents import services
from hogo.incidents.models import IncidentKind, StepKind
from hogo.incidents.waiting import waiting_items


def _report(user, **extra):
    facts = dict(title="USBメモリの紛失", kind=IncidentKind.LOSS,
                 what_happened="映像を保存したUSBメモリが見つからない",
                 knew_on=clock.today_jst(), data_items="映像")
    return services.report(user, **(facts | extra))


def _kinds(person, incident):
    return sorted(item.kind for item in waiting_items(person)
                  if item.url == incident.get_absolute_url())


def test_those_told_have_an_acknowledgement_waiting_until_they_acknowledge(user):
    incident = _report(user("staff"), people=220)
    for login in ("manager", "privacy"):
        items = [i for i in waiting_items(user(login)) if i.kind == "incident.acknowledge"]
        assert [i.title for i in items] == [f"{incident.number} {incident.title}"]
        assert items[0].url == f"/incidents/{incident.pk}/"
        assert items[0].due_on == clock.jst_date(services.acknowledge_by(incident))
    assert "incident.acknowledge" not in _kinds(user("staff"), incident)
    assert "incident.acknowledge" not in _kinds(user("seiso-manager"), incident)
    services.acknowledge(incident, user("manager"))
    assert "incident.acknowledge" not in _kinds(user("manager"), incident)
    assert "incident.acknowledge" in _kinds(user("privacy"), incident)


def test_the_work_queue_gathers_the_incident_source(user):
    incident = _report(user("staff"), people=220)
    queued = [i for i in waiting_for(user("privacy")) if i.url == incident.get_absolute_url()]
    assert {i.kind for i in queued} >= {"incident.acknowledge", "incident.preliminary"}


def test_reports_due_within_seven_days_wait_for_whoever_files(user):
    incident = _report(user("staff"), people=220)  # 速報 in 2 days, 確報 in 29
    assert _kinds(user("privacy"), incident) == ["incident.acknowledge",
                                                 "incident.preliminary"]
    assert "incident.preliminary" not in _kinds(user("manager"), incident)  # may not file
    services.record_filing(incident, user("privacy"), kind="preliminary",
                           filed_on=clock.today_jst())
    assert "incident.preliminary" not in _kinds(user("privacy"), incident)
    # Overdue: knew 40 days ago, nothing filed.
    late = _report(user("staff"), people=220, knew_on=clock.today_jst() - dt.timedelta(days=40))
    items = {i.kind: i for i in waiting_items(user("privacy"))
             if i.url == late.get_absolute_url()}
    assert items["incident.final"].overdue and items["incident.preliminary"].overdue


def test_a_non_reportable_incident_queues_no_ppc_deadline(user):
    incident = _report(user("staff"), people=1)
    assert _kinds(user("privacy"), incident) == ["incident.acknowledge"]


def test_a_step_due_soon_waits_for_its_owner_or_else_for_those_who_manage(user):
    privacy, manager = user("privacy"), user("manager")
    incident = _report(user("staff"), people=220)
    notify = incident.steps.get(kind=StepKind.NOTIFY)
    services.update_step(notify, privacy, owner=None,
                         due_on=clock.today_jst() + dt.timedelta(days=3))
    assert "incident.step.notify" in _kinds(privacy, incident)
    assert "incident.step.notify" in _kinds(manager, incident)
    assert "incident.step.notify" not in _kinds(user("staff"), incident)  # may not manage
    services.update_step(notify, privacy, owner=manager,
                         due_on=clock.today_jst() + dt.timedelta(days=3))
    assert "incident.step.notify" in _kinds(manager, incident)
    assert "incident.step.notify" not in _kinds(privacy, incident)
    services.update_step(notify, privacy, owner=manager,
                         due_on=clock.today_jst() + dt.timedelta(days=8))
    assert "incident.step.notify" not in _kinds(manager, incident)  # not within 7 days
    services.update_step(notify, privacy, owner=manager,
                         due_on=clock.today_jst() - dt.timedelta(days=1))
    with translation.override("ja"):
        item = next(i for i in waiting_items(manager) if i.kind == "incident.step.notify")
    assert item.overdue and "本人への通知" in item.label
    services.complete_step(notify, privacy, evidence="全員に通知した")
    assert "incident.step.notify" not in _kinds(manager, incident)


# --- one alert per event per recipient --------------------------------------------------------


def _per_recipient(incident, kind):
    return Counter(a.recipient.username for a in Alert.objects.filter(
        kind=kind, key__startswith=f"incident:{incident.pk}:"))


def test_reporting_raises_exactly_one_alert_per_recipient_even_when_repeated(user):
    incident = _report(user("staff"), people=220)
    assert _per_recipient(incident, services.REPORTED) == {"manager": 1, "privacy": 1}
    services.notify_reported(incident.pk)  # a retry of the same event
    assert _per_recipient(incident, services.REPORTED) == {"manager": 1, "privacy": 1}
    assert Alert.objects.filter(key__startswith=f"incident:{incident.pk}:").count() == 2


def test_the_reporter_is_never_alerted_of_their_own_report(user):
    incident = _report(user("privacy"), people=220)
    counts = _per_recipient(incident, services.REPORTED)
    assert "privacy" not in counts and counts == {}  # the privacy officer has no manager
    incident = _report(user("manager"), people=220)
    assert _per_recipient(incident, services.REPORTED) == {"privacy": 1}


def test_escalation_and_reminders_alert_each_person_once(user,
                                                        django_capture_on_commit_callbacks):
    incident = _report(user("staff"), people=220)
    later = incident.reported_at + dt.timedelta(days=3)
    assert services.escalate_unacknowledged(later) == 1
    assert services.escalate_unacknowledged(later + dt.timedelta(hours=1)) == 0
    assert set(_per_recipient(incident, services.ESCALATED).values()) == {1}
    day = services.assessment(incident).due("preliminary")
    assert services.remind_deadlines(day) >= 1
    # Acknowledged, then the hourly job runs again the same day: no second alert, no mail.
    for alert in Alert.objects.filter(kind=services.DEADLINE):
        acknowledge(alert, by=alert.recipient)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as mailed:
        assert services.remind_deadlines(day) == 0
    assert mail.outbox == [] and mailed == []
    reminders = Counter(a.recipient.username for a in Alert.objects.filter(
        kind=services.DEADLINE, key__startswith=f"incident:{incident.pk}:preliminary:"))
    assert reminders == {"manager": 1, "privacy": 1}
