"""The decision on an accepted provision request (R-501): the department's manager provides,
provides in part (the scope trimmed to what is needed) or refuses with reasons; the profile
may make the privacy officer a second approver.

Why here: approving is where footage starts to leave the organisation, so the legal
assessment (`hogo.provision.assessment`) must allow a provision made today (Japan time) — a
consent dated later, or facts the records cannot take, refuse the approval now rather than
the hand-over later —, the approved scope must lie within what was asked, and the copy is
opened through the copy workflow (purpose PROVISION_PURPOSE, the request's number as its
ground) in the same transaction — a copy the workflow refuses rolls the decision back (its
refusal is then recorded in the audit chain again, after the rollback). The copy is made
there and then: the copy workflow makes a manager's own request at once, so a copy that
cannot be made leaves the request approved with a failed copy, which the alert and the
panel say. The decision re-pins the originals (footage uploaded since acceptance is held
too); that hold stays until the request closes; a refusal lets them go. Each step leaves a
経過 line and an audit entry and tells whoever acts next (never the actor).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from hogo import clock
from hogo.accounts.models import User
from hogo.accounts.permissions import allows, require
from hogo.accounts.policy import citation, effective_profile
from hogo.alerts import waiting
from hogo.alerts.text import AlertText, label_kind
from hogo.alerts.waiting import WaitingItem
from hogo.audit import services as audit
from hogo.copies import services as copies
from hogo.copies.models import CopyRequest
from hogo.copies.models import RequestState as CopyState
from hogo.provision import common, panels, wording
from hogo.provision.assessment import assess_request
from hogo.provision.handover import UNDERTAKINGS
from hogo.provision.models import Event, Outcome, ProvisionRequest, RecordForm, RequestState
from hogo.registry import services as registry
from hogo.registry.models import Channel, camera_names
from hogo.rules.copies import PROVISION_PURPOSE
from hogo.rules.provision import Article, Decision
from hogo.rules.wareki import format_wareki

SECOND_APPROVAL_KIND = "provision.second_approval"
APPROVED_KIND = "provision.approved"
DECIDED_KIND = "provision.decided"
SECOND_REFUSED_KIND = "provision.second_refused"
LONG_RANGE_REASON = "第三者提供の決定による範囲"
# A decision stands (its letter can be printed) once it is final.
FINAL_STATES = (RequestState.APPROVED, RequestState.HANDED_OVER, RequestState.REFUSED,
                RequestState.CLOSED)


class DecisionRefused(ValueError):
    """The decision cannot be made as asked; `reasons` are Japanese sentences for the form.
    `after_rollback` (if any) records what must stay in the audit chain although the
    decision's transaction is rolled back."""

    def __init__(self, reasons: list[str], *,
                 after_rollback: Callable[[], None] | None = None) -> None:
        self.reasons = [str(r) for r in reasons]
        self.after_rollback = after_rollback
        super().__init__(" / ".join(self.reasons))


@dataclass(frozen=True)
class Scope:
    """What is (or would be) provided: the vehicle's cameras over a time range, sound or not."""

    start: dt.datetime
    end: dt.datetime
    channels: tuple[str, ...]
    audio: bool

    @property
    def minutes(self) -> float:
        return (self.end - self.start).total_seconds() / 60

    @property
    def cameras(self) -> str:
        return camera_names(list(self.channels))

    def within(self, other: Scope) -> bool:
        return (other.start <= self.start < self.end <= other.end
                and set(self.channels) <= set(other.channels)
                and (other.audio or not self.audio))

    def smaller_than(self, other: Scope) -> bool:
        return self.within(other) and (
            (self.start, self.end) != (other.start, other.end)
            or set(self.channels) != set(other.channels) or self.audio != other.audio)


# --- what the decision form needs --------------------------------------------------------------


def requested_scope(request: ProvisionRequest) -> Scope | None:
    """The scope the request asks for (no cameras named: every camera of the vehicle)."""
    if request.vehicle_id is None or request.start_at is None or request.end_at is None:
        return None
    channels = request.channels or [code for code, _label in
                                    registry.channels_of(request.vehicle)]
    return Scope(request.start_at.astimezone(clock.JST), request.end_at.astimezone(clock.JST),
                 _in_order(channels), bool(request.audio))


def approved_scope(request: ProvisionRequest) -> Scope | None:
    if request.approved_start_at is None or request.approved_end_at is None:
        return None
    return Scope(request.approved_start_at.astimezone(clock.JST),
                 request.approved_end_at.astimezone(clock.JST),
                 tuple(request.approved_channels), bool(request.approved_audio))


def scope_choices(request: ProvisionRequest) -> dict[str, Any]:
    """The requested range beside the one to approve (the requested one until decided), the
    vehicle's cameras, and the profile's longest copy without a reason."""
    requested = requested_scope(request)
    return {"requested": requested, "approved": approved_scope(request) or requested,
            "cameras": registry.channels_of(request.vehicle) if request.vehicle_id else [],
            "max_minutes": effective_profile(request.organisation).value(
                "copies.max_range_minutes")}


def assessment_of(request: ProvisionRequest, provided_on: Iterable[dt.date] = ()) -> Any:
    """The legal assessment as the request's facts stand, for a provision on `provided_on`
    (None when they cannot be assessed)."""
    try:
        return assess_request(request, provided_on=provided_on)
    except ValueError:
        return None


CANNOT_ASSESS = gettext_lazy("記載事項から提供の可否を判断できません。請求の内容（根拠・同意など）"
                             "を確認してください。")


def fact_problems(request: ProvisionRequest, day: dt.date) -> list[str]:
    """Why the request's facts cannot carry a provision on `day`, in Japanese (what the rules
    refuse to assess, said before the hand-over and its record run into it)."""
    if not request.recipient_kind or not request.basis:
        return [str(CANNOT_ASSESS)]
    problems: list[str] = []
    if request.basis == "consent" and request.consent_on is None:
        problems.append(_("本人の同意を根拠とする請求ですが、本人の同意を得た日が記載されて"
                          "いません。同意書を確認し、同意を得た日を記入してください。"))
    if request.consent_on is not None and request.consent_on > day:
        problems.append(_("本人の同意を得た日（%(consent)s）が本日（%(today)s）より後に"
                          "なっています。提供の前に本人の同意を得ている必要があります"
                          "（%(article)s）。同意を得た日を確認してください。") % {
            "consent": _day(request.consent_on), "today": _day(day),
            "article": wording.article_text(Article("act", 27, 1))})
    if request.opt_out_on is not None:
        if effective_profile(request.organisation).organisation_type == "public_body":
            problems.append(_("オプトアウトによる提供は個人情報取扱事業者に限られます"
                              "（%(article)s）。オプトアウトの届出日を確認してください。")
                            % {"article": wording.article_text(Article("act", 27, 2))})
        elif request.opt_out_on > day:
            problems.append(_("オプトアウトの届出日（%(opt_out)s）が本日（%(today)s）より後に"
                              "なっています。届出の後でなければ提供できません（%(article)s）。")
                            % {"opt_out": _day(request.opt_out_on), "today": _day(day),
                               "article": wording.article_text(Article("act", 27, 2))})
        elif request.basis != "consent" and (request.record_form or "single") != "single":
            problems.append(_("オプトアウトによる提供は提供の都度記録します（%(article)s）。"
                              "記録の作成方法を「%(single)s」にしてください。") % {
                "article": wording.article_text(Article("rules", 19, 2), full=True),
                "single": RecordForm.SINGLE.label})
    return problems


def approval_assessment(request: ProvisionRequest, day: dt.date | None = None
                        ) -> tuple[Decision | None, list[str]]:
    """The assessment of providing on `day` (today, Japan time, by default) and, when it
    cannot be approved, why (Japanese sentences with the article)."""
    day = day or clock.today_jst()
    problems = fact_problems(request, day)
    if problems:
        return None, problems
    decision = assessment_of(request, provided_on=(day,))
    refused = refusal_of_approval(decision)
    return decision, [refused] if refused else []


def provision_days(request: ProvisionRequest) -> tuple[tuple[dt.date, ...], bool]:
    """The day the page's assessment counts as the provision's: the last hand-over's once
    handed over, else today — then `True`, the keep-until day is "if provided today"."""
    last = request.handovers.order_by("-prepared_at").first() if request.pk else None
    if last is not None:
        return (clock.jst_date(last.prepared_at),), False
    return (clock.today_jst(),), True


def _day(day: dt.date) -> str:
    return day.isoformat() if wording.english() else format_wareki(day)


def may_decide(user: Any, request: ProvisionRequest) -> bool:
    return request.can_be_decided and allows(user, "provision.decide", request)


def may_second_approve(user: Any, request: ProvisionRequest) -> bool:
    return (request.can_be_second_approved and allows(user, "provision.second_approve", request)
            and request.decided_by_id != getattr(user, "pk", None))


def second_approver_needed(request: ProvisionRequest) -> bool:
    return common.setting(request.organisation, "second_approver") == "privacy_officer"


# --- deciding ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Asked:
    """The scope the form gave (None: as requested)."""

    start: dt.datetime | None
    end: dt.datetime | None
    channels: Iterable[str] | None
    audio: bool | None


def decide(manager: User, request: ProvisionRequest, *, outcome: str, reason: str = "",
           start: dt.datetime | None = None, end: dt.datetime | None = None,
           channels: Iterable[str] | None = None, audio: bool | None = None
           ) -> ProvisionRequest:
    """The manager's decision: approve (the whole requested scope), partial (a smaller scope
    within it, with the reason) or refuse (with the reasons, for the letter). Raises
    DecisionRefused with Japanese reasons; nothing is changed then."""
    require(manager, "provision.decide", request)
    reason = (reason or "").strip()
    if outcome not in Outcome.values:
        raise DecisionRefused([_("決定（提供する・一部を提供する・提供しない）を選んでください。")])
    try:
        with transaction.atomic():
            _lock(request)
            if not request.can_be_decided:
                raise DecisionRefused([_("この申請は決定できる状態にありません（%(state)s）。")
                                       % {"state": request.get_state_display()}])
            if outcome == Outcome.REFUSE:
                _refuse(manager, request, reason)
            else:
                _approve(manager, request, outcome, reason, Asked(start, end, channels, audio))
    except Exception as error:
        _rolled_back(request, error)
        raise
    return request


def _rolled_back(request: ProvisionRequest, error: Exception) -> None:
    """After a refused decision's rollback: the request as stored, and what the audit chain
    must keep although the transaction is gone (a copy the workflow refused)."""
    request.refresh_from_db()
    after = getattr(error, "after_rollback", None)
    if after is not None:
        after()


def _lock(request: ProvisionRequest) -> None:
    ProvisionRequest.objects.select_for_update().filter(pk=request.pk).first()
    request.refresh_from_db()


def _refuse(manager: User, request: ProvisionRequest, reason: str) -> None:
    if not reason:
        raise DecisionRefused([_("提供しない場合は、その理由を書いてください（不提供決定通知書に"
                                 "記載します）。")])
    now = clock.now()
    request.outcome, request.decision_reason = Outcome.REFUSE, reason
    request.decided_by, request.decided_at = manager, now
    _close_refused(request, by=manager, at=now)
    common.log_event(request, "decided", actor=manager, audit_action="provision.decided",
                     outcome=Outcome.REFUSE, reason=reason)
    _tell_decided(request, actor=manager)


def _close_refused(request: ProvisionRequest, *, by: User, at: dt.datetime) -> None:
    request.approved_start_at = request.approved_end_at = None
    request.approved_channels, request.approved_audio = [], False
    request.state, request.closed_at, request.closed_by = RequestState.REFUSED, at, by
    request.save()
    common.release_originals(request, by=by)


def refusal_of_approval(decision: Any) -> str | None:
    """Why the rules do not allow providing (None when they do), in words with the article."""
    if decision is None:
        return str(CANNOT_ASSESS)
    if decision.allowed:
        return None
    view = wording.decision_view(decision)
    return _("法令上、提供することができません：%(why)s（%(article)s）") % {
        "why": str(view["allowed_because"]).rstrip("。."), "article": view["allowed_article"]}


def _approvable(request: ProvisionRequest) -> Decision:
    """The assessment of providing today; DecisionRefused with the reasons when it may not."""
    decision, problems = approval_assessment(request)
    if problems or decision is None:
        raise DecisionRefused([*problems, _("提供しない場合は「提供しない」を選び、理由を書いて"
                                            "ください。")])
    return decision


def _approve(manager: User, request: ProvisionRequest, outcome: str, reason: str,
             asked: Asked) -> None:
    decision = _approvable(request)
    scope = _scope_for(request, outcome, reason, asked)
    common.pin_originals(request, by=manager)  # footage uploaded since acceptance too
    request.outcome, request.decision_reason = outcome, reason
    request.decided_by, request.decided_at = manager, clock.now()
    request.approved_start_at, request.approved_end_at = scope.start, scope.end
    request.approved_channels, request.approved_audio = list(scope.channels), scope.audio
    common.log_event(request, "decided", actor=manager, audit_action="provision.decided",
                     outcome=outcome, reason=reason, start=scope.start.isoformat(),
                     end=scope.end.isoformat(), channels=list(scope.channels),
                     audio=scope.audio, allowed_because=decision.allowed_because,
                     article=decision.allowed_article.code())
    if second_approver_needed(request):
        request.state = RequestState.SECOND_APPROVAL
        request.save()
        _tell_second_approval(request, actor=manager)
    else:
        request.save()
        _finish(request, actor=manager)


def _scope_for(request: ProvisionRequest, outcome: str, reason: str,
               asked: Asked) -> Scope:
    requested = requested_scope(request)
    if requested is None:
        raise DecisionRefused([_("請求の対象（車両・日時）が特定されていないため、提供を決定"
                                 "できません。")])
    chosen = Scope(
        (asked.start or requested.start).astimezone(clock.JST),
        (asked.end or requested.end).astimezone(clock.JST),
        _in_order(asked.channels) if asked.channels is not None else requested.channels,
        requested.audio if asked.audio is None else bool(asked.audio))
    problems: list[str] = []
    if not chosen.channels:
        problems.append(_("提供するカメラを1つ以上選んでください。"))
    if chosen.end <= chosen.start:
        problems.append(_("提供する範囲の終了日時は、開始日時より後にしてください。"))
    if problems:
        raise DecisionRefused(problems)
    if not chosen.within(requested):
        problems.append(_("提供する範囲は、請求のあった範囲（%(start)s〜%(end)s、%(cameras)s%(audio)s）"
                          "の中にしてください。") % _scope_words(requested))
    elif outcome == Outcome.APPROVE and chosen.smaller_than(requested):
        problems.append(_("範囲を絞って提供する場合は「一部を提供する」を選び、その理由を書いて"
                          "ください。"))
    elif outcome == Outcome.PARTIAL and not chosen.smaller_than(requested):
        problems.append(_("「一部を提供する」には、請求のあった範囲より短い時間、少ないカメラ又は"
                          "音声なしを指定してください（同じ範囲なら「提供する」です）。"))
    if outcome == Outcome.PARTIAL and not reason:
        problems.append(_("一部を提供する場合は、提供しない部分の理由を書いてください（一部提供"
                          "決定通知書に記載します）。"))
    if problems:
        raise DecisionRefused(problems)
    return chosen


def _in_order(codes: Iterable[str]) -> tuple[str, ...]:
    """Camera codes once each, in the usual order (前方 before 後方); unknown ones kept last,
    so the scope check can name them as outside the request."""
    asked = list(dict.fromkeys(codes))
    return tuple([c for c in Channel.values if c in asked]
                 + [c for c in asked if c not in Channel.values])


def _moment(moment: dt.datetime, *, with_day: bool = True) -> str:
    """令和7年6月3日 14:01:02 in Japanese (2025-06-03 14:01:02 in English); the time alone
    when the day is already said."""
    local = moment.astimezone(clock.JST)
    if not with_day:
        return f"{local:%H:%M:%S}"
    day = local.date().isoformat() if wording.english() else format_wareki(local.date())
    return f"{day} {local:%H:%M:%S}"


def _scope_words(scope: Scope) -> dict[str, str]:
    same_day = scope.start.astimezone(clock.JST).date() == scope.end.astimezone(clock.JST).date()
    return {"start": _moment(scope.start), "end": _moment(scope.end, with_day=not same_day),
            "cameras": scope.cameras, "audio": _("、音声あり") if scope.audio else ""}


def second_approve(officer: User, request: ProvisionRequest, *, approve: bool,
                   reason: str = "") -> ProvisionRequest:
    """The second approver (the privacy officer, when the profile says so) confirms the
    manager's decision — the copy is then opened — or refuses it with the reasons."""
    require(officer, "provision.second_approve", request)
    reason = (reason or "").strip()
    try:
        with transaction.atomic():
            _lock(request)
            if not request.can_be_second_approved:
                raise DecisionRefused([_("この申請は第二承認を待っていません（%(state)s）。")
                                       % {"state": request.get_state_display()}])
            if request.decided_by_id == officer.pk:
                raise DecisionRefused([_("自分が決定した申請を第二承認することはできません。")])
            now = clock.now()
            request.second_decided_by, request.second_decided_at = officer, now
            if approve:
                _approvable(request)
                common.pin_originals(request, by=officer)
                common.log_event(request, "second_approved", actor=officer,
                                 audit_action="provision.second_approved", reason=reason)
                request.save()
                _finish(request, actor=officer)
            else:
                if not reason:
                    raise DecisionRefused([_("承認しない場合は、その理由を書いてください"
                                             "（不提供決定通知書に記載します）。")])
                first = request.get_outcome_display()
                request.outcome, request.decision_reason = Outcome.REFUSE, reason
                _close_refused(request, by=officer, at=now)
                common.log_event(request, "second_refused", actor=officer,
                                 audit_action="provision.second_refused", reason=reason)
                _tell_second_refused(request, first, actor=officer)
                _tell_decided(request, actor=officer)
    except Exception as error:
        _rolled_back(request, error)
        raise
    return request


def copy_requester(request: ProvisionRequest) -> User | None:
    """Who files the copy: the manager who decided while still active and allowed to request
    copies of the vehicle; else another active person allowed both to decide the request
    and to request the copy (the department's manager); None when there is nobody."""
    first = request.decided_by
    if first is not None and allows(first, "copies.request", request.vehicle):
        return first
    return next((person for person in common.people_who(request, "provision.decide")
                 if allows(person, "copies.request", request.vehicle)), None)


def _finish(request: ProvisionRequest, *, actor: User) -> None:
    """Approved: the copy is requested (and, being a manager's own, made at once) through
    the copy workflow. The request's own hold stays until the request closes."""
    scope = approved_scope(request)
    requester = copy_requester(request)
    if requester is None:
        raise DecisionRefused([_("決定した所属長 %(who)s さんは現在この車両の複製を申請できず"
                                 "（アカウントの無効化又は所属の変更）、代わりに複製を申請できる"
                                 "所属長もいないため、提供を確定できません。車両の所属の所属長を"
                                 "確認してください。") % {"who": request.decided_by or "—"}])
    max_minutes = effective_profile(request.organisation).value("copies.max_range_minutes")
    long_range_reason = LONG_RANGE_REASON if scope.minutes > max_minutes else ""
    try:
        copy_request = copies.request_copy(
            requester, vehicle=request.vehicle, start=scope.start, end=scope.end,
            channels=list(scope.channels), audio=scope.audio, purpose=PROVISION_PURPOSE,
            justification=justification(request), long_range_reason=long_range_reason,
            provision_reference=request.number)
    except copies.CopyRefused as refused:
        raise DecisionRefused(
            [_("複製を作成できないため、提供の決定はできません。"), *refused.reasons],
            after_rollback=_copy_refusal_audit(request, requester, scope,
                                               list(refused.reasons))) from refused
    except PermissionError as refused:
        raise DecisionRefused([_("%(who)s さんはこの車両の複製を申請できません。")
                               % {"who": requester}]) from refused
    request.state = RequestState.APPROVED
    request.save()
    request.copy_requests.add(copy_request)
    common.log_event(request, "approved", actor=actor, audit_action="provision.approved",
                     copy_request=copy_request.pk, copy_state=copy_request.state,
                     copy_requested_by=requester.pk)
    told = _tell_approved(request, copy_request, actor=actor)
    _tell_decided(request, actor=actor, besides=told)


def _copy_refusal_audit(request: ProvisionRequest, requester: User, scope: Scope,
                        reasons: list[str]) -> Callable[[], None]:
    """The copy workflow's `copy.refused` entry, written again once the decision's
    transaction has rolled it back, naming the provision request."""
    number, vehicle = request.number, request.vehicle

    def record() -> None:
        audit.record("copy.refused", user=requester, obj=vehicle, purpose=PROVISION_PURPOSE,
                     detail={"reasons": reasons, "start": scope.start.isoformat(),
                             "end": scope.end.isoformat(), "provision": number})

    return record


def justification(request: ProvisionRequest) -> str:
    """The copy's reason: the provision request and its purpose (never shorter than the
    profile's minimum reason)."""
    text = _("第三者提供の決定（提供申請 %(number)s）による複製。目的：%(purpose)s") % {
        "number": request.number, "purpose": request.purpose.strip() or "—"}
    minimum = int(effective_profile(request.organisation).value("purposes.min_reason_chars"))
    return text.ljust(minimum, "。")


# --- telling -------------------------------------------------------------------------------------


def _tell_second_approval(request: ProvisionRequest, *, actor: User) -> list[User]:
    text = (gettext_noop("%(who)sさんが提供申請 %(number)s（%(requester)s）を一部提供と決定し"
                         "ました。第二承認者として、承認するか否かを判断してください。")
            if request.outcome == Outcome.PARTIAL else
            gettext_noop("%(who)sさんが提供申請 %(number)s（%(requester)s）を提供と決定しまし"
                         "た。第二承認者として、承認するか否かを判断してください。"))
    return common.tell(
        request, SECOND_APPROVAL_KIND, "second_approval",
        [p for p in common.people_who(request, "provision.second_approve")
         if p.pk != request.decided_by_id],
        AlertText(text, who=str(actor), **common.title_params(request)),
        AlertText(gettext_noop("第三者提供の第二承認依頼 %(number)s"),
                  **common.title_params(request)), actor=actor)


def _tell_approved(request: ProvisionRequest, copy_request: CopyRequest, *,
                   actor: User) -> list[User]:
    """Those who hand the copy over: prepare it when the copy was made; make it again on the
    copy request's page when it failed; wait for it when it is not made yet."""
    params = {"cameras": approved_scope(request).cameras, "copy": copy_request.pk,
              **common.title_params(request)}
    copy_link = reverse("copies:detail", args=[copy_request.pk])
    if copy_request.state == CopyState.MADE:
        text, subject, link = (
            gettext_noop("提供申請 %(number)s（%(requester)s）の提供が決定しました"
                         "（%(cameras)s）。複製データを確認し、引渡しを準備してください。"),
            gettext_noop("第三者提供の決定 %(number)s（引渡しの準備）"), "")
    elif copy_request.state == CopyState.FAILED:
        text, subject, link = (
            gettext_noop("提供申請 %(number)s（%(requester)s）の提供が決定しました"
                         "（%(cameras)s）が、複製データを作成できませんでした。複製申請"
                         " #%(copy)s の画面から作り直してください。"),
            gettext_noop("第三者提供の決定 %(number)s（複製データの作成失敗）"), copy_link)
    else:
        text, subject, link = (
            gettext_noop("提供申請 %(number)s（%(requester)s）の提供が決定しました"
                         "（%(cameras)s）。複製申請 #%(copy)s の承認と複製データの作成を待って、"
                         "引渡しを準備してください。"),
            gettext_noop("第三者提供の決定 %(number)s（複製の作成待ち）"), copy_link)
    return common.tell(
        request, APPROVED_KIND, "approved", common.people_who(request, "provision.hand_over"),
        AlertText(text, **params), AlertText(subject, **common.title_params(request)),
        actor=actor, link=link)


def _tell_decided(request: ProvisionRequest, *, actor: User,
                  besides: Iterable[User] = ()) -> list[User]:
    """Who entered and who accepted the request learn the decision (for the letter)."""
    skip = {p.pk for p in besides}
    people = [p for p in (request.entered_by, request.accepted_by)
              if p is not None and p.is_active and p.pk not in skip]
    texts = {
        Outcome.APPROVE: gettext_noop("提供申請 %(number)s（%(requester)s）は提供の決定となり"
                                      "ました。提供決定通知書を請求者に送付してください。"),
        Outcome.PARTIAL: gettext_noop("提供申請 %(number)s（%(requester)s）は一部提供の決定と"
                                      "なりました。一部提供決定通知書を請求者に送付してください。"),
        Outcome.REFUSE: gettext_noop("提供申請 %(number)s（%(requester)s）は不提供の決定と"
                                     "なりました。不提供決定通知書を請求者に送付してください。"),
    }
    return common.tell(request, DECIDED_KIND, "decided", people,
                       AlertText(texts[request.outcome], **common.title_params(request)),
                       AlertText(gettext_noop("第三者提供の決定 %(number)s"),
                                 **common.title_params(request)), actor=actor)


def _tell_second_refused(request: ProvisionRequest, first: str, *, actor: User) -> list[User]:
    people = [request.decided_by] if request.decided_by and request.decided_by.is_active else []
    return common.tell(
        request, SECOND_REFUSED_KIND, "second_refused", people,
        AlertText(gettext_noop("%(who)sさんは提供申請 %(number)s（%(requester)s）の決定"
                               "（%(first)s）を承認しませんでした。不提供の決定となりました。"),
                  who=str(actor), first=first, **common.title_params(request)),
        AlertText(gettext_noop("第三者提供の第二承認 %(number)s（不承認）"),
                  **common.title_params(request)), actor=actor)


# --- the work queue ------------------------------------------------------------------------------


def waiting_items(user: User) -> Iterator[WaitingItem]:
    """Requests to decide (the department's managers, by the due day) and decisions waiting
    for the second approver."""
    if not getattr(user, "organisation_id", None):
        return
    pending = ProvisionRequest.objects.filter(
        organisation=user.organisation_id,
        state__in=(RequestState.RECEIVED, RequestState.SECOND_APPROVAL)).select_related(
        "organisation")
    for request in pending.order_by("due_on", "received_at"):
        title = _("提供申請 %(number)s（%(requester)s）") % common.title_params(request)
        if may_decide(user, request):
            yield WaitingItem("provision.decide",
                              _("第三者提供の申請を決定（提供・一部提供・不提供）"), title,
                              common.link_to(request),
                              request.accepted_at or request.received_at, due_on=request.due_on)
        elif may_second_approve(user, request):
            yield WaitingItem("provision.second_approve", _("第三者提供の決定を第二承認"),
                              title, common.link_to(request),
                              request.decided_at or request.received_at, due_on=request.due_on)


# --- the request page's section and the letter ------------------------------------------------


def first_decision(request: ProvisionRequest) -> Event | None:
    """The manager's decision line of the 経過 (the outcome before any second refusal)."""
    return request.events.filter(action="decided").order_by("-at", "-pk").first()


def second_outcome(request: ProvisionRequest) -> str | None:
    """The second approver's answer in words (None before it or without one): the last
    second-approval line of the 経過, whatever state the request has moved on to."""
    if request.second_decided_by_id is None:
        return None
    last = request.events.filter(action__in=("second_approved", "second_refused")).order_by(
        "-at", "-pk").first()
    refused = last.action == "second_refused" if last else request.outcome == Outcome.REFUSE
    return _("承認しない") if refused else _("承認する")


def copy_rows(request: ProvisionRequest) -> list[dict[str, Any]]:
    """The copies opened for the request, each with whether it failed (and why)."""
    return [{"request": c, "failed": c.state == CopyState.FAILED, "made": c.state == CopyState.MADE,
             "note": c.decision_note if c.state == CopyState.FAILED else ""}
            for c in request.copy_requests.order_by("pk")]


def view_of(user: User, request: ProvisionRequest) -> dict[str, Any]:
    """What the decision section and the decision page show: the assessment of a provision
    today (or on the day it was handed over), why it cannot be approved, the decision."""
    days, prospective = provision_days(request)
    decision = assessment_of(request, days) or assessment_of(request)
    problems = approval_assessment(request)[1] if request.can_be_decided else []
    first = first_decision(request)
    return {
        "req": request, "decision": decision,
        "words": wording.decision_view(decision) if decision is not None else None,
        "keep_if_today": prospective and decision is not None
        and decision.keep_until is not None,
        "not_allowed": " ".join(problems) or None,
        "scope": scope_choices(request), "approved": approved_scope(request),
        "first": first, "first_outcome": dict(Outcome.choices).get(
            (first.detail or {}).get("outcome", "")) if first else None,
        "second_needed": second_approver_needed(request),
        "second_outcome": second_outcome(request),
        "copy_requests": copy_rows(request),
        "can_decide": may_decide(user, request),
        "can_second": may_second_approve(user, request),
        "can_print": request.state in FINAL_STATES and bool(request.outcome)
        and allows(user, "provision.view", request),
        "outcomes": Outcome,
    }


def record_viewed(user: User, request: ProvisionRequest, what: str) -> None:
    """Opening the decision or second-approval page is an access to the request's data."""
    from hogo.provision.intake import record_viewed as viewed

    viewed(user, request, what)


def panel(http: Any, request: ProvisionRequest) -> str:
    """The decision section of the request page (order 20)."""
    if request.state in (RequestState.INCOMPLETE, RequestState.WITHDRAWN) \
            and not request.outcome:
        return ""
    from hogo.provision.forms_decision import DecisionForm, SecondApprovalForm

    context = view_of(http.user, request)
    if context["can_decide"]:
        context["form"] = DecisionForm(request=request)
    if context["can_second"]:
        context["second_form"] = SecondApprovalForm()
    return render_to_string("provision/decision_panel.html", context, request=http)


LETTER_TITLES = {Outcome.APPROVE: gettext_lazy("提供決定通知書"),
                 Outcome.PARTIAL: gettext_lazy("一部提供決定通知書"),
                 Outcome.REFUSE: gettext_lazy("不提供決定通知書")}


def decision_letter(user: User, request: ProvisionRequest) -> dict[str, Any]:
    """The notice of the decision to the requester (printed; its printing is audited)."""
    require(user, "provision.view", request)
    if request.state not in FINAL_STATES or not request.outcome:
        raise DecisionRefused([_("この申請はまだ決定されていません。")])
    decided_at = request.second_decided_at or request.decided_at
    requested_on = request.letter_date or clock.jst_date(request.received_at)
    audit.record("provision.letter_printed", user=user, obj=request,
                 detail={"number": request.number, "letter": "decision",
                         "outcome": request.outcome})
    organisation = request.organisation
    return {
        "req": request, "title": LETTER_TITLES[request.outcome],
        "date_ja": format_wareki(clock.jst_date(decided_at)),
        "requested_ja": format_wareki(requested_on), "organisation": organisation,
        "requested": requested_scope(request), "approved": approved_scope(request),
        "refused": request.outcome == Outcome.REFUSE,
        "partial": request.outcome == Outcome.PARTIAL,
        "provision_rule": citation(organisation, "provision"),
        "undertaking_rule": citation(organisation, "recipient_undertaking"),
        "undertakings": UNDERTAKINGS,
    }


def _word_decided(event: Event) -> str:
    """The manager's decision as a line of 経過: outcome, scope, reason."""
    detail = event.detail or {}
    text = _("決定しました：%(outcome)s。") % {
        "outcome": dict(Outcome.choices).get(detail.get("outcome", ""), "—")}
    if detail.get("start") and detail.get("end"):
        start = dt.datetime.fromisoformat(detail["start"]).astimezone(clock.JST)
        end = dt.datetime.fromisoformat(detail["end"]).astimezone(clock.JST)
        text += " " + _("提供する範囲：%(start)s〜%(end)s、%(cameras)s%(audio)s") % _scope_words(
            Scope(start, end, tuple(detail.get("channels") or ()), bool(detail.get("audio"))))
    if detail.get("reason"):
        text += " " + _("理由：%(reason)s") % {"reason": detail["reason"]}
    return text


def _word_approved(event: Event) -> str:
    """The approval as a line of 経過, saying when its copy could not be made."""
    detail = event.detail or {}
    text = _("提供が確定し、複製申請 #%(copy_request)s を作成しました。") % {
        "copy_request": detail.get("copy_request", "—")}
    if detail.get("copy_state") == CopyState.FAILED:
        text += " " + _("複製データは作成できませんでした（複製申請の画面から作り直せます）。")
    return text


EVENT_WORDS = (
    ("decided", _word_decided),
    ("approved", _word_approved),
    ("second_approved", gettext_lazy("第二承認者が承認しました。")),
    ("second_refused", gettext_lazy("第二承認者が承認せず、不提供となりました。理由：%(reason)s")),
)


def register() -> None:
    """Work-queue source, alert names, the 経過 words and the request page's section."""
    from hogo.provision.intake import add_wording

    for action, words in EVENT_WORDS:
        add_wording(action, words)
    label_kind(SECOND_APPROVAL_KIND, gettext_lazy("第三者提供の第二承認依頼"))
    label_kind(APPROVED_KIND, gettext_lazy("第三者提供の決定（引渡しの準備）"))
    label_kind(DECIDED_KIND, gettext_lazy("第三者提供の決定"))
    label_kind(SECOND_REFUSED_KIND, gettext_lazy("第三者提供の第二承認（不承認）"))
    waiting.add_source(waiting_items)
    panels.add_panel("decision", 20, panel)
