"""Closing an approved request by hand, a form sent twice, the minimum scope (masked copies
first), what the dashboard shows of unconfirmed erasures, and the hand-over screens' refusals
and wording."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from django.utils.functional import Promise

from hogo import clock
from hogo.alerts.models import Alert
from hogo.audit.models import AuditEntry
from hogo.copies.models import Copy
from hogo.footage.models import Hold
from hogo.provision import forms_handover, handover, links, records
from hogo.provision.models import ErasureHow, HandOver, ProvisionRequest, RequestState
from hogo.provision.tests.test_handover import (  # noqa: F401 - fixtures
    approved,
    copy,
    on_medium,
    usb,
)


@pytest.fixture
def masked(copy):  # noqa: F811 - the fixture above
    return Copy.objects.create(
        request=copy.request, channel=copy.channel, stored=copy.stored, sha256=copy.sha256,
        size=copy.size, actual_start=copy.actual_start, actual_end=copy.actual_end,
        made_at=clock.now(), expires_on=copy.expires_on, parent=copy, manifest={})


def link_to(user, approved, copy, name="担当 二", **changes):  # noqa: F811
    return handover.hand_over_by_link(user("operator"), approved, copy, recipient_name=name,
                                      **changes)


# -- 1. closing by hand -------------------------------------------------------------------


def test_an_approved_request_with_nothing_handed_over_is_closed_with_its_reason(
        approved, user):  # noqa: F811
    hold = Hold.objects.get(pk=approved.hold_id)
    with pytest.raises(PermissionError):
        handover.close(user("operator"), approved, "取下げ")
    with pytest.raises(handover.HandOverError, match="理由を入力"):
        handover.close(user("privacy"), approved, "  ")
    closed = handover.close(user("privacy"), approved, "請求者が申請を取り下げた")
    approved.refresh_from_db()
    hold.refresh_from_db()
    assert approved.state == RequestState.CLOSED and closed.state == RequestState.CLOSED
    assert approved.closed_by == user("privacy") and approved.closed_at is not None
    assert approved.close_note == "請求者が申請を取り下げた"
    assert hold.released_at is not None  # the originals go back to the ring buffer
    event = approved.events.get(action="closed")
    assert event.detail["why"] == "closed_by_hand" and event.detail["was"] == "approved"
    from hogo.provision.intake import word_event

    assert "請求者が申請を取り下げた" in word_event(event)
    entry = AuditEntry.objects.get(action="provision.closed")
    assert entry.purpose == "請求者が申請を取り下げた"
    # the manager who decided (and entered) it is told
    assert Alert.objects.filter(kind=handover.CLOSED, recipient=user("manager")).exists()
    with pytest.raises(handover.HandOverError, match="提供決定後"):
        handover.close(user("privacy"), approved, "もう一度")


def test_closing_waits_for_delivered_data_and_live_links(approved, copy, usb, user):  # noqa: F811
    made, _ = on_medium(user, approved, copy, usb)
    with pytest.raises(handover.HandOverError, match="消去等の確認が済んでいない"):
        handover.close(user("manager"), approved, "相手方が不要と言った")
    assert not handover.may_close(user("manager"), approved)
    handover.confirm_erasure(user("manager"), made, how=ErasureHow.RETURNED, note="",
                             confirmed_on=clock.today_jst())
    approved.refresh_from_db()
    assert approved.state == RequestState.CLOSED  # closed by the confirmation itself


def test_a_request_whose_every_link_died_unfetched_is_closed_by_hand(approved, copy,  # noqa: F811
                                                                     user):
    _, link, _, _ = link_to(user, approved, copy)
    approved.refresh_from_db()
    assert approved.state == RequestState.HANDED_OVER
    with pytest.raises(handover.HandOverError, match="まだダウンロードできるリンク"):
        handover.close(user("manager"), approved, "受領されなかった")
    links.revoke(user("operator"), link)
    approved.refresh_from_db()
    assert approved.state == RequestState.HANDED_OVER  # nothing confirmed: not by itself
    assert handover.may_close(user("manager"), approved)
    handover.close(user("manager"), approved, "リンクが受領されないまま取り消した")
    approved.refresh_from_db()
    assert approved.state == RequestState.CLOSED


def test_the_close_screen_and_the_panels_button(approved, client_for, user, rf):  # noqa: F811
    http = rf.get("/")
    http.user = user("manager")
    assert 'data-testid="close-request"' in handover.panel(http, approved)
    http.user = user("operator")  # may hand over, may not close
    assert 'data-testid="close-request"' not in handover.panel(http, approved)
    assert client_for("operator").get(f"/provision/{approved.pk}/close/").status_code == 403
    client = client_for("manager")
    form = client.get(f"/provision/{approved.pk}/close/")
    assert form.status_code == 200 and 'name="reason"' in form.content.decode()
    empty = client.post(f"/provision/{approved.pk}/close/", {"reason": ""})
    assert empty.status_code == 400 and "完了とする理由を入力してください" in empty.content.decode()
    done = client.post(f"/provision/{approved.pk}/close/", {"reason": "複製データの作成に失敗"})
    assert done.status_code == 302
    approved.refresh_from_db()
    assert approved.state == RequestState.CLOSED and approved.close_note == "複製データの作成に失敗"


# -- 3. a record that cannot be made is a refusal on the form, not a 500 --------------------


def test_a_record_error_is_shown_on_the_form(approved, copy, usb, client_for,  # noqa: F811
                                             monkeypatch):
    def broken(*args, **kwargs):
        raise records.RecordError("提供記録の要否を判断できません: テスト")

    monkeypatch.setattr(records, "record_provision", broken)
    page = client_for("operator").post(f"/provision/{approved.pk}/hand-over/", {
        "method": "medium", "copy": copy.pk, "medium": usb.pk, "recipient_name": "担当 次郎"})
    body = page.content.decode()
    assert page.status_code == 400 and "提供記録の要否を判断できません: テスト" in body
    assert 'value="担当 次郎"' in body
    assert not HandOver.objects.exists()  # undone with the record


def test_a_link_is_refused_when_the_record_question_cannot_be_answered(
        approved, copy, client_for, monkeypatch):  # noqa: F811
    def unanswerable(*args, **kwargs):
        raise ValueError("組織の種別が不明")

    monkeypatch.setattr(handover, "assess_request", unanswerable)
    page = client_for("operator").post(f"/provision/{approved.pk}/hand-over/", {
        "method": "link", "copy": copy.pk, "recipient_name": "担当 次郎"})
    assert page.status_code == 400 and "組織の種別が不明" in page.content.decode()
    assert not HandOver.objects.exists()


# -- 5./6. a form sent twice -----------------------------------------------------------------


def test_a_medium_hand_over_sent_twice_without_the_session_records_one(
        approved, copy, usb, user, client_for):  # noqa: F811
    on_medium(user, approved, copy, usb)  # the first, whose session the second did not see
    with pytest.raises(handover.AlreadyHandedOver, match="既に引き渡しを記録"):
        on_medium(user, approved, copy, usb)
    assert HandOver.objects.filter(request=approved).count() == 1
    page = client_for("operator").post(f"/provision/{approved.pk}/hand-over/", {
        "method": "medium", "copy": copy.pk, "medium": usb.pk, "recipient_name": "担当 次郎"})
    body = page.content.decode()
    assert page.status_code == 400 and "既に引き渡しを記録" in body
    assert f"/copies/copies/{copy.pk}/export/?medium={usb.pk}" in body
    assert HandOver.objects.filter(request=approved).count() == 1


def test_the_live_link_check_is_made_inside_the_lock(approved, copy, user,  # noqa: F811
                                                      monkeypatch):
    """Another request makes the recipient's link while this one waits for the lock."""
    real = handover._locked
    raced = []

    def racing(request):
        if not raced:
            raced.append(True)
            link_to(user, approved, copy, name="担当 次郎")
        return real(request)

    monkeypatch.setattr(handover, "_locked", racing)
    with pytest.raises(handover.HandOverError, match="受領者ごとに1つ"):
        link_to(user, approved, copy, name="担当 次郎")
    assert raced  # (the test's one transaction undoes the other request's link too)


def test_confirming_twice_from_a_stale_page_records_once(approved, copy, usb, user,  # noqa: F811
                                                         monkeypatch):
    first, _ = on_medium(user, approved, copy, usb, recipient_name="担当 一")
    second, *_ = link_to(user, approved, copy)
    second.links.update(used_at=clock.now())  # fetched
    stale = HandOver.objects.get(pk=first.pk)
    handover.confirm_undertaking(user("operator"), HandOver.objects.get(pk=first.pk),
                                 name="担当 一", how="")
    with pytest.raises(handover.HandOverError, match="記録済み"):
        handover.confirm_undertaking(user("operator"), stale, name="別人", how="")
    assert approved.events.filter(action="undertaking_confirmed").count() == 1

    released = []
    monkeypatch.setattr(handover.common, "release_originals",
                        lambda request, by: released.append(request.pk))
    handover.confirm_erasure(user("manager"), HandOver.objects.get(pk=second.pk),
                             how=ErasureHow.ERASED, note="", confirmed_on=clock.today_jst())
    handover.confirm_erasure(user("manager"), HandOver.objects.get(pk=first.pk),
                             how=ErasureHow.ERASED, note="", confirmed_on=clock.today_jst())
    with pytest.raises(handover.HandOverError, match="記録済み"):
        handover.confirm_erasure(user("manager"), stale, how=ErasureHow.ERASED, note="",
                                 confirmed_on=clock.today_jst())
    assert approved.events.filter(action="erasure_confirmed").count() == 2
    assert approved.events.filter(action="closed").count() == 1 and released == [approved.pk]


# -- 13. minimum scope ----------------------------------------------------------------------


def test_an_unmasked_copy_with_a_masked_one_needs_an_explicit_choice(
        approved, copy, masked, usb, user, rf, client_for):  # noqa: F811
    with pytest.raises(handover.HandOverError, match="加工していない複製データを引き渡す"):
        on_medium(user, approved, copy, usb)
    with pytest.raises(handover.HandOverError, match="加工済み複製データ（#"):
        link_to(user, approved, copy)
    http = rf.get("/")
    http.user = user("operator")
    panel = handover.panel(http, approved)
    assert f'data-testid="unmasked-warning-{copy.pk}"' in panel
    assert "加工していない複製データを引き渡す" in panel  # the checkbox
    # the masked copy is offered first
    choices = forms_handover.LinkHandOverForm(copies=handover.available_copies(approved))
    assert [value for value, _ in choices.fields["copy"].choices] == [str(masked.pk),
                                                                      str(copy.pk)]
    client = client_for("operator")
    refused = client.post(f"/provision/{approved.pk}/hand-over/", {
        "method": "link", "copy": copy.pk, "recipient_name": "担当 三郎"})
    assert refused.status_code == 400 and 'value="担当 三郎"' in refused.content.decode()
    assert "加工していない複製データを引き渡す" in refused.content.decode()
    chosen = client.post(f"/provision/{approved.pk}/hand-over/", {
        "method": "link", "copy": copy.pk, "recipient_name": "担当 三郎", "unmasked": "on"})
    assert chosen.status_code == 200
    assert approved.events.get(action="handed_over").detail["unmasked_chosen"] is True
    made, _ = on_medium(user, approved, masked, usb)  # the masked copy: no question
    assert made.copy == masked


# -- 14. the dashboard shows every unconfirmed erasure -------------------------------------


def test_every_delivered_unconfirmed_hand_over_waits_in_the_queue(approved, copy, usb,  # noqa: F811
                                                                  user):
    made, _ = on_medium(user, approved, copy, usb)
    assert made.erasure_due_on > clock.today_jst() + dt.timedelta(days=30)  # far away

    def erasures(name):
        return [i for i in handover.waiting(user(name)) if i.kind == "provision.erasure"]

    for name in ("privacy", "manager", "operator"):
        items = erasures(name)
        assert len(items) == 1 and items[0].due_on == made.erasure_due_on, name
        assert not items[0].overdue
    assert not erasures("staff") and not erasures("seiso-manager")
    linked, *_ = link_to(user, approved, copy)
    assert len(erasures("manager")) == 1  # the link is not fetched yet: nothing to erase
    linked.links.update(used_at=clock.now())
    assert len(erasures("manager")) == 2


# -- 9./10. wording ---------------------------------------------------------------------------


def test_letter_titles_and_link_errors_are_marked_for_translation(approved, copy, user,  # noqa: F811
                                                                  monkeypatch):
    assert all(isinstance(title, Promise) for title in handover.LETTERS.values())
    _, link, _, _ = link_to(user, approved, copy)
    links.revoke(user("operator"), link)
    monkeypatch.setattr(links, "_", lambda text: f"T:{text}")
    with pytest.raises(links.LinkError, match="^T:このリンクは取り消し済みです"):
        links.revoke(user("operator"), link)


def test_without_smtp_the_page_says_the_mail_waits_in_the_outbox(approved, copy,  # noqa: F811
                                                                 client_for, tmp_path):
    form = {"method": "link", "copy": copy.pk, "recipient_name": "担当 四郎",
            "recipient_email": "shiro@police.example.jp"}
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
                           EMAIL_FILE_PATH=str(tmp_path)):
        page = client_for("operator").post(f"/provision/{approved.pk}/hand-over/", form)
    body = page.content.decode()
    assert page.status_code == 200 and "送信待ちのメールとして保存しました" in body
    assert "にリンクを送りました" not in body
    event = ProvisionRequest.objects.get(pk=approved.pk).events.get(action="link_created")
    from hogo.provision.intake import word_event

    assert "送信待ちのメールとして保存しました" in word_event(event)
    with_smtp = client_for("operator").post(f"/provision/{approved.pk}/hand-over/", {
        **form, "recipient_name": "担当 五郎", "recipient_email": "goro@police.example.jp"})
    assert "goro@police.example.jp にリンクを送りました" in with_smtp.content.decode()
