"""The intake screens: the public form (refused with what was typed kept, then a receipt
number; throttled), the counter form, the request page with its sections, the identity
check screen, the 補正 and the letters; who may see what."""

from __future__ import annotations

import datetime as dt
import re

from hogo import clock
from hogo.audit.models import AuditEntry
from hogo.requests import intake
from hogo.requests.models import PersonalRequest, RequestState
from hogo.requests.tests.test_intake import footage_request

PUBLIC = "/public/requests/"


def public_post(start: dt.datetime, **changes) -> dict:
    data = {"kind": "disclosure", "disclosure_of": ["footage"], "requester_type": "self",
            "requester_name": "市民 花子", "requester_address": "デモ市中央2-3-4",
            "phone": "000-0000-0000", "occurred_from": start.strftime("%Y-%m-%dT%H:%M"),
            "occurred_to": (start + dt.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M"),
            "place": "デモ市中央一丁目交差点", "appearance": "赤い上着", "method": "electronic"}
    return {**data, **changes}


def test_the_public_form_refuses_what_is_missing_and_keeps_the_text(demo, client):
    start = dt.datetime.combine(clock.today_jst(), dt.time(8), tzinfo=clock.JST)
    page = client.get(PUBLIC)
    assert page.status_code == 200 and "自己の個人情報" in page.content.decode()
    assert 'value="purpose_notification"' not in page.content.decode()  # a city has none
    refused = client.post(PUBLIC, public_post(start, requester_address="", place=""))
    text = refused.content.decode()
    assert refused.status_code == 400 and "住所又は居所" in text and "映像の場所" in text
    assert "赤い上着" in text and not PersonalRequest.objects.exists()
    assert AuditEntry.objects.filter(action=intake.PUBLIC_REFUSED_ACTION).count() == 1
    done = client.post(PUBLIC, public_post(start), follow=True)
    request = PersonalRequest.objects.get()
    assert request.number in done.content.decode() and request.received_via == "web"
    assert request.state == RequestState.RECEIVED and request.asks_footage
    assert "住民票の写し" in done.content.decode()
    again = client.get("/public/requests/done/")  # shown once: a kiosk's next user sees none
    assert again.status_code == 302 and request.number not in again.content.decode()


def test_the_public_form_is_throttled_per_address(demo, client, settings):
    from hogo.accounts.policy import effective_profile

    limit = int(effective_profile(demo).value("requests.public_form_per_hour"))
    start = dt.datetime.combine(clock.today_jst(), dt.time(8), tzinfo=clock.JST)
    for _n in range(limit):
        client.post(PUBLIC, public_post(start, requester_name=""))
    stopped = client.post(PUBLIC, public_post(start))
    assert stopped.status_code == 429 and "1時間の上限" in stopped.content.decode()
    assert not PersonalRequest.objects.exists()


def test_the_counter_form_and_the_request_page(demo, client_for, user):
    staff = client_for("staff")
    start = dt.datetime.combine(clock.today_jst(), dt.time(8), tzinfo=clock.JST)
    made = staff.post("/requests/new/", {**public_post(start, place="", vehicle_text=""),
                                         "received_via": "counter"}, follow=True)
    request = PersonalRequest.objects.get()
    text = made.content.decode()
    # Whoever entered it sees the page (and what is missing), but does not handle it.
    assert "補正を求めてください" in text and 'data-testid="missing"' in text
    assert 'data-testid="identity-link"' not in text
    operator = client_for("operator")
    page = operator.get(f"/requests/{request.pk}/").content.decode()
    assert 'data-testid="missing"' in page and 'data-testid="identity-link"' in page
    assert 'data-testid="correction-form"' in page
    future = (clock.today_jst() + dt.timedelta(days=2)).isoformat()
    refused = operator.post(f"/requests/{request.pk}/correction/",
                            {"what": "映像の場所を記入してください。", "asked_on": future})
    assert refused.status_code == 400 and "今日より後" in refused.content.decode()
    assert "映像の場所を記入してください。" in refused.content.decode()  # kept
    asked = operator.post(f"/requests/{request.pk}/correction/",
                          {"what": "映像の場所を記入してください。"}, follow=True)
    assert "補正を求めました" in asked.content.decode()
    letter = operator.get(f"/requests/{request.pk}/letters/correction/").content.decode()
    assert "映像の場所を記入してください。" in letter and "補正に要した日数" in letter
    answered = operator.post(f"/requests/{request.pk}/correction/answered/", {}, follow=True)
    assert "補正を記録しました" in answered.content.decode()


def test_the_identity_screen_keeps_the_choice_when_refused(demo, client_for, user):
    request = intake.enter(user("staff"), footage_request())
    operator = client_for("operator")
    url = f"/requests/{request.pk}/identity/"
    refused = operator.post(url, {"documents": ["health_insurance"]})
    assert refused.status_code == 400 and "もう1点" in refused.content.decode()
    assert re.search(r'value="health_insurance"[^>]*checked', refused.content.decode())
    done = operator.post(url, {"documents": ["driving_licence"]}, follow=True)
    assert "本人確認を記録しました" in done.content.decode()
    request.refresh_from_db()
    assert request.state == RequestState.IN_PROGRESS
    # Only handlers record a check: the auditor reads the page, gets 403 here.
    assert client_for("auditor").get(url).status_code == 403
    assert client_for("auditor").get(f"/requests/{request.pk}/").status_code == 200


def test_the_inbox_lists_open_requests_and_is_audited(demo, client_for, user):
    request = intake.enter(user("staff"), footage_request())
    page = client_for("privacy").get("/requests/").content.decode()
    assert request.number in page and "本人からの請求" in page
    assert AuditEntry.objects.filter(action="requests.inbox_viewed").exists()
    receipt = client_for("privacy").get(f"/requests/{request.pk}/letters/receipt/")
    text = receipt.content.decode()
    assert "法第83条第1項" in text and request.number in text
