"""Screens and their permissions: any member of staff enters a complaint; the page shows
the complainant (an audited access) and only the steps the person may take; a refusal is
said on the page with what was typed kept; the auditor reads the yearly list, the others
who have no part get 403 (itself audited)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hogo.audit.models import AuditEntry
from hogo.complaints import handling, intake
from hogo.complaints.models import AnswerHow, Complaint, State
from hogo.complaints.tests.conftest import COMPLAINT, complaint_data


def test_staff_enter_a_complaint_on_the_form(client_for):
    client = client_for("staff")
    page = client.get(reverse("complaints:new"))
    assert page.status_code == 200 and "苦情の受付" in page.content.decode()
    assert 'name="department"' not in page.content.decode()  # staff do not route
    response = client.post(reverse("complaints:new"), COMPLAINT)
    made = Complaint.objects.get()
    assert response.status_code == 302 and response.url == reverse("complaints:detail",
                                                                   args=[made.pk])
    assert made.entered_by.username == "staff" and made.state == State.RECEIVED


def test_a_missing_text_is_refused_and_everything_typed_kept(client_for):
    client = client_for("staff")
    response = client.post(reverse("complaints:new"), {**COMPLAINT, "text": ""})
    body = response.content.decode()
    assert response.status_code == 200 and "苦情の内容を入力してください。" in body
    assert 'value="市民 太郎"' in body and 'value="デモ市東町2丁目"' in body
    assert not Complaint.objects.exists()


def test_a_handler_routes_on_the_form(client_for, kanzai):
    client = client_for("privacy")
    client.post(reverse("complaints:new"), {**COMPLAINT, "department": kanzai.pk})
    assert Complaint.objects.get().state == State.ASSIGNED


@pytest.mark.parametrize(("username", "status"), [
    ("staff", 200), ("privacy", 200), ("manager", 200), ("auditor", 200),
    ("sysadmin", 403)])
def test_who_may_enter_and_list(client_for, username, status):
    client = client_for(username)
    assert client.get(reverse("complaints:list")).status_code == status
    enter = 403 if username in ("auditor", "sysadmin") else 200
    assert client.get(reverse("complaints:new")).status_code == enter


@pytest.mark.parametrize(("username", "status"), [
    ("auditor", 200), ("privacy", 200), ("manager", 200), ("staff", 403),
    ("operator", 403), ("sysadmin", 403)])
def test_the_yearly_list_is_for_readers_of_records(client_for, username, status):
    client = client_for(username)
    assert client.get(reverse("complaints:yearly")).status_code == status
    assert client.get(reverse("complaints:yearly_csv")).status_code == status


def test_the_page_is_an_audited_access_and_shows_only_allowed_steps(client_for, user, kanzai):
    made = intake.enter(user("privacy"), complaint_data(department=kanzai))
    url = reverse("complaints:detail", args=[made.pk])
    page = client_for("operator").get(url).content.decode()
    assert "市民 太郎" in page and "090-0000-0000" in page and "令和" in page
    assert 'data-testid="save-answer"' in page and 'data-testid="close"' not in page
    entry = AuditEntry.objects.filter(action="complaints.viewed").last()
    assert entry.actor == "user:operator" and made.number in entry.detail
    assert client_for("seiso-manager").get(url).status_code == 403
    assert AuditEntry.objects.filter(action="access.denied").exists()


def test_staff_see_only_what_they_entered(client_for, user, kanzai):
    own = intake.enter(user("staff"), complaint_data())
    other = intake.enter(user("privacy"), complaint_data(department=kanzai))
    client = client_for("staff")
    assert client.get(reverse("complaints:detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("complaints:detail", args=[other.pk])).status_code == 403
    listed = client.get(reverse("complaints:list")).content.decode()
    assert own.number in listed and f'data-number="{other.number}"' not in listed


def test_the_steps_on_the_page(client_for, user, kanzai):
    made = intake.enter(user("staff"), complaint_data())
    privacy = client_for("privacy")
    privacy.post(reverse("complaints:assign", args=[made.pk]), {"department": kanzai.pk})
    manager = client_for("manager")
    refused = manager.post(reverse("complaints:close", args=[made.pk]), {"note": ""})
    assert "回答を記録するまで完了にはできません" in refused.content.decode()
    empty = manager.post(reverse("complaints:answer", args=[made.pk]),
                         {"answer": "", "answer_how": "letter"})
    assert "回答の内容を入力してください。" in empty.content.decode()
    assert '<option value="letter" selected>' in empty.content.decode()  # kept
    manager.post(reverse("complaints:answer", args=[made.pk]),
                 {"answer": "撮影範囲を見直しました。", "answer_how": "letter"})
    letter = manager.get(reverse("complaints:answer_letter", args=[made.pk])).content.decode()
    assert "デモ市長" in letter and "市民 太郎" in letter and "令和" in letter
    assert "第11条" in letter and "印" in letter
    done = manager.post(reverse("complaints:close", args=[made.pk]), {"note": "送付済み"})
    assert done.status_code == 302
    assert Complaint.objects.get().state == State.CLOSED


def test_no_letter_for_an_anonymous_complaint(client_for, user, kanzai):
    made = intake.enter(user("privacy"), complaint_data(complainant_name="",
                                                         department=kanzai))
    handling.answer(user("manager"), made, "設定を変更しました。", AnswerHow.NONE)
    client = client_for("manager")
    response = client.get(reverse("complaints:answer_letter", args=[made.pk]), follow=True)
    assert "回答書は作成できません" in response.content.decode()


def test_the_list_filters_with_htmx(client_for, user):
    intake.enter(user("staff"), complaint_data())
    client = client_for("privacy")
    partial = client.get(reverse("complaints:list"), {"state": "received"},
                         HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert "<table" in body and "<html" not in body and "-C001" in body
