"""Deciding a person's request (R-605): the extension of a public body's period (Art. 83(2))
or the special rule for a very large request (Art. 84), the decision with its grounds and
written reason, and the day its notice went out.

Why the checks live here: the Act allows a refusal only on the grounds it lists (a business:
Art. 33(2) items; a public body: the information of Art. 78(1)), so a partial disclosure, a
refusal or a neither-confirm-nor-deny needs at least one of them and always a written reason;
"does not exist" needs its reason too. A business has no extension: it answers "without
delay". A disclosure of provision records lists, at the decision, the records about the
person (`hogo.provision.records.records_about`), kept on the request for the letter's annex.
Carrying the decision out and closing are `hogo.requests.carrying`; the request page's
section and the area's registration are `hogo.requests.decision`; the deadline chase and
the work queue are here, because they follow the decision's due day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from hogo import clock
from hogo.accounts.models import User
from hogo.accounts.permissions import allows, require
from hogo.alerts.services import mail_people, raise_once
from hogo.alerts.text import AlertText
from hogo.alerts.waiting import WaitingItem
from hogo.provision import records as provision_records
from hogo.requests import common, deadlines
from hogo.requests.models import DisclosureOf, Kind, Outcome, PersonalRequest, RequestState
from hogo.requests.timeline import shown_day
from hogo.rules import requests as rules

DECIDED_KIND = "requests.decided"
EXTENDED_KIND = "requests.extended"
DUE_SOON_KIND = "requests.due_soon"
OVERDUE_KIND = "requests.overdue"
REMIND_DAYS_BEFORE = 3
UNDECIDED = (RequestState.RECEIVED, RequestState.CORRECTION_WAIT, RequestState.IN_PROGRESS)


class DecisionRefused(ValueError):
    """The decision (or extension) cannot be made as asked; Japanese reasons for the form."""

    def __init__(self, reasons: Iterable[Any]) -> None:
        self.reasons = [str(r) for r in reasons]
        super().__init__(" / ".join(self.reasons))


def may_decide(user: Any, request: PersonalRequest) -> bool:
    return request.can_be_decided and allows(user, "requests.decide", request)


def may_extend(user: Any, request: PersonalRequest) -> bool:
    return (request.state in UNDECIDED and common.is_public_body(request.organisation)
            and allows(user, "requests.decide", request))


def outcome_choices(request: PersonalRequest) -> list[tuple[str, str]]:
    labels = dict(Outcome.choices)
    return [(code, str(labels[code])) for code in rules.OUTCOMES[request.kind]]


def needs_grounds(request: PersonalRequest, outcome: str) -> bool:
    """The Act's refusal grounds are those of disclosure (Art. 33(2) / Art. 78(1))."""
    return request.kind == Kind.DISCLOSURE and outcome in rules.NEEDS_GROUNDS


def needs_reason(request: PersonalRequest, outcome: str) -> bool:
    """Everything but doing all that was asked needs its reason written (Art. 36 for a
    business; the notice of Arts. 82(2), 93(2), 101(2) for a public body)."""
    return outcome not in (Outcome.DISCLOSE, Outcome.CARRY_OUT)


def person_text(request: PersonalRequest) -> str:
    """Whom the data is about, to find their records: the principal when an agent asks."""
    return (request.principal_name if request.is_agent and request.principal_name
            else request.requester_name).strip()


def asks_records(request: PersonalRequest) -> bool:
    return (request.kind == Kind.DISCLOSURE
            and DisclosureOf.PROVISION_RECORDS in (request.disclosure_of or []))


def _record_row(record: Any) -> dict[str, Any]:
    """What the annex shows of a provision record (the Rules Art. 20 items)."""
    return {"id": record.pk, "recipient": record.recipient_name,
            "address": record.recipient_address,
            "representative": record.recipient_representative,
            "provided_on": list(record.provided_on or []), "persons": record.persons,
            "data_items": record.data_items, "consent": record.consent}


def records_found(user: User, request: PersonalRequest, text: str | None = None
                  ) -> list[dict[str, Any]]:
    """The provision records about the person this user may read ([] when they may not)."""
    if not allows(user, "provision.view_records"):
        return []
    return [_record_row(r) for r in
            provision_records.records_about(user, text or person_text(request))]


# --- the decision ------------------------------------------------------------------------------


def _locked(request: PersonalRequest) -> PersonalRequest:
    PersonalRequest.objects.select_for_update().filter(pk=request.pk).first()
    request.refresh_from_db()
    return request


def _checked_grounds(request: PersonalRequest, outcome: str, grounds: Iterable[str],
                     reason: str) -> list[str]:
    allowed = [code for code, _article in
               rules.GROUNDS[common.organisation_type(request.organisation)]]
    chosen = [g for g in dict.fromkeys(grounds) if g]
    problems = []
    unknown = [g for g in chosen if g not in allowed]
    if unknown:
        problems.append(_("この組織に適用されない不開示の根拠が選ばれています。"))
    if needs_grounds(request, outcome) and not chosen:
        problems.append(_("一部開示・不開示・存否応答拒否には、根拠（%(articles)s）を1つ以上"
                          "選んでください。") % {"articles": _grounds_article(request)})
    if needs_reason(request, outcome) and not reason:
        problems.append(_("決定の理由を書いてください（決定通知書に記載します）。"))
    if problems:
        raise DecisionRefused(problems)
    return chosen if needs_grounds(request, outcome) else []


def _grounds_article(request: PersonalRequest) -> str:
    return (_("法第78条第1項各号") if common.is_public_body(request.organisation)
            else _("法第33条第2項各号"))


def decide(user: User, request: PersonalRequest, *, outcome: str, grounds: Iterable[str] = (),
           reason: str = "", records_text: str | None = None) -> PersonalRequest:
    """The decision: an outcome the kind allows, the grounds (disclosure refusals), the
    reason. A disclosure of provision records keeps the records found for the letter."""
    require(user, "requests.decide", request)
    reason = (reason or "").strip()
    with transaction.atomic():
        request = _locked(request)
        if not request.can_be_decided:
            raise DecisionRefused([
                _("本人確認が記録されていないため、決定できません。") if not
                request.identity_checked else _("この請求は決定できる状態にありません"
                                                "（%(state)s）。")
                % {"state": request.get_state_display()}])
        if outcome not in rules.OUTCOMES[request.kind]:
            raise DecisionRefused([_("決定の内容を選んでください。")])
        chosen = _checked_grounds(request, outcome, grounds, reason)
        found = (records_found(user, request, records_text) if asks_records(request)
                 and outcome in (Outcome.DISCLOSE, Outcome.PARTIAL) else [])
        request.outcome, request.grounds, request.decision_reason = outcome, chosen, reason
        request.disclosed_records = found
        request.decided_by, request.decided_at = user, clock.now()
        request.state = RequestState.DECIDED
        request.save()
        common.log_event(request, "decided", actor=user, audit_action="requests.decided",
                         outcome=outcome, grounds=chosen, reason=reason[:2000],
                         records=[r["id"] for r in found])
        _tell_decided(request, actor=user)
    return request


def _tell_decided(request: PersonalRequest, *, actor: User) -> list[User]:
    """Who handles the request sends the notice (and carries out what was decided)."""
    people = [*common.people_who(request, "requests.handle"),
              *([request.entered_by] if request.entered_by and request.entered_by.is_active
                else [])]
    refused = request.outcome in (Outcome.REFUSE, Outcome.NOT_EXIST,
                                  Outcome.NEITHER_CONFIRM_NOR_DENY)
    text = (gettext_noop("%(kind)s請求 %(number)s（%(requester)s）は「%(outcome)s」と決定され"
                         "ました。決定通知書を送付し、通知した日を記録してください。") if refused
            or request.kind == Kind.PURPOSE_NOTIFICATION else
            gettext_noop("%(kind)s請求 %(number)s（%(requester)s）は「%(outcome)s」と決定され"
                         "ました。決定通知書を送付し、決定の内容を実施して記録してください。"))
    return common.tell(request, DECIDED_KIND, "decided", people, AlertText(
        text, kind=request.get_kind_display(), outcome=request.get_outcome_display(),
        **common.title_params(request)),
        AlertText(gettext_noop("本人請求の決定 %(number)s"), **common.title_params(request)),
        actor=actor)


# --- extension (Art. 83(2)) and very large requests (Art. 84) ----------------------------------


def _rule_refusal(request: PersonalRequest, error: deadlines.RequestRuleError) -> DecisionRefused:
    if error.code == "extension_without_reason":
        return DecisionRefused([_("延長の理由を書いてください。延長するときは、延長後の期間と延長の"
                                  "理由を書面で通知しなければなりません（%(article)s）。") % {
            "article": _article(request, "extension")}])
    if error.code == "large_request_not_available":
        return DecisionRefused([_("開示決定等の期限の特例（法第84条）は、行政機関等の開示請求に"
                                  "限り適用できます。")])
    return DecisionRefused([_("決定の期限を延長できません（%(why)s）。") % {"why": error}])


def _article(request: PersonalRequest, key: str) -> str:
    try:
        return deadlines.articles(request.organisation, request.kind).get(key, "")
    except deadlines.RequestRuleError:
        return ""


def _no_extension_for_business(request: PersonalRequest) -> None:
    if not common.is_public_body(request.organisation):
        raise DecisionRefused([_("個人情報取扱事業者は、請求に遅滞なく対応しなければならず、回答の"
                                 "期限を延長する制度はありません（%(article)s）。") % {
            "article": _article(request, "due") or _("法第33条第2項")}])


def _open_for_extension(request: PersonalRequest, today: dt.date) -> None:
    if request.state not in UNDECIDED:
        raise DecisionRefused([_("決定済み又は完了した請求の期限は延長できません。")])
    deadlines.refresh(request, today=today)
    if request.due_on is not None and today > request.due_on:
        raise DecisionRefused([_("延長は当初の決定期限（%(due)s）までに決めて通知しなければ"
                                 "なりません。") % {"due": shown_day(request.due_on)}])


def extension_limit(request: PersonalRequest) -> dt.date | None:
    """The latest day an extension may set (the profile's extension_days), or None."""
    try:
        return deadlines.extension_due(request, "—")
    except deadlines.RequestRuleError:
        return None


def extend(user: User, request: PersonalRequest, *, reason: str,
           new_due_on: dt.date | None = None) -> PersonalRequest:
    """Extend a public body's decision period once (Art. 83(2); 94(2), 102(2)) with the
    written reason and the new last day (default: the longest the profile allows)."""
    require(user, "requests.decide", request)
    reason = (reason or "").strip()
    today = clock.today_jst()
    with transaction.atomic():
        request = _locked(request)
        _no_extension_for_business(request)
        _open_for_extension(request, today)
        if request.extended_at is not None:
            raise DecisionRefused([_("決定の期限の延長は1回に限られます（延長後の期限：%(day)s）。")
                                   % {"day": request.effective_due_on}])
        try:
            latest = deadlines.extension_due(request, reason, today=today)
        except deadlines.RequestRuleError as error:
            raise _rule_refusal(request, error) from error
        new_due_on = new_due_on or latest
        if new_due_on <= request.due_on:
            raise DecisionRefused([_("延長後の期限は、当初の期限（%(due)s）より後の日にして"
                                     "ください。") % {"due": shown_day(request.due_on)}])
        if new_due_on > latest:
            raise DecisionRefused([_("延長できるのは%(days)s日以内です。延長後の期限は%(latest)s"
                                     "までの日にしてください（%(article)s）。") % {
                "days": common.setting(request.organisation, "extension_days"),
                "latest": shown_day(latest), "article": _article(request, "extension")}])
        request.extended_due_on, request.extension_reason = new_due_on, reason
        request.extended_at, request.extended_by = clock.now(), user
        request.save()
        common.log_event(request, "extended", actor=user, audit_action="requests.extended",
                         due_on=request.due_on.isoformat(), new_due_on=new_due_on.isoformat(),
                         reason=reason[:2000])
        _tell_extended(request, actor=user, large=False)
    return request


def apply_large_request(user: User, request: PersonalRequest, *, reason: str,
                        remainder_due_on: dt.date | None) -> PersonalRequest:
    """Art. 84: a substantial part decided within 60 days of receipt, the rest by the stated
    day, notified with the reason within the Art. 83(1) period."""
    require(user, "requests.decide", request)
    reason = (reason or "").strip()
    today = clock.today_jst()
    with transaction.atomic():
        request = _locked(request)
        _no_extension_for_business(request)
        _open_for_extension(request, today)
        try:
            part_due = deadlines.large_due(request)
        except deadlines.RequestRuleError as error:
            raise _rule_refusal(request, error) from error
        problems = []
        if not reason:
            problems.append(_("特例を適用する理由を書いてください（通知書に記載します。"
                              "法第84条）。"))
        if remainder_due_on is None or remainder_due_on <= part_due:
            problems.append(_("残りの部分について決定する期限を、相当の部分の期限（%(due)s）より"
                              "後の日で入力してください。") % {"due": shown_day(part_due)})
        if problems:
            raise DecisionRefused(problems)
        request.extended_due_on = part_due
        request.extended_at, request.extended_by = clock.now(), user
        request.remainder_due_on, request.remainder_reason = remainder_due_on, reason
        request.save()
        common.log_event(request, "large_request", actor=user,
                         audit_action="requests.large_request", part_due_on=part_due.isoformat(),
                         remainder_due_on=remainder_due_on.isoformat(), reason=reason[:2000])
        _tell_extended(request, actor=user, large=True)
    return request


def _tell_extended(request: PersonalRequest, *, actor: User, large: bool) -> list[User]:
    text = (gettext_noop("%(kind)s請求 %(number)s（%(requester)s）に開示決定等の期限の特例を適用"
                         "しました（残りの部分の期限：%(day)s）。通知書を請求者に送付してください。")
            if large else
            gettext_noop("%(kind)s請求 %(number)s（%(requester)s）の決定期限を%(day)sまで延長し"
                         "ました。延長通知書を請求者に送付してください。"))
    day = request.remainder_due_on if large else request.extended_due_on
    return common.tell(request, EXTENDED_KIND, "large" if large else "extended",
                       common.people_who(request, "requests.handle"),
                       AlertText(text, kind=request.get_kind_display(), day=day,
                                 **common.title_params(request)),
                       AlertText(gettext_noop("本人請求の決定期限の延長 %(number)s"),
                                 **common.title_params(request)), actor=actor)


# --- the work queue and the deadline chase ----------------------------------------------------


def _title(request: PersonalRequest) -> str:
    return _("%(kind)s請求 %(number)s（%(requester)s）") % {
        "kind": request.get_kind_display(), **common.title_params(request)}


def waiting_items(user: User) -> Iterator[WaitingItem]:
    """Requests to decide, for whoever may decide them, by their due day (overdue flagged by
    the queue)."""
    if not getattr(user, "organisation_id", None):
        return
    pending = PersonalRequest.objects.filter(
        organisation=user.organisation_id, state=RequestState.IN_PROGRESS).select_related(
        "organisation")
    for request in pending.order_by("due_on", "received_at"):
        if may_decide(user, request):
            yield WaitingItem("requests.decide", _("本人からの請求を決定"), _title(request),
                              common.link_to(request), request.received_at,
                              due_on=request.effective_due_on)


def chase_deadlines(today: dt.date | None = None) -> int:
    """Daily: alert who may decide (the privacy officer among them) once when an undecided
    request's due day is 3 days away or less, and once when it has passed — per request,
    stage and due day (an extension starts over). Returns the alerts raised."""
    today = today or clock.today_jst()
    open_requests = PersonalRequest.objects.filter(
        state__in=(RequestState.RECEIVED, RequestState.IN_PROGRESS)).select_related(
        "organisation")
    raised = 0
    for request in open_requests:
        due = request.effective_due_on
        if due is None or today < due - dt.timedelta(days=REMIND_DAYS_BEFORE):
            continue
        raised += _remind(request, due, overdue=today > due)
    return raised


def _remind(request: PersonalRequest, due: dt.date, *, overdue: bool) -> int:
    params = {"kind": request.get_kind_display(), "due": due, **common.title_params(request)}
    if overdue:
        kind, stage = OVERDUE_KIND, "overdue"
        text = AlertText(gettext_noop("%(kind)s請求 %(number)s（%(requester)s）の決定期限"
                                      "（%(due)s）を過ぎています。直ちに決定してください。"),
                         **params)
        subject = AlertText(gettext_noop("本人請求の決定期限を過ぎています %(number)s"), **params)
    else:
        kind, stage = DUE_SOON_KIND, "due_soon"
        text = AlertText(gettext_noop("%(kind)s請求 %(number)s（%(requester)s）の決定期限は%(due)s"
                                      "です。期限までに決定（又は延長の通知）をしてください。"),
                         **params)
        subject = AlertText(gettext_noop("本人請求の決定期限が近づいています %(number)s"), **params)
    link = common.link_to(request)
    told = []
    with transaction.atomic():
        for person in common.people_who(request, "requests.decide"):
            key = f"requests:{request.pk}:{stage}:{due.isoformat()}:user:{person.pk}"
            if raise_once(kind, key=key, message=text, link=link, recipient=person):
                told.append(person)
        if told:
            transaction.on_commit(lambda: mail_people(told, subject, text, link=link))
    return len(told)


# --- the 経過 words and registration -----------------------------------------------------------


def _word_decided(event: Any) -> str:
    detail = event.detail or {}
    text = _("決定しました：%(outcome)s。") % {
        "outcome": dict(Outcome.choices).get(detail.get("outcome", ""), "—")}
    if detail.get("grounds"):
        text += " " + _("根拠：%(grounds)s") % {"grounds": "、".join(detail["grounds"])}
    if detail.get("reason"):
        text += " " + _("理由：%(reason)s") % {"reason": detail["reason"]}
    return text


EVENT_WORDS = (
    ("decided", _word_decided),
    ("extended", gettext_lazy("決定期限を%(new_due_on)sまで延長しました（当初の期限：%(due_on)s）。"
                              "理由：%(reason)s")),
    ("large_request", gettext_lazy("開示決定等の期限の特例を適用しました。相当の部分："
                                   "%(part_due_on)sまで、残りの部分：%(remainder_due_on)sまで。"
                                   "理由：%(reason)s")),
)
