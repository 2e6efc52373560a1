"""Self-inspection screens: an auditor starts an inspection and sees what hogo found; a
refused finding comes back with the Japanese reason and what was typed; the owner (who may
not read inspections) answers on the finding's page; managers read only their department."""

import datetime as dt

from hogo import clock
from hogo.accountability import inspection
from hogo.accountability.models import Finding, Inspection
from hogo.accounts.models import Department

TODAY = clock.today_jst


def _seiso():
    return Department.objects.get(code="seiso", organisation__name="デモ市")


def test_auditor_starts_an_inspection_from_the_board(demo, client_for):
    client = client_for("auditor")
    board = client.get("/accountability/inspections/")
    assert board.status_code == 200 and "環境部 清掃課" in board.content.decode()
    response = client.post("/accountability/inspections/", {"scope": str(_seiso().pk)})
    started = Inspection.objects.get()
    assert response.status_code == 302 and response.url == (
        f"/accountability/inspections/{started.pk}/")
    page = client.get(response.url).content.decode()
    assert "全車両の録画中表示（ステッカー）を1年以内に確認している" in page
    assert "DEMO-0003" in page and "要対応" in page
    again = client.post("/accountability/inspections/", {"scope": str(_seiso().pk)})
    assert again.status_code == 200 and "実施中です" in again.content.decode()
    bad = client.post("/accountability/inspections/", {"scope": "999999"})
    assert "点検する範囲を選んでください" in bad.content.decode()


def test_a_refused_finding_keeps_what_was_typed(demo, client_for, user):
    found = inspection.start(user("auditor"), _seiso())
    client = client_for("auditor")
    response = client.post(f"/accountability/inspections/{found.pk}/findings/", {
        "what": "ステッカーの貼り替えを確認すること", "owner": str(user("seiso-manager").pk),
        "due_on": (TODAY() - dt.timedelta(days=1)).isoformat(), "check": "notice_checked"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "対応期限は今日以降の日にしてください" in page
    assert "ステッカーの貼り替えを確認すること" in page
    assert not Finding.objects.exists()
    finish = client.post(f"/accountability/inspections/{found.pk}/finish/", {"summary": ""})
    assert finish.status_code == 400 and "所見に記入して" in finish.content.decode()


def test_the_owner_answers_on_the_finding_page(demo, client_for, user):
    found = inspection.start(user("auditor"), _seiso())
    finding = inspection.raise_finding(user("auditor"), found, what="録画中表示を確認する",
                                       owner=user("seiso-manager"), due_on=TODAY())
    owner = client_for("seiso-manager")
    page = owner.get(f"/accountability/findings/{finding.pk}/").content.decode()
    assert "対応を報告する" in page
    empty = owner.post(f"/accountability/findings/{finding.pk}/answer/", {"action": ""})
    assert empty.status_code == 400
    done = owner.post(f"/accountability/findings/{finding.pk}/answer/",
                      {"action": "確認日を登録した"})
    assert done.status_code == 302
    assert owner.post(f"/accountability/findings/{finding.pk}/close/").status_code == 403
    auditor = client_for("auditor")
    assert "確認して完了にする" in auditor.get(
        f"/accountability/findings/{finding.pk}/").content.decode()
    auditor.post(f"/accountability/findings/{finding.pk}/close/")
    finding.refresh_from_db()
    assert finding.state == "closed"
    assert client_for("staff").get(
        f"/accountability/findings/{finding.pk}/").status_code == 404


def test_a_manager_reads_only_their_department(demo, client_for, user):
    found = inspection.start(user("auditor"), _seiso())
    assert client_for("seiso-manager").get(
        f"/accountability/inspections/{found.pk}/").status_code == 200
    assert client_for("manager").get(
        f"/accountability/inspections/{found.pk}/").status_code == 404
    board = client_for("manager").get("/accountability/inspections/").content.decode()
    assert "環境部 清掃課" not in board and "総務部 管財課" in board
    assert "start-inspection" not in board
    assert client_for("staff").get("/accountability/inspections/").status_code == 403
