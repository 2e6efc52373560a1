"""The nightly access-log analysis (R-903): audit entries made through the real services at
frozen times are read back, flagged once per pattern, person and day, and explained."""

import datetime as dt

import pytest

from hogo import clock
from hogo.accounts import services as accounts
from hogo.alerts.models import Alert
from hogo.alerts.waiting import waiting_for
from hogo.audit import services as audit
from hogo.audit.models import AuditEntry
from hogo.clock import JST
from hogo.footage import viewing
from hogo.footage.ingest import ingest_file
from hogo.oversight import flags
from hogo.oversight.models import AccessFlag, Pattern

WEDNESDAY = dt.date(2026, 6, 3)
SATURDAY = dt.date(2026, 6, 6)
REASON = "6月3日 14時 交差点での接触事故の確認"


def at(day, hour, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=JST)


@pytest.fixture
def segments(recorder, clips):
    return [ingest_file(recorder, clip, clip.name, by="test").segment for clip in clips]


def view(person, segment, when):
    with clock.frozen(when):
        viewing.start_viewing(person, {}, segment, "accident_investigation", REASON)


def test_a_night_viewing_is_flagged_and_explained(user, segments):
    operator = user("operator")
    view(operator, segments[0], at(WEDNESDAY, 10))       # in office hours: nothing to say
    view(operator, segments[1], at(WEDNESDAY, 22, 40))
    made = flags.analyse_day(WEDNESDAY)
    assert [(f.pattern, f.person) for f in made] == [(Pattern.OUT_OF_HOURS, operator)]
    flag = made[0]
    night = AuditEntry.objects.get(action="footage.viewed", object_id=str(segments[1].pk))
    assert flag.evidence == [night.seq]
    assert flag.explanation == (
        "操作 次郎 さんが執務時間（08:30-17:15）外に映像を1回閲覧しました（令和8年6月3日 "
        "22:40）。時間外に閲覧する業務上の必要があったか確認してください。")
    assert AuditEntry.objects.filter(action="oversight.flagged", object_id=str(flag.pk)).exists()


def test_a_viewing_on_a_closed_day_says_so(user, segments):
    view(user("manager"), segments[0], at(SATURDAY, 11))
    (flag,) = flags.analyse_day(SATURDAY)
    assert flag.pattern == Pattern.OUT_OF_HOURS
    assert "閉庁日（令和8年6月6日）に映像を1回閲覧しました" in flag.explanation


def test_a_viewing_of_another_departments_footage_is_flagged(user, segments):
    # The permission layer refuses this viewing, so the service cannot make it: the entry is
    # written as it would be when the rules are bypassed (a wrong permission, a transfer).
    seiso = user("seiso-manager")
    with pytest.raises(PermissionError):
        view(seiso, segments[0], at(WEDNESDAY, 10))
    with clock.frozen(at(WEDNESDAY, 10, 5)):
        audit.record("footage.viewed", user=seiso, obj=segments[0],
                     purpose="事故の確認: 6月3日 交差点での接触事故")
    made = {f.pattern: f for f in flags.analyse_day(WEDNESDAY)}
    assert set(made) == {Pattern.OTHER_DEPARTMENT}
    flag = made[Pattern.OTHER_DEPARTMENT]
    assert flag.person == seiso and flag.department.code == "seiso"
    vehicle = segments[0].recorder.vehicle
    assert flag.explanation == (
        f"清掃 六子 さん（環境部 清掃課）が、他部署の車両 {vehicle}（総務部 管財課）の映像を"
        "1回閲覧しました（令和8年6月3日 10:05）。映像を閲覧できるのは車両を管理する部署の者"
        "だけです。権限の設定や異動の記録を確認してください。")


def test_a_transfer_after_a_lawful_viewing_raises_no_flag(user, segments):
    # The viewing records the departments as they were: moving the viewer later changes
    # nothing (before they were recorded, a transfer looked like another department's viewing).
    operator = user("operator")
    view(operator, segments[0], at(WEDNESDAY, 10))
    entry = AuditEntry.objects.get(action="footage.viewed", object_id=str(segments[0].pk))
    assert '"viewer_department"' in entry.detail and '"vehicle_department"' in entry.detail
    operator.department = user("seiso-manager").department
    operator.save(update_fields=["department"])
    assert flags.analyse_day(WEDNESDAY) == []


def test_a_rerun_over_the_same_day_flags_nothing_twice(user, segments):
    view(user("operator"), segments[0], at(WEDNESDAY, 23))
    assert len(flags.analyse_day(WEDNESDAY)) == 1
    view(user("operator"), segments[1], at(WEDNESDAY, 23, 30))  # later entries, same day
    assert flags.analyse_day(WEDNESDAY) == []
    assert AccessFlag.objects.count() == 1
    assert Alert.objects.filter(kind=flags.ALERT_KIND).count() == 1


def test_many_originals_without_a_request_are_flagged(user, demo, segments):
    from hogo.accounts.policy import set_override

    set_override(demo, "oversight.many_originals_per_day", 3, by=user("privacy"),
                 reason="試験のため注意水準を下げる")
    for n, segment in enumerate(segments[:3]):
        view(user("operator"), segment, at(WEDNESDAY, 10, n))
    (flag,) = flags.analyse_day(WEDNESDAY)
    assert flag.pattern == Pattern.MANY_ORIGINALS and len(flag.evidence) == 3
    assert "元データを3件閲覧しました（注意水準は1日3件）" in flag.explanation


def test_originals_covered_by_a_copy_request_are_not_counted(user, demo, segments, recorder):
    from hogo.accounts.policy import set_override
    from hogo.copies.tests.test_copy_workflow import ask

    set_override(demo, "oversight.many_originals_per_day", 3, by=user("privacy"),
                 reason="試験のため注意水準を下げる")
    ask(user("manager"), recorder)  # 14:01-14:02: covers the second clip
    for n, segment in enumerate(segments[:3]):
        view(user("operator"), segment, at(WEDNESDAY, 10, n))
    assert flags.analyse_day(WEDNESDAY) == []


def test_repeated_refusals_within_an_hour_are_flagged(client_for):
    client = client_for("staff")
    with clock.frozen(at(WEDNESDAY, 9)):
        for _ in range(4):
            assert client.get("/audit/").status_code == 403
    assert flags.analyse_day(WEDNESDAY) == []  # four is below the profile's five
    with clock.frozen(at(WEDNESDAY, 9, 50)):
        assert client.get("/audit/").status_code == 403
    (flag,) = flags.analyse_day(WEDNESDAY)
    assert flag.pattern == Pattern.REFUSED and len(flag.evidence) == 5
    assert "1時間のうちに5回アクセスを拒否されました" in flag.explanation


def test_an_export_without_a_handover_is_flagged(client_for, user, recorder, continuous_clips):
    from hogo.copies.models import Copy
    from hogo.copies.tests.test_copy_workflow import ask
    from hogo.media.models import Medium
    from hogo.media.services import check_out

    for clip in continuous_clips:
        ingest_file(recorder, clip, clip.name, by="test")
    copy = Copy.objects.get(request=ask(user("manager"), recorder))
    usb = Medium.objects.get(label="KANZAI-USB-01")
    with clock.frozen(at(WEDNESDAY, 11)):
        check_out(user("operator"), usb, purpose="保険会社への提出", due_on=WEDNESDAY)
        page = client_for("operator").post(f"/copies/copies/{copy.pk}/export/",
                                           {"medium": usb.pk})
    assert page.status_code in (200, 302)
    (flag,) = flags.analyse_day(WEDNESDAY)
    assert flag.pattern == Pattern.EXPORT_WITHOUT_HANDOVER
    assert f"{copy} を記録媒体に書き出しましたが" in flag.explanation
    assert AuditEntry.objects.get(seq=flag.evidence[0]).action == "copy.exported"


def test_a_leavers_token_and_account_used_after_leaving_are_flagged(demo, user):
    manager, sysadmin = user("manager"), user("sysadmin")
    token, _raw = accounts.issue_token(demo, "車庫端末2", by=manager)
    with clock.frozen(at(WEDNESDAY, 9)):
        audit.record("footage.ingested", actor=f"token:{token.name}")  # before: fine
        accounts.disable_leaver(manager, by=sysadmin)
        audit.record("footage.ingested", actor=f"token:{token.name}")
        audit.record("copy.viewed", user=manager)  # a session opened before the disabling
    made = sorted(flags.analyse_day(WEDNESDAY), key=lambda f: f.actor)
    assert [(f.pattern, f.actor) for f in made] == [
        (Pattern.LEAVER, "token:車庫端末2"), (Pattern.LEAVER, "user:manager")]
    assert "退職した 管財 一郎 さんが発行した端末トークン「車庫端末2」" in made[0].explanation
    assert len(made[0].evidence) == 1


def test_new_flags_alert_the_privacy_officer_and_wait_in_the_queue(user, segments):
    view(user("operator"), segments[0], at(WEDNESDAY, 6))
    (flag,) = flags.analyse_day(WEDNESDAY)
    alert = Alert.objects.get(kind=flags.ALERT_KIND)
    assert alert.recipient == user("privacy") and alert.link == f"/audit/flags/{flag.pk}/"
    queued = [i for i in waiting_for(user("privacy")) if i.kind == "oversight.review_flag"]
    assert [i.url for i in queued] == [f"/audit/flags/{flag.pk}/"]
    assert not [i for i in waiting_for(user("auditor")) if i.kind == "oversight.review_flag"]
    flags.dismiss(user("privacy"), flag, "本人に確認：早朝の事故対応のため閲覧した")
    assert not [i for i in waiting_for(user("privacy")) if i.kind == "oversight.review_flag"]
    alert.refresh_from_db()
    assert alert.acknowledged_at is not None


def test_the_job_runs_over_yesterday(user, segments):
    from hogo.oversight.tasks import analyse_access_task

    today = clock.today_jst()
    view(user("operator"), segments[0], at(today - dt.timedelta(days=1), 2))
    result = analyse_access_task.call()
    assert len(result["flags"]) == 1
    assert AccessFlag.objects.get().day == today - dt.timedelta(days=1)
