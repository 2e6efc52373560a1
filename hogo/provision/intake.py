"""Intake of third-party provision requests (R-501): from the letter staff received, or from
the public web form; corrected until the own rule's Art. 9 items are all there; accepted
(受付) by a handler, which routes the request to the vehicle's department for a decision.

A letter is never lost: staff may save it incomplete (受付前・補正待ち) with what is missing
listed; the public form, by contrast, refuses to submit until every item is there. From the
moment the vehicle and the time range are known the originals are pinned (a Hold), and the
pin follows every correction. Every change leaves a line in the request's 経過 and an audit
entry; every hand-off alerts the people who act next (never the actor).
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db import transaction
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from hogo import clock
from hogo.accounts import public_forms
from hogo.accounts.models import Organisation, User
from hogo.accounts.permissions import allows, require
from hogo.accounts.policy import citation
from hogo.alerts import services as alerts
from hogo.alerts.models import Alert
from hogo.alerts.text import AlertText
from hogo.alerts.waiting import WaitingItem
from hogo.audit import services as audit
from hogo.footage.objects import (
    MAX_DOCUMENT_BYTES,
    DocumentRefused,
    document_type,
    get_store,
    keep_upload,
)
from hogo.kit.changes import apply_changes
from hogo.kit.refusal import Refused
from hogo.provision import common
from hogo.provision.models import (
    OPEN_STATES,
    Attachment,
    Basis,
    Event,
    ProvisionRequest,
    Received,
    RecipientKind,
    RecordForm,
    RequestState,
)
from hogo.registry import services as registry
from hogo.registry.models import Channel, Vehicle

log = logging.getLogger("hogo.provision")

RECEIVED_KIND = "provision.received"
TO_DECIDE_KIND = "provision.to_decide"
WITHDRAWN_KIND = "provision.withdrawn"
# The events whose alerts ask someone to act on the request while it is open (the keys
# `common.tell` gives them start with provision:<pk>:<event>); a withdrawal closes them.
ASKING_EVENTS = ("received", "to_decide", "second_approval")

# The request's own fields a form may set (the rest is the workflow's).
FIELDS = ("recipient_kind", "requester_name", "requester_address", "is_organisation",
          "representative", "person_in_charge", "phone", "email", "basis", "basis_detail",
          "letter_reference", "letter_date", "purpose", "vehicle", "vehicle_text", "place",
          "start_at", "end_at", "channels", "audio", "consent_on", "opt_out_on", "sensitive",
          "record_form")
# What a requester may say on the public form (no vehicle of ours, no legal assessment).
PUBLIC_FIELDS = tuple(f for f in FIELDS if f not in (
    "vehicle", "opt_out_on", "sensitive", "record_form"))
# Kinds of requester that are always an organisation (name, address, representative and
# the person in charge, own rule Art. 9(1)).
ORGANISATION_KINDS = frozenset({
    RecipientKind.GOVERNMENT_BODY, RecipientKind.POLICE, RecipientKind.COURT,
    RecipientKind.BAR_ASSOCIATION, RecipientKind.INSURER, RecipientKind.BUSINESS,
    RecipientKind.ACADEMIC_INSTITUTION, RecipientKind.CONTRACTOR, RecipientKind.JOINT_USER,
    RecipientKind.SUCCESSOR})
# Bases that always come as an official document with its number.
DOCUMENT_BASES = frozenset({Basis.WARRANT, Basis.CCP_197_2, Basis.COURT, Basis.BAR_ASSOCIATION})
DETAIL_BASES = frozenset({Basis.STATUTE, Basis.OTHER})
CORRECTABLE = (RequestState.INCOMPLETE, RequestState.RECEIVED)
WITHDRAWABLE = (RequestState.INCOMPLETE, RequestState.RECEIVED, RequestState.SECOND_APPROVAL)

# A scanned letter: PDF, JPEG or PNG (recognised by its first bytes), at most this size.
MAX_ATTACHMENT_BYTES = MAX_DOCUMENT_BYTES
# Every attempt the public form hands to the service leaves one audit entry with the keyed
# hash of its address: a request sent, or one refused (incomplete, a wrong value).
SUBMITTED_ACTION = "provision.submitted"
PUBLIC_REFUSED_ACTION = "provision.public_refused"

# The own rule's Art. 9 items, as codes (stored in request.missing) and names for people.
MISSING_LABELS: dict[str, Any] = {
    "recipient_kind": gettext_lazy("請求者の区分"),
    "requester_name": gettext_lazy("請求者の氏名又は名称"),
    "requester_address": gettext_lazy("請求者の住所又は所在地"),
    "representative": gettext_lazy("代表者の氏名"),
    "person_in_charge": gettext_lazy("責任者（担当者）の氏名"),
    "basis": gettext_lazy("提供を求める根拠"),
    "basis_detail": gettext_lazy("根拠となる法令名・条項など"),
    "letter_reference": gettext_lazy("文書番号"),
    "purpose": gettext_lazy("提供を求める目的"),
    "data": gettext_lazy("求める映像の車両又は場所"),
    "start_at": gettext_lazy("求める映像の開始日時"),
    "end_at": gettext_lazy("求める映像の終了日時"),
    "range": gettext_lazy("終了日時が開始日時より後であること"),
    "channels": gettext_lazy("求めるカメラ"),
    "consent_on": gettext_lazy("本人の同意を得た日"),
    "vehicle": gettext_lazy("車両の特定"),
}
# The form field each missing item points at (for the error beside it).
MISSING_FIELD = {"data": "vehicle_text", "range": "end_at", "vehicle": "vehicle"}


class ProvisionError(Refused):
    """A refused step; `reasons` are Japanese sentences for the person who tried, `field`
    the form field they are about (shown beside it), if one."""


class Incomplete(ProvisionError):
    """The own rule's Art. 9 items are not all there; `missing` holds their codes."""

    def __init__(self, reasons: list[str], missing: list[str]) -> None:
        super().__init__(reasons)
        self.missing = missing


class Throttled(ProvisionError):
    """Too many requests from one address, or through the whole form, within the hour
    (HTTP 429)."""


class PublicFormClosed(ProvisionError):
    """The organisation does not take requests through the public form."""


# --- what is missing --------------------------------------------------------------------


def missing_items(request: ProvisionRequest) -> list[str]:
    """The own rule's Art. 9 items this request lacks, as codes (see MISSING_LABELS)."""
    missing = []
    if not request.recipient_kind:
        missing.append("recipient_kind")
    if not request.requester_name.strip():
        missing.append("requester_name")
    if not request.requester_address.strip():
        missing.append("requester_address")
    if request.is_organisation:
        missing += [name for name in ("representative", "person_in_charge")
                    if not getattr(request, name).strip()]
    if not request.basis:
        missing.append("basis")
    elif request.basis in DETAIL_BASES and not request.basis_detail.strip():
        missing.append("basis_detail")
    if _needs_reference(request) and not request.letter_reference.strip():
        missing.append("letter_reference")
    if not request.purpose.strip():
        missing.append("purpose")
    if request.vehicle_id is None and not (request.vehicle_text.strip()
                                           or request.place.strip()):
        missing.append("data")
    missing += [name for name in ("start_at", "end_at") if getattr(request, name) is None]
    if request.start_at and request.end_at and request.end_at <= request.start_at:
        missing.append("range")
    if request.vehicle_id is not None and not request.channels:
        missing.append("channels")
    if request.basis == Basis.CONSENT and request.consent_on is None:
        missing.append("consent_on")
    return missing


def _needs_reference(request: ProvisionRequest) -> bool:
    """A letter's number (文書番号): for every letter and every official document, except a
    person's own request on their consent."""
    own_consent = not request.is_organisation and request.basis == Basis.CONSENT
    official = request.received_via == Received.LETTER or request.basis in DOCUMENT_BASES
    return official and not own_consent


def missing_labels(codes: Iterable[str]) -> list[str]:
    return [str(MISSING_LABELS.get(code, code)) for code in codes]


def missing_field(code: str) -> str:
    """The form field a missing item belongs to."""
    return MISSING_FIELD.get(code, code)


def missing_reasons_one(code: str) -> str:
    """One sentence (in the reader's language) for one missing item."""
    if code == "range":
        return _("終了日時が開始日時より後になっていません。")
    if code == "vehicle":
        return _("車両が特定されていません。車両を選んでから受け付けてください。")
    return _("「%(item)s」が記載されていません。") % {"item": MISSING_LABELS.get(code, code)}


def missing_reasons(request: ProvisionRequest, codes: list[str]) -> list[str]:
    """Sentences saying what is missing, the first citing the own rule."""
    rule = citation(request.organisation, "provision")
    head = (_("%(rule)sに定める記載事項が不足しています。") % {"rule": rule} if rule
            else _("提供の申請に必要な記載事項が不足しています。"))
    return [head, *(missing_reasons_one(code) for code in codes)]


# --- reading ----------------------------------------------------------------------------


def vehicles_for(user: User) -> Any:
    """The vehicles a request of this organisation may name (any department's)."""
    return Vehicle.objects.filter(department__organisation=user.organisation_id).select_related(
        "department").order_by("department__code", "label", "registration")


def cameras_by_vehicle(vehicles: Any) -> dict[int, list[tuple[str, str]]]:
    """The cameras each vehicle's recorders really have."""
    return {v.pk: registry.channels_of(v) for v in vehicles.prefetch_related("recorders")}


def camera_choices() -> list[tuple[str, str]]:
    """Every kind of camera (the public form: a requester does not know our recorders)."""
    return [(code, str(label)) for code, label in Channel.choices]


def camera_names(codes: Iterable[str]) -> str:
    return _("・").join(
        registry.channel_label(code) for code in codes)


def listed(items: Iterable[Any]) -> str:
    """Items as one phrase in the reader's language (「A、B」)."""
    return _("、").join(str(item) for item in items)


def find(user: User, pk: int) -> ProvisionRequest | None:
    """The request of the user's organisation with this id (permission checked by callers)."""
    return ProvisionRequest.objects.select_related(
        "vehicle__department", "department", "organisation", "entered_by",
        "accepted_by").filter(pk=pk, organisation=user.organisation_id).first()


def visible_requests(user: User, *, state: str = "", via: str = "",
                     overdue: bool = False) -> list[ProvisionRequest]:
    """The inbox: the organisation's requests this person may view, newest first. `state`
    is a RequestState, "open" or "" (all); `via` letter/web; `overdue` only late ones."""
    if not allows(user, "provision.list"):
        return []
    rows = ProvisionRequest.objects.filter(organisation=user.organisation_id).select_related(
        "vehicle", "department", "entered_by")
    if state == "open":
        rows = rows.filter(state__in=OPEN_STATES)
    elif state in RequestState.values:
        rows = rows.filter(state=state)
    if via in Received.values:
        rows = rows.filter(received_via=via)
    today = clock.today_jst()
    shown = [r for r in rows[:1000] if allows(user, "provision.view", r)]
    return [r for r in shown if is_overdue(r, today)] if overdue else shown


def inbox(user: User, *, state: str = "", via: str = "",
          overdue: bool = False) -> list[tuple[ProvisionRequest, bool]]:
    """The inbox page's rows (request, overdue?): the list names requesters, so each view
    of it is one audit entry with its filter (not one per row)."""
    today = clock.today_jst()
    rows = [(r, is_overdue(r, today))
            for r in visible_requests(user, state=state, via=via, overdue=overdue)]
    audit.record("provision.inbox_viewed", user=user, object_type="provision.provisionrequest",
                 detail={"state": state, "via": via, "overdue": overdue, "shown": len(rows)})
    return rows


def is_overdue(request: ProvisionRequest, today: dt.date | None = None) -> bool:
    """A decision still owed after its target day."""
    today = today or clock.today_jst()
    return (request.due_on is not None and request.due_on < today
            and request.state in (RequestState.RECEIVED, RequestState.SECOND_APPROVAL))


def may_update(user: User, request: ProvisionRequest) -> bool:
    """Handlers correct a request until it is decided; whoever entered a letter may complete
    it while it waits to be accepted."""
    if request.state not in CORRECTABLE:
        return False
    return allows(user, "provision.accept", request) or (
        request.state == RequestState.INCOMPLETE and request.entered_by_id == user.pk
        and allows(user, "provision.enter"))


def may_accept(user: User, request: ProvisionRequest) -> bool:
    return request.can_be_accepted and allows(user, "provision.accept", request)


def may_withdraw(user: User, request: ProvisionRequest) -> bool:
    return request.state in WITHDRAWABLE and (
        allows(user, "provision.accept", request) or allows(user, "provision.close", request))


def may_attach(user: User, request: ProvisionRequest) -> bool:
    return request.is_open and (allows(user, "provision.accept", request) or (
        request.entered_by_id == user.pk and allows(user, "provision.enter")))


def decision_days(organisation: Organisation) -> int:
    """The profile's target for a decision after acceptance (days)."""
    return int(common.setting(organisation, "decision_days"))


def record_viewed(user: User, request: ProvisionRequest, what: str = "page") -> None:
    """Looking at a request is an access to the requester's (and the persons') data."""
    audit.record("provision.viewed", user=user, obj=request,
                 detail={"number": request.number, "what": what})


# --- entering -----------------------------------------------------------------------------


def _next_number(organisation: Organisation, year: int) -> str:
    return public_forms.next_number(ProvisionRequest, organisation, year, "P")


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _aware(value: Any) -> dt.datetime | None:
    if value in (None, ""):
        return None
    if not isinstance(value, dt.datetime):
        raise ProvisionError(_("日時の形式が正しくありません。"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=clock.JST)
    return value


def _day(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ProvisionError(_("日付の形式が正しくありません。"))
    return value


def _not_after_today(name: str, value: Any) -> dt.date | None:
    """A day that must already have happened (consent obtained, an opt-out notified): a
    later day would make the provision record and the hand-over state what is not so."""
    day = _day(value)
    if day is not None and day > clock.today_jst():
        label = ProvisionRequest._meta.get_field(name).verbose_name
        raise ProvisionError(_("「%(item)s」に今日より後の日付は指定できません。") % {
            "item": label}, field=name)
    return day


def _vehicle(organisation: Organisation, value: Any) -> Vehicle | None:
    if value in (None, ""):
        return None
    pk = value.pk if isinstance(value, Vehicle) else value
    try:
        found = Vehicle.objects.select_related("department").filter(
            pk=int(pk), department__organisation=organisation).first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise ProvisionError(_("指定された車両はこの団体の車両ではありません。"))
    return found


def _cleaned(organisation: Organisation, data: dict[str, Any],
             allowed: tuple[str, ...] = FIELDS) -> dict[str, Any]:
    """The request's fields from a form's data: trimmed, checked against their choices."""
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValueError(f"unknown request fields: {sorted(unknown)}")
    got = {name: data.get(name) for name in allowed}
    fields: dict[str, Any] = {}
    for name in ("requester_name", "requester_address", "representative", "person_in_charge",
                 "phone", "email", "basis_detail", "letter_reference", "purpose",
                 "vehicle_text", "place"):
        if name in allowed:
            fields[name] = _text(got[name])
    kind, basis = _text(got["recipient_kind"]), _text(got["basis"])
    if kind and kind not in RecipientKind.values:
        raise ProvisionError(_("請求者の区分が正しくありません。"))
    if basis and basis not in Basis.values:
        raise ProvisionError(_("提供を求める根拠が正しくありません。"))
    fields["recipient_kind"], fields["basis"] = kind, basis
    fields["is_organisation"] = bool(got["is_organisation"]) or kind in ORGANISATION_KINDS
    fields["letter_date"] = _day(got["letter_date"])
    fields["consent_on"] = _not_after_today("consent_on", got["consent_on"])
    fields["start_at"], fields["end_at"] = _aware(got["start_at"]), _aware(got["end_at"])
    fields["audio"] = bool(got["audio"])
    channels = [str(c) for c in dict.fromkeys(got["channels"] or ())]
    if "vehicle" in allowed:
        vehicle = _vehicle(organisation, got["vehicle"])
        fields["vehicle"] = vehicle
        available = ([code for code, _label in registry.channels_of(vehicle)] if vehicle
                     else Channel.values)
    else:
        available = Channel.values
    wrong = [c for c in channels if c not in available]
    if wrong:
        raise ProvisionError(_("この車両のドライブレコーダーにないカメラが選ばれています："
                               "%(cameras)s") % {"cameras": camera_names(wrong)})
    fields["channels"] = channels
    if "sensitive" in allowed:
        fields["sensitive"] = bool(got["sensitive"])
        fields["opt_out_on"] = _not_after_today("opt_out_on", got["opt_out_on"])
        form = _text(got["record_form"]) or RecordForm.SINGLE
        if form not in RecordForm.values:
            raise ProvisionError(_("記録の作成方法が正しくありません。"))
        fields["record_form"] = form
    return fields


def _route(request: ProvisionRequest) -> None:
    """The vehicle's department decides (and its handlers take it in)."""
    if request.vehicle_id is not None:
        request.department_id = request.vehicle.department_id


def _refresh_missing(request: ProvisionRequest) -> list[str]:
    request.missing = missing_items(request)
    return request.missing


def enter(user: User, data: dict[str, Any], *, accept_now: bool = False) -> ProvisionRequest:
    """A request entered by staff from the letter received: saved even when incomplete
    (受付前・補正待ち, with what is missing listed), so the letter is not lost. The handlers
    are told, unless the enterer (a handler) accepts it at once (`accept_now`); when that
    is refused for missing items, the request stays entered and the handlers are told."""
    require(user, "provision.enter")
    organisation = user.organisation
    fields = _cleaned(organisation, data)
    now = clock.now()
    with transaction.atomic():
        request = ProvisionRequest(
            organisation=organisation, received_via=Received.LETTER, received_at=now,
            entered_by=user, state=RequestState.INCOMPLETE,
            number=_next_number(organisation, clock.jst_date(now).year), **fields)
        _route(request)
        _refresh_missing(request)
        request.save()
        common.log_event(request, "entered", actor=user, audit_action="provision.entered",
                         via=Received.LETTER, missing=list(request.missing))
        common.pin_originals(request, by=user)
    if accept_now and may_accept(user, request) and not request.missing:
        try:
            return accept(user, request)
        except ProvisionError:
            pass  # no vehicle yet: it waits like any entered letter
    with transaction.atomic():
        _tell_received(request, actor=user)
    return request


def public_organisation() -> Organisation | None:
    """One installation serves one organisation: the public form is that organisation's."""
    return public_forms.public_organisation()


def public_form_open(organisation: Organisation | None) -> bool:
    return organisation is not None and bool(common.setting(organisation, "public_form"))


def address_hash(address: str) -> str:
    """A keyed hash of the client address: enough to count, never the address itself."""
    return public_forms.address_hash(address, "provision")


def _check_throttle(organisation: Organisation, hashed: str, now: dt.datetime) -> None:
    """Throttled past the per-address limit or the whole form's cap (call with the
    organisation row locked, so parallel attempts are counted one after another)."""
    limit = int(common.setting(organisation, "public_form_per_hour"))
    try:
        public_forms.check_throttle((SUBMITTED_ACTION, PUBLIC_REFUSED_ACTION), hashed, limit,
                                    now)
    except public_forms.Throttled as error:
        raise Throttled(str(error)) from None


def _public_request(organisation: Organisation, data: dict[str, Any],
                    now: dt.datetime) -> ProvisionRequest:
    """The request the form's data describes, unsaved; Incomplete while an Art. 9 item is
    missing, ProvisionError for a wrong value."""
    fields = _cleaned(organisation, data, PUBLIC_FIELDS)
    request = ProvisionRequest(organisation=organisation, received_via=Received.WEB,
                               received_at=now, state=RequestState.INCOMPLETE, **fields)
    missing = missing_items(request)
    if missing:
        raise Incomplete(missing_reasons(request, missing), missing)
    return request


def submit_public(data: dict[str, Any], *, address: str) -> ProvisionRequest:
    """A request sent through the public form (no account). Refused while the form is
    closed; when this address, or the whole form, took too many attempts within the hour
    (Throttled: nothing is stored, nobody is told); and while any of the own rule's Art. 9
    items is missing (Incomplete) or a value is wrong. A refused attempt still counts: its
    address hash goes in the audit chain, no request is made."""
    organisation = public_organisation()
    if not public_form_open(organisation):
        raise PublicFormClosed(_("現在、申請フォームによる受付は行っていません。"
                                 "書面でお申し込みください。"))
    assert organisation is not None
    hashed = address_hash(address)
    now = clock.now()
    refused: ProvisionError | None = None
    with transaction.atomic():
        public_forms.lock_organisation(organisation)
        _check_throttle(organisation, hashed, now)
        try:
            request = _public_request(organisation, data, now)
        except ProvisionError as error:
            refused = error
            audit.record(PUBLIC_REFUSED_ACTION, actor="public_form",
                         object_type="provision.provisionrequest",
                         detail={"address": hashed,
                                 "missing": list(getattr(error, "missing", [])),
                                 "field": error.field})
        else:
            request.number = _next_number(organisation, clock.jst_date(now).year)
            request.missing = []
            request.save()
            common.log_event(request, "submitted", actor_text=request.requester_name,
                             via=Received.WEB, address=hashed)
            audit.record(SUBMITTED_ACTION, actor="public_form", obj=request,
                         detail={"number": request.number, "address": hashed})
            _tell_received(request, actor=None)
    if refused is not None:
        raise refused
    return request


def _tell_received(request: ProvisionRequest, *, actor: User | None) -> list[User]:
    """The handlers take it in (or ask for what is missing)."""
    if request.received_via == Received.WEB:
        text = gettext_noop("申請フォームから提供申請 %(number)s（%(requester)s）が届きました。"
                            "記載事項を確認し、車両を特定して受け付けてください。")
    elif request.missing:
        text = gettext_noop("%(who)sさんが提供申請 %(number)s（%(requester)s）を書面から登録"
                            "しました。記載事項に不足があります。補正を求めるか、受付不可として"
                            "ください。")
    else:
        text = gettext_noop("%(who)sさんが提供申請 %(number)s（%(requester)s）を書面から登録"
                            "しました。記載事項を確認して受け付けてください。")
    return common.tell(
        request, RECEIVED_KIND, "received", common.people_who(request, "provision.accept"),
        AlertText(text, who=str(actor or ""), **common.title_params(request)),
        AlertText(gettext_noop("第三者提供の申請 %(number)s の受付"),
                  **common.title_params(request)), actor=actor)


# --- correcting, accepting, withdrawing ---------------------------------------------------


def update(user: User, request: ProvisionRequest, data: dict[str, Any]) -> ProvisionRequest:
    """Correct a request not yet decided: what is missing is recomputed, the originals
    re-pinned, and 経過 lists which fields changed. An accepted request cannot be made
    incomplete again."""
    if not may_update(user, request):
        require(user, "provision.accept", request)  # the audited refusal
        raise ProvisionError(_("この申請は決定済みのため、内容を修正できません。"))
    with transaction.atomic():
        request = ProvisionRequest.objects.select_for_update(of=("self",)).select_related(
            "vehicle", "organisation").get(pk=request.pk)
        # Fields not given keep their value (a form gives them all).
        current = {name: getattr(request, name) for name in FIELDS}
        fields = _cleaned(request.organisation, {**current, **data})
        if request.state not in CORRECTABLE:
            raise ProvisionError(_("この申請は決定済みのため、内容を修正できません。"))
        department = request.department_id
        changed = apply_changes(request, fields)
        _route(request)
        missing = _refresh_missing(request)
        if request.state == RequestState.RECEIVED and (missing or request.vehicle_id is None):
            raise Incomplete(missing_reasons(request, missing or ["vehicle"]),
                             missing or ["vehicle"])
        if not changed:
            return request
        request.save()
        common.log_event(request, "updated", actor=user, audit_action="provision.updated",
                         fields=sorted(changed), missing=list(missing))
        common.pin_originals(request, by=user)
        if request.state == RequestState.RECEIVED:
            _store_assessment(request)
            if request.department_id != department:
                _tell_to_decide(request, actor=user)
    return request


def accept(user: User, request: ProvisionRequest) -> ProvisionRequest:
    """Take the request in (受付): refused while an Art. 9 item is missing or no vehicle is
    named. The vehicle's department decides by `due_on` (profile decision_days). A refusal
    keeps the missing items it found on the request (the page lists them)."""
    require(user, "provision.accept", request)
    refused: Incomplete | None = None
    with transaction.atomic():
        request = ProvisionRequest.objects.select_for_update(of=("self",)).select_related(
            "vehicle", "organisation").get(pk=request.pk)
        if not request.can_be_accepted:
            raise ProvisionError(_("この申請は既に受付済みか、取下げ・完了しています。"))
        missing = _refresh_missing(request)
        blockers = missing + (["vehicle"] if request.vehicle_id is None else [])
        if blockers:
            # Committed with this transaction; the refusal is raised after it.
            request.save(update_fields=["missing"])
            refused = Incomplete(missing_reasons(request, blockers), blockers)
        else:
            _take_in(user, request)
    if refused is not None:
        raise refused
    return request


def _take_in(user: User, request: ProvisionRequest) -> None:
    """The acceptance itself (inside accept's transaction, the row locked)."""
    _route(request)
    request.accepted_at, request.accepted_by = clock.now(), user
    request.due_on = clock.today_jst() + dt.timedelta(days=decision_days(request.organisation))
    request.state = RequestState.RECEIVED
    request.save()
    require(user, "provision.accept", request)  # the vehicle's department's handler
    common.log_event(request, "accepted", actor=user, audit_action="provision.accepted",
                     due_on=request.due_on.isoformat())
    common.pin_originals(request, by=user)
    _store_assessment(request)
    close_asking_alerts(request, by=user, events=("received",))  # taken in: done
    _tell_to_decide(request, actor=user)


def _store_assessment(request: ProvisionRequest) -> None:
    """The legal assessment kept on the request for its page (hogo.provision.assessment)."""
    from hogo.provision.assessment import store_assessment

    store_assessment(request)


def _tell_to_decide(request: ProvisionRequest, *, actor: User | None) -> list[User]:
    return common.tell(
        request, TO_DECIDE_KIND, f"to_decide:{request.department_id}",
        common.people_who(request, "provision.decide"),
        AlertText(gettext_noop("提供申請 %(number)s（%(requester)s）を受け付けました。"
                               "%(due)s までに提供するか否かを決定してください。"),
                  due=request.due_on, **common.title_params(request)),
        AlertText(gettext_noop("第三者提供の決定依頼 %(number)s"),
                  **common.title_params(request)),
        actor=actor, link=common.link_to(request))


def withdraw(user: User, request: ProvisionRequest, reason: str) -> ProvisionRequest:
    """取下げ・受付不可: closed with the reason; the originals are let go. The alerts that
    asked someone to act on it are closed, and once it was taken in, the deciders (and the
    second approvers it waited for) and whoever entered it are told (never the actor)."""
    reason = _text(reason)
    if not reason:
        raise ProvisionError(_("取下げ・受付不可の理由を入力してください。"))
    if not may_withdraw(user, request):
        if not (allows(user, "provision.accept", request)
                or allows(user, "provision.close", request)):
            require(user, "provision.close", request)
        raise ProvisionError(_("決定後の申請は取り下げられません。"))
    with transaction.atomic():
        request = ProvisionRequest.objects.select_for_update().get(pk=request.pk)
        if request.state not in WITHDRAWABLE:
            raise ProvisionError(_("決定後の申請は取り下げられません。"))
        was = request.state
        request.state = RequestState.WITHDRAWN
        request.closed_at, request.closed_by, request.close_note = clock.now(), user, reason
        request.save()
        common.log_event(request, "withdrawn", actor=user, audit_action="provision.withdrawn",
                         purpose=reason, reason=reason)
        common.release_originals(request, by=user)
        close_asking_alerts(request, by=user)
        if was != RequestState.INCOMPLETE:
            _tell_withdrawn(request, was, actor=user)
    return request


def close_asking_alerts(request: ProvisionRequest, *, by: User,
                        events: Iterable[str] = ASKING_EVENTS) -> int:
    """Acknowledge the open alerts that asked someone to take in, decide or second-approve
    this request: there is nothing left to do. Returns how many were closed."""
    closed = 0
    for event in events:
        prefix = f"provision:{request.pk}:{event.rstrip(':')}:"
        for alert in Alert.objects.filter(key__startswith=prefix,
                                          acknowledged_at__isnull=True):
            alerts.acknowledge(alert, by=by)
            closed += 1
    return closed


def _tell_withdrawn(request: ProvisionRequest, was: str, *, actor: User) -> list[User]:
    people = common.people_who(request, "provision.decide")
    if was == RequestState.SECOND_APPROVAL:
        people += common.people_who(request, "provision.second_approve")
    entered_by = request.entered_by
    if entered_by is not None and entered_by.is_active:
        people.append(entered_by)
    return common.tell(
        request, WITHDRAWN_KIND, "withdrawn", people,
        AlertText(gettext_noop("提供申請 %(number)s（%(requester)s）は、%(who)sさんが取下げ・"
                               "受付不可としました。決定する必要はありません。理由：%(reason)s"),
                  who=str(actor), reason=request.close_note, **common.title_params(request)),
        AlertText(gettext_noop("第三者提供の申請 %(number)s の取下げ"),
                  **common.title_params(request)), actor=actor)


# --- attachments --------------------------------------------------------------------------


def check_upload(uploaded: Any) -> str:
    """The content type of a scanned letter, or ProvisionError saying why it is refused."""
    try:
        return document_type(uploaded)
    except DocumentRefused as refused:
        raise ProvisionError(document_refusal(refused)) from None


def document_refusal(refused: DocumentRefused) -> str:
    """Why an upload is no scanned document, in the reader's language."""
    if refused.code == "empty":
        return _("空のファイルは添付できません。")
    if refused.code == "too_large":
        return _("添付できるファイルは%(mb)dMBまでです。") % {
            "mb": MAX_ATTACHMENT_BYTES // (1024 * 1024)}
    return _("添付できるのはPDF、JPEG、PNGのファイルだけです。")


def attach(user: User, request: ProvisionRequest, uploaded: Any) -> Attachment:
    """A scanned letter (PDF/JPEG/PNG), kept as an encrypted object."""
    if not may_attach(user, request):
        require(user, "provision.accept", request)
        raise ProvisionError(_("完了した申請にはファイルを添付できません。"))
    content_type = check_upload(uploaded)
    with transaction.atomic():
        kept = keep_upload(uploaded)
        attachment = Attachment.objects.create(
            request=request, stored=kept.stored, filename=kept.filename or _("添付ファイル"),
            content_type=content_type, size=kept.size, sha256=kept.sha256,
            uploaded_by=user, uploaded_at=clock.now())
        common.log_event(request, "attached", actor=user, audit_action="provision.attached",
                         filename=attachment.filename, attachment=attachment.pk,
                         sha256=attachment.sha256, size=attachment.size)
    return attachment


def attachment_of(user: User, pk: int) -> Attachment | None:
    return Attachment.objects.select_related("request", "stored").filter(
        pk=pk, request__organisation=user.organisation_id).first()


def open_attachment(user: User, attachment: Attachment) -> io.BytesIO:
    """The decrypted file for a download (an access to personal data: audited)."""
    require(user, "provision.view", attachment.request)
    if attachment.erased_at is not None or not attachment.stored.wrapped_key:
        raise LookupError("the attachment was erased")
    stored = attachment.stored
    data = get_store().read_all(stored.object_id, stored.wrapped_key)
    audit.record("provision.attachment_opened", user=user, obj=attachment.request,
                 detail={"number": attachment.request.number, "attachment": attachment.pk,
                         "filename": attachment.filename, "sha256": attachment.sha256})
    return io.BytesIO(data)


# --- the 経過, in words -------------------------------------------------------------------

Wording = Callable[[Event], str]
_wordings: dict[str, Wording | Any] = {}


def add_wording(action: str, wording: Wording | Any) -> None:
    """How the request page words an Event `action` of any area: a callable (event -> str) or
    a (lazy) text with %(name)s placeholders filled from the event's detail."""
    _wordings[action] = wording


class _Filled(dict):
    def __missing__(self, key: str) -> str:
        return "—"


def field_names(names: Iterable[str]) -> str:
    return listed(ProvisionRequest._meta.get_field(n).verbose_name for n in names)


def word_event(event: Event) -> str:
    """One line of 経過 in the reader's language."""
    wording = _wordings.get(event.action)
    if wording is None:
        return _("記録：%(action)s") % {"action": event.action}
    if callable(wording) and not isinstance(wording, (str, Promise)):
        return wording(event)
    return str(wording) % _Filled({k: str(v) for k, v in (event.detail or {}).items()})


def _entered(event: Event) -> str:
    text = _("書面による申請を登録しました。")
    missing = (event.detail or {}).get("missing") or []
    if missing:
        text += " " + _("不足している事項：%(items)s") % {"items": listed(
            missing_labels(missing))}
    return text


def _updated(event: Event) -> str:
    detail = event.detail or {}
    text = _("内容を修正しました（%(fields)s）。") % {"fields": field_names(
        detail.get("fields") or [])}
    if detail.get("missing"):
        text += " " + _("なお不足している事項：%(items)s") % {"items": listed(
            missing_labels(detail["missing"]))}
    return text


def _accepted(event: Event) -> str:
    due = (event.detail or {}).get("due_on")
    day = _shown_day(due) if due else "—"
    return _("受け付けました。決定の目安日は%(due)sです。") % {"due": day}


def _shown_day(iso: str) -> str:
    from hogo.rules.wareki import format_wareki

    day = dt.date.fromisoformat(iso)
    return day.isoformat() if translation.get_language() == "en" else format_wareki(day)


for _action, _wording in (
        ("entered", _entered),
        ("submitted", gettext_lazy("申請フォームから申請が届きました。")),
        ("updated", _updated),
        ("accepted", _accepted),
        ("withdrawn", gettext_lazy("取下げ・受付不可としました。理由：%(reason)s")),
        ("attached", gettext_lazy("ファイル「%(filename)s」を添付しました。"))):
    add_wording(_action, _wording)


def timeline(request: ProvisionRequest) -> list[tuple[Event, str]]:
    return [(e, word_event(e)) for e in request.events.select_related("actor")]


# --- the acknowledgment of receipt --------------------------------------------------------


def receipt_letter(user: User, request: ProvisionRequest) -> dict[str, Any]:
    """What the 受付票 prints (its access is audited like the page's)."""
    require(user, "provision.view", request)
    record_viewed(user, request, "receipt_letter")
    return {"rule": citation(request.organisation, "provision"),
            "undertaking_rule": citation(request.organisation, "recipient_undertaking"),
            "cameras": camera_names(request.channels),
            "decision_days": decision_days(request.organisation),
            "missing": missing_labels(request.missing), "issued_on": clock.today_jst()}


# --- the work queue -----------------------------------------------------------------------


def title(request: ProvisionRequest) -> str:
    return _("提供申請 %(number)s（%(requester)s）") % common.title_params(request)


def awaits_vehicle(request: ProvisionRequest) -> bool:
    """Waiting to be taken in with no vehicle named (a web request always starts so): the
    originals are not pinned yet, so the ring buffer may overwrite them meanwhile."""
    return request.state == RequestState.INCOMPLETE and request.vehicle_id is None


def waiting(user: User) -> Iterator[WaitingItem]:
    """For the handlers: requests to take in (a complete letter or a web request) and
    incomplete letters to complete or refuse (補正待ち). Never for the one who entered it.
    One with no vehicle named is due today: until a vehicle is named its originals are not
    pinned, so it comes first in the queue."""
    if user.organisation_id is None or not allows(user, "provision.accept"):
        return
    rows = ProvisionRequest.objects.filter(organisation=user.organisation_id,
                                           state=RequestState.INCOMPLETE).select_related(
        "vehicle")
    today = clock.today_jst()
    for request in rows:
        if request.entered_by_id == user.pk or not allows(user, "provision.accept", request):
            continue
        unpinned = awaits_vehicle(request)
        if request.missing:
            kind, label = "provision.complete", _("補正待ちの提供申請（補正又は受付不可）")
        elif unpinned:
            kind, label = "provision.take_in", _("車両を特定して提供申請を受け付ける"
                                                 "（元データは未保全）")
        elif request.received_via == Received.WEB:
            kind, label = "provision.take_in", _("申請フォームからの提供申請を受け付ける")
        else:
            kind, label = "provision.take_in", _("書面による提供申請を受け付ける")
        yield WaitingItem(kind, label, title(request), common.link_to(request),
                          request.received_at, due_on=today if unpinned else None)


def register() -> None:
    """Work-queue source and alert names of this area (called from ProvisionConfig.ready)."""
    from hogo.alerts.text import label_kind
    from hogo.alerts.waiting import add_source

    add_source(waiting)
    label_kind(RECEIVED_KIND, gettext_lazy("第三者提供の申請の受付"))
    label_kind(TO_DECIDE_KIND, gettext_lazy("第三者提供の決定依頼"))
    label_kind(WITHDRAWN_KIND, gettext_lazy("第三者提供の申請の取下げ"))
