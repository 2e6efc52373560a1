"""Hand-over (引渡し) of an approved provision to its recipient, the recipient's undertakings
and the chased confirmation of erasure, return or destruction (own rule modelled on the
Ashiya rule Art. 10; R-502).

Only what was made for the request leaves: its copies, or a processed (masked) copy of one
(minimum scope). A copy goes as the encrypted package export makes, either onto a medium the
person has checked out (`hand_over_on_medium`, through `copies.packages.export_to_medium`) or
as a one-time download link that expires (`hand_over_by_link`, `hogo.provision.links`); the
password goes by another channel. The undertakings are confirmed online before the download,
or on the signed paper form (`confirm_undertaking`). A due day for the confirmation of erasure
is set; `chase_erasures` reminds those who may record it and whoever handed over, once a
day, until `confirm_erasure` records it; when every hand-over is settled the request closes
and its originals are released. A request that will not be settled that way (the requester
dropped it, the copy failed or expired, every link died unfetched) is closed by hand
(`close`), with its reason.

The provision record (Act Art. 29, `hogo.provision.records`) is made when the data is
provided: at once for a medium, at the first fetch for a link (`hogo.provision.links`).
Masked copies come first: handing over an unmasked copy that has a masked one needs an
explicit choice (minimum scope).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, MutableMapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from hogo import clock
from hogo.accounts.models import User
from hogo.accounts.permissions import allows, require
from hogo.accounts.policy import citation
from hogo.alerts.services import mail_people, raise_once
from hogo.alerts.text import AlertText, label_kind
from hogo.alerts.waiting import WaitingItem, add_source
from hogo.audit import services as audit
from hogo.copies.handoffs import camera
from hogo.copies.models import Copy
from hogo.copies.packages import (
    Export,
    download_name,
    export_to_medium,
    kind_label,
    pending_export,
    usable_media,
)
from hogo.media.models import Medium
from hogo.provision import common, links, records
from hogo.provision.assessment import assess_request
from hogo.provision.models import (
    DownloadLink,
    ErasureHow,
    HandOver,
    Method,
    ProvisionRequest,
    RequestState,
)
from hogo.rules.wareki import format_wareki

ERASURE_DUE = "provision.erasure_due"  # alert kinds
CLOSED = "provision.closed"
REMIND_DAYS_BEFORE = 7


# The recipient's undertakings (own rule modelled on the Ashiya rule Art. 10), as the export
# package's 遵守事項.txt words them.
UNDERTAKINGS = (
    gettext_lazy("提供を受けたデータ又は複製データを適正に管理すること。"),
    gettext_lazy("目的以外の利用及び第三者への無断提供を行わないこと。"),
    gettext_lazy("目的を達成したとき、又は当該目的が達成されないことが判明したときは、速やかに"
                 "複製データの消去、記録媒体の返却又は破砕等の必要な処理を行うこと。"),
)


def undertaking_rule(organisation: Any) -> str:
    """Where the organisation's own rule sets the undertakings ("" when it says nothing)."""
    return citation(organisation, "recipient_undertaking")


class HandOverError(ValueError):
    """A refused hand-over step; the message is Japanese, for the screen."""


class AlreadyHandedOver(HandOverError):
    """The copy was handed over on this medium already (a form sent twice): where the
    package and its password wait, if they still do, is the copy's export page."""

    def __init__(self, message: str, handover: HandOver) -> None:
        super().__init__(message)
        self.handover = handover


# -- what may be handed over ------------------------------------------------------------------


def available_copies(request: ProvisionRequest) -> list[Copy]:
    """The kept copies made for the request and the kept processed copies of them, the
    processed (masked) ones first: the minimum scope is offered first."""
    made = Copy.objects.filter(request__in=request.copy_requests.all(),
                               parent__isnull=True).values("pk")
    kept = Copy.objects.select_related("request__vehicle__department").filter(
        Q(pk__in=made) | Q(parent__in=made), erased_at__isnull=True)
    return sorted(kept, key=lambda c: (not c.is_processed, c.pk))


def masked_versions(copy: Copy) -> list[Copy]:
    """The kept processed (masked) copies of an unmasked copy."""
    if copy.is_processed:
        return []
    return list(Copy.objects.filter(parent=copy, erased_at__isnull=True).order_by("pk"))


def media_for(user: Any, copies: list[Copy]) -> list[Medium]:
    """The media this person could hand a copy over on now (checked out by them, on loan,
    encrypted, of their department), as export offers them."""
    found: dict[int, Medium] = {}
    for copy in copies:
        found.update((m.pk, m) for m in usable_media(user, copy))
    return sorted(found.values(), key=lambda m: m.label)


def _check(user: Any, request: ProvisionRequest, copy: Copy, *, unmasked: bool) -> None:
    require(user, "provision.hand_over", request)
    if not request.can_be_handed_over:
        raise HandOverError(_("提供が決定された申請だけを引き渡せます。"))
    if copy.pk not in {c.pk for c in available_copies(request)}:
        raise HandOverError(_("引き渡せるのは、この申請のために作成された複製データ"
                              "（又はその加工済み複製データ）だけです。"))
    masked = masked_versions(copy)
    if masked and not unmasked:
        raise HandOverError(_("この複製データには加工済み複製データ（%(masked)s）があります。"
                              "必要最小限の提供とするため、加工済み複製データを引き渡して"
                              "ください。加工していないものを引き渡す場合は、「加工していない"
                              "複製データを引き渡す」にチェックを入れてください。") % {
            "masked": "、".join(f"#{c.pk}" for c in masked)})


def _locked(request: ProvisionRequest) -> ProvisionRequest:
    """The request row, locked until the transaction ends: a form sent twice (or two people
    at once) hand over one after the other, each seeing what the other did."""
    return ProvisionRequest.objects.select_for_update(of=("self",)).get(pk=request.pk)


def _check_record(request: ProvisionRequest) -> None:
    """The provision record is made when the recipient fetches the link: refuse the link now
    if the Act's question (is a record required?) cannot be answered for this request."""
    try:
        assess_request(request, provided_on=(clock.today_jst(),))
    except ValueError as problem:
        raise records.RecordError(_("提供記録の要否を判断できません: %(problem)s")
                                  % {"problem": problem}) from problem


def _due_on(request: ProvisionRequest, given: dt.date | None) -> dt.date:
    today = clock.today_jst()
    if given is None:
        return today + dt.timedelta(days=int(common.setting(
            request.organisation, "erasure_confirmation_days")))
    if given < today:
        raise HandOverError(_("消去等の確認期限には今日以降の日を指定してください。"))
    return given


def _recipient(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise HandOverError(_("受領者の氏名を入力してください。"))
    return name[:200]


def _opened(user: Any, request: ProvisionRequest, copy: Copy, *, method: str,
            recipient_name: str, due_on: dt.date, unmasked: bool, medium: Medium | None = None,
            fingerprint: str = "", package_sha256: str = "") -> HandOver:
    """The HandOver row, the request's state, its 経過 line and audit entry — in the caller's
    transaction. The provision record is the caller's: at once for a medium, at the fetch
    for a link."""
    handover = HandOver.objects.create(
        request=request, copy=copy, method=method, medium=medium,
        recipient_name=recipient_name, prepared_by=user, prepared_at=clock.now(),
        password_fingerprint=fingerprint, package_sha256=package_sha256,
        erasure_due_on=due_on)
    if request.state == RequestState.APPROVED:
        request.state = RequestState.HANDED_OVER
        request.save(update_fields=["state"])
    common.log_event(request, "handed_over", actor=user, audit_action="provision.handed_over",
                     handover=handover.pk, copy=copy.pk, method=method,
                     medium=medium.label if medium else "", recipient=recipient_name,
                     password=fingerprint, package_sha256=package_sha256,
                     erasure_due_on=due_on.isoformat(),
                     **({"unmasked_chosen": True} if unmasked and not copy.is_processed
                        and masked_versions(copy) else {}))
    return handover


def hand_over_on_medium(user: Any, request: ProvisionRequest, copy: Copy, medium: Medium, *,
                        recipient_name: str, erasure_due_on: dt.date | None = None,
                        pending: MutableMapping[str, Any] | None = None,
                        unmasked: bool = False) -> tuple[HandOver, Export]:
    """Export the copy onto a medium the user has checked out, for this recipient, and make
    the provision record (the data is provided now).

    The export's password is shown once to staff (to tell by phone or letter); with
    `pending` (the session) the package waits for its download as export does. Sending the
    form twice records one hand-over: the second gets the first (with its package while it
    waits in the session) or AlreadyHandedOver."""
    require(user, "provision.hand_over", request)
    name, due_on = _recipient(recipient_name), _due_on(request, erasure_due_on)
    with transaction.atomic():
        request = _locked(request)
        _check(user, request, copy, unmasked=unmasked)
        again = HandOver.objects.filter(request=request, copy=copy, medium=medium,
                                        method=Method.MEDIUM).first()
        if again is not None:
            waiting = pending_export(pending, copy, medium)
            if waiting is not None and waiting.sha256 == again.package_sha256:
                return again, waiting
            raise AlreadyHandedOver(_(
                "この複製データは、この記録媒体で既に引き渡しを記録しています（%(at)s、"
                "%(who)s）。書き出したファイルとパスワードは、最初の画面又は複製データの書き出し"
                "画面（受け取り前に限る）で確認してください。") % {
                    "at": f"{again.prepared_at.astimezone(clock.JST):%Y-%m-%d %H:%M}",
                    "who": again.recipient_name}, again)
        _check_record(request)  # before the package is written, not after
        made = export_to_medium(user, copy, medium, pending=pending, for_provision=True)
        handover = _opened(user, request, copy, method=Method.MEDIUM, recipient_name=name,
                           due_on=due_on, unmasked=unmasked, medium=medium,
                           fingerprint=made.fingerprint, package_sha256=made.sha256)
        records.record_provision(handover)
    return handover, made


def _has_live_link(request: ProvisionRequest, name: str, email: str) -> bool:
    """A link of the request this recipient could still fetch (a used, revoked or expired
    one does not count: after a dropped download staff may make a new one)."""
    live = links.live_links().filter(handover__request=request)
    return any(link.recipient_name.casefold() == name.casefold()
               or (email and link.recipient_email.casefold() == email.casefold())
               for link in live)


def mail_goes_to_outbox() -> bool:
    """No SMTP server configured: mail is only written to the outbox folder (var/mail/)."""
    return str(settings.EMAIL_BACKEND).endswith("filebased.EmailBackend")


def hand_over_by_link(user: Any, request: ProvisionRequest, copy: Copy, *,
                      recipient_name: str, recipient_email: str = "",
                      erasure_due_on: dt.date | None = None, unmasked: bool = False,
                      ) -> tuple[HandOver, DownloadLink, str, str]:
    """Package the copy under a new password as a one-time link for this recipient.

    Returns the hand-over, the link, its token and the password: shown once to staff, never
    stored. With an address, the link (never the password) is mailed to the recipient. The
    provision record is made when the link is fetched (`links.fetch`)."""
    require(user, "provision.hand_over", request)
    name, due_on = _recipient(recipient_name), _due_on(request, erasure_due_on)
    email = (recipient_email or "").strip()
    days = int(common.setting(request.organisation, "link_days"))
    with transaction.atomic():
        request = _locked(request)
        _check(user, request, copy, unmasked=unmasked)
        if _has_live_link(request, name, email):
            raise HandOverError(_("この受領者には有効なリンクがあります（リンクは受領者ごとに"
                                  "1つ）。作り直す場合は先に取り消してください。"))
        _check_record(request)
        stored, built = links.store_package(copy)
        handover = _opened(user, request, copy, method=Method.LINK, recipient_name=name,
                           due_on=due_on, unmasked=unmasked, fingerprint=built.fingerprint,
                           package_sha256=built.result.sha256)
        link, token = links.create_link(user, handover, stored, filename=download_name(copy),
                                        recipient_email=email, days=days)
        common.log_event(request, "link_created", actor=user,
                         audit_action="provision.link_created", link=link.pk,
                         handover=handover.pk, recipient=name, mailed=bool(email),
                         outbox=bool(email) and mail_goes_to_outbox(),
                         expires_at=link.expires_at.isoformat(), password=built.fingerprint,
                         package_sha256=built.result.sha256)
        if email:
            url = links.url_of(token)
            transaction.on_commit(lambda: _mail_link(request, link, email, url))
    return handover, link, token, built.password


def _mail_link(request: ProvisionRequest, link: DownloadLink, email: str, url: str) -> None:
    """The link to the recipient; the password goes by another channel, never in this mail."""
    organisation = request.organisation.name
    body = "\n".join([
        f"{link.recipient_name} 様", "",
        f"{organisation}です。提供申請 {request.number} について、提供するデータを次のリンクから"
        "1回だけダウンロードできます。",
        "", url, "",
        f"有効期限: {clock.jst_date(link.expires_at).isoformat()} "
        f"{link.expires_at.astimezone(clock.JST):%H:%M}",
        "ダウンロードの前に、受領者の遵守事項を確認していただきます。",
        "ファイルは暗号化されています。パスワードは別の方法（電話又は書面）でお伝えします。",
        "このメールに心当たりがない場合は、リンクを開かずに破棄してください。",
    ])
    mail_people([], f"[{organisation}] 提供データのダウンロードのご案内（{request.number}）", body,
                extra=[email])


# -- the undertakings, the erasure, closing ---------------------------------------------------


def _locked_handover(handover: HandOver) -> HandOver:
    """The hand-over row, locked until the transaction ends (where its request's row is
    locked too, that one first): a form sent twice records once."""
    return HandOver.objects.select_for_update(of=("self",)).select_related(
        "request", "copy").get(pk=handover.pk)


def confirm_undertaking(user: Any, handover: HandOver, *, name: str, how: str) -> HandOver:
    """Record the undertakings the recipient signed (the hand-over form, on a medium)."""
    require(user, "provision.hand_over", handover.request)
    who = (name or "").strip()
    if not who:
        raise HandOverError(_("遵守事項を確認した者の氏名を入力してください。"))
    with transaction.atomic():
        handover = _locked_handover(handover)
        if handover.undertaking_confirmed_at is not None:
            raise HandOverError(_("遵守事項の確認は記録済みです。"))
        handover.undertaking_confirmed_at = clock.now()
        handover.undertaking_confirmed_name = who[:200]
        handover.undertaking_how = ((how or "").strip() or _("書面に署名"))[:100]
        handover.save(update_fields=["undertaking_confirmed_at", "undertaking_confirmed_name",
                                     "undertaking_how"])
        common.log_event(handover.request, "undertaking_confirmed", actor=user,
                         audit_action="provision.undertaking_confirmed",
                         handover=handover.pk, name=who[:200], how=handover.undertaking_how)
    return handover


def settled(handover: HandOver, now: dt.datetime | None = None) -> bool:
    """Nothing more to wait for: erasure confirmed, or a link nobody fetched that can no
    longer be fetched (nothing was handed over)."""
    if handover.erasure_confirmed:
        return True
    return not links.delivered(handover) and not links.still_pending(handover, now)


def confirm_erasure(user: Any, handover: HandOver, *, how: str, note: str,
                    confirmed_on: dt.date) -> HandOver:
    """Record that the recipient erased, returned or destroyed the data; when every hand-over
    of the request is settled, the request closes and its originals are released."""
    require(user, "provision.confirm_erasure", handover.request)
    if how not in ErasureHow.values:
        raise HandOverError(_("処理の内容（消去・返却・破砕等）を選んでください。"))
    today = clock.today_jst()
    if confirmed_on > today or confirmed_on < clock.jst_date(handover.prepared_at):
        raise HandOverError(_("確認した日は、引渡しの日から今日までの日を指定してください。"))
    now = clock.now()
    with transaction.atomic():
        request = _locked(handover.request)
        handover = _locked_handover(handover)
        if handover.erasure_confirmed:
            raise HandOverError(_("消去等の確認は記録済みです。"))
        if not links.delivered(handover):
            raise HandOverError(_("受領者はまだダウンロードしていません。消去等を確認する"
                                  "データがありません（不要ならリンクを取り消してください）。"))
        handover.erasure_confirmed_at = now if confirmed_on == today else dt.datetime.combine(
            confirmed_on, dt.time(), tzinfo=clock.JST)
        handover.erasure_how, handover.erasure_note = how, (note or "").strip()
        handover.erasure_recorded_by = user
        handover.save(update_fields=["erasure_confirmed_at", "erasure_how", "erasure_note",
                                     "erasure_recorded_by"])
        common.log_event(request, "erasure_confirmed", actor=user,
                         audit_action="provision.erasure_confirmed", handover=handover.pk,
                         how=how, confirmed_on=confirmed_on.isoformat(),
                         recipient=handover.recipient_name)
        close_if_done(user, request)
    return handover


def close_if_done(user: Any, request: ProvisionRequest) -> bool:
    """Close the request when every hand-over is settled and at least one erasure was
    confirmed (call inside the change's transaction; `user` None for the job)."""
    request = _locked(request)
    handovers = list(request.handovers.all())
    if not any(h.erasure_confirmed for h in handovers) or not all(
            settled(h) for h in handovers) or request.state != RequestState.HANDED_OVER:
        return False
    request.state, request.closed_at, request.closed_by = (RequestState.CLOSED, clock.now(),
                                                           user)
    request.save(update_fields=["state", "closed_at", "closed_by"])
    common.release_originals(request, by=user)
    common.log_event(request, "closed", actor=user, actor_text="" if user else "system",
                     audit_action="provision.closed", why="erasure_confirmed")
    common.tell(request, CLOSED, "closed", _told_of_closing(request), AlertText(
        gettext_noop("提供申請 %(number)s（%(requester)s）は、提供したデータの消去等がすべて"
                     "確認されたため完了しました。元データの消去停止を解除しました。"),
        **common.title_params(request)),
        AlertText(gettext_noop("提供申請が完了しました")), actor=user)
    return True


def _told_of_closing(request: ProvisionRequest) -> list[User]:
    """Who decided the request and who entered it."""
    return [p for p in (request.decided_by, request.second_decided_by, request.entered_by)
            if p is not None and p.is_active]


def why_not_closable(request: ProvisionRequest, now: dt.datetime | None = None) -> str:
    """Why the request cannot be closed by hand now ("" when it can): it must be approved
    with nothing handed over, or handed over with no delivered data whose erasure is still
    unconfirmed and no link the recipient could still fetch."""
    if request.state not in (RequestState.APPROVED, RequestState.HANDED_OVER):
        return _("完了にできるのは、提供決定後（引渡し準備中又は引渡し済み）の申請だけです。")
    handovers = list(request.handovers.all())
    if any(links.delivered(h) and not h.erasure_confirmed for h in handovers):
        return _("受領者に渡ったデータの消去等の確認が済んでいない引渡しがあります。"
                 "先に消去等の確認を記録してください。")
    if any(links.still_pending(h, now) for h in handovers):
        return _("受領者がまだダウンロードできるリンクがあります。先にリンクを取り消して"
                 "ください。")
    return ""


def may_close(user: Any, request: ProvisionRequest) -> bool:
    return allows(user, "provision.close", request) and not why_not_closable(request)


def close(user: Any, request: ProvisionRequest, reason: str) -> ProvisionRequest:
    """Close an approved request by hand with its reason: nothing was handed over (the
    requester dropped it, the copy failed or expired) or nothing handed over waits for its
    erasure (every link died unfetched). The originals are released; those who decided and
    entered it are told."""
    require(user, "provision.close", request)
    reason = (reason or "").strip()
    if not reason:
        raise HandOverError(_("完了とする理由を入力してください。"))
    with transaction.atomic():
        request = _locked(request)
        refused = why_not_closable(request)
        if refused:
            raise HandOverError(refused)
        was = request.state
        request.state, request.closed_at, request.closed_by = (RequestState.CLOSED,
                                                               clock.now(), user)
        request.close_note = reason[:2000]
        request.save(update_fields=["state", "closed_at", "closed_by", "close_note"])
        common.release_originals(request, by=user)
        common.log_event(request, "closed", actor=user, audit_action="provision.closed",
                         purpose=reason, why="closed_by_hand", was=was, reason=reason[:2000])
        common.tell(request, CLOSED, "closed", _told_of_closing(request), AlertText(
            gettext_noop("提供申請 %(number)s（%(requester)s）は%(who)sさんにより完了とされ"
                         "ました（理由：%(reason)s）。元データの消去停止を解除しました。"),
            who=str(user), reason=reason[:300], **common.title_params(request)),
            AlertText(gettext_noop("提供申請が完了しました")), actor=user)
    return request


# -- chasing the confirmation of erasure ------------------------------------------------------


def chasers(handover: HandOver) -> list[User]:
    """Who is reminded: those the permission lets record the erasure, and whoever handed
    over."""
    people = [*common.people_who(handover.request, "provision.confirm_erasure"),
              handover.prepared_by]
    return [p for p in dict.fromkeys(people) if p.is_active]


def chase_erasures(today: dt.date | None = None) -> int:
    """Remind of every delivered hand-over whose erasure is not confirmed: once when its due
    day is a week away or less, then each day from the due day until it is recorded; one alert
    (and one mail) per person and day however often this runs. Returns the alerts raised."""
    today = today or clock.today_jst()
    waiting = HandOver.objects.select_related("request__organisation", "prepared_by").filter(
        erasure_confirmed_at__isnull=True, request__state=RequestState.HANDED_OVER,
        erasure_due_on__lte=today + dt.timedelta(days=REMIND_DAYS_BEFORE))
    raised = 0
    for handover in waiting:
        if not links.delivered(handover):
            continue
        overdue = today >= handover.erasure_due_on
        event = (f"erasure:{handover.pk}:{today.isoformat()}" if overdue
                 else f"erasure:{handover.pk}:soon")
        raised += _remind(handover, event, overdue)
    return raised


def _remind(handover: HandOver, event: str, overdue: bool) -> int:
    request = handover.request
    params = {"recipient": handover.recipient_name, "due": handover.erasure_due_on,
              **common.title_params(request)}
    if overdue:
        text = AlertText(gettext_noop(
            "提供申請 %(number)s（%(requester)s）で%(recipient)sさんに引き渡したデータの消去等の"
            "確認期限（%(due)s）になりました。受領者に消去・返却・破砕等を確認し、結果を記録して"
            "ください（「消去等の確認のお願い」を印刷して送れます）。"), **params)
        subject = AlertText(gettext_noop("提供データの消去等の確認期限です"))
    else:
        text = AlertText(gettext_noop(
            "提供申請 %(number)s（%(requester)s）で%(recipient)sさんに引き渡したデータの消去等の"
            "確認期限は%(due)sです。受領者から消去・返却・破砕等の報告を受けたら記録してください。"),
            **params)
        subject = AlertText(gettext_noop("提供データの消去等の確認期限が近づいています"))
    link = common.link_to(request)
    told = []
    with transaction.atomic():
        for person in chasers(handover):
            key = f"provision:{request.pk}:{event}:user:{person.pk}"
            if raise_once(ERASURE_DUE, key=key, message=text, link=link, recipient=person):
                told.append(person)
        if told:
            transaction.on_commit(lambda: mail_people(told, subject, text, link=link))
    return len(told)


# -- the letters ------------------------------------------------------------------------------

LETTERS = {"handover": gettext_lazy("提供データ受領書兼遵守事項確認書"),
           "reminder": gettext_lazy("消去等の確認のお願い")}


def letter(user: Any, handover: HandOver, kind: str) -> dict[str, Any]:
    """What a printed letter shows (the hand-over form or the reminder), its printing audited:
    it names the recipient and what was provided."""
    request = handover.request
    require(user, "provision.view", request)
    copy = handover.copy
    audit.record("provision.letter_printed", user=user, obj=request,
                 detail={"number": request.number, "handover": handover.pk, "letter": kind})
    return {
        "kind": kind, "title": LETTERS[kind], "organisation": request.organisation,
        "req": request, "handover": handover, "copy": copy, "kind_of_copy": kind_label(copy),
        "vehicle": copy.request.vehicle, "camera": camera(copy.channel),
        "links": links.links_of(handover), "undertakings": UNDERTAKINGS,
        "rule": undertaking_rule(request.organisation),
        "provision_rule": citation(request.organisation, "provision"),
        "today": clock.today_jst(), "prepared_on": clock.jst_date(handover.prepared_at),
        "overdue": handover.erasure_overdue(clock.today_jst()),
    }


# -- the work queue, the panel, registration ---------------------------------------------------


def _title(request: ProvisionRequest) -> str:
    return _("提供申請 %(number)s（%(requester)s）") % common.title_params(request)


def waiting(user: User) -> Iterator[WaitingItem]:
    """Approved requests to hand over; media hand-overs whose signed undertaking is not
    recorded and link hand-overs whose link died unfetched; every delivered hand-over whose
    erasure is not confirmed yet (for those reminded of it, `chasers`), due on its day."""
    if user.organisation_id is None:
        return
    requests = ProvisionRequest.objects.filter(organisation=user.organisation_id)
    for request in requests.filter(state=RequestState.APPROVED):
        if allows(user, "provision.hand_over", request) and available_copies(request):
            yield WaitingItem("provision.hand_over", _("提供が決定されたデータを引き渡す"),
                              _title(request), common.link_to(request),
                              request.decided_at or request.received_at)
    handovers = HandOver.objects.select_related("request").filter(
        request__organisation=user.organisation_id, request__state=RequestState.HANDED_OVER)
    for handover in handovers.filter(undertaking_confirmed_at__isnull=True):
        request = handover.request
        if not allows(user, "provision.hand_over", request):
            continue
        if handover.method == Method.MEDIUM:
            label = _("受領者が署名した遵守事項の確認を記録する")
        elif not links.delivered(handover) and not links.still_pending(handover):
            label = _("受領されずに失効したリンク（作り直すか、申請を完了とする）")
        else:
            continue
        yield WaitingItem("provision.undertaking", label, _title(request),
                          common.link_to(request), handover.prepared_at)
    for handover in handovers.filter(erasure_confirmed_at__isnull=True):
        request = handover.request
        if not (handover.prepared_by_id == user.pk
                or allows(user, "provision.confirm_erasure", request)):
            continue
        since = links.delivered_at(handover)
        if since is not None:
            yield WaitingItem("provision.erasure", _("提供データの消去等の確認を記録する"),
                              _title(request), common.link_to(request), since,
                              due_on=handover.erasure_due_on)


def panel(http: HttpRequest, request: ProvisionRequest) -> str:
    """The hand-over section of the request page (drawn by `hogo.provision.panels`)."""
    from hogo.provision import forms_handover as forms

    user = http.user
    if not allows(user, "provision.view", request):
        return ""
    if request.state not in (RequestState.APPROVED, RequestState.HANDED_OVER,
                             RequestState.CLOSED) and not request.handovers.exists():
        return ""
    now = clock.now()
    can_hand_over = request.can_be_handed_over and allows(user, "provision.hand_over", request)
    copies = available_copies(request) if can_hand_over else []
    media = media_for(user, copies)
    masked = {c.pk: masked_versions(c) for c in copies if not c.is_processed}
    rows = []
    for handover in request.handovers.select_related("copy", "medium", "prepared_by"):
        rows.append({
            "handover": handover,
            "links": [(link, links.state_of(link, now)) for link in links.links_of(handover)],
            "delivered": links.delivered(handover),
            "overdue": handover.erasure_overdue(clock.today_jst()),
            "can_confirm_undertaking": handover.undertaking_confirmed_at is None
            and handover.method == Method.MEDIUM and allows(user, "provision.hand_over",
                                                             request),
            "can_confirm_erasure": not handover.erasure_confirmed and links.delivered(handover)
            and allows(user, "provision.confirm_erasure", request),
        })
    return render_to_string("provision/handover_panel.html", {
        "req": request, "rows": rows, "copies": copies, "can_hand_over": can_hand_over,
        "can_revoke": allows(user, "provision.hand_over", request), "media": media,
        "medium_form": forms.MediumHandOverForm(copies=copies, media=media)
        if copies else None,
        "link_form": forms.LinkHandOverForm(copies=copies) if copies else None,
        "unmasked_with_masked": [(c, "、".join(f"#{m.pk}" for m in masked[c.pk]))
                                 for c in copies if masked.get(c.pk)],
        "undertaking_form": forms.UndertakingForm(),
        "erasure_form": forms.ErasureForm(),
        "can_close": may_close(user, request),
        "mail_outbox": mail_goes_to_outbox(),
    }, request=http)


# -- the 経過 in words (drawn by the request page through intake.add_wording) -----------------


def _day(value: str) -> str:
    """An ISO day or instant of an event's detail: 和暦 in Japanese, ISO in English."""
    if not value:
        return "—"
    parsed = dt.datetime.fromisoformat(value)
    day = clock.jst_date(parsed) if parsed.tzinfo else parsed.date()
    return day.isoformat() if translation.get_language() == "en" else format_wareki(day)


def _handed_over_line(event: Any) -> str:
    detail = event.detail or {}
    values = {"recipient": detail.get("recipient", "—"), "medium": detail.get("medium", ""),
              "copy": detail.get("copy", "—"), "due": _day(detail.get("erasure_due_on", ""))}
    if detail.get("method") == Method.LINK:
        return _("%(recipient)sさんへの引渡しをダウンロードリンクで準備しました（複製データ "
                 "#%(copy)s、消去等の確認期限 %(due)s）。") % values
    return _("%(recipient)sさんに記録媒体 %(medium)s で引き渡しました（複製データ #%(copy)s、"
             "消去等の確認期限 %(due)s）。") % values


def _link_created_line(event: Any) -> str:
    detail = event.detail or {}
    text = _("%(recipient)sさん用のダウンロードリンクを作成しました（有効期限 %(until)s）。") % {
        "recipient": detail.get("recipient", "—"), "until": _day(detail.get("expires_at", ""))}
    if detail.get("outbox"):
        return text + _("リンクのメールを送信待ちのメールとして保存しました（メールサーバーが"
                        "設定されていないため、まだ送られていません。パスワードは含みません）。")
    return text + (_("リンクをメールで送りました（パスワードは含みません）。")
                   if detail.get("mailed") else "")


def _erasure_line(event: Any) -> str:
    detail = event.detail or {}
    return _("%(recipient)sさんからの%(how)sの確認を記録しました（%(day)s）。") % {
        "recipient": detail.get("recipient", "—"),
        "how": str(dict(ErasureHow.choices).get(detail.get("how"), detail.get("how", ""))),
        "day": _day(detail.get("confirmed_on", ""))}


def _closed_line(event: Any) -> str:
    detail = event.detail or {}
    if detail.get("why") == "closed_by_hand":
        return _("申請を完了としました（理由：%(reason)s）。元データの消去停止を解除しました。") % {
            "reason": detail.get("reason", "—")}
    return _("提供したデータの消去等がすべて確認されたため、申請を完了しました。"
             "元データの消去停止を解除しました。")


WORDINGS = (
    ("handed_over", _handed_over_line),
    ("link_created", _link_created_line),
    ("link_fetched", gettext_lazy("%(recipient)sさんがリンクからダウンロードしました（接続元 "
                                  "%(address)s）。サーバー上のパッケージは消去しました。")),
    ("link_revoked", gettext_lazy("%(recipient)sさん用のリンクを取り消しました。"
                                  "サーバー上のパッケージは消去しました。")),
    ("link_expired", gettext_lazy("%(recipient)sさん用のリンクが受領されないまま有効期限を"
                                  "過ぎました。サーバー上のパッケージは消去しました。")),
    ("undertaking_confirmed", gettext_lazy("遵守事項の確認を記録しました（%(name)s、%(how)s）。")),
    ("erasure_confirmed", _erasure_line),
    ("link_stopped", gettext_lazy("%(recipient)sさん用のリンクは、複製データが保存期間の満了"
                                  "により消去されたため無効にしました。サーバー上のパッケージは"
                                  "消去しました。")),
    ("closed", _closed_line),
)


def register() -> None:
    """Work-queue source, alert names and the request page's hand-over panel (from
    ProvisionConfig.ready)."""
    from hogo.provision.intake import add_wording
    from hogo.provision.panels import add_panel

    for action, wording in WORDINGS:
        add_wording(action, wording)

    label_kind(ERASURE_DUE, gettext_lazy("提供データの消去等の確認期限"))
    label_kind(CLOSED, gettext_lazy("提供申請の完了"))
    label_kind(links.FETCHED, gettext_lazy("提供データの受領"))
    links.when_link_dies(close_if_done)
    add_source(waiting)
    add_panel("handover", 30, panel)
