"""R-801-R-807: report → notify at once → escalate; awareness, reassessment, filings,
follow-through."""

import datetime as dt

import pytest
from django.core import mail

from hogo import clock
from hogo.accounts.models import Role
from hogo.alerts.models import Alert
from hogo.alerts.services import acknowledge as acknowledge_alert
from hogo.alerts.services import open_alerts_for
from hogo.incidents import services
from hogo.incidents.models import AwarenessSource, Incident, IncidentKind, ReportKind, StepKind
from hogo.media import services as media
from hogo.media.models import Content, Medium

JST = clock.JST
MONDAY_10 = dt.datetime(2026, 11, 16, 10, 0, tzinfo=JST)  # an office day


def lost_usb(user, **extra):
    facts = dict(title="USBメモリの紛失", kind=IncidentKind.LOSS,
                 what_happened="バス車内映像を保存したUSBメモリが見つからない",
                 knew_on=clock.today_jst(), data_items="ドライブレコーダー映像")
    return services.report(user, **(facts | extra))


def incident_alerts(incident):
    return Alert.objects.filter(key__startswith=f"incident:{incident.pk}:")


def test_a_staff_report_reaches_the_section_head_and_the_privacy_officer_at_once(
        user, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # mail goes after the commit
        incident = lost_usb(user("staff"))
    recipients = {a.recipient.username for a in incident_alerts(incident)}
    assert recipients == {"manager", "privacy"}  # not the other department's manager
    assert incident in [i for i in Incident.objects.all()]
    for login in ("manager", "privacy"):
        alerts = open_alerts_for(user(login))
        assert any(incident.number in a.message and a.link.endswith(f"/{incident.pk}/")
                   for a in alerts), login
    assert not open_alerts_for(user("seiso-manager")).filter(recipient__isnull=False).exists()
    assert not open_alerts_for(user("staff")).exists()
    sent_to = {address for message in mail.outbox for address in message.to}
    assert {"manager@demo.city.example.jp", "privacy@demo.city.example.jp"} <= sent_to
    assert incident.awareness.get().user == user("staff")


def test_unacknowledged_reports_escalate_after_two_office_hours(
        user, django_capture_on_commit_callbacks):
    with clock.frozen(MONDAY_10):
        incident = lost_usb(user("staff"), knew_on=MONDAY_10.date())
    assert services.acknowledge_by(incident) == dt.datetime(2026, 11, 16, 12, 0, tzinfo=JST)
    assert services.escalate_unacknowledged(MONDAY_10 + dt.timedelta(minutes=119)) == 0
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.escalate_unacknowledged(MONDAY_10 + dt.timedelta(minutes=121)) == 1
    incident.refresh_from_db()
    assert incident.escalated_at is not None
    escalated = Alert.objects.filter(kind=services.ESCALATED, key__contains=f":{incident.pk}:")
    assert {a.recipient.username for a in escalated} == {"manager", "privacy", "seiso-manager"}
    assert any("soukatsu@demo.city.example.jp" in m.to for m in mail.outbox)
    assert incident.events.filter(kind="escalated").exists()
    assert services.escalate_unacknowledged(MONDAY_10 + dt.timedelta(hours=5)) == 0  # once


def test_acknowledged_reports_do_not_escalate(user):
    with clock.frozen(MONDAY_10):
        incident = lost_usb(user("staff"), knew_on=MONDAY_10.date())
    for login in ("manager", "privacy"):
        services.acknowledge(incident, user(login))
    assert services.escalate_unacknowledged(MONDAY_10 + dt.timedelta(hours=3)) == 0
    incident.refresh_from_db()
    assert incident.acknowledged_at is not None
    assert incident.events.filter(kind="acknowledged").count() == 2


def test_acknowledging_on_the_dashboard_is_recorded_on_the_incident(user):
    incident = lost_usb(user("staff"))
    alert = incident_alerts(incident).get(recipient=user("manager"))
    with pytest.raises(Exception):  # noqa: B017 - somebody else's alert
        from hogo.accounts.permissions import require
        require(user("privacy"), "alerts.acknowledge", alert)
    acknowledge_alert(alert, by=user("manager"))
    assert incident.events.filter(kind="acknowledged", user=user("manager")).exists()


def test_a_report_on_friday_evening_is_due_on_monday_morning(user):
    friday_evening = dt.datetime(2026, 11, 20, 18, 30, tzinfo=JST)
    with clock.frozen(friday_evening):
        incident = lost_usb(user("staff"), knew_on=friday_evening.date())
    # Monday 23 Nov 2026 is Labour Thanksgiving Day: the two hours run on Tuesday.
    assert services.acknowledge_by(incident) == dt.datetime(2026, 11, 24, 10, 30, tzinfo=JST)


def test_an_earlier_awareness_by_a_former_employee_moves_the_deadlines(user):
    incident = lost_usb(user("staff"), people=220, knew_on=dt.date(2025, 4, 20))
    assert services.assessment(incident).final_due == dt.date(2025, 5, 19)
    services.add_awareness(incident, user("privacy"), person_name="旧 職員",
                           person_section="（旧）運輸課", source=AwarenessSource.FORMER_STAFF,
                           knew_on=dt.date(2025, 3, 1), knew_on_latest=dt.date(2025, 3, 31),
                           how="3月中に紛失に気付いていたと聴取で判明")
    result = services.assessment(incident)
    assert result.knew_on == dt.date(2025, 3, 1)
    assert result.final_due == dt.date(2025, 3, 31)
    assert result.latest_final_due == dt.date(2025, 4, 30)
    filing = services.record_filing(incident, user("privacy"), kind=ReportKind.FINAL,
                                     filed_on=dt.date(2025, 5, 15))
    assert (filing.due_on, filing.days_late) == (dt.date(2025, 3, 31), 45)
    assert incident.events.filter(kind="awareness", text__contains="令和7年3月1日").exists()
    row = next(d for d in services.deadlines(incident) if d["kind"] == "final")
    assert row["filing"].days_late == 45


def test_facts_changes_reassess_and_say_so(user):
    incident = lost_usb(user("staff"), people=100)
    assert not incident.reportable
    services.update_facts(incident, user("manager"), people=101)
    incident.refresh_from_db()
    assert incident.reportable and incident.criteria == ["people"]
    assert incident.events.filter(kind="assessment", text__contains="報告要否が変わりました")
    services.update_facts(incident, user("privacy"), unauthorised=True)
    assert services.assessment(incident).final_days == 60
    with pytest.raises(PermissionError):
        services.update_facts(incident, user("staff"), people=1)
    with pytest.raises(PermissionError):
        services.update_facts(incident, user("seiso-manager"), people=1)


def test_theft_is_reported_as_possibly_unauthorised(user):
    incident = lost_usb(user("staff"), kind=IncidentKind.THEFT)
    assert incident.unauthorised and incident.reportable


def test_the_incident_cannot_close_with_open_steps_or_unfiled_reports(user):
    incident = lost_usb(user("staff"), people=500)
    officer = user("privacy")
    with pytest.raises(services.IncidentError, match="被害の拡大防止"):
        services.close(incident, officer)
    for step in incident.steps.all():
        if step.kind == StepKind.PUBLISH:
            services.waive_step(step, officer, reason="本人全員に通知済みのため")
        else:
            services.complete_step(step, user("manager"), evidence="実施済み")
    with pytest.raises(services.IncidentError, match="速報の提出"):
        services.close(incident, officer)
    with pytest.raises(services.IncidentError):
        services.waive_step(incident.steps.get(kind=StepKind.CONTAIN), officer, reason="x")
    for kind in (ReportKind.PRELIMINARY, ReportKind.FINAL):
        services.record_filing(incident, officer, kind=kind, filed_on=clock.today_jst())
    services.close(incident, officer)
    incident.refresh_from_db()
    assert incident.state == "closed"
    with pytest.raises(services.IncidentError):
        services.update_facts(incident, officer, people=1)


def test_reminders_at_seven_three_one_and_on_the_day_then_overdue(user):
    incident = lost_usb(user("staff"), sensitive=True, knew_on=dt.date(2025, 6, 2))
    due = services.assessment(incident).final_due  # 2025-07-01
    sent = {}
    for days_before in range(10, -3, -1):
        today = due - dt.timedelta(days=days_before)
        before = Alert.objects.filter(kind=services.DEADLINE, key__contains=":final:").count()
        services.remind_deadlines(today)
        sent[days_before] = Alert.objects.filter(kind=services.DEADLINE,
                                                 key__contains=":final:").count() > before
    assert [d for d, s in sent.items() if s] == [7, 3, 1, 0, -1, -2]
    overdue = Alert.objects.filter(kind=services.DEADLINE, message__contains="過ぎています")
    assert overdue.exists()


def test_a_medium_missing_in_an_inventory_opens_a_prefilled_incident(user):
    usb = Medium.objects.get(label="KANZAI-USB-01")
    staff = user("staff")
    media.check_out(staff, usb, purpose="保険会社への提出", due_on=clock.today_jst())
    Content.objects.create(medium=usb, description="2025-06-03 事故映像（DEMO-0001 前方）",
                           people=220, written_by=staff, written_at=clock.now())
    inventory = media.start_inventory(user("operator"), usb.cabinet)
    item = inventory.items.get(medium=usb)
    media.confirm(user("operator"), item, found=False)
    incident = Incident.objects.get(links__medium=usb)
    assert incident.people == 220 and "延べ" in incident.people_basis
    assert "持出し中" in incident.what_happened and "職員 三郎" in incident.what_happened
    assert "事故映像" in incident.data_items
    first = incident.awareness.get()
    assert first.user == user("operator") and "棚卸し" in first.how
    assert incident.reportable  # 220 people > 100 for a city
    assert {a.recipient.username for a in incident_alerts(incident)} == {"manager", "privacy"}


def test_who_sees_which_incident(user, client_for):
    incident = lost_usb(user("staff"))
    assert set(services.visible_incidents(user("staff"))) == {incident}
    assert incident not in services.visible_incidents(user("operator"))
    assert incident in services.visible_incidents(user("manager"))
    assert incident not in services.visible_incidents(user("seiso-manager"))
    assert incident in services.visible_incidents(user("auditor"))
    assert client_for("operator").get(f"/incidents/{incident.pk}/").status_code == 403
    staff = client_for("staff")
    assert staff.get(f"/incidents/{incident.pk}/").status_code == 200
    response = staff.post(f"/incidents/{incident.pk}/filings/",
                          {"kind": "final", "filed_on": "2025-01-01"})
    assert response.status_code == 403


def test_report_form_end_to_end(client_for, user):
    staff = client_for("staff")
    page = staff.get("/incidents/new/").content.decode()
    assert "事故を報告" in page and "KANZAI-USB-01" in page
    usb = Medium.objects.get(label="KANZAI-USB-02")
    response = staff.post("/incidents/new/", {
        "title": "USBメモリ紛失", "kind": "loss", "what_happened": "鞄に入れていたが見当たらない",
        "knew_on": clock.today_jst().isoformat(), "media": [usb.pk]}, follow=True)
    body = response.content.decode()
    assert "直ちに通知しました" in body
    incident = Incident.objects.get(title="USBメモリ紛失")
    assert incident.links.filter(medium=usb).exists()
    bad = staff.post("/incidents/new/", {"title": "x", "kind": "loss", "what_happened": "y",
                                         "knew_on": "2999-01-01"})
    assert "未来の日付" in bad.content.decode()
    assert Incident.objects.filter(title="x").count() == 0


def test_incident_page_and_list_show_deadlines_red_when_overdue(client_for, user):
    incident = lost_usb(user("staff"), sensitive=True, knew_on=dt.date(2025, 6, 2))
    page = client_for("privacy").get(f"/incidents/{incident.pk}/").content.decode()
    assert "deadline overdue" in page and "第1号" in page and "令和7年7月1日" in page
    listing = client_for("privacy").get("/incidents/").content.decode()
    assert "deadline overdue" in listing
    dashboard = client_for("manager").get("/").content.decode()
    assert "incident-deadlines" in dashboard and incident.number in dashboard


def test_yearly_summary_counts_late_reports(client_for, user):
    incident = lost_usb(user("staff"), sensitive=True, knew_on=dt.date(2025, 6, 2))
    services.record_filing(incident, user("privacy"), kind=ReportKind.FINAL,
                           filed_on=dt.date(2025, 7, 11))
    year = services.fiscal_year_of(clock.today_jst())
    summary = services.yearly_summary(user("privacy").organisation, year)
    assert summary["total"] >= 1 and summary["late"][0][1].days_late == 10
    page = client_for("auditor").get(f"/incidents/summary/?year={year}").content.decode()
    assert "10日遅延" in page
    assert client_for("staff").get("/incidents/summary/").status_code == 403


def test_every_role_has_the_report_button(client_for):
    for login in ("staff", "auditor", "sysadmin", "operator"):
        assert 'data-testid="report-incident"' in client_for(login).get("/").content.decode()


@pytest.mark.parametrize("role", [Role.STAFF])
def test_report_needs_an_organisation(role, user):
    nobody = user("staff")
    nobody.organisation = None
    with pytest.raises(PermissionError):
        lost_usb(nobody)


def test_media_and_copies_are_linked_from_the_incident_page(client_for, user, recorder,
                                                            continuous_clips):
    from hogo.copies.models import Copy
    from hogo.copies.tests.test_copy_workflow import ask
    from hogo.footage.ingest import ingest_file

    for clip in continuous_clips:
        ingest_file(recorder, clip, clip.name, by="test")
    copy = Copy.objects.get(request=ask(user("manager"), recorder))
    incident = lost_usb(user("staff"))
    manager = client_for("manager")
    manager.post(f"/incidents/{incident.pk}/links/", {"medium": "KANZAI-USB-02"})
    manager.post(f"/incidents/{incident.pk}/links/", {"copy": str(copy.pk)})
    body = manager.post(f"/incidents/{incident.pk}/links/", {"medium": "NOPE"},
                        follow=True).content.decode()
    assert "該当する記録媒体" in body
    links = list(incident.links.all())
    assert {link.medium.label for link in links if link.medium} == {"KANZAI-USB-02"}
    described = next(link.description for link in links if link.copy_id == copy.pk)
    assert copy.manifest["sources"][0]["name"] in described
    assert client_for("staff").post(f"/incidents/{incident.pk}/links/",
                                    {"medium": "KANZAI-USB-01"}).status_code == 403


def test_the_missing_medium_receiver_is_connected_by_the_app():
    """Connected in IncidentsConfig.ready, so every process (tests, worker, server) has it."""
    from hogo.media.models import Medium
    from hogo.media.signals import medium_missing

    assert any(key[0] == "incidents.open_for_missing_medium"
               for key, *_ in medium_missing.receivers)
    assert medium_missing.has_listeners(Medium)


def test_who_is_told_comes_from_the_permission_layer(user):
    from hogo.accounts.permissions import allows

    incident = lost_usb(user("staff"))
    told = services.first_recipients(incident)
    assert {p.username for p in told} == {"manager", "privacy"}
    assert all(allows(p, "incidents.told_at_once", incident) for p in told)
    assert not allows(user("staff"), "incidents.told_on_escalation", incident)
