"""Carrying a decided request out, notifying it, and closing it.

A disclosure is carried out (the method the person chose, the day) only once its fee is paid
(unless it is 0) and, when the whole of the footage is disclosed, once the processed copy with
everyone else masked is on the request (R-607). A correction or stop request with merit is
carried out only as far as needed (R-605), through the services that own the data — the
copy and footage erasures go through the storage door (`hogo.footage.objects`: a crypto-shred
with a DeletionRecord), a copy's legal hold is lifted by the copies service, a provision not
yet handed over is stopped by closing it in the provision service — and the measures are
written down for the notice. A request closes after it was carried out (or, refused or not
found, once its notice went out): its ID images are erased and its originals released.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from hogo import clock
from hogo.accounts.models import User
from hogo.accounts.permissions import allows, require
from hogo.alerts.text import AlertText
from hogo.alerts.waiting import WaitingItem
from hogo.audit import services as audit
from hogo.copies import services as copies
from hogo.copies.models import Copy
from hogo.copies.packages import discard_packages
from hogo.footage import objects, retention
from hogo.footage.models import EncryptedObject
from hogo.provision import handover as provision_handover
from hogo.provision.models import ProvisionRecord
from hogo.provision.models import RequestState as ProvisionState
from hogo.requests import common, fees
from hogo.requests.models import Kind, Method, Outcome, PersonalRequest, RequestState

CARRIED_OUT_KIND = "requests.carried_out"
CLOSED_KIND = "requests.closed"
ERASURE_RULE = "subject_request"
GRANTED = (Outcome.DISCLOSE, Outcome.PARTIAL, Outcome.CARRY_OUT, Outcome.ALTERNATIVE)


class CarryOutRefused(ValueError):
    """The step cannot be taken as asked; Japanese reasons for the form."""

    def __init__(self, reasons: Iterable[Any]) -> None:
        self.reasons = [str(r) for r in reasons]
        super().__init__(" / ".join(self.reasons))


def needs_carrying_out(request: PersonalRequest) -> bool:
    """A granted disclosure, correction or stop is done by acts; a purpose notification and
    a refusal by their notice alone."""
    return request.kind != Kind.PURPOSE_NOTIFICATION and request.outcome in GRANTED


def is_disclosure(request: PersonalRequest) -> bool:
    return request.kind == Kind.DISCLOSURE


# --- measures for a correction or stop --------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    """One act the services can carry out for the request: `code` names it for the form."""

    code: str
    label: str
    erases: bool


def _person_copies(request: PersonalRequest) -> list[Copy]:
    """Kept copies made for the request, and kept copies of its vehicle and range."""
    kept = Copy.objects.filter(erased_at__isnull=True).select_related("request__vehicle")
    found = {c.pk: c for c in kept.filter(request__in=request.copy_requests.all())}
    if request.vehicle_id and request.start_at and request.end_at:
        for copy in kept.filter(request__vehicle=request.vehicle_id,
                                actual_start__lt=request.end_at,
                                actual_end__gt=request.start_at):
            found.setdefault(copy.pk, copy)
    return [found[pk] for pk in sorted(found)]


def _stoppable_provisions(request: PersonalRequest) -> list[Any]:
    """Provision requests decided but not yet handed over, whose records (kept on the request
    at a disclosure, or kept now) name the person."""
    ids = [r.get("id") for r in request.disclosed_records or []]
    person = (request.principal_name if request.is_agent and request.principal_name
              else request.requester_name).strip()
    records = ProvisionRecord.objects.filter(organisation=request.organisation_id,
                                             erased_at__isnull=True, request__isnull=False)
    named = records.filter(pk__in=ids) if ids else records.none()
    for term in person.split():
        records = records.filter(persons__icontains=term)
    pending = {r.request for r in [*named, *(records if person else [])]
               if r.request.state == ProvisionState.APPROVED}
    return sorted(pending, key=lambda p: p.pk)


def available_measures(request: PersonalRequest) -> list[Measure]:
    """What the services can do for a correction or stop request with merit."""
    if request.kind not in (Kind.SUSPENSION, Kind.PROVISION_STOP, Kind.CORRECTION):
        return []
    found: list[Measure] = []
    if request.hold_id is not None and request.hold.released_at is None:
        found.append(Measure("release_originals", _(
            "元データの消去停止を解除する（通常の保存期間の経過により上書き消去されます）"), False))
        if request.kind == Kind.SUSPENSION:
            found.append(Measure("erase_originals", _(
                "請求の対象の元データを直ちに消去する（消去記録を作成）"), True))
    if request.kind == Kind.SUSPENSION:
        for copy in _person_copies(request):
            for hold in copy.holds.filter(released_at__isnull=True):
                found.append(Measure(f"release_copy_hold:{hold.pk}", _(
                    "複製データ #%(copy)s の証拠保全（%(ref)s）を解除する") % {
                    "copy": copy.pk, "ref": hold.reference}, False))
            found.append(Measure(f"erase_copy:{copy.pk}", _(
                "複製データ #%(copy)s（%(what)s）を保存期間の満了前に消去する（消去記録を作成）")
                % {"copy": copy.pk, "what": copy}, True))
    if request.kind == Kind.PROVISION_STOP:
        for provision in _stoppable_provisions(request):
            found.append(Measure(f"stop_provision:{provision.pk}", _(
                "提供申請 %(number)s（%(recipient)s）の提供を中止し、完了とする") % {
                "number": provision.number, "recipient": provision.requester_name}, False))
    return found


def _erase_copy(user: User, request: PersonalRequest, pk: int) -> str:
    """A copy erased before its retention ends, on the person's request (a crypto-shred
    through the storage door, with its DeletionRecord); refused while a legal hold keeps it."""
    with transaction.atomic():
        copy = Copy.objects.select_for_update().select_related("request__vehicle").get(pk=pk)
        if copy.erased_at is not None:
            return _("複製データ #%(copy)s は消去済みでした。") % {"copy": pk}
        if copy.holds.filter(released_at__isnull=True).exists():
            raise CarryOutRefused([_("複製データ #%(copy)s は証拠保全中のため消去できません。"
                                     "先に証拠保全を解除してください。") % {"copy": pk}])
        now = clock.now()
        copy.erased_at = now
        copy.save(update_fields=["erased_at"])
        stored = EncryptedObject.objects.select_for_update().get(pk=copy.stored_id)
        record = objects.shred_unless_needed(
            stored, besides=copy, what=f"複製データ #{copy.pk}（{copy}）", rule=ERASURE_RULE,
            by=audit.actor_of(user)[0], now=now, sha256=copy.sha256, size=copy.size,
            recorded_from=copy.actual_start, detail={"copy": copy.pk, "request": request.number})
        audit.record("copy.erased", user=user, obj=copy, purpose=request.number, detail={
            "deletion_record": record.pk, "rule": ERASURE_RULE,
            "packages_discarded": discard_packages(copy)})
    return _("複製データ #%(copy)s を消去しました（消去記録 #%(record)s）。") % {
        "copy": pk, "record": record.pk}


def _erase_originals(user: User, request: PersonalRequest) -> str:
    hold = request.hold
    segments = list(hold.segments.filter(erased_at__isnull=True))
    common.release_originals(request, by=user)
    erased, kept = 0, 0
    with objects.erasure_batch():
        for segment in segments:
            if segment.holds.filter(released_at__isnull=True).exists():
                kept += 1
                continue
            retention.erase_segment(segment, rule=ERASURE_RULE, by=user,
                                    why=f"本人からの請求 {request.number}")
            erased += 1
    text = _("請求の対象の元データ%(n)s件を消去しました。") % {"n": erased}
    if kept:
        text += _("（他の理由で消去停止中の%(n)s件は消去していません。）") % {"n": kept}
    return text


def _run(user: User, request: PersonalRequest, code: str) -> str:
    """One measure; its result in words for measures_taken."""
    name, _sep, pk = code.partition(":")
    if name == "release_originals":
        common.release_originals(request, by=user)
        return _("元データの消去停止を解除しました。")
    if name == "erase_originals":
        return _erase_originals(user, request)
    if name == "erase_copy":
        return _erase_copy(user, request, int(pk))
    if name == "release_copy_hold":
        hold = next(h for c in _person_copies(request)
                    for h in c.holds.filter(pk=int(pk), released_at__isnull=True))
        copies.release_copy_hold(hold, by=user)
        return _("複製データ #%(copy)s の証拠保全を解除しました。") % {"copy": hold.copy_id}
    provision = next(p for p in _stoppable_provisions(request) if p.pk == int(pk))
    provision_handover.close(user, provision, _("本人からの第三者提供の停止の請求（%(number)s）"
                                                "による提供の中止") % {"number": request.number})
    return _("提供申請 %(number)s の提供を中止しました。") % {"number": provision.number}


def _run_measures(user: User, request: PersonalRequest, chosen: list[str]) -> list[str]:
    offered = {m.code: m for m in available_measures(request)}
    unknown = [c for c in chosen if c not in offered]
    if unknown:
        raise CarryOutRefused([_("選んだ措置の一部は、現在とることができません。画面を更新して"
                                 "ください。")])
    if any(offered[c].erases for c in chosen) and not allows(user, "requests.decide", request):
        raise CarryOutRefused([_("データの消去を伴う措置は、決定をした者（所属長又は個人情報保護"
                                 "管理者）が行ってください。")])
    try:
        return [_run(user, request, code) for code in chosen]
    except (PermissionError, ValueError) as error:
        if isinstance(error, CarryOutRefused):
            raise
        raise CarryOutRefused([_("措置をとることができませんでした（%(why)s）。") % {
            "why": error}]) from error


# --- carrying out, notifying, closing --------------------------------------------------------


def _locked(request: PersonalRequest) -> PersonalRequest:
    PersonalRequest.objects.select_for_update().filter(pk=request.pk).first()
    request.refresh_from_db()
    return request


def _day_checked(request: PersonalRequest, day: dt.date | None, what: str) -> dt.date:
    today = clock.today_jst()
    day = day or today
    if day > today:
        raise CarryOutRefused([_("%(what)sに未来の日は入力できません。") % {"what": what}])
    if request.decided_at is not None and day < clock.jst_date(request.decided_at):
        raise CarryOutRefused([_("%(what)sは決定の日より前にできません。") % {"what": what}])
    return day


def disclosure_problems(request: PersonalRequest, method: str) -> list[str]:
    problems = []
    if method not in Method.values:
        problems.append(_("開示の実施の方法を選んでください。"))
    if not fees.settled(request):
        problems.append(_("手数料（%(yen)s円）の納付が記録されていません。納付を受けてから開示を"
                          "実施してください。") % {"yen": f"{fees.total(request):,}"})
    if (request.asks_footage and request.outcome in (Outcome.DISCLOSE, Outcome.PARTIAL)
            and request.disclosed_copy_id is None):
        problems.append(_("開示する映像（請求者以外を加工した複製データ）がまだ請求に登録されて"
                          "いません。"))
    return problems


def carry_out(user: User, request: PersonalRequest, *, day: dt.date | None = None,
              method: str = "", measures: str = "", actions: Iterable[str] = ()
              ) -> PersonalRequest:
    """Record that the decision was carried out: a disclosure by `method` on `day`; a
    correction or stop by the `actions` the services take and the `measures` written."""
    require(user, "requests.handle", request)
    measures, chosen = (measures or "").strip(), [a for a in dict.fromkeys(actions) if a]
    with transaction.atomic():
        request = _locked(request)
        if request.state != RequestState.DECIDED or not needs_carrying_out(request):
            raise CarryOutRefused([_("この請求には実施する決定がありません。")])
        if request.carried_out_at is not None:
            raise CarryOutRefused([_("この決定は実施済みです。")])
        day = _day_checked(request, day, _("実施の日"))
        if is_disclosure(request):
            problems = disclosure_problems(request, method)
            if problems:
                raise CarryOutRefused(problems)
            request.method = method
        else:
            if not measures:
                raise CarryOutRefused([_("とった措置の内容を書いてください（決定通知書に記載"
                                         "します）。")])
            done = _run_measures(user, request, chosen)
            measures = "\n".join([measures, *done])
        today = clock.today_jst()
        request.carried_out_at = (clock.now() if day == today else
                                  dt.datetime.combine(day, dt.time(9), tzinfo=clock.JST))
        request.measures_taken = measures or request.measures_taken
        request.save()
        common.log_event(request, "carried_out", actor=user,
                         audit_action="requests.carried_out", day=day.isoformat(),
                         method=request.method if is_disclosure(request) else "",
                         actions=chosen, measures=measures[:2000])
        _tell_closable(request, actor=user)
    return request


def record_notified(user: User, request: PersonalRequest, *,
                    on: dt.date | None = None) -> PersonalRequest:
    """The day the decision notice went to the person."""
    require(user, "requests.handle", request)
    with transaction.atomic():
        request = _locked(request)
        if request.state != RequestState.DECIDED:
            raise CarryOutRefused([_("決定された請求だけ、通知した日を記録できます。")])
        on = _day_checked(request, on, _("通知した日"))
        request.notified_on = on
        request.save(update_fields=["notified_on"])
        common.log_event(request, "notified", actor=user, audit_action="requests.notified",
                         on=on.isoformat())
        _tell_closable(request, actor=user)
    return request


def why_not_closable(request: PersonalRequest) -> str:
    """Why the request cannot close now ("" when it can)."""
    if request.state != RequestState.DECIDED:
        return _("完了にできるのは、決定された請求だけです。")
    if needs_carrying_out(request) and request.carried_out_at is None:
        return _("決定の内容を実施し、その記録をしてから完了にしてください。")
    if not needs_carrying_out(request) and request.notified_on is None:
        return _("決定通知書を送付した日を記録してから完了にしてください。")
    return ""


def may_close(user: Any, request: PersonalRequest) -> bool:
    return allows(user, "requests.close", request) and not why_not_closable(request)


def close(user: User, request: PersonalRequest, *, note: str = "") -> PersonalRequest:
    """Close the request: the ID images are erased (deletion records), the originals pinned
    for it released, a 経過 line written, whoever decided and entered it told."""
    from hogo.requests import identity, intake

    require(user, "requests.close", request)
    note = (note or "").strip()
    with transaction.atomic():
        request = _locked(request)
        refused = why_not_closable(request)
        if refused:
            raise CarryOutRefused([refused])
        request.state, request.closed_at, request.closed_by = (RequestState.CLOSED,
                                                               clock.now(), user)
        request.close_note = note[:2000]
        request.save(update_fields=["state", "closed_at", "closed_by", "close_note"])
        erased = identity.erase_images(request, by=user)
        common.release_originals(request, by=user)
        intake.close_asking_alerts(request, by=user)  # nothing is left to take in or decide
        common.log_event(request, "closed", actor=user, audit_action="requests.closed",
                         images_erased=erased, note=note[:2000])
        people = [p for p in (request.decided_by, request.entered_by)
                  if p is not None and p.is_active]
        common.tell(request, CLOSED_KIND, "closed", people, AlertText(
            gettext_noop("%(kind)s請求 %(number)s（%(requester)s）は完了しました。本人確認書類の"
                         "画像を消去し、元データの消去停止を解除しました。"),
            kind=request.get_kind_display(), **common.title_params(request)),
            AlertText(gettext_noop("本人請求の完了 %(number)s"), **common.title_params(request)),
            actor=user)
    return request


def _tell_closable(request: PersonalRequest, *, actor: User) -> None:
    if why_not_closable(request):
        return
    closers = common.people_who(request, "requests.close")
    text = AlertText(gettext_noop("%(kind)s請求 %(number)s（%(requester)s）は決定の実施・通知"
                                  "が済みました。内容を確認して完了にしてください。"),
                     kind=request.get_kind_display(), **common.title_params(request))
    common.tell(request, CARRIED_OUT_KIND, "closable", closers, text,
                AlertText(gettext_noop("本人請求の完了待ち %(number)s"),
                          **common.title_params(request)), actor=actor)


# --- the work queue ---------------------------------------------------------------------------


def waiting_items(user: User) -> Iterator[WaitingItem]:
    """Decisions to notify and to carry out (handlers), requests to close (closers)."""
    if not getattr(user, "organisation_id", None):
        return
    decided = PersonalRequest.objects.filter(
        organisation=user.organisation_id, state=RequestState.DECIDED).select_related(
        "organisation")
    for request in decided.order_by("decided_at"):
        title = _("%(kind)s請求 %(number)s（%(requester)s）") % {
            "kind": request.get_kind_display(), **common.title_params(request)}
        since, link = request.decided_at or request.received_at, common.link_to(request)
        if may_close(user, request):
            yield WaitingItem("requests.close", _("本人からの請求を完了にする"), title, link, since)
            continue
        if not allows(user, "requests.handle", request):
            continue
        if request.notified_on is None:
            yield WaitingItem("requests.notify", _("決定通知書を送付し、通知した日を記録"), title,
                              link, since)
        if (needs_carrying_out(request) and request.carried_out_at is None
                and fees.settled(request)):
            yield WaitingItem("requests.carry_out", _("決定の内容を実施（開示・訂正・利用停止等）"),
                              title, link, since)


def _word_carried_out(event: Any) -> str:
    detail = event.detail or {}
    text = _("決定の内容を実施しました（%(day)s）。") % {"day": detail.get("day", "—")}
    if detail.get("method"):
        text += " " + _("方法：%(method)s") % {
            "method": dict(Method.choices).get(detail["method"], detail["method"])}
    if detail.get("measures"):
        text += " " + _("措置：%(measures)s") % {"measures": detail["measures"]}
    return text


EVENT_WORDS = (
    ("carried_out", _word_carried_out),
    ("notified", gettext_lazy("決定通知書を送付しました（%(on)s）。")),
    ("closed", gettext_lazy("完了としました。本人確認書類の画像%(images_erased)s件を消去しま"
                            "した。")),
)
