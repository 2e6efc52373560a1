"""The footage screens (R-607): the section of the request page for those who prepare the
footage, the range form that keeps what was typed and says what is wrong in Japanese, the
copy and masking buttons, the 「本人」 toggle of the review strip, and the unmasked release
that only the privacy officer reaches."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import RequestFactory

from hogo.processing import services as processing
from hogo.processing import work
from hogo.requests import footage
from hogo.requests.tests.test_footage import car, footage_request, saved


def _local(moment: dt.datetime) -> str:
    from hogo.clock import JST

    return moment.astimezone(JST).strftime("%Y-%m-%dT%H:%M:%S")


def _panel(request, person):
    http = RequestFactory().get("/")
    http.user = person
    return footage.panel(http, request)


def test_the_section_is_for_who_prepares_the_footage(demo, user):
    request = footage_request(demo, user("staff"))
    shown = _panel(request, user("operator"))
    assert 'id="footage"' in shown and "青い上着、自転車" in shown
    assert "デモ市役所前の交差点" in shown and "footage-segments-link" in shown
    for person in ("staff", "auditor", "seiso-manager"):
        assert _panel(request, user(person)) == ""
    officer = _panel(request, user("privacy"))  # sees it, prepares nothing
    assert 'id="footage"' in officer and "footage-segments-link" not in officer


def test_the_request_page_draws_the_section(demo, user, client_for):
    request = footage_request(demo, user("staff"))
    page = client_for("operator").get(f"/requests/{request.pk}/").content.decode()
    assert 'data-testid="footage-panel"' in page


def test_the_range_form_lists_saves_and_keeps_bad_input(demo, user, client_for):
    request = footage_request(demo, user("staff"))
    client = client_for("operator")
    url = f"/requests/{request.pk}/footage/"
    page = client.get(url)
    assert page.status_code == 200
    assert _local(request.occurred_from) in page.content.decode()  # what the person gave
    start, end = request.occurred_from, request.occurred_to
    bad = client.post(url, {"vehicle": car(demo).pk, "start_at": _local(end),
                            "end_at": _local(start), "channels": ["front"], "action": "save"})
    text = bad.content.decode()
    assert bad.status_code == 400 and "終了日時は開始日時より後" in text
    assert _local(end) in text  # nothing typed is lost
    preview = client.post(url, {"vehicle": car(demo).pk, "start_at": _local(start),
                                "end_at": _local(end), "channels": ["front"],
                                "action": "preview"})
    assert preview.status_code == 200 and "footage-preview-list" in preview.content.decode()
    request.refresh_from_db()
    assert request.vehicle_id is None  # a preview saves nothing
    done = client.post(url, {"vehicle": car(demo).pk, "start_at": _local(start),
                             "end_at": _local(end), "channels": ["front"], "action": "save"})
    assert done.status_code == 302 and done["Location"].endswith(f"/{request.pk}/#footage")
    request.refresh_from_db()
    assert request.vehicle == car(demo) and request.hold is not None
    assert client_for("staff").get(url).status_code == 403


def test_copy_and_masking_from_the_section(demo, user, client_for):
    request = saved(demo, user)
    client = client_for("manager")
    made = client.post(f"/requests/{request.pk}/footage/copy/", follow=True)
    assert "複製データを作成しました" in made.content.decode()
    copy = footage.request_copies(request)[0]
    section = _panel(request, user("operator"))
    assert f"footage-mask-{copy.pk}" in section
    refused = client.post(f"/requests/{request.pk}/footage/copies/{copy.pk}/register/",
                          follow=True)
    assert "加工していない複製データは開示する映像として登録できません" in refused.content.decode()
    asked = client_for("operator").post(f"/requests/{request.pk}/footage/copies/{copy.pk}/mask/",
                                        follow=True)
    assert "承認を待っています" in asked.content.decode()
    assert "本人開示のため請求者以外を加工" in _panel(request, user("operator"))


def test_the_unmasked_release_is_the_privacy_officers_alone(demo, user, client_for):
    request = saved(demo, user)
    copy = footage.make_copy(user("manager"), request).copies.get()
    url = f"/requests/{request.pk}/footage/copies/{copy.pk}/unmasked/"
    for person in ("manager", "operator", "staff"):
        assert client_for(person).get(url).status_code == 403
        assert client_for(person).post(url, {"reason": "理由があります。" * 3}).status_code == 403
    officer = client_for("privacy")
    assert officer.get(url).status_code == 200
    short = officer.post(url, {"reason": "確認済み"})
    assert short.status_code == 400 and "確認済み" in short.content.decode()  # kept
    assert "理由を" in short.content.decode()
    done = officer.post(url, {"reason": "映像に請求者以外の人物・車両が映っていないことを確認した"})
    assert done.status_code == 302
    request.refresh_from_db()
    assert request.disclosed_copy == copy and request.unmasked_release_by == user("privacy")
    assert "footage-unmasked-record" in _panel(request, user("privacy"))


@pytest.fixture
def detected(demo, user):
    request = saved(demo, user)
    copy = footage.make_copy(user("manager"), request).copies.get()
    item = footage.ask_masking(user("operator"), request, copy.pk)
    processing.approve(user("privacy"), item)
    work.run_analysis(item.pk)
    item.refresh_from_db()
    item.analysis["tracks"] = [
        {"id": n, "kind": "face", "source": "detector", "first": 0, "last": 40,
         "removed": False, "keyframes": [[0, 10 + 200 * n, 40, 60 + 200 * n, 90, 0.9],
                                         [40, 10 + 200 * n, 40, 60 + 200 * n, 90, 0.9]]}
        for n in (1, 2)]
    item.save(update_fields=["analysis"])
    return item


def test_one_click_marks_a_track_as_the_requesters(detected, client_for):
    client = client_for("operator")
    page = client.get(f"/copies/processing/{detected.pk}/").content.decode()
    assert 'data-testid="requester-1"' in page and 'data-testid="requester-help"' in page
    marked = client.post(f"/copies/processing/{detected.pk}/review/",
                         {"toggle_requester": "1", "added": "[]"}, follow=True)
    detected.refresh_from_db()
    assert detected.requester_tracks == ["1"] and detected.reviewed_by is not None
    text = marked.content.decode()
    assert "「本人」の印を付けました" in text and 'data-testid="requester-row-1"' in text
    assert "加工する他の人（延べ）：1人" in text
    # The mark survives saving the other corrections, and a second click takes it off.
    client.post(f"/copies/processing/{detected.pk}/review/",
                {"requester": ["1"], "removed": ["2"], "added": "[]", "action": "save"})
    detected.refresh_from_db()
    assert detected.requester_tracks == ["1"] and detected.removed_tracks == ["2"]
    client.post(f"/copies/processing/{detected.pk}/review/",
                {"requester": ["1"], "toggle_requester": "1", "added": "[]"})
    detected.refresh_from_db()
    assert detected.requester_tracks == []
