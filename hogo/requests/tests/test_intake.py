"""Intake of a person's requests at the counter and by post: the items a request must state,
the decision day counted from the day after arrival and moved by a 補正 wait, routing, the
hand-offs to the handlers and deciders, withdrawal, and the intake letters."""

from __future__ import annotations

import datetime as dt

import pytest

from hogo import clock
from hogo.accounts.models import User
from hogo.alerts.models import Alert
from hogo.alerts.waiting import waiting_for
from hogo.audit.models import AuditEntry
from hogo.requests import identity, intake
from hogo.requests.models import RequestState
from hogo.rules.wareki import format_wareki


def footage_request(**changes):
    today = clock.today_jst()
    start = dt.datetime.combine(today - dt.timedelta(days=3), dt.time(8, 30), tzinfo=clock.JST)
    data = {"kind": "disclosure", "disclosure_of": ["footage"], "requester_type": "self",
            "requester_name": "市民 花子", "requester_address": "デモ市中央2-3-4",
            "phone": "000-0000-0000", "occurred_from": start,
            "occurred_to": start + dt.timedelta(minutes=5),
            "place": "デモ市中央一丁目交差点の横断歩道", "vehicle_text": "市の公用車",
            "appearance": "赤い上着、黒い自転車", "method": "electronic",
            "received_via": "counter"}
    return {**data, **changes}


def test_a_counter_request_counts_30_days_from_the_day_after(demo, user):
    staff = user("staff")
    received = clock.today_jst() - dt.timedelta(days=1)
    request = intake.enter(staff, footage_request(received_on=received))
    assert request.number.endswith("-R001") and request.state == RequestState.RECEIVED
    assert request.due_on == received + dt.timedelta(days=30)
    assert request.fee_yen == 300 and request.may_sue_on is None
    assert intake.missing_items(request) == []
    assert request.events.get().action == "entered"
    assert AuditEntry.objects.filter(action="requests.entered", object_id=str(request.pk)).exists()
    # The handlers (the privacy officer among them) are told, never the one who entered it.
    told = {a.recipient.username for a in Alert.objects.filter(kind=intake.RECEIVED_KIND)}
    assert "privacy" in told and "staff" not in told
    # No department yet: it is to be routed first (nobody may decide it until then).
    items = [i.kind for i in waiting_for(user("privacy")) if i.title == intake.title(request)]
    assert items == ["requests.route"]
    request = intake.update(user("privacy"), request, {
        **footage_request(received_on=received), "department": user("manager").department_id})
    items = [i.kind for i in waiting_for(user("operator")) if i.title == intake.title(request)]
    assert "requests.check_identity" in items and "requests.route" not in items


def test_a_letter_missing_items_is_kept_and_says_what_is_missing(demo, user):
    request = intake.enter(user("staff"), footage_request(
        requester_address="", place="", vehicle_text="", received_via="post"))
    assert set(intake.missing_items(request)) == {"requester_address", "where"}
    assert request.events.get().detail["missing"] == ["requester_address", "where"]


def test_bad_values_are_refused_with_the_field(demo, user):
    staff = user("staff")
    with pytest.raises(intake.RequestError) as refused:
        intake.enter(staff, footage_request(received_on=clock.today_jst() + dt.timedelta(days=1)))
    assert refused.value.field == "received_on" and "今日より後" in refused.value.reasons[0]
    with pytest.raises(intake.RequestError) as refused:
        intake.enter(staff, footage_request(kind="purpose_notification"))
    assert refused.value.field == "kind" and "行政機関等" in refused.value.reasons[0]
    with pytest.raises(intake.RequestError):
        intake.enter(staff, footage_request(kind="nonsense"))


def test_a_correction_wait_moves_the_decision_day(demo, user):
    operator = user("operator")
    received = clock.today_jst() - dt.timedelta(days=10)
    request = intake.enter(user("staff"), footage_request(received_on=received))
    first_due = request.due_on
    asked = received + dt.timedelta(days=2)
    intake.ask_correction(operator, request, what="映像の時間帯を30分以内に特定してください。",
                          asked_on=asked)
    request.refresh_from_db()
    assert request.state == RequestState.CORRECTION_WAIT
    answered = asked + dt.timedelta(days=4)
    request = intake.correction_answered(operator, request, answered_on=answered)
    # Both ends are waiting days: 5 days do not count.
    assert request.due_on == first_due + dt.timedelta(days=5)
    assert request.state == RequestState.RECEIVED
    words = dict((e.action, text) for e, text in intake.timeline(request))
    assert "5日" in words["correction_answered"] and format_wareki(request.due_on) in words[
        "correction_answered"]
    letter = intake.correction_letter(operator, request)
    assert letter["wait"].asked_what.startswith("映像の時間帯") and letter["public"]


def test_correction_steps_are_refused_in_the_wrong_state(demo, user):
    operator = user("operator")
    request = intake.enter(user("staff"), footage_request())
    with pytest.raises(intake.RequestError):
        intake.correction_answered(operator, request)
    with pytest.raises(intake.RequestError) as refused:
        intake.ask_correction(operator, request, what="  ")
    assert refused.value.field == "what"
    intake.ask_correction(operator, request, what="住所")
    with pytest.raises(intake.RequestError):
        intake.ask_correction(operator, request, what="住所をもう一度")
    with pytest.raises(intake.RequestError):
        intake.correction_answered(operator, request,
                                   answered_on=clock.today_jst() - dt.timedelta(days=5))


def test_identity_confirmed_hands_the_request_to_the_deciders(demo, user):
    operator = user("operator")
    request = intake.enter(user("staff"), footage_request(
        department=user("manager").department_id))
    assert not request.can_be_decided
    with pytest.raises(identity.IdentityRefused) as refused:
        identity.record_check(operator, request, documents=["health_insurance"])
    assert "もう1点" in refused.value.reasons[0]
    assert not request.identity_checks.exists()
    with pytest.raises(identity.IdentityRefused) as refused:
        identity.record_check(operator, request, documents=["my_number_card"],
                              note="番号 1234 5678 9012")
    assert "個人番号" in refused.value.reasons[0]
    identity.record_check(operator, request, documents=["my_number_card"])
    request.refresh_from_db()
    assert request.state == RequestState.IN_PROGRESS and request.can_be_decided
    told = {a.recipient.username for a in Alert.objects.filter(kind=identity.TO_DECIDE_KIND)}
    assert told == {"manager", "privacy"}


def test_a_postal_request_needs_a_recent_certificate_of_residence(demo, user):
    operator = user("operator")
    received = clock.today_jst() - dt.timedelta(days=1)
    request = intake.enter(user("staff"), footage_request(received_via="post",
                                                          received_on=received))
    with pytest.raises(identity.IdentityRefused) as refused:
        identity.record_check(operator, request, documents=["driving_licence"], by_post=True)
    assert "住民票の写し" in refused.value.reasons[0]
    with pytest.raises(identity.IdentityRefused) as refused:
        identity.record_check(operator, request, by_post=True,
                              documents=["driving_licence", "residence_certificate"],
                              residence_certificate_on=received - dt.timedelta(days=31))
    assert "30日以内" in refused.value.reasons[0]
    identity.record_check(operator, request, by_post=True,
                          documents=["driving_licence", "residence_certificate"],
                          residence_certificate_on=received - dt.timedelta(days=30))
    assert request.identity_checks.get().by_post


def test_an_agent_shows_what_makes_them_one(demo, user):
    operator = user("operator")
    request = intake.enter(user("staff"), footage_request(
        requester_type="attorney", principal_name="市民 一郎"))
    with pytest.raises(identity.IdentityRefused) as refused:
        identity.record_check(operator, request, documents=["driving_licence"])
    assert {"power_of_attorney", "principal_document"} == set(refused.value.codes)
    identity.record_check(operator, request, documents=[
        "driving_licence", "power_of_attorney", "principal_document"])
    missing = intake.enter(user("staff"), footage_request(requester_type="legal_representative"))
    assert "principal_name" in intake.missing_items(missing)


def test_images_are_kept_encrypted_and_erased_on_withdrawal(demo, user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from hogo.footage.models import DeletionRecord

    operator = user("operator")
    request = intake.enter(user("staff"), footage_request(received_via="post"))
    scan = SimpleUploadedFile("licence.png", b"\x89PNG\r\n\x1a\n" + b"licence" * 100,
                              content_type="image/png")
    image = identity.add_image(operator, request, scan)
    assert identity.open_image(operator, image).read().endswith(b"licence")
    assert AuditEntry.objects.filter(action="requests.identity_image_opened").exists()
    with pytest.raises(PermissionError):
        identity.open_image(user("auditor"), image)
    with pytest.raises(identity.IdentityRefused):
        identity.add_image(operator, request, SimpleUploadedFile("x.txt", b"plain text"))
    with pytest.raises(intake.RequestError):
        intake.withdraw(operator, request, " ")
    intake.withdraw(operator, request, "本人から取下げの申出（電話）")
    image.refresh_from_db()
    request.refresh_from_db()
    assert request.state == RequestState.WITHDRAWN and image.erased_at is not None
    assert image.stored.wrapped_key == ""
    assert DeletionRecord.objects.filter(object_id=image.stored.object_id).exists()
    with pytest.raises(LookupError):
        identity.open_image(operator, image)


def test_routing_to_another_department_tells_its_handlers(demo, user):
    privacy = user("privacy")
    request = intake.enter(privacy, footage_request())
    other = demo.departments.exclude(pk=user("manager").department_id).first()
    intake.update(privacy, request, {**footage_request(), "department": other.pk})
    request.refresh_from_db()
    assert request.department_id == other.pk
    assert request.events.filter(action="updated").exists()
    with pytest.raises(intake.RequestError):
        intake.update(privacy, request, {**footage_request(), "department": 999999})


def test_a_late_correction_request_is_kept_with_a_warning(demo, user):
    request = intake.enter(user("staff"), {
        "kind": "correction", "requester_name": "市民 花子", "requester_address": "デモ市中央",
        "data_description": "開示を受けた運行記録", "content": "氏名の誤りを訂正してください。",
        "disclosed_on": clock.today_jst() - dt.timedelta(days=120), "received_via": "counter"})
    assert request.fee_yen == 0 and intake.missing_items(request) == []
    assert "90日以内" in intake.late_warning(request)


def test_the_receipt_letter_gives_the_due_day_and_its_article(demo, user):
    request = intake.enter(user("staff"), footage_request())
    letter = intake.receipt_letter(user("privacy"), request)
    assert letter["articles"]["due"] == "法第83条第1項" and letter["issuer"] == "デモ市長"
    assert AuditEntry.objects.filter(action="requests.viewed",
                                     detail__contains='"receipt_letter"').exists()


def test_an_edit_keeps_how_and_when_the_request_arrived(demo, user):
    from hogo.requests.models import PersonalRequest

    privacy = user("privacy")
    received = clock.today_jst() - dt.timedelta(days=3)
    letter = intake.enter(user("staff"), footage_request(received_via="post",
                                                         received_on=received))
    data = footage_request(received_via="post", received_on=None,
                           department=user("manager").department_id)
    letter = intake.update(privacy, letter, data)
    assert letter.received_on == received and letter.due_on == received + dt.timedelta(days=30)
    web = intake.enter(user("staff"), footage_request())
    PersonalRequest.objects.filter(pk=web.pk).update(received_via="web")
    web.refresh_from_db()
    web = intake.update(privacy, web, footage_request(received_via="counter",
                                                      place="デモ市役所前"))
    assert web.received_via == "web" and web.place == "デモ市役所前"
    words = dict((e.action, text) for e, text in intake.timeline(web))
    assert "場所" in words["updated"] and "受付方法" not in words["updated"]


def test_a_request_with_no_department_is_nobody_s_to_decide(demo, user):
    operator = user("operator")
    request = intake.enter(user("staff"), footage_request())
    identity.record_check(operator, request, documents=["passport"])
    request.refresh_from_db()
    assert request.state == RequestState.IN_PROGRESS and not request.can_be_decided
    assert not Alert.objects.filter(kind=identity.TO_DECIDE_KIND).exists()
    request = intake.update(user("privacy"), request, {
        **footage_request(), "department": user("manager").department_id})
    assert request.can_be_decided
    told = {a.recipient.username for a in Alert.objects.filter(kind=identity.TO_DECIDE_KIND)}
    assert told == {"manager"}  # not the other departments' managers, nor the actor


def test_changing_who_asks_voids_the_identity_check(demo, user):
    operator = user("operator")
    request = intake.enter(user("staff"), footage_request(
        department=user("manager").department_id))
    identity.record_check(operator, request, documents=["driving_licence"])
    request = intake.update(operator, request, {
        **footage_request(department=user("manager").department_id),
        "requester_type": "attorney", "requester_name": "代理 一郎",
        "principal_name": "市民 花子"})
    assert request.state == RequestState.RECEIVED and not request.identity_checked
    assert request.identity_checks.get().problems == ["superseded"]


def test_an_arrival_day_after_a_correction_and_a_kind_change_after_payment_are_refused(
        demo, user):
    from hogo.requests import fees

    operator = user("operator")
    received = clock.today_jst() - dt.timedelta(days=6)
    request = intake.enter(user("staff"), footage_request(
        received_on=received, department=user("manager").department_id))
    intake.ask_correction(operator, request, what="場所", asked_on=received + dt.timedelta(days=1))
    with pytest.raises(intake.RequestError) as refused:
        intake.update(operator, request, footage_request(
            received_on=received + dt.timedelta(days=3),
            department=user("manager").department_id))
    assert refused.value.field == "received_on"
    request.refresh_from_db()
    intake.correction_answered(operator, request)
    identity.record_check(operator, request, documents=["passport"])
    request.refresh_from_db()
    fees.record_payment(operator, request, amount=300)
    with pytest.raises(intake.RequestError) as refused:
        intake.update(operator, request, {**footage_request(
            department=user("manager").department_id), "kind": "correction",
            "content": "訂正", "data_description": "記録", "disclosed_on": received})
    assert refused.value.field == "kind" and "手数料" in refused.value.reasons[0]


def test_a_correction_has_a_period_printed_on_its_letter(demo, user):
    operator = user("operator")
    request = intake.enter(user("staff"), footage_request())
    with pytest.raises(intake.RequestError) as refused:
        intake.ask_correction(operator, request, what="場所", reply_by=clock.today_jst())
    assert refused.value.field == "reply_by"
    wait = intake.ask_correction(operator, request, what="場所")
    assert wait.reply_by == wait.asked_on + dt.timedelta(days=intake.REPLY_DAYS)
    assert not intake.is_overdue(request)  # the clock stands still while it waits


def test_the_identity_check_and_its_copies_are_recorded_together_or_not_at_all(demo, user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    operator = user("operator")
    received = clock.today_jst() - dt.timedelta(days=2)
    request = intake.enter(user("staff"), footage_request(received_on=received))
    good = SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\n" + b"x" * 50)
    bad = SimpleUploadedFile("b.txt", b"plain text")
    documents = ["driving_licence", "residence_certificate"]
    with pytest.raises(identity.IdentityRefused):
        identity.record_check(operator, request, documents=documents, by_post=True,
                              residence_certificate_on=received, images=[good, bad])
    assert not request.identity_checks.exists() and not request.identity_images.exists()
    with pytest.raises(identity.IdentityRefused) as refused:
        identity.record_check(operator, request, documents=["driving_licence"], images=[good])
    assert "窓口" in refused.value.reasons[0]  # a counter check keeps no images
    # Copies sent after a web request: measured from the day they came.
    with pytest.raises(identity.IdentityRefused) as refused:
        identity.record_check(operator, request, documents=documents, by_post=True,
                              residence_certificate_on=clock.today_jst())
    assert refused.value.codes == ["residence_certificate_after"]
    identity.record_check(operator, request, documents=documents, by_post=True,
                          residence_certificate_on=clock.today_jst(),
                          documents_on=clock.today_jst(), images=[good])
    assert request.identity_images.count() == 1


def test_routing_closes_the_alerts_of_those_who_no_longer_see_it(demo, user):
    request = intake.enter(user("staff"), footage_request())
    seiso = User.objects.get(username="seiso-manager")
    assert Alert.objects.filter(recipient=seiso, acknowledged_at__isnull=True).exists()
    intake.update(user("privacy"), request, {
        **footage_request(), "department": user("manager").department_id})
    assert not Alert.objects.filter(recipient=seiso, key__startswith=f"requests:{request.pk}:",
                                    acknowledged_at__isnull=True).exists()
    assert Alert.objects.filter(recipient=user("operator"), acknowledged_at__isnull=True,
                                key__startswith=f"requests:{request.pk}:").exists()
