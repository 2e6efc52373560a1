"""The demo city has one user per role whose printed password works; loading twice is harmless."""

import datetime as dt

from django.contrib.auth import authenticate
from django.core.management import call_command

from hogo.accounts.models import Organisation, Role, User
from hogo.web.demo import USERS, load_demo


def test_demo_has_every_role(demo):
    roles = set(User.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    assert User.objects.get(username="operator").is_operator


def test_printed_passwords_work(demo):
    for demo_user in USERS:
        assert authenticate(username=demo_user.username, password=demo_user.password)


def test_loading_twice_changes_nothing(demo, capsys):
    users = User.objects.count()
    _, created = load_demo()
    call_command("demo")
    assert not created and User.objects.count() == users
    assert Organisation.objects.filter(name="デモ市").count() == 1
    assert "demo-privacy-2026" in capsys.readouterr().out


def test_demo_footage_is_never_stamped_in_the_future(demo):
    from hogo import clock
    from hogo.clock import JST
    from hogo.footage.models import Segment
    from hogo.web.demo import footage_start

    night = dt.datetime(2026, 6, 3, 2, 0, tzinfo=JST)
    assert footage_start(night) == dt.datetime(2026, 6, 2, 9, 0, tzinfo=JST)
    # the last clip (09:20-09:21) is over at 09:21, not a second before
    assert footage_start(night.replace(hour=9, minute=20, second=59)).day == 2
    assert footage_start(night.replace(hour=9, minute=21)) == dt.datetime(2026, 6, 3, 9, 0,
                                                                          tzinfo=JST)
    latest = Segment.objects.order_by("-end_at").first()
    assert latest is not None and latest.end_at <= clock.now()


def test_the_demo_city_is_demo_city_and_cites_its_own_rule(demo):
    from hogo.accounts.policy import citation, permitted_uses
    from hogo.rules.profile import CITATION_KEYS

    assert demo.name == "デモ市"
    cited = [citation(demo, key) for key in CITATION_KEYS]
    cited += [use["source"] for use in permitted_uses(demo)]
    assert any("デモ市公用車ドライブレコーダーの設置及び管理運用に関する規則" in c for c in cited)
    assert not any("芦屋" in c for c in cited)


def test_the_demo_command_leaves_a_police_inquiry_waiting_for_the_manager(demo):
    """(The test database holds the demo already, loaded without requests, as tests need.)"""
    from hogo.alerts.waiting import waiting_for
    from hogo.provision.models import ProvisionRequest, RequestState
    from hogo.registry.models import Vehicle
    from hogo.web.demo import load_demo_provision

    people = {u.username: User.objects.get(username=u.username) for u in USERS}
    load_demo_provision(people, Vehicle.objects.get(label="公用車1号"))
    request = ProvisionRequest.objects.get()
    assert request.state == RequestState.RECEIVED and request.basis == "ccp_197_2"
    assert request.hold.segments.exists() and request.hold.released_at is None
    manager = User.objects.get(username="manager")
    assert "provision.decide" in [item.kind for item in waiting_for(manager)]


def test_the_demo_city_has_a_citizen_s_footage_request_to_decide(demo):
    from hogo.alerts.waiting import waiting_for
    from hogo.requests.models import PersonalRequest, RequestState
    from hogo.web.demo import load_city_requests

    load_city_requests({u.username: User.objects.get(username=u.username) for u in USERS})
    request = PersonalRequest.objects.get()
    assert request.asks_footage and request.state == RequestState.IN_PROGRESS
    assert request.identity_checked and request.fee_yen == 300
    manager = User.objects.get(username="manager")
    assert "requests.decide" in [item.kind for item in waiting_for(manager)]


def test_the_demo_school_has_a_pupil_s_request_with_its_fee_and_a_provision_record(demo):
    """The demo driving school is its own installation (user names are unique), so its
    requests are loaded here for a driving school beside the demo city."""
    from hogo.provision.models import ProvisionRecord
    from hogo.requests.models import PersonalRequest
    from hogo.requests.tests.test_decision import driving_school
    from hogo.web.demo import load_school_requests

    school, people = driving_school()
    load_school_requests(people)
    request = PersonalRequest.objects.get(organisation=school)
    assert request.fee_items == 2 and request.fee_yen == 2000  # 1,000 yen per item
    assert request.may_sue_on == request.received_on + dt.timedelta(days=15)
    record = ProvisionRecord.objects.get(organisation=school)
    assert "生徒 花子" in record.persons


def test_the_demo_notice_is_published_for_the_city_and_the_school(demo):
    from hogo.notice.models import NoticeVersion
    from hogo.requests.tests.test_decision import driving_school
    from hogo.web.demo import CITY, SCHOOL, publish_demo_notice

    publish_demo_notice(User.objects.get(username="privacy"), CITY)
    school, people = driving_school()
    publish_demo_notice(people["privacy"], SCHOOL)
    city_version = NoticeVersion.objects.get(notice__organisation__name="デモ市")
    school_version = NoticeVersion.objects.get(notice__organisation=school)
    assert city_version.number == school_version.number == 1
    assert "デモ県デモ市緑町1番1号" in str(school_version.snapshot)


def test_the_demo_register_lists_the_footage_files(demo):
    from hogo.holdings.models import PersonalFile
    from hogo.web.demo import sync_demo_register

    sync_demo_register(User.objects.get(username="privacy"))
    assert PersonalFile.objects.filter(source__startswith="footage:").count() == 2
