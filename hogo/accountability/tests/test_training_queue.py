"""Done when: a staff member's lapsed training appears in the work queue — for their manager
and the privacy officer, not for others; a daily alert once when it lapses."""

import datetime as dt

from hogo import clock
from hogo.accountability import training
from hogo.alerts.models import Alert
from hogo.alerts.waiting import waiting_for
from hogo.audit.models import AuditEntry


def _lapsed(user_):
    return [w for w in waiting_for(user_) if w.kind == training.LAPSED_KIND]


def test_lapsed_training_waits_for_manager_and_privacy_officer(demo, user, course, took,
                                                               joined_days_ago):
    staff = joined_days_ago(user("staff"), 500)
    took(staff, course, 400)
    for who in ("manager", "privacy"):
        items = _lapsed(user(who))
        mine = [w for w in items if "職員 三郎" in w.title]
        assert len(mine) == 1, who
        item = mine[0]
        assert "期限切れ" in item.title and item.overdue
        assert item.due_on == training.add_months(clock.today_jst() - dt.timedelta(days=400),
                                                  12)
        assert item.url == f"/accountability/training/course/{course.pk}/"
    # neither the person nor an auditor nor another department's manager is asked to act
    for who in ("staff", "auditor", "seiso-manager", "operator"):
        assert not [w for w in _lapsed(user(who)) if "職員 三郎" in w.title], who


def test_taking_it_again_clears_the_queue(demo, user, course, took, joined_days_ago):
    staff = joined_days_ago(user("staff"), 500)
    took(staff, course, 400)
    took(staff, course, 1)
    assert not [w for w in _lapsed(user("manager")) if "職員 三郎" in w.title]
    assert training.standing(staff).status == training.Status.CURRENT


def test_never_taken_waits_only_after_the_joining_period(demo, user, course,
                                                         joined_days_ago):
    operator = joined_days_ago(user("operator"), 10)
    assert training.standing(operator).status == training.Status.NEVER
    assert not [w for w in _lapsed(user("manager")) if "操作 次郎" in w.title]
    joined_days_ago(operator, 31)
    titles = [w.title for w in _lapsed(user("manager"))]
    assert any("操作 次郎" in t and "未受講" in t for t in titles)


def test_an_incident_in_the_department_brings_the_training_forward(demo, user, course, took,
                                                                   joined_days_ago):
    from hogo.incidents import services as incidents

    staff = joined_days_ago(user("staff"), 500)
    took(staff, course, 100)  # current for another eight months
    assert training.standing(staff).status == training.Status.CURRENT
    incident = incidents.report(user("manager"), title="USBメモリの紛失", kind="loss",
                                what_happened="庁舎内で紛失", knew_on=clock.today_jst())
    incident.__class__.objects.filter(pk=incident.pk).update(
        reported_at=clock.now() - dt.timedelta(days=40))
    person = training.standing(staff)
    assert person.status == training.Status.LAPSED
    assert person.worst.due_on == clock.today_jst() - dt.timedelta(days=10)
    # another department's people are not involved
    other = joined_days_ago(user("seiso-manager"), 500)
    took(other, course, 100)
    assert training.standing(other).status == training.Status.CURRENT


def test_sysadmin_and_other_departments_courses_are_not_required(demo, user):
    from hogo.accounts.models import Department

    seiso = Department.objects.get(code="seiso")
    only_seiso = training.create_course(user("privacy"), name="収集車の映像研修",
                                        kind="session", departments=[seiso])
    assert not training.must_take(only_seiso, user("staff"))
    assert training.must_take(only_seiso, user("seiso-manager"))
    assert training.standing(user("sysadmin")).courses == []


def test_daily_alert_once_when_training_lapses(demo, user, course, took, joined_days_ago):
    staff = joined_days_ago(user("staff"), 500)
    took(staff, course, 400)
    raised = training.alert_lapses()
    assert raised >= 3  # the person, their manager, the privacy officer
    alerts = Alert.objects.filter(kind=training.LAPSED_KIND, message__contains="職員 三郎")
    assert {a.recipient.username for a in alerts} >= {"staff", "manager", "privacy"}
    assert "seiso-manager" not in {a.recipient.username for a in alerts}
    assert training.alert_lapses() == 0


def test_recording_a_session_records_each_attendee_and_audits(demo, user, course):
    people = [user("staff"), user("operator"), user("manager")]
    made = training.record_training(user("privacy"), course, people,
                                    taken_on=clock.today_jst(), note="大会議室")
    assert len(made) == 3
    assert AuditEntry.objects.filter(action="training.recorded").count() == 3
    assert AuditEntry.objects.filter(action="training.course_created").exists()
    for person in people:
        assert training.standing(person).status == training.Status.CURRENT
