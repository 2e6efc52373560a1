"""Intake of a person's requests (本人からの請求, R-602-R-604): at the counter, by post, or
through the public web form; the items the request must state (Act Arts. 77(1), 91(1),
99(1) for public bodies; the business's own procedure, Art. 37); the request for a correction
of the request (補正) whose waiting days do not count (Art. 83(1)); routing to the department
that holds the data; withdrawal.

A request that arrives is never lost: staff may save one that lacks an item (and ask the
requester to correct it); the public form, by contrast, refuses to send until every item is
there. The decision clock starts the day after the request arrived (`deadlines.refresh`);
deciding waits for the identity check (`identity`). Every change leaves a 経過 line and an
audit entry; every hand-off alerts the people who act next (never the actor).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from hogo import clock
from hogo.accounts import public_forms
from hogo.accounts.models import Department, Organisation, User
from hogo.accounts.permissions import allows, require
from hogo.alerts import services as alerts
from hogo.alerts.models import Alert
from hogo.alerts.text import AlertText
from hogo.alerts.waiting import WaitingItem
from hogo.audit import services as audit
from hogo.kit.refusal import Refused
from hogo.requests import common, deadlines, identity
from hogo.requests.models import (
    OPEN_STATES,
    CorrectionWait,
    DisclosureOf,
    Kind,
    Method,
    PersonalRequest,
    Received,
    RequesterType,
    RequestState,
)
from hogo.requests.timeline import add_wording, listed, shown_day, timeline, word_event
from hogo.rules import requests as rules

__all__ = ["add_wording", "timeline", "word_event", "listed"]

RECEIVED_KIND = "requests.received"
WITHDRAWN_KIND = "requests.withdrawn"
SUBMITTED_ACTION = "requests.submitted"
PUBLIC_REFUSED_ACTION = "requests.public_refused"
# The events whose alerts ask someone to act while the request is open.
ASKING_EVENTS = ("received", "to_decide")

# What a form may set; the public form sets no department, arrival day or way of arrival.
FIELDS = ("kind", "disclosure_of", "requester_type", "requester_name", "requester_kana",
          "requester_address", "phone", "email", "principal_name", "principal_address",
          "content", "occurred_from", "occurred_to", "place", "vehicle_text", "appearance",
          "data_description", "method", "disclosed_on", "department", "received_via",
          "received_on")
PUBLIC_FIELDS = tuple(f for f in FIELDS if f not in ("department", "received_via",
                                                     "received_on"))
TEXTS = ("requester_name", "requester_kana", "requester_address", "phone", "email",
         "principal_name", "principal_address", "content", "place", "vehicle_text",
         "appearance", "data_description")
STAFF_VIAS = (Received.COUNTER, Received.POST)
# A letter may be entered some days after it arrived; not earlier than this.
MAX_BACKDATE_DAYS = 60
# A change of these makes the identity checks made before void (who asks, for whom, how).
IDENTITY_FIELDS = frozenset({"requester_type", "requester_name", "principal_name",
                             "received_via"})
CHANGEABLE = (RequestState.RECEIVED, RequestState.CORRECTION_WAIT, RequestState.IN_PROGRESS)

MISSING_LABELS: dict[str, Any] = {
    "requester_name": gettext_lazy("請求者の氏名"),
    "requester_address": gettext_lazy("請求者の住所又は居所"),
    "principal_name": gettext_lazy("本人の氏名（代理人による請求）"),
    "disclosure_of": gettext_lazy("開示を求めるもの"),
    "data_description": gettext_lazy("求める個人情報を特定するに足りる事項"),
    "occurred_from": gettext_lazy("映像の日時（から）"),
    "occurred_to": gettext_lazy("映像の日時（まで）"),
    "range": gettext_lazy("映像の日時（まで）が（から）より後であること"),
    "where": gettext_lazy("映像の場所又は車両・路線"),
    "content": gettext_lazy("請求の趣旨及び理由"),
    "disclosed_on": gettext_lazy("開示の実施を受けた日"),
}
MISSING_FIELD = {"range": "occurred_to", "where": "place"}


class RequestError(Refused):
    """A refused step; `reasons` are Japanese sentences, `field` the form field they are
    about (shown beside it), if one."""


class Incomplete(RequestError):
    """An item the request must state is not there; `missing` holds their codes."""

    def __init__(self, reasons: list[str], missing: list[str]) -> None:
        super().__init__(reasons)
        self.missing = missing


class Throttled(RequestError):
    """Too many requests from one address, or through the whole form, within the hour."""


class PublicFormClosed(RequestError):
    """The organisation takes no requests through the public form."""


# --- what a request must state ----------------------------------------------------------


def missing_items(request: PersonalRequest) -> list[str]:
    """The items this request lacks, as codes (see MISSING_LABELS)."""
    missing = [name for name in ("requester_name", "requester_address")
               if not getattr(request, name).strip()]
    if request.is_agent and not request.principal_name.strip():
        missing.append("principal_name")
    if request.kind == Kind.DISCLOSURE and not request.disclosure_of:
        missing.append("disclosure_of")
    if request.kind == Kind.DISCLOSURE and request.asks_footage:
        missing += [name for name in ("occurred_from", "occurred_to")
                    if getattr(request, name) is None]
        if (request.occurred_from and request.occurred_to
                and request.occurred_to <= request.occurred_from):
            missing.append("range")
        if not (request.place.strip() or request.vehicle_text.strip()):
            missing.append("where")
    if not request.data_description.strip() and (
            not request.asks_footage or set(request.disclosure_of or []) - {"footage"}):
        missing.append("data_description")
    if request.kind in rules.AFTER_DISCLOSURE_KINDS:
        if not request.content.strip():
            missing.append("content")
        if common.is_public_body(request.organisation) and request.disclosed_on is None:
            missing.append("disclosed_on")
    return missing


def missing_labels(codes: list[str]) -> list[str]:
    return [str(MISSING_LABELS.get(code, code)) for code in codes]


def missing_field(code: str) -> str:
    return MISSING_FIELD.get(code, code)


def missing_reason(code: str) -> str:
    if code == "range":
        return _("映像の日時（まで）が（から）より後になっていません。")
    return _("「%(item)s」が記載されていません。") % {"item": MISSING_LABELS.get(code, code)}


def missing_reasons(codes: list[str]) -> list[str]:
    return [_("請求書に記載が必要な事項が不足しています。"), *(missing_reason(c) for c in codes)]


def late_warning(request: PersonalRequest) -> str:
    """A public body's correction or stop request that came after the 90 days following the
    disclosure (Arts. 90(3), 98(3)) — kept (nothing lost), decided as out of time."""
    try:
        deadlines.check_after_disclosure(request)
    except deadlines.RequestRuleError as late:
        if late.code == "disclosed_after_receipt":
            return _("開示の実施を受けた日が請求の到達日より後になっています。")
        last = deadlines.after_disclosure_last_day(request)
        return _("開示の実施を受けた日から%(days)s日以内（%(last)sまで）に請求されていません"
                 "（法第90条第3項・第98条第3項）。") % {
            "days": common.setting(request.organisation, "after_disclosure_days"),
            "last": shown_day(last.isoformat()) if last else "—"}
    return ""


def kinds_for(organisation: Organisation) -> tuple[str, ...]:
    """The kinds of request the organisation's regime has (Chapter 5 has no purpose
    notification request: a public body publishes its purposes instead)."""
    if common.is_public_body(organisation):
        return rules.PUBLIC_KINDS
    return rules.KINDS


# --- reading ------------------------------------------------------------------------------


def find(user: User, pk: int) -> PersonalRequest | None:
    return PersonalRequest.objects.select_related(
        "organisation", "department", "vehicle", "entered_by").filter(
        pk=pk, organisation=user.organisation_id).first()


def departments_for(user: User) -> Any:
    return Department.objects.filter(organisation=user.organisation_id).order_by("code")


def visible_requests(user: User, *, state: str = "open", kind: str = "",
                     overdue: bool = False) -> list[PersonalRequest]:
    if not allows(user, "requests.list"):
        return []
    rows = PersonalRequest.objects.filter(organisation=user.organisation_id).select_related(
        "department", "organisation")
    if state == "open":
        rows = rows.filter(state__in=OPEN_STATES)
    elif state in RequestState.values:
        rows = rows.filter(state=state)
    if kind in Kind.values:
        rows = rows.filter(kind=kind)
    shown = [r for r in rows[:1000] if allows(user, "requests.view", r)]
    return [r for r in shown if is_overdue(r)] if overdue else shown


def inbox(user: User, *, state: str = "open", kind: str = "",
          overdue: bool = False) -> list[tuple[PersonalRequest, bool]]:
    """The inbox rows (request, overdue?); one audit entry per look (it names requesters)."""
    rows = [(r, is_overdue(r)) for r in visible_requests(user, state=state, kind=kind,
                                                         overdue=overdue)]
    audit.record("requests.inbox_viewed", user=user, object_type="requests.personalrequest",
                 detail={"state": state, "kind": kind, "overdue": overdue, "shown": len(rows)})
    return rows


def is_overdue(request: PersonalRequest, today: dt.date | None = None) -> bool:
    """A decision owed after its day; never while the clock stands still for a 補正."""
    due = request.effective_due_on
    return (due is not None and due < (today or clock.today_jst())
            and request.state in (RequestState.RECEIVED, RequestState.IN_PROGRESS))


def may_update(user: User, request: PersonalRequest) -> bool:
    return request.state in CHANGEABLE and allows(user, "requests.handle", request)


def may_ask_correction(user: User, request: PersonalRequest) -> bool:
    return request.state in (RequestState.RECEIVED, RequestState.IN_PROGRESS) and allows(
        user, "requests.handle", request)


def may_withdraw(user: User, request: PersonalRequest) -> bool:
    return request.state in CHANGEABLE and allows(user, "requests.handle", request)


def open_wait(request: PersonalRequest) -> CorrectionWait | None:
    return request.correction_waits.filter(answered_on__isnull=True).last()


# --- entering -----------------------------------------------------------------------------


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _aware(value: Any) -> dt.datetime | None:
    if value in (None, ""):
        return None
    if not isinstance(value, dt.datetime):
        raise RequestError(_("日時の形式が正しくありません。"))
    return value if value.tzinfo else value.replace(tzinfo=clock.JST)


def _past_day(value: Any, field: str, label: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise RequestError(_("日付の形式が正しくありません。"), field=field)
    if value > clock.today_jst():
        raise RequestError(_("「%(item)s」に今日より後の日付は指定できません。") % {
            "item": label}, field=field)
    return value


def _choice(value: Any, allowed: Any, message: str, field: str, default: str = "") -> str:
    text = _text(value) or default
    if text and text not in allowed:
        raise RequestError(message, field=field)
    return text


def _cleaned(organisation: Organisation, data: dict[str, Any],
             allowed: tuple[str, ...]) -> dict[str, Any]:
    """The request's fields from a form: trimmed and checked against their choices."""
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValueError(f"unknown request fields: {sorted(unknown)}")
    got = {name: data.get(name) for name in allowed}
    fields: dict[str, Any] = {name: _text(got[name]) for name in TEXTS if name in allowed}
    fields["kind"] = _choice(got["kind"], Kind.values, _("請求の種類を選んでください。"), "kind")
    if not fields["kind"]:
        raise RequestError(_("請求の種類を選んでください。"), field="kind")
    if fields["kind"] not in kinds_for(organisation):
        raise RequestError(_("行政機関等には利用目的の通知の請求の制度がありません（利用目的は"
                             "個人情報ファイル簿等で公表しています）。開示請求をご利用ください。"),
                           field="kind")
    fields["requester_type"] = _choice(got["requester_type"], RequesterType.values,
                                       _("請求者の区分が正しくありません。"), "requester_type",
                                       RequesterType.SELF)
    wanted = [str(v) for v in dict.fromkeys(got["disclosure_of"] or ())]
    if set(wanted) - set(DisclosureOf.values):
        raise RequestError(_("開示を求めるものが正しくありません。"), field="disclosure_of")
    fields["disclosure_of"] = wanted if fields["kind"] == Kind.DISCLOSURE else []
    fields["method"] = _choice(got["method"], Method.values,
                               _("開示の実施の方法が正しくありません。"), "method")
    if fields["kind"] != Kind.DISCLOSURE:
        fields["method"] = ""
    fields["occurred_from"] = _aware(got["occurred_from"])
    fields["occurred_to"] = _aware(got["occurred_to"])
    fields["disclosed_on"] = _past_day(got["disclosed_on"], "disclosed_on",
                                       MISSING_LABELS["disclosed_on"])
    if fields["requester_type"] == RequesterType.SELF:
        fields["principal_name"] = fields["principal_address"] = ""
    if "department" in allowed:
        fields["department"] = _department(organisation, got["department"])
    if "received_via" in allowed:
        fields["received_via"] = _choice(got["received_via"], STAFF_VIAS,
                                         _("受付方法は窓口又は郵送を選んでください。"),
                                         "received_via", Received.COUNTER)
        fields["received_on"] = _arrival_day(got["received_on"])
    return fields


def _arrival_day(value: Any) -> dt.date:
    label = _("請求が到達した日")
    day = _past_day(value, "received_on", label) or clock.today_jst()
    if (clock.today_jst() - day).days > MAX_BACKDATE_DAYS:
        raise RequestError(_("請求が到達した日は%(days)d日前までの日にしてください。") % {
            "days": MAX_BACKDATE_DAYS}, field="received_on")
    return day


def _department(organisation: Organisation, value: Any) -> Department | None:
    if value in (None, ""):
        return None
    pk = value.pk if isinstance(value, Department) else value
    try:
        found = Department.objects.filter(pk=int(pk), organisation=organisation).first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise RequestError(_("指定された所属はこの団体の所属ではありません。"), field="department")
    return found


def _next_number(organisation: Organisation, year: int) -> str:
    return public_forms.next_number(PersonalRequest, organisation, year, "R")


def _count(request: PersonalRequest) -> None:
    """Deadlines from the arrival day and the waits; the fee of the kind (one item)."""
    deadlines.refresh(request)
    if request.fee_paid_at is None:
        request.fee_items = 0 if request.kind in rules.FREE_KINDS else max(request.fee_items, 1)
        request.fee_yen = deadlines.fee_for(request.organisation, request.kind,
                                            items=request.fee_items)


def enter(user: User, data: dict[str, Any]) -> PersonalRequest:
    """A request taken at the counter or received by post: saved even when an item is missing
    (the handlers then ask for a 補正), so nothing the person gave is lost."""
    require(user, "requests.enter")
    organisation = user.organisation
    fields = _cleaned(organisation, data, FIELDS)
    received_on = fields.pop("received_on")
    now = clock.now()
    received_at = now if received_on == clock.jst_date(now) else dt.datetime.combine(
        received_on, dt.time(9), tzinfo=clock.JST)
    with transaction.atomic():
        request = PersonalRequest(organisation=organisation, received_at=received_at,
                                  received_on=received_on, entered_by=user,
                                  number=_next_number(organisation, received_on.year), **fields)
        _count(request)
        request.save()
        missing = missing_items(request)
        common.log_event(request, "entered", actor=user, audit_action="requests.entered",
                         via=request.received_via, kind=request.kind, missing=missing)
        _tell_received(request, actor=user)
    return request


def public_organisation() -> Organisation | None:
    return public_forms.public_organisation()


def public_form_open(organisation: Organisation | None) -> bool:
    return organisation is not None and bool(common.setting(organisation, "public_form"))


def submit_public(data: dict[str, Any], *, address: str) -> PersonalRequest:
    """A request sent through the public form (no account): refused while the form is closed,
    past the hourly throttle (nothing stored, nobody told), and while an item is missing. Each
    attempt leaves one audit entry with the keyed hash of its address."""
    organisation = public_organisation()
    if not public_form_open(organisation):
        raise PublicFormClosed(_("現在、請求フォームによる受付は行っていません。窓口又は郵送で"
                                 "請求してください。"))
    assert organisation is not None
    hashed = public_forms.address_hash(address, "requests")
    now = clock.now()
    refused: RequestError | None = None
    with transaction.atomic():
        public_forms.lock_organisation(organisation)
        try:
            limit = int(common.setting(organisation, "public_form_per_hour"))
            public_forms.check_throttle((SUBMITTED_ACTION, PUBLIC_REFUSED_ACTION), hashed,
                                        limit, now)
        except public_forms.Throttled as stop:
            raise Throttled(str(stop)) from None
        try:
            request = _public_request(organisation, data, now)
        except RequestError as error:
            refused = error
            audit.record(PUBLIC_REFUSED_ACTION, actor="public_form",
                         object_type="requests.personalrequest",
                         detail={"address": hashed, "field": error.field,
                                 "missing": list(getattr(error, "missing", []))})
        else:
            common.log_event(request, "submitted", actor_text=request.requester_name,
                             via=Received.WEB, kind=request.kind)
            audit.record(SUBMITTED_ACTION, actor="public_form", obj=request,
                         detail={"number": request.number, "address": hashed})
            _tell_received(request, actor=None)
    if refused is not None:
        raise refused
    return request


def _public_request(organisation: Organisation, data: dict[str, Any],
                    now: dt.datetime) -> PersonalRequest:
    fields = _cleaned(organisation, data, PUBLIC_FIELDS)
    request = PersonalRequest(organisation=organisation, received_via=Received.WEB,
                              received_at=now, received_on=clock.jst_date(now), **fields)
    missing = missing_items(request)
    if missing:
        raise Incomplete(missing_reasons(missing), missing)
    warning = late_warning(request)
    if warning:
        raise RequestError(warning, field="disclosed_on")
    request.number = _next_number(organisation, request.received_on.year)
    _count(request)
    request.save()
    return request


def _tell_received(request: PersonalRequest, *, actor: User | None) -> list[User]:
    """The handlers check the identity (and ask for what is missing)."""
    if request.received_via == Received.WEB:
        text = gettext_noop("請求フォームから%(kind)s請求 %(number)s（%(requester)s）が届きました。"
                            "本人確認の方法を連絡し、本人確認を記録してください。")
    else:
        text = gettext_noop("%(who)sさんが%(kind)s請求 %(number)s（%(requester)s）を受け付け"
                            "ました。本人確認を記録してください。")
    return common.tell(
        request, RECEIVED_KIND, "received", common.people_who(request, "requests.handle"),
        AlertText(text, who=str(actor or ""), kind=request.get_kind_display(),
                  **common.title_params(request)),
        AlertText(gettext_noop("本人からの請求の受付 %(number)s"), **common.title_params(request)),
        actor=actor)


# --- changing, correcting, withdrawing ---------------------------------------------------


def _locked(request: PersonalRequest) -> PersonalRequest:
    return PersonalRequest.objects.select_for_update(of=("self",)).select_related(
        "organisation").get(pk=request.pk)


def update(user: User, request: PersonalRequest, data: dict[str, Any]) -> PersonalRequest:
    """Correct what the request says (or route it to another department) until decided."""
    require(user, "requests.handle", request)
    if not may_update(user, request):
        raise RequestError(_("決定済み又は完了した請求は修正できません。"))
    fields = _cleaned(request.organisation, data, FIELDS)
    if request.received_via == Received.WEB or data.get("received_on") in (None, ""):
        # How and when it arrived is a fact, not an input: the decision day rests on it.
        fields.pop("received_on")
        if request.received_via == Received.WEB:
            fields.pop("received_via")
    with transaction.atomic():
        request = _locked(request)
        before_department = request.department_id
        changed = [name for name, value in fields.items() if getattr(request, name) != value]
        if not changed:
            return request
        if "kind" in changed and request.fee_paid_at is not None:
            raise RequestError(_("手数料の納付を受けた請求は、種類を変更できません（領収番号 "
                                 "%(n)s）。") % {"n": request.fee_receipt_number}, field="kind")
        for name in changed:
            setattr(request, name, fields[name])
        if "received_on" in changed:
            request.received_at = dt.datetime.combine(request.received_on, dt.time(9),
                                                      tzinfo=clock.JST)
        try:
            _count(request)
        except deadlines.RequestRuleError:
            raise RequestError(_("補正を求めた日より後の日を、請求が到達した日にはできません。"),
                               field="received_on") from None
        superseded = bool(IDENTITY_FIELDS & set(changed)) and _supersede_checks(request)
        request.save()
        common.log_event(request, "updated", actor=user, audit_action="requests.updated",
                         fields=sorted(changed), missing=missing_items(request),
                         identity_superseded=superseded)
        if request.department_id != before_department:
            close_stale_alerts(request, by=user)
            _tell_received(request, actor=user)
            if request.state == RequestState.IN_PROGRESS:
                identity.tell_deciders(request, actor=user)
    return request


def _supersede_checks(request: PersonalRequest) -> bool:
    """Who asks, for whom, or how changed: the identity checks made before no longer show it
    (they stay, marked, as a record); a request in progress waits for a new check."""
    checks = request.identity_checks.filter(confirmed=True)
    if not checks.exists():
        return False
    checks.update(confirmed=False, problems=["superseded"])
    if request.state == RequestState.IN_PROGRESS:
        request.state = RequestState.RECEIVED
    return True


# The period set for a correction when the handler names none (相当の期間, Art. 77(3)).
REPLY_DAYS = 14


def ask_correction(user: User, request: PersonalRequest, *, what: str,
                   asked_on: dt.date | None = None,
                   reply_by: dt.date | None = None) -> CorrectionWait:
    """補正を求める: the days from `asked_on` until the requester answers do not count toward a
    public body's decision day (Art. 83(1) proviso)."""
    require(user, "requests.handle", request)
    what = (what or "").strip()
    if not what:
        raise RequestError(_("補正を求める事項を書いてください。"), field="what")
    if not may_ask_correction(user, request):
        raise RequestError(_("この請求には補正を求められません（補正待ち、決定済み又は完了）。"))
    asked_on = _past_day(asked_on, "asked_on", _("補正を求めた日")) or clock.today_jst()
    if asked_on < request.received_on:
        raise RequestError(_("補正を求めた日は請求が到達した日より前にできません。"),
                           field="asked_on")
    reply_by = reply_by or asked_on + dt.timedelta(days=REPLY_DAYS)
    if reply_by <= asked_on:
        raise RequestError(_("補正の期限は補正を求めた日より後の日にしてください。"),
                           field="reply_by")
    with transaction.atomic():
        request = _locked(request)
        if not may_ask_correction(user, request):
            raise RequestError(_("この請求には補正を求められません（補正待ち、決定済み又は"
                                 "完了）。"))
        wait = CorrectionWait.objects.create(request=request, asked_on=asked_on,
                                             asked_what=what[:3000], reply_by=reply_by,
                                             asked_by=user)
        request.state = RequestState.CORRECTION_WAIT
        _count(request)
        request.save()
        common.log_event(request, "correction_asked", actor=user,
                         audit_action="requests.correction_asked", asked_on=asked_on.isoformat(),
                         reply_by=reply_by.isoformat(), what=what[:500], wait=wait.pk)
    return wait


def correction_answered(user: User, request: PersonalRequest, *,
                        answered_on: dt.date | None = None) -> PersonalRequest:
    """The requester corrected the request: the wait ends that day (both ends are days that
    do not count) and the decision day moves by the days waited."""
    require(user, "requests.handle", request)
    wait = open_wait(request)
    if request.state != RequestState.CORRECTION_WAIT or wait is None:
        raise RequestError(_("補正待ちの請求ではありません。"))
    answered_on = _past_day(answered_on, "answered_on", _("補正された日")) or clock.today_jst()
    if answered_on < wait.asked_on:
        raise RequestError(_("補正された日は補正を求めた日より前にできません。"),
                           field="answered_on")
    with transaction.atomic():
        request = _locked(request)
        wait.answered_on = answered_on
        wait.save(update_fields=["answered_on"])
        request.state = (RequestState.IN_PROGRESS if request.identity_checked
                         else RequestState.RECEIVED)
        before = request.due_on
        _count(request)
        request.save()
        common.log_event(request, "correction_answered", actor=user,
                         audit_action="requests.correction_answered",
                         answered_on=answered_on.isoformat(),
                         days=rules.waited_days(request.received_on,
                                                [(wait.asked_on, answered_on)]),
                         due_on=request.due_on.isoformat() if request.due_on else "",
                         due_before=before.isoformat() if before else "")
        if request.state == RequestState.IN_PROGRESS:
            identity.tell_deciders(request, actor=user)
    return request


def withdraw(user: User, request: PersonalRequest, reason: str) -> PersonalRequest:
    """取下げ: closed with the reason; the originals let go; the ID images erased."""
    require(user, "requests.handle", request)
    reason = (reason or "").strip()
    if not reason:
        raise RequestError(_("取下げの理由を入力してください。"), field="reason")
    if not may_withdraw(user, request):
        raise RequestError(_("決定後の請求は取り下げられません。"))
    with transaction.atomic():
        request = _locked(request)
        if not may_withdraw(user, request):
            raise RequestError(_("決定後の請求は取り下げられません。"))
        wait = open_wait(request)
        if wait is not None:
            wait.answered_on = clock.today_jst()
            wait.save(update_fields=["answered_on"])
        request.state = RequestState.WITHDRAWN
        request.closed_at, request.closed_by, request.close_note = clock.now(), user, reason
        request.save()
        erased = identity.erase_images(request, by=user)
        common.release_originals(request, by=user)
        common.log_event(request, "withdrawn", actor=user, audit_action="requests.withdrawn",
                         purpose=reason, reason=reason, images_erased=erased)
        close_asking_alerts(request, by=user)
        people = [p for p in common.people_who(request, "requests.decide")]
        common.tell(request, WITHDRAWN_KIND, "withdrawn", people, AlertText(
            gettext_noop("%(kind)s請求 %(number)s（%(requester)s）は取り下げられました。理由："
                         "%(reason)s"), kind=request.get_kind_display(), reason=reason,
            **common.title_params(request)),
            AlertText(gettext_noop("本人請求の取下げ %(number)s"), **common.title_params(request)),
            actor=user)
    return request


def close_stale_alerts(request: PersonalRequest, *, by: User) -> int:
    """Routed elsewhere: the alerts that asked people who may no longer see the request (the
    former department's, everyone's while it had none) to act on it are closed."""
    closed = 0
    for alert in Alert.objects.filter(key__startswith=f"requests:{request.pk}:",
                                      acknowledged_at__isnull=True).select_related(
            "recipient"):
        if alert.recipient is not None and not allows(alert.recipient, "requests.view",
                                                      request):
            alerts.acknowledge(alert, by=by)
            closed += 1
    return closed


def close_asking_alerts(request: PersonalRequest, *, by: User) -> int:
    """The alerts that asked someone to act on this request are closed: it is done."""
    return sum(alerts.acknowledge_keyed(f"requests:{request.pk}:{event}", by=by)
               for event in ASKING_EVENTS)


# --- letters of intake --------------------------------------------------------------------


def receipt_letter(user: User, request: PersonalRequest) -> dict[str, Any]:
    """What the 受付票 prints: the number, the day, the decision day and how it is counted."""
    from hogo.requests import letters

    require(user, "requests.view", request)
    common.record_viewed(user, request, "receipt_letter")
    return {"issuer": letters.issuer(request.organisation), "issued_on": clock.today_jst(),
            "articles": _articles(request), "missing": missing_labels(missing_items(request)),
            "public": common.is_public_body(request.organisation),
            "data_word": data_word(request.organisation),
            "answer_days": common.setting(request.organisation, "answer_days")}


def correction_letter(user: User, request: PersonalRequest) -> dict[str, Any]:
    """What the 補正依頼書 prints: what to correct, and that the days until the correction
    do not count toward the decision day."""
    from hogo.requests import letters

    require(user, "requests.view", request)
    wait = request.correction_waits.last()
    if wait is None:
        raise RequestError(_("補正を求めていない請求です。"))
    common.record_viewed(user, request, "correction_letter")
    return {"issuer": letters.issuer(request.organisation), "wait": wait,
            "issued_on": wait.asked_on, "articles": _articles(request),
            "data_word": data_word(request.organisation),
            "public": common.is_public_body(request.organisation)}


def data_word(organisation: Organisation) -> str:
    """What the Act calls the data asked about: 保有個人情報 (Chapter 5, a public body) or
    保有個人データ (Chapter 4, a business)."""
    return _("保有個人情報") if common.is_public_body(organisation) else _("保有個人データ")


def _articles(request: PersonalRequest) -> dict[str, str]:
    try:
        return deadlines.articles(request.organisation, request.kind)
    except deadlines.RequestRuleError:
        return {}


# --- the work queue and registration ------------------------------------------------------


def title(request: PersonalRequest) -> str:
    return _("%(kind)s請求 %(number)s（%(requester)s）") % {
        "kind": request.get_kind_display(), **common.title_params(request)}


def waiting(user: User) -> Iterator[WaitingItem]:
    """For the handlers: requests to route to a department (from the public form), whose
    identity is to be checked, and those waiting for the requester's correction (each by its
    decision day)."""
    if not getattr(user, "organisation_id", None) or not allows(user, "requests.handle"):
        return
    rows = PersonalRequest.objects.filter(
        organisation=user.organisation_id, state__in=CHANGEABLE).select_related(
        "organisation", "department")
    for request in rows.order_by("due_on", "received_at"):
        if not allows(user, "requests.handle", request):
            continue
        if request.department_id is None:
            kind, label = "requests.route", _("本人請求の担当する所属を決める（決定できるのは所属の"
                                              "決定後）")
        elif request.state == RequestState.IN_PROGRESS:
            continue  # deciding's queue
        elif request.state == RequestState.CORRECTION_WAIT:
            kind, label = "requests.correction_wait", _("補正待ちの本人請求（補正の記録）")
        else:
            kind, label = "requests.check_identity", _("本人請求の本人確認を記録")
        yield WaitingItem(kind, label, title(request), common.link_to(request),
                          request.received_at, due_on=request.effective_due_on)


def _word_entered(event: Any) -> str:
    detail = event.detail or {}
    via = dict(Received.choices).get(detail.get("via", ""), "—")
    text = _("%(via)sで受け付けました。") % {"via": via}
    if detail.get("missing"):
        text += " " + _("不足している事項：%(items)s") % {
            "items": listed(missing_labels(detail["missing"]))}
    return text


def _word_updated(event: Any) -> str:
    names = [str(PersonalRequest._meta.get_field(n).verbose_name)
             for n in (event.detail or {}).get("fields", [])]
    return _("内容を修正しました（%(fields)s）。") % {"fields": listed(names)}


def _word_identity(event: Any) -> str:
    detail = event.detail or {}
    text = _("本人確認を記録しました（%(documents)s）。") % {
        "documents": identity.document_names(detail.get("documents") or [])}
    return text + (" " + _("郵送による請求。") if detail.get("by_post") else "")


EVENT_WORDS = (
    ("entered", _word_entered),
    ("submitted", gettext_lazy("請求フォームから請求が届きました。")),
    ("updated", _word_updated),
    ("identity_checked", _word_identity),
    ("image_added", gettext_lazy("本人確認書類の画像「%(filename)s」を登録しました（暗号化して"
                                 "保存、完了時に消去）。")),
    ("correction_asked", gettext_lazy("%(asked_on)sに補正を求めました（期限：%(reply_by)s）："
                                      "%(what)s")),
    ("correction_answered", gettext_lazy("%(answered_on)sに補正されました。補正に要した%(days)s日は"
                                         "期間に算入せず、決定期限は%(due_on)sになりました。")),
    ("withdrawn", gettext_lazy("取り下げられました。理由：%(reason)s")),
)


def register() -> None:
    """Work-queue source, alert names and the 経過 words of this area."""
    from hogo.alerts.text import label_kind
    from hogo.alerts.waiting import add_source

    add_source(waiting)
    label_kind(RECEIVED_KIND, gettext_lazy("本人からの請求の受付"))
    label_kind(identity.TO_DECIDE_KIND, gettext_lazy("本人請求の決定依頼"))
    label_kind(WITHDRAWN_KIND, gettext_lazy("本人請求の取下げ"))
    for action, words in EVENT_WORDS:
        add_wording(action, words)
