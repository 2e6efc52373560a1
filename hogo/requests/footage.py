"""The footage area of a person's requests (R-607): their own footage disclosed as a
processed copy in which everyone else is masked.

Why here: a disclosure of footage is where other people's faces and plates could leave the
organisation. Staff find the segments from what the person gave and save them on the request
(the originals are pinned by a hold until it closes); a copy of only that part is made through
the copy workflow with the request as its purpose (so the copies rules decide who approves);
a masking of faces and plates is asked for on that copy, and the reviewer marks the
requester's own tracks (「本人」), which alone stay unmasked. The file to disclose is that
processed copy, never an original, never an unprocessed copy — except on the privacy
officer's recorded decision with a written reason. Each step leaves a 経過 line and an audit
entry, and each hand-off alerts the request's footage handlers (a copy made, detections
waiting for review, the processed copy ready) and waits in their work queue.

The section of the request page is `panel` (order 30); its forms post to the screens of
`hogo.requests.views.footage`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from hogo import clock
from hogo.accounts.models import User
from hogo.accounts.permissions import allows, require
from hogo.accounts.policy import effective_profile
from hogo.alerts import waiting
from hogo.alerts.text import AlertText, label_kind
from hogo.alerts.waiting import WaitingItem
from hogo.copies import handoffs as copy_handoffs
from hogo.copies import services as copies
from hogo.copies.models import Copy, CopyRequest
from hogo.copies.models import RequestState as CopyState
from hogo.copies.signals import copies_made
from hogo.footage.search import Criteria, find_segments
from hogo.processing import services as processing
from hogo.processing.models import MaskKind, Processing, ProcessingState
from hogo.processing.signals import stage_reached
from hogo.registry import services as registry
from hogo.registry.models import Vehicle, camera_names
from hogo.requests import common, panels, timeline
from hogo.requests.models import OPEN_STATES as OPEN
from hogo.requests.models import Kind, Outcome, PersonalRequest
from hogo.rules.copies import PERSONAL_REQUEST_PURPOSE

MASKING_REASON = "本人開示のため請求者以外を加工"
COPY_MADE_KIND = "requests.footage_copy_made"
REVIEW_KIND = "requests.footage_review"
READY_KIND = "requests.footage_ready"
UNMASKED_KIND = "requests.footage_unmasked"
# Decisions after which nothing of the footage is disclosed.
NOTHING_DISCLOSED = (Outcome.REFUSE, Outcome.NOT_EXIST, Outcome.NEITHER_CONFIRM_NOR_DENY)
LIVE_MASKING = (ProcessingState.PENDING, ProcessingState.ANALYSING, ProcessingState.REVIEW,
                ProcessingState.RENDERING, ProcessingState.MADE)


class FootageRefused(ValueError):
    """The step cannot be taken as asked; Japanese reasons for the page."""

    def __init__(self, reasons: Iterable[Any]) -> None:
        self.reasons = [str(r) for r in reasons]
        super().__init__(" / ".join(self.reasons))


def applies(request: PersonalRequest) -> bool:
    """A disclosure request that asks for footage (the section exists only for those)."""
    return request.kind == Kind.DISCLOSURE and request.asks_footage


def may_prepare(user: Any, request: PersonalRequest) -> bool:
    """Find the segments, make the copy, ask for masking, register the file to disclose."""
    return (applies(request) and request.is_open
            and allows(user, "requests.prepare_footage", request))


def may_release_unmasked(user: Any, request: PersonalRequest) -> bool:
    return (applies(request) and request.is_open and request.carried_out_at is None
            and allows(user, "requests.release_unmasked", request))


def _open_for_footage(request: PersonalRequest) -> None:
    if not applies(request):
        raise FootageRefused([_("この請求は映像の開示を求めていません。")])
    if not request.is_open:
        raise FootageRefused([_("この請求は既に完了（又は取下げ）しています。")])
    if request.outcome in NOTHING_DISCLOSED:
        raise FootageRefused([_("開示しない決定をした請求です。映像は準備しません。")])


# --- the segments ----------------------------------------------------------------------------


def vehicles_for(request: PersonalRequest) -> Any:
    """The vehicles whose footage may hold the person: those of the request's department."""
    return registry.vehicles_of(request.department_id).order_by("registration")


def cameras_by_vehicle(request: PersonalRequest) -> dict[int, list[tuple[str, str]]]:
    return copies.channels_by_vehicle(vehicles_for(request))


def segments_in(vehicle: Vehicle, start: dt.datetime, end: dt.datetime,
                channels: Iterable[str]) -> list[Any]:
    """The kept originals of the vehicle's cameras that overlap the range (what exists)."""
    wanted = set(channels)
    found = find_segments(Criteria(department_ids=(vehicle.department_id,),
                                   vehicle_id=vehicle.pk, start=start, end=end))
    return [s for s in found.select_related("recorder") if not wanted or s.channel in wanted]


def saved_segments(request: PersonalRequest) -> list[Any]:
    if request.vehicle_id is None or request.start_at is None or request.end_at is None:
        return []
    return segments_in(request.vehicle, request.start_at, request.end_at, request.channels)


def segment_problems(request: PersonalRequest, vehicle: Vehicle | None,
                     start: dt.datetime | None, end: dt.datetime | None,
                     channels: list[str]) -> list[str]:
    """Why this range cannot be saved on the request (Japanese), or []."""
    problems = []
    if vehicle is None or not vehicles_for(request).filter(pk=vehicle.pk).exists():
        problems.append(_("請求を担当する所属の車両を選んでください。"))
    if start is None or end is None:
        problems.append(_("開始日時と終了日時を入力してください。"))
    elif end <= start:
        problems.append(_("終了日時は開始日時より後にしてください。"))
    if not channels:
        problems.append(_("カメラを1つ以上選んでください。"))
    elif vehicle is not None:
        available = {code for code, _label in registry.channels_of(vehicle)}
        if set(channels) - available:
            problems.append(_("この車両のドライブレコーダーにないカメラが選ばれています。"))
    if not problems and not segments_in(vehicle, start, end, channels):
        problems.append(_("指定された範囲に元データがありません（既に消去されたか、まだ受信して"
                          "いません）。範囲又はカメラを見直してください。"))
    return problems


def save_segments(user: User, request: PersonalRequest, *, vehicle: Vehicle | None,
                  start: dt.datetime | None, end: dt.datetime | None,
                  channels: list[str]) -> PersonalRequest:
    """Save the footage staff found (vehicle, range, cameras) on the request and pin its
    originals (a hold of kind subject_request until the request closes)."""
    require(user, "requests.prepare_footage", request)
    _open_for_footage(request)
    channels = list(dict.fromkeys(channels))
    problems = segment_problems(request, vehicle, start, end, channels)
    if problems:
        raise FootageRefused(problems)
    with transaction.atomic():
        request = PersonalRequest.objects.select_for_update().get(pk=request.pk)
        request.vehicle, request.start_at, request.end_at = vehicle, start, end
        request.channels = channels
        request.save(update_fields=["vehicle", "start_at", "end_at", "channels"])
        common.pin_originals(request, by=user)
        common.log_event(request, "footage_found", actor=user,
                         audit_action="requests.footage_found", vehicle=str(vehicle),
                         start=start.isoformat(), end=end.isoformat(), channels=channels,
                         segments=len(saved_segments(request)),
                         hold=request.hold_id)
    return request


# --- the copy --------------------------------------------------------------------------------


def justification(request: PersonalRequest) -> str:
    """The copy's reason: the request and why only this part (never shorter than the
    profile's minimum reason)."""
    text = _("本人からの開示請求（受付番号 %(number)s）に係る本人の映像の開示のための複製。"
             "請求者以外の顔・ナンバープレートは加工して開示する。") % {"number": request.number}
    minimum = int(effective_profile(request.organisation).value("purposes.min_reason_chars"))
    return text.ljust(minimum, "。")


def same_range_copy(request: PersonalRequest) -> CopyRequest | None:
    """A copy request of the saved range that is waiting, being made or made (its copies
    kept): asking again would copy the same footage twice."""
    found = request.copy_requests.filter(
        state__in=(CopyState.PENDING, CopyState.APPROVED, CopyState.MADE),
        start_at=request.start_at, end_at=request.end_at, vehicle=request.vehicle_id)
    for copy_request in found.order_by("-pk"):
        if sorted(copy_request.channels) != sorted(request.channels or []):
            continue
        if copy_request.state != CopyState.MADE or copy_request.copies.filter(
                erased_at__isnull=True).exists():
            return copy_request
    return None


def may_copy(user: Any, request: PersonalRequest) -> bool:
    return (may_prepare(user, request) and request.vehicle_id is not None
            and request.outcome not in NOTHING_DISCLOSED and same_range_copy(request) is None)


def make_copy(user: User, request: PersonalRequest, *,
              long_range_reason: str = "") -> CopyRequest:
    """A copy request of only the saved part, purpose PERSONAL_REQUEST_PURPOSE with the
    request's number as its ground, decided by the copies rules (a manager's own request is
    approved and made at once; an operator's waits for the department's manager)."""
    require(user, "requests.prepare_footage", request)
    _open_for_footage(request)
    if request.vehicle_id is None or request.start_at is None or request.end_at is None:
        raise FootageRefused([_("先に請求された映像の範囲（車両・日時・カメラ）を保存して"
                                "ください。")])
    waiting_copy = same_range_copy(request)
    if waiting_copy is not None:
        raise FootageRefused([_("この範囲の複製は既に申請されています（複製申請 #%(number)s）。"
                                ) % {"number": waiting_copy.pk}])
    try:
        copy_request = copies.request_copy(
            user, vehicle=request.vehicle, start=request.start_at, end=request.end_at,
            channels=list(request.channels), audio=False, purpose=PERSONAL_REQUEST_PURPOSE,
            justification=justification(request),
            long_range_reason=(long_range_reason or "").strip(),
            personal_request_reference=request.number)
    except copies.CopyRefused as refused:
        raise FootageRefused([_("複製を申請できません。"), *refused.reasons]) from refused
    except PermissionError as refused:
        raise FootageRefused([_("%(who)s さんはこの車両の複製を申請できません。")
                              % {"who": user}]) from refused
    with transaction.atomic():
        request.copy_requests.add(copy_request)
        common.log_event(request, "footage_copy_requested", actor=user,
                         audit_action="requests.footage_copy_requested",
                         copy_request=copy_request.pk, copy_state=copy_request.state)
        if copy_request.state == CopyState.MADE:
            _tell_copy_made(request, copy_request, actor=user)
    return copy_request


def request_copies(request: PersonalRequest) -> list[Copy]:
    """Every copy made for the request: unprocessed ones and their processed copies (which
    share their parent's copy request)."""
    return list(Copy.objects.filter(request__in=request.copy_requests.all()).select_related(
        "request__vehicle", "parent").order_by("pk"))


def copy_of(request: PersonalRequest, copy_id: int) -> Copy:
    """A copy made for this request (or a processed copy of one); FootageRefused otherwise
    (an original, another request's copy, a made-up number)."""
    copy = Copy.objects.select_related("request__vehicle", "parent__request").filter(
        pk=copy_id, request__in=request.copy_requests.all()).first()
    if copy is None:
        raise FootageRefused([_("この請求のために作成した複製データではありません。")])
    return copy


# --- masking ---------------------------------------------------------------------------------


def maskings(copy: Copy) -> list[Processing]:
    return list(processing.processings().filter(copy=copy, count_only=False))


def ask_masking(user: User, request: PersonalRequest, copy_id: int) -> Processing:
    """Ask for the masking of every face and plate but the requester's, on a copy of the
    request; the approver the profile names decides it as for any masking."""
    require(user, "requests.prepare_footage", request)
    _open_for_footage(request)
    copy = copy_of(request, copy_id)
    if copy.is_processed:
        raise FootageRefused([_("加工済み複製データは、もう一度加工できません。元の複製データ"
                                "から申請してください。")])
    live = [p for p in maskings(copy) if p.state in LIVE_MASKING]
    if live:
        raise FootageRefused([_("この複製データの加工は既に申請されています（加工 #%(number)s）。"
                                ) % {"number": live[0].pk}])
    with transaction.atomic():
        try:
            made = processing.request(user, copy, reason=MASKING_REASON, mask=MaskKind.BLUR,
                                      faces=True, plates=True, keep_audio=False)
        except processing.ProcessingError as refused:
            raise FootageRefused([str(refused)]) from refused
        except PermissionError as refused:
            raise FootageRefused([_("%(who)s さんはこの複製データの加工を申請できません。")
                                  % {"who": user}]) from refused
        common.log_event(request, "footage_masking_requested", actor=user,
                         audit_action="requests.footage_masking_requested", copy=copy.pk,
                         processing=made.pk)
    return made


# --- the file to disclose --------------------------------------------------------------------


def register_disclosed(user: User, request: PersonalRequest, copy_id: int) -> PersonalRequest:
    """The processed copy (everyone but the requester masked) becomes the file to disclose.
    An unprocessed copy is refused: only the privacy officer releases one, with a reason."""
    require(user, "requests.prepare_footage", request)
    _open_for_footage(request)
    copy = copy_of(request, copy_id)
    made_by = getattr(copy, "made_by", None) if copy.is_processed else None
    if made_by is None:
        raise FootageRefused([_("加工していない複製データは開示する映像として登録できません。"
                                "請求者以外を加工した加工済み複製データを登録してください"
                                "（加工せずに開示するには、個人情報保護管理者の判断と理由の記録"
                                "が必要です）。")])
    if not copy.is_kept:
        raise FootageRefused([_("この加工済み複製データは消去済みです。")])
    if request.carried_out_at is not None:
        raise FootageRefused([_("開示は実施済みです。開示した映像は変更できません。")])
    with transaction.atomic():
        request = PersonalRequest.objects.select_for_update().get(pk=request.pk)
        request.disclosed_copy = copy
        request.unmasked_release_by, request.unmasked_release_at = None, None
        request.unmasked_release_reason = ""
        request.save(update_fields=["disclosed_copy", "unmasked_release_by",
                                    "unmasked_release_at", "unmasked_release_reason"])
        common.log_event(request, "footage_registered", actor=user,
                         audit_action="requests.footage_registered", copy=copy.pk,
                         processing=made_by.pk, people=copy.people_count,
                         requester_tracks=list(made_by.requester_tracks))
    return request


def release_unmasked(user: User, request: PersonalRequest, copy_id: int, *,
                     reason: str) -> PersonalRequest:
    """The privacy officer's recorded decision to disclose a copy left unmasked (R-607):
    who, when and why are kept on the request, in the audit chain and its 経過."""
    require(user, "requests.release_unmasked", request)
    _open_for_footage(request)
    copy = copy_of(request, copy_id)
    reason = (reason or "").strip()
    problems = []
    minimum = int(effective_profile(request.organisation).value("purposes.min_reason_chars"))
    if len(reason) < minimum:
        problems.append(_("マスキングせずに開示する理由を%(n)d文字以上で具体的に書いてください"
                          "（他の人が映っていない、他の人の同意がある など）。") % {"n": minimum})
    if copy.is_processed:
        problems.append(_("加工済み複製データは「開示する映像として登録」から登録してください。"))
    if not copy.is_kept:
        problems.append(_("この複製データは消去済みです。"))
    if request.carried_out_at is not None:
        problems.append(_("開示は実施済みです。開示した映像は変更できません。"))
    if problems:
        raise FootageRefused(problems)
    with transaction.atomic():
        request = PersonalRequest.objects.select_for_update().get(pk=request.pk)
        request.disclosed_copy = copy
        request.unmasked_release_by, request.unmasked_release_at = user, clock.now()
        request.unmasked_release_reason = reason
        request.save(update_fields=["disclosed_copy", "unmasked_release_by",
                                    "unmasked_release_at", "unmasked_release_reason"])
        common.log_event(request, "footage_unmasked_released", actor=user,
                         audit_action="requests.footage_unmasked_released", copy=copy.pk,
                         reason=reason, purpose=reason)
        common.tell(request, UNMASKED_KIND, f"unmasked:{copy.pk}", handlers(request),
                    AlertText(gettext_noop(
                        "%(who)sさん（個人情報保護管理者）が本人からの開示請求 %(number)s"
                        "（%(requester)s）の映像を、マスキングせずに開示すると決定しました"
                        "（理由は請求の画面にあります）。"),
                        who=str(user), **common.title_params(request)),
                    AlertText(gettext_noop("本人請求 %(number)s の映像をマスキングせずに開示"),
                              **common.title_params(request)), actor=user)
    return request


# --- hand-offs -------------------------------------------------------------------------------


def handlers(request: PersonalRequest) -> list[User]:
    """Who prepares the request's footage: the department's manager and operators."""
    return common.people_who(request, "requests.prepare_footage")


def _tell_copy_made(request: PersonalRequest, copy_request: CopyRequest, *,
                    actor: Any = None) -> None:
    common.tell(request, COPY_MADE_KIND, f"copy_made:{copy_request.pk}", handlers(request),
                AlertText(gettext_noop(
                    "本人からの開示請求 %(number)s（%(requester)s）の映像の複製データができ"
                    "ました（複製申請 #%(copy)s）。請求者以外を加工（マスキング）するよう申請して"
                    "ください。"),
                    copy=copy_request.pk, **common.title_params(request)),
                AlertText(gettext_noop("本人請求 %(number)s の映像：複製データの作成"),
                          **common.title_params(request)), actor=actor)


def _requests_of(copy_request: CopyRequest) -> list[PersonalRequest]:
    if copy_request.purpose != PERSONAL_REQUEST_PURPOSE:
        return []
    return list(copy_request.personal_requests.filter(state__in=OPEN))


def on_copies_made(sender: Any, request: CopyRequest, **kwargs: Any) -> None:
    """A copy of a request's footage was made (approved by the manager later, or retried)."""
    for personal in _requests_of(request):
        _tell_copy_made(personal, request)


def on_masking_stage(sender: Any, processing: Processing, stage: str, **kwargs: Any) -> None:
    """The masking of a request's copy waits for review, or its processed copy is ready."""
    if processing.count_only:
        return
    for personal in _requests_of(processing.copy.request):
        params = {"processing": processing.pk, **common.title_params(personal)}
        if stage == "detected":
            common.tell(personal, REVIEW_KIND, f"review:{processing.pk}", handlers(personal),
                        AlertText(gettext_noop(
                            "本人からの開示請求 %(number)s（%(requester)s）の映像の検出が終わり"
                            "ました（加工 #%(processing)s）。検出結果を確認し、請求者本人の検出に"
                            "「本人」の印を付けて、加工済み複製データを作成してください。"),
                            **params),
                        AlertText(gettext_noop("本人請求 %(number)s の映像：検出結果の確認"),
                                  **common.title_params(personal)),
                        link=reverse("processing:page", args=[processing.pk]))
        elif stage == "rendered" and processing.result is not None:
            common.tell(personal, READY_KIND, f"ready:{processing.pk}", handlers(personal),
                        AlertText(gettext_noop(
                            "本人からの開示請求 %(number)s（%(requester)s）の、請求者以外を加工"
                            "した複製データができました（人数（延べ）%(people)s、請求者本人を除く）。"
                            "確認して、開示する映像として登録してください。"),
                            people=processing.people_count or 0, **params),
                        AlertText(gettext_noop("本人請求 %(number)s の映像：加工済み複製データの"
                                               "作成"), **common.title_params(personal)))


def footage_requests(user: User) -> Iterator[PersonalRequest]:
    """Open disclosure requests of the user's organisation that ask for footage and whose
    footage this person prepares."""
    if not getattr(user, "organisation_id", None):
        return
    found = PersonalRequest.objects.filter(
        organisation=user.organisation_id, kind=Kind.DISCLOSURE, state__in=OPEN).exclude(
        outcome__in=NOTHING_DISCLOSED).select_related("organisation", "vehicle")
    for request in found.order_by("received_at"):
        if request.asks_footage and allows(user, "requests.prepare_footage", request):
            yield request


def next_step(request: PersonalRequest) -> tuple[str, str, str, Any] | None:
    """What the footage waits for: (kind, label, link, since), or None."""
    link = f"{common.link_to(request)}#footage"
    if request.vehicle_id is None:
        return ("requests.footage_find", _("請求された映像を探して範囲を保存"), link,
                request.received_at)
    if request.disclosed_copy_id is not None:
        return None
    copy_requests = list(request.copy_requests.all())
    if not copy_requests:
        return ("requests.footage_copy", _("請求された映像の複製を作成"), link,
                request.received_at)
    copies_made = [c for c in request_copies(request) if c.is_kept]
    made = [c for c in copies_made if c.is_processed]
    if made:
        return ("requests.footage_register", _("加工済み複製データを開示する映像として登録"),
                link, made[-1].made_at)
    masking = [p for c in copies_made for p in maskings(c)]
    reviewing = [p for p in masking if p.state == ProcessingState.REVIEW]
    if reviewing:
        return ("requests.footage_review", _("検出結果を確認し、請求者本人に「本人」の印を付ける"),
                reverse("processing:page", args=[reviewing[0].pk]),
                reviewing[0].analysed_at or reviewing[0].requested_at)
    unmasked = [c for c in copies_made if not any(
        p.copy_id == c.pk and p.state in LIVE_MASKING for p in masking)]
    if unmasked:
        return ("requests.footage_mask", _("請求者以外の加工（マスキング）を申請"), link,
                unmasked[0].made_at)
    return None


def waiting_items(user: User) -> Iterator[WaitingItem]:
    """The next step of each footage request this person prepares."""
    for request in footage_requests(user):
        step = next_step(request)
        if step is None:
            continue
        kind, label, link, since = step
        title = _("開示請求 %(number)s（%(requester)s）") % common.title_params(request)
        yield WaitingItem(kind, label, title, link, since, due_on=request.effective_due_on)


# --- the section of the request page -------------------------------------------------------


def masking_view(item: Processing) -> dict[str, Any]:
    """What the section shows of one masking: state, people count, the review."""
    return {"item": item, "link": reverse("processing:page", args=[item.pk]),
            "requester_tracks": len(item.requester_tracks or []),
            "result": item.result}


def view_of(user: Any, request: PersonalRequest) -> dict[str, Any]:
    """Everything the footage section shows this person."""
    copies_made = request_copies(request)
    rows = []
    for copy in copies_made:
        rows.append({"copy": copy, "title": copy_handoffs.copy_title(copy),
                     "maskings": [masking_view(p) for p in maskings(copy)],
                     "can_mask": not copy.is_processed and copy.is_kept and not any(
                         p.state in LIVE_MASKING for p in maskings(copy)),
                     "made_by": getattr(copy, "made_by", None) if copy.is_processed else None,
                     "disclosed": copy.pk == request.disclosed_copy_id})
    disclosed = request.disclosed_copy
    return {
        "req": request, "can_prepare": may_prepare(user, request),
        "can_copy": may_copy(user, request),
        "can_release": may_release_unmasked(user, request),
        "segments": saved_segments(request),
        "cameras": camera_names(list(request.channels or [])),
        "hold": request.hold if request.hold_id else None,
        "copy_requests": [{"item": cr, "title": copy_handoffs.request_title(cr),
                           "link": copy_handoffs.link_to(cr)}
                          for cr in request.copy_requests.order_by("pk")],
        "rows": rows, "disclosed": disclosed,
        "disclosed_title": copy_handoffs.copy_title(disclosed) if disclosed else "",
        "disclosed_masking": getattr(disclosed, "made_by", None)
        if disclosed is not None and disclosed.is_processed else None,
        "masking_reason": MASKING_REASON,
        "step": next_step(request) if request.is_open else None,
    }


def panel(http: Any, request: PersonalRequest) -> str:
    """The footage section (order 30): for a disclosure of footage, to whoever prepares it
    or may release it unmasked; empty otherwise."""
    user = http.user
    if not applies(request) or not (allows(user, "requests.prepare_footage", request)
                                    or allows(user, "requests.release_unmasked", request)):
        return ""
    return render_to_string("requests/footage_panel.html", view_of(user, request),
                            request=http)


# --- registration ----------------------------------------------------------------------------


ALERT_KINDS = (
    (COPY_MADE_KIND, gettext_lazy("本人請求の映像の複製データの作成")),
    (REVIEW_KIND, gettext_lazy("本人請求の映像の検出結果の確認依頼")),
    (READY_KIND, gettext_lazy("本人請求の映像の加工済み複製データの作成")),
    (UNMASKED_KIND, gettext_lazy("本人請求の映像をマスキングせずに開示")),
)


def _word_found(event: Any) -> str:
    detail = event.detail or {}
    return _("請求された映像を特定しました：%(vehicle)s %(start)s〜%(end)s（%(cameras)s、"
             "録画ファイル %(segments)s件を消去停止）。") % {
        "vehicle": detail.get("vehicle", "—"), "start": _moment(detail.get("start")),
        "end": _moment(detail.get("end")),
        "cameras": camera_names(list(detail.get("channels") or [])),
        "segments": detail.get("segments", 0)}


def _moment(value: Any) -> str:
    try:
        return f"{dt.datetime.fromisoformat(str(value)).astimezone(clock.JST):%Y-%m-%d %H:%M}"
    except ValueError:
        return "—"


EVENT_WORDS = (
    ("footage_found", _word_found),
    ("footage_copy_requested", gettext_lazy(
        "映像の複製を申請しました（複製申請 #%(copy_request)s）。")),
    ("footage_masking_requested", gettext_lazy(
        "複製データ #%(copy)s の請求者以外の加工（マスキング）を申請しました"
        "（加工 #%(processing)s）。")),
    ("footage_registered", gettext_lazy(
        "加工済み複製データ #%(copy)s を開示する映像として登録しました（人数（延べ）%(people)s、"
        "請求者本人を除く）。")),
    ("footage_unmasked_released", gettext_lazy(
        "個人情報保護管理者が複製データ #%(copy)s をマスキングせずに開示すると決定しました。"
        "理由：%(reason)s")),
)


def register() -> None:
    """Work-queue source, alert names, the 経過 words, the receivers of the copy and masking
    hand-offs, and the request page's section."""
    for kind, label in ALERT_KINDS:
        label_kind(kind, label)
    waiting.add_source(waiting_items)
    copies_made.connect(on_copies_made, dispatch_uid="requests.footage.copies_made")
    stage_reached.connect(on_masking_stage, dispatch_uid="requests.footage.masking_stage")
    panels.add_panel("footage", 30, panel)
    for action, words in EVENT_WORDS:
        timeline.add_wording(action, words)
