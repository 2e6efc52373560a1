"""The extension of a public body's decision period (Act Art. 83(2)): once, with a written
reason and a new day within the profile's extension days, notified by letter; refused
without a reason and for a business ("without delay"). Art. 84 for very large requests."""

from __future__ import annotations

import datetime as dt

import pytest

from hogo import clock
from hogo.alerts.models import Alert
from hogo.requests import deciding
from hogo.requests.tests.test_decision import driving_school, make_request
from hogo.rules.wareki import format_wareki


def test_an_extension_without_a_reason_is_refused(demo, user):
    request = make_request(demo, user("staff"))
    with pytest.raises(deciding.DecisionRefused) as refused:
        deciding.extend(user("manager"), request, reason="  ")
    assert "延長の理由を書いてください" in str(refused.value)
    assert "法第83条第2項" in str(refused.value)
    request.refresh_from_db()
    assert request.extended_due_on is None and request.extended_at is None


def test_the_extension_screen_says_why_and_keeps_the_date(demo, user, client_for):
    request = make_request(demo, user("staff"))
    client = client_for("manager")
    assert client.get(f"/requests/{request.pk}/extend/").status_code == 200
    day = (request.due_on + dt.timedelta(days=10)).isoformat()
    response = client.post(f"/requests/{request.pk}/extend/", {"new_due_on": day, "reason": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "延長の理由を書いてください" in html and day in html


def test_an_extension_with_its_reason_sets_the_new_day_and_the_letter(demo, user, client_for):
    manager = user("manager")
    request = make_request(demo, user("staff"))
    latest = deciding.extension_limit(request)
    assert latest == request.due_on + dt.timedelta(days=30)
    with pytest.raises(deciding.DecisionRefused, match="30日以内"):
        deciding.extend(manager, request, reason="映像の確認に時間を要するため",
                        new_due_on=latest + dt.timedelta(days=1))
    with pytest.raises(deciding.DecisionRefused, match="より後の日"):
        deciding.extend(manager, request, reason="映像の確認に時間を要するため",
                        new_due_on=request.due_on)
    new_day = request.due_on + dt.timedelta(days=20)
    extended = deciding.extend(manager, request, reason="映像の確認に時間を要するため",
                               new_due_on=new_day)
    assert extended.extended_due_on == new_day and extended.effective_due_on == new_day
    assert extended.extension_reason == "映像の確認に時間を要するため"
    assert Alert.objects.filter(recipient=user("operator"), kind=deciding.EXTENDED_KIND).exists()
    with pytest.raises(deciding.DecisionRefused, match="1回に限られます"):
        deciding.extend(manager, extended, reason="さらに時間が必要")
    html = client_for("operator").get(f"/requests/{request.pk}/letters/extension/"
                                      ).content.decode()
    assert "延長" in html and "映像の確認に時間を要するため" in html
    assert format_wareki(new_day) in html and format_wareki(request.due_on) in html
    assert "法第83条第2項" in html and "デモ市長" in html


def test_a_business_has_no_extension(demo):
    school, people = driving_school()
    request = make_request(school, people["staff"])
    with pytest.raises(deciding.DecisionRefused) as refused:
        deciding.extend(people["manager"], request, reason="多忙のため")
    assert "遅滞なく" in str(refused.value) and "延長する制度はありません" in str(refused.value)
    assert not deciding.may_extend(people["manager"], request)


def test_no_extension_after_the_original_due_day(demo, user):
    late = make_request(demo, user("staff"),
                        received_on=clock.today_jst() - dt.timedelta(days=40))
    with pytest.raises(deciding.DecisionRefused, match="当初の決定期限"):
        deciding.extend(user("manager"), late, reason="確認に時間を要するため")


def test_a_very_large_request_gets_a_day_for_the_rest(demo, user, client_for):
    manager = user("manager")
    request = make_request(demo, user("staff"))
    with pytest.raises(deciding.DecisionRefused) as refused:
        deciding.apply_large_request(manager, request, reason="", remainder_due_on=None)
    assert len(refused.value.reasons) == 2
    part_due = request.received_on + dt.timedelta(days=60)
    rest = part_due + dt.timedelta(days=60)
    done = deciding.apply_large_request(manager, request, reason="対象の映像が1年分に及ぶため",
                                        remainder_due_on=rest)
    assert done.effective_due_on == part_due and done.remainder_due_on == rest
    html = client_for("operator").get(f"/requests/{request.pk}/letters/large-request/"
                                      ).content.decode()
    assert "法第84条" in html and format_wareki(rest) in html and "1年分" in html


def test_the_special_rule_is_for_disclosures_only(demo, user):
    request = make_request(demo, user("staff"), kind="correction")
    with pytest.raises(deciding.DecisionRefused, match="法第84条"):
        deciding.apply_large_request(user("manager"), request, reason="大量",
                                     remainder_due_on=clock.today_jst() + dt.timedelta(days=90))
