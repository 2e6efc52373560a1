"""The demo command's accountability story: a lapsed training and an overdue contractor audit
wait in the work queue, an overdue medium waits for the manager, and the driving school has
its own course and a contractor audited on time.

(The test database holds the demo loaded without requests, as most tests need, so each test
loads the part the demo command adds, as test_demo.py does.)
"""

import datetime as dt

from hogo import clock
from hogo.accountability.contractors import AUDIT_KIND
from hogo.accountability.models import Contractor, Course, TrainingRecord
from hogo.accountability.training import LAPSED_KIND, Status, standing
from hogo.accounts.models import Organisation, User
from hogo.alerts.waiting import waiting_for
from hogo.audit.models import AuditEntry
from hogo.media.models import Checkout, MediumState
from hogo.web.demo import (
    COURSE_NAME,
    USERS,
    load_city_accountability,
    load_demo,
    load_school_accountability,
)


def city_people() -> dict[str, User]:
    return {u.username: User.objects.get(username=u.username) for u in USERS}


def kinds_and_titles(user: User) -> list[tuple[str, str]]:
    return [(item.kind, item.title) for item in waiting_for(user)]


def test_the_city_s_queue_holds_the_lapsed_training_and_the_overdue_audit(demo):
    people = city_people()
    load_city_accountability(people)
    queue = kinds_and_titles(User.objects.get(username="privacy"))
    lapsed = [title for kind, title in queue if kind == LAPSED_KIND]
    assert len(lapsed) == 1 and "職員 三郎" in lapsed[0] and COURSE_NAME in lapsed[0]
    audits = [title for kind, title in queue if kind == AUDIT_KIND]
    assert len(audits) == 1 and "デモ情報システム株式会社" in audits[0]
    # the staff member's department manager records their training too
    manager_queue = kinds_and_titles(User.objects.get(username="manager"))
    assert [t for k, t in manager_queue if k == LAPSED_KIND] == lapsed


def test_everyone_else_took_the_course_three_months_ago(demo):
    people = city_people()
    load_city_accountability(people)
    course = Course.objects.get(organisation=demo, name=COURSE_NAME)
    today = clock.today_jst()
    for login, person in people.items():
        person.refresh_from_db()
        mine = standing(person)
        if login == "sysadmin":
            assert mine.courses == []  # the system administrator sees no personal data
            continue
        assert (today - clock.jst_date(person.date_joined)).days > 365  # not "on joining"
        taken = TrainingRecord.objects.get(course=course, person=person).taken_on
        if login == "staff":
            assert 390 <= (today - taken).days <= 400 and mine.status == Status.LAPSED
        else:
            assert 88 <= (today - taken).days <= 93 and mine.status == Status.CURRENT


def test_the_contractor_has_its_check_and_full_contract_and_no_audit(demo):
    load_city_accountability(city_people())
    contractor = Contractor.objects.get(organisation=demo)
    check, contract = contractor.checks.get(), contractor.contracts.get()
    assert all(answer["ok"] for answer in check.answers.values()) and len(check.answers) == 5
    assert all(contract.clauses.values()) and len(contract.clauses) == 6
    assert 420 <= (clock.today_jst() - contract.starts_on).days <= 430
    assert not contractor.audits.exists()
    actions = set(AuditEntry.objects.filter(
        object_type="accountability.contractor", object_id=str(contractor.pk)
    ).values_list("action", flat=True))
    assert actions == {"contractor.created", "contractor.checked", "contractor.contract"}


def test_the_manager_s_queue_holds_the_medium_not_brought_back(demo):
    load_city_accountability(city_people())
    manager = User.objects.get(username="manager")
    overdue = [item for item in waiting_for(manager) if item.kind == "media.overdue"]
    assert len(overdue) == 1 and "KANZAI-USB-02" in overdue[0].title
    assert "操作 次郎" in overdue[0].title
    assert overdue[0].due_on == clock.today_jst() - dt.timedelta(days=3)
    checkout = Checkout.objects.get(returned_at__isnull=True)
    assert checkout.medium.state == MediumState.OUT
    # taken at 10:00 on an office day about 10 days ago, and the audit entry says so
    taken = checkout.taken_at.astimezone(clock.JST)
    assert taken.hour == 10 and taken.weekday() < 5
    assert 10 <= (clock.today_jst() - taken.date()).days <= 16
    entry = AuditEntry.objects.get(action="medium.checked_out")
    assert entry.at == checkout.taken_at and entry.actor_user_id == checkout.taken_by_id


def test_the_school_has_its_course_and_a_contractor_audited_on_time(demo):
    from hogo.requests.tests.test_decision import driving_school

    school, people = driving_school()
    load_school_accountability(people)
    assert Course.objects.filter(organisation=school).count() == 1
    contractor = Contractor.objects.get(organisation=school)
    assert contractor.name == "デモ教習システム株式会社"
    done = contractor.audits.get().done_on
    assert 180 <= (clock.today_jst() - done).days <= 185
    queue = [item.kind for item in waiting_for(people["privacy"])]
    assert AUDIT_KIND not in queue and "accountability.audit_due" not in queue
    assert LAPSED_KIND not in queue
    # nothing of the school's shows in the city
    assert not Contractor.objects.filter(organisation=demo).exists()


def test_loading_the_demo_again_changes_nothing(demo):
    load_city_accountability(city_people())
    counts = (Course.objects.count(), TrainingRecord.objects.count(),
              Contractor.objects.count(), Checkout.objects.count(), AuditEntry.objects.count())
    for requests in (False, True):
        organisation, created = load_demo(footage=False, requests=requests)
        assert not created and organisation == demo
    assert counts == (Course.objects.count(), TrainingRecord.objects.count(),
                      Contractor.objects.count(), Checkout.objects.count(),
                      AuditEntry.objects.count())
    assert Organisation.objects.filter(name="デモ市").count() == 1
