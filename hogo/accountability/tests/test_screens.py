"""The training and contractor screens: who may open and change what, a session's attendees
recorded at once, bad input answered in Japanese with everything typed kept, 和暦 dates."""

import datetime as dt

from hogo import clock
from hogo.accountability import contractors, training
from hogo.accountability.models import Contractor, Course, TrainingRecord


def test_training_pages_by_role(demo, client_for, course):
    for who, code in (("privacy", 200), ("auditor", 200), ("manager", 200), ("staff", 403),
                      ("sysadmin", 403)):
        assert client_for(who).get("/accountability/training/").status_code == code, who


def test_manager_sees_only_own_department(demo, client_for, user, course):
    from hogo.accounts.models import Department

    own = user("manager").department
    other = Department.objects.get(code="seiso")
    client = client_for("manager")
    body = client.get("/accountability/training/").content.decode()
    assert own.name in body and other.name not in body
    assert client.get(f"/accountability/training/department/{own.pk}/").status_code == 200
    assert client.get(f"/accountability/training/department/{other.pk}/").status_code == 403


def test_course_created_and_bad_input_kept(demo, client_for):
    client = client_for("privacy")
    response = client.post("/accountability/training/", {
        "name": "", "kind": "session", "description": "新任者向けの集合研修"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "入力してください" in body and "新任者向けの集合研修" in body
    response = client.post("/accountability/training/", {
        "name": "新任者研修", "kind": "session", "description": "新任者向けの集合研修"})
    course = Course.objects.get(name="新任者研修")
    assert response.status_code == 302 and course.roles == training.DEFAULT_ROLES
    # a manager may not add courses
    assert client_for("manager").post("/accountability/training/", {
        "name": "x", "kind": "session"}).status_code == 403


def test_session_attendees_recorded_at_once(demo, client_for, user, course):
    client = client_for("privacy")
    url = f"/accountability/training/course/{course.pk}/"
    future = (clock.today_jst() + dt.timedelta(days=3)).isoformat()
    people = [user("staff").pk, user("operator").pk]
    response = client.post(url, {"taken_on": future, "people": people, "note": "第1会議室"})
    body = response.content.decode()
    assert "未来の日付" in body and "第1会議室" in body
    assert f'value="{people[0]}" id="person-{people[0]}" checked' in body
    day = clock.today_jst() - dt.timedelta(days=2)
    response = client.post(url, {"taken_on": day.isoformat(), "people": people,
                                 "note": "第1会議室"})
    assert response.status_code == 302
    assert TrainingRecord.objects.filter(course=course, taken_on=day).count() == 2
    page = client.get(url).content.decode()
    assert "令和" in page and "第1会議室" in page


def test_manager_records_only_own_people(demo, client_for, user, course):
    client = client_for("manager")
    url = f"/accountability/training/course/{course.pk}/"
    page = client.get(url).content.decode()
    assert "職員 三郎" in page and "清掃 六子" not in page
    response = client.post(url, {"taken_on": clock.today_jst().isoformat(),
                                 "people": [user("seiso-manager").pk]})
    assert response.status_code == 200  # not a choice: refused on the form, nothing recorded
    assert not TrainingRecord.objects.filter(person=user("seiso-manager")).exists()


def test_contractor_screens(demo, client_for):
    client = client_for("privacy")
    response = client.post("/accountability/contractors/", {
        "name": "デモ保守株式会社", "address": "", "handles": "映像の保守", "contact": "保守課"})
    body = response.content.decode()
    assert response.status_code == 200 and "デモ保守株式会社" in body and "入力してください" in body
    response = client.post("/accountability/contractors/", {
        "name": "デモ保守株式会社", "address": "デモ市1-1", "handles": "映像の保守",
        "contact": "保守課"})
    made = Contractor.objects.get(name="デモ保守株式会社")
    url = f"/accountability/contractors/{made.pk}/"
    assert response.status_code == 302 and response["Location"] == url
    # a "no" without a note is refused beside its note, the rest kept
    data = {"checked_on": clock.today_jst().isoformat()}
    data.update({f"{code}_ok": "on" for code, _label in contractors.CHECK_ITEMS
                 if code != "erasure"})
    data["security_note"] = "ISMS認証あり"
    body = client.post(url + "check/", data).content.decode()
    assert "理由又は対応" in body and "ISMS認証あり" in body
    data["erasure_note"] = "終了時に消去証明書を出すと確認"
    assert client.post(url + "check/", data).status_code == 302
    response = client.post(url + "audit/", {"done_on": "2026-13-01", "done_by": "保護 花子",
                                            "findings": "指摘なし"})
    assert "2026-04-01 のように" in response.content.decode()
    assert client.post(url + "audit/", {"done_on": clock.today_jst().isoformat(),
                                        "done_by": "保護 花子",
                                        "findings": "指摘なし"}).status_code == 302
    page = client.get(url).content.decode()
    assert "令和" in page and "指摘なし" in page and "ISMS認証あり" in page
    # managers and auditors read; only the privacy officer changes
    assert client_for("auditor").get(url).status_code == 200
    assert client_for("manager").post(url + "audit/", {}).status_code == 403
    assert client_for("staff").get(url).status_code == 403


def test_contractor_incident_report_screen(demo, client_for, user):
    from hogo.incidents import services as incidents

    privacy = user("privacy")
    firm = contractors.create_contractor(privacy, name="デモ保守株式会社", address="デモ市1-1",
                                         handles="映像の保守", contact="保守課")
    incident = incidents.report(user("manager"), title="保守中の映像の持出し", kind="loss",
                                what_happened="保守作業中に媒体を紛失", knew_on=clock.today_jst())
    client = client_for("privacy")
    url = f"/accountability/contractors/{firm.pk}/incident/"
    told = clock.today_jst() - dt.timedelta(days=2)
    body = client.post(url, {"incident": "", "told_on": told.isoformat(), "told_by": "保守 太郎",
                             "what": "媒体を紛失した"}).content.decode()
    assert "事案を選んでください" in body and "媒体を紛失した" in body
    response = client.post(url, {"incident": str(incident.pk), "told_on": told.isoformat(),
                                 "told_by": "保守 太郎", "what": "媒体を紛失した"})
    assert response.status_code == 302
    assert incident.awareness.filter(source="contractor", knew_on=told).exists()
    page = client.get(f"/accountability/contractors/{firm.pk}/").content.decode()
    assert incident.number in page
