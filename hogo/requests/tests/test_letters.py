"""The decision letters: a public body's carries the 教示 (review within 3 months, suit
within 6 months against the city represented by its mayor), the grounds with their articles
and the written reason; a business's carries its reasons (Art. 36) and no 教示; the person's
choice of method form."""

from __future__ import annotations

import json

import pytest

from hogo.audit.models import AuditEntry
from hogo.requests import deciding, letters
from hogo.requests.tests.test_decision import driving_school, make_request


def test_a_city_refusal_carries_the_instruction_on_appeal(demo, user, client_for):
    request = make_request(demo, user("staff"))
    deciding.decide(user("manager"), request, outcome="refuse", grounds=["third_party"],
                    reason="映像に写っている他の人物の情報を含むため")
    html = client_for("operator").get(f"/requests/{request.pk}/letters/decision/"
                                      ).content.decode()
    assert '<meta charset="utf-8">' in html and "不開示決定通知書" in html
    assert "法第82条第2項" in html and "法第78条第1項第2号" in html
    assert "映像に写っている他の人物の情報を含むため" in html
    assert "教示" in html and "行政不服審査法" in html and "3か月以内" in html
    assert "行政事件訴訟法" in html and "6か月以内" in html
    assert "デモ市を被告として" in html and "デモ市を代表する者はデモ市長" in html
    assert "デモ市長に対して審査請求" in html and "印" in html
    entry = AuditEntry.objects.filter(action="requests.letter_printed").latest("seq")
    assert json.loads(entry.detail) == {"number": request.number, "letter": "decision",
                                        "outcome": "refuse"}


def test_a_city_disclosure_names_the_method_form_and_its_30_days(demo, user, client_for):
    request = make_request(demo, user("staff"))
    deciding.decide(user("manager"), request, outcome="disclose")
    client = client_for("operator")
    html = client.get(f"/requests/{request.pk}/letters/decision/").content.decode()
    assert "開示決定通知書" in html and "法第82条第1項" in html
    assert "30日以内" in html and "法第87条第3項" in html and "教示" in html
    form = client.get(f"/requests/{request.pk}/letters/method/").content.decode()
    assert "実施方法等申出書" in form and "写しの交付（紙）" in form and request.number in form


def test_a_business_letter_gives_reasons_and_no_instruction_on_appeal(demo, client):
    school, people = driving_school()
    request = make_request(school, people["staff"])
    deciding.decide(people["manager"], request, outcome="refuse", grounds=["harm"],
                    reason="他の教習生の権利利益を害するおそれがあるため")
    client.force_login(people["manager"], backend="hogo.accounts.backends.RoleBackend")
    html = client.get(f"/requests/{request.pk}/letters/decision/").content.decode()
    assert "不開示決定通知書" in html and "法第33条第2項第1号" in html
    assert "法第33条第3項" in html and "法第36条" in html
    assert "他の教習生の権利利益を害するおそれがあるため" in html
    assert "教示" not in html and "審査請求" not in html and "行政事件訴訟法" not in html
    assert "テスト自動車学校個人情報保護規程第26条" in html or "第26条" in html


def test_the_instruction_on_appeal_is_for_public_bodies_only(demo):
    school, _people = driving_school()
    assert letters.appeal_instruction(school) == []
    paragraphs = letters.appeal_instruction(demo)
    assert len(paragraphs) == 3 and "裁決" in paragraphs[2]
    assert letters.issuer(demo) == "デモ市長"


def test_no_letter_before_the_decision(demo, user, client_for):
    request = make_request(demo, user("staff"))
    with pytest.raises(letters.LetterRefused):
        letters.decision_letter(user("operator"), request)
    assert client_for("operator").get(
        f"/requests/{request.pk}/letters/decision/").status_code == 404


def test_correction_and_stop_letters_have_their_titles(demo, user):
    correction = make_request(demo, user("staff"), kind="correction")
    deciding.decide(user("manager"), correction, outcome="carry_out")
    assert letters.letter_title(correction) == "訂正決定通知書"
    stop = make_request(demo, user("staff"), kind="suspension")
    deciding.decide(user("manager"), stop, outcome="refuse", reason="利用目的の範囲内です。")
    assert letters.letter_title(stop) == "利用停止をしない旨の決定通知書"
    assert letters.notice_article(stop) == "法第101条第2項"
