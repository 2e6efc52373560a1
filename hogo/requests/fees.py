"""The fee of a person's request (手数料, R-606): counted from the profile, shown before the
decision, paid against a numbered receipt (領収書), and checked before a disclosure is
carried out.

Why a service of its own: what may be charged is the law's, not the form's. Only the purpose
notification and the disclosure may cost anything (a business: Act Art. 38(1); a public body:
Art. 89, the amount by ordinance); a correction or stop request is free, so setting or taking
a fee for one is refused here with the article. The amounts (300 yen per request and copies
per sheet or disc at the demo city; 1,000 yen per item at a driving school) come from the
profile through `deadlines.fee_for`; a disclosure is not carried out before its fee is paid
(unless it is 0).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from hogo import clock
from hogo.accounts.models import User
from hogo.accounts.permissions import allows, require
from hogo.accounts.public_forms import lock_organisation
from hogo.alerts.text import AlertText
from hogo.alerts.waiting import WaitingItem
from hogo.requests import common, deadlines, letters
from hogo.requests.models import Outcome, PersonalRequest, RequestState
from hogo.rules import requests as rules

FEE_PAID_KIND = "requests.fee_paid"
# Outcomes after which nothing is disclosed, so no fee is collected any more.
NOTHING_TO_DISCLOSE = (Outcome.REFUSE, Outcome.NOT_EXIST, Outcome.NEITHER_CONFIRM_NOR_DENY)


class FeeRefused(ValueError):
    """The fee cannot be set or taken as asked; a Japanese sentence for the form."""


def is_free(request: PersonalRequest) -> bool:
    return request.kind in rules.FREE_KINDS


def free_because(organisation: Any) -> str:
    """Why a correction or stop request costs nothing, with the article the UI cites."""
    if common.is_public_body(organisation):
        return _("訂正請求及び利用停止請求には手数料はかかりません（手数料を定めるのは開示請求に"
                 "限られます：法第89条）。")
    return _("訂正等・利用停止等の請求には手数料を徴収できません（手数料を徴収できるのは利用目的"
             "の通知と開示に限られます：法第38条第1項）。")


def refused_free(request: PersonalRequest) -> FeeRefused:
    kind = request.get_kind_display()
    if common.is_public_body(request.organisation):
        return FeeRefused(_("%(kind)sの請求に手数料を課すことはできません。手数料を納めるのは開示"
                            "請求をする者に限られます（法第89条）。") % {"kind": kind})
    return FeeRefused(_("%(kind)sの請求に手数料を課すことはできません。手数料を徴収できるのは利用"
                        "目的の通知と開示の請求に限られます（法第38条第1項）。") % {"kind": kind})


def total(request: PersonalRequest) -> int:
    return request.fee_yen + request.copy_fee_yen


def settled(request: PersonalRequest) -> bool:
    """Nothing (more) to pay: the fee is 0 or its payment is recorded."""
    return total(request) == 0 or request.fee_paid_at is not None


def unit_of(organisation: Any, kind: str) -> dict[str, Any]:
    """The profile's amount for the kind, its unit (per request / per item), copies."""
    fees = deadlines.fees(organisation)
    return {"amount": int(fees.get(kind, 0) or 0), "per": fees.get("per", "request"),
            "per_item": fees.get("per") == "item", "copy_sheet": int(fees["copy_sheet"] or 0),
            "copy_disc": int(fees["copy_disc"] or 0)}


def fee_view(request: PersonalRequest) -> dict[str, Any]:
    """What the panel shows before the decision: items, the unit, the amounts, the payment."""
    organisation = request.organisation
    return {"free": is_free(request), "free_because": free_because(organisation)
            if is_free(request) else "", "unit": unit_of(organisation, request.kind),
            "items": request.fee_items, "fee": request.fee_yen,
            "copy_fee": request.copy_fee_yen, "total": total(request),
            "paid": request.fee_paid_at is not None, "settled": settled(request),
            "receipt": request.fee_receipt_number,
            "rule": letters.fee_rule(organisation, request.kind)}


def may_handle(user: Any, request: PersonalRequest) -> bool:
    return request.is_open and allows(user, "requests.handle", request)


def _locked(request: PersonalRequest) -> PersonalRequest:
    PersonalRequest.objects.select_for_update().filter(pk=request.pk).first()
    request.refresh_from_db()
    return request


def _amounts(request: PersonalRequest, items: int, sheets: int, discs: int) -> tuple[int, int]:
    """(fee, copy fee) from the profile; the rules' refusals in Japanese."""
    if min(items, sheets, discs) < 0:
        raise FeeRefused(_("件数・枚数は0以上の数で入力してください。"))
    try:
        fee = deadlines.fee_for(request.organisation, request.kind, items=items)
        copies = deadlines.fee_for(request.organisation, request.kind, items=0,
                                   sheets=sheets, discs=discs)
    except deadlines.RequestRuleError as error:
        if error.code == "fee_on_free_kind":
            raise refused_free(request) from error
        raise FeeRefused(_("手数料を計算できません（%(why)s）。") % {"why": error}) from error
    return fee, copies


def set_fee(user: User, request: PersonalRequest, *, items: int, sheets: int = 0,
            discs: int = 0) -> PersonalRequest:
    """Count the fee: the items asked for (a per-item fee) and the copies to hand over (sheets,
    discs). Refused for a correction or stop request, after payment, or once closed."""
    require(user, "requests.handle", request)
    with transaction.atomic():
        request = _locked(request)
        if is_free(request):
            raise refused_free(request)
        if not request.is_open:
            raise FeeRefused(_("完了又は取下げの請求の手数料は変更できません。"))
        if request.fee_paid_at is not None:
            raise FeeRefused(_("手数料は納付済みです（領収番号 %(n)s）。変更できません。")
                             % {"n": request.fee_receipt_number})
        fee, copies = _amounts(request, items, sheets, discs)
        request.fee_items, request.fee_yen, request.copy_fee_yen = items, fee, copies
        request.save(update_fields=["fee_items", "fee_yen", "copy_fee_yen"])
        common.log_event(request, "fee_set", actor=user, audit_action="requests.fee_set",
                         items=items, sheets=sheets, discs=discs, fee_yen=fee,
                         copy_fee_yen=copies)
    return request


def next_receipt_number(organisation: Any, day: dt.date) -> str:
    """「2026-F0001」: the year's next receipt of the organisation (call with it locked)."""
    prefix = f"{day.year}-F"
    used = PersonalRequest.objects.filter(organisation=organisation,
                                          fee_receipt_number__startswith=prefix).count()
    return f"{prefix}{used + 1:04d}"


def record_payment(user: User, request: PersonalRequest, *, amount: int,
                   paid_at: dt.datetime | None = None) -> PersonalRequest:
    """The fee was paid (at the counter, by postal order): the amount must be the one due; a
    numbered receipt is issued. Refused for a free request, nothing due, or paid already."""
    require(user, "requests.handle", request)
    with transaction.atomic():
        lock_organisation(request.organisation)
        request = _locked(request)
        if is_free(request):
            raise refused_free(request)
        if request.fee_paid_at is not None:
            raise FeeRefused(_("手数料は納付済みです（領収番号 %(n)s）。") % {
                "n": request.fee_receipt_number})
        if not request.is_open:
            raise FeeRefused(_("完了又は取下げの請求の手数料は受領できません。"))
        due = total(request)
        if due == 0:
            raise FeeRefused(_("この請求に納付していただく手数料はありません。"))
        if amount != due:
            raise FeeRefused(_("納付額（%(amount)s円）が手数料の額（%(due)s円）と一致しません。")
                             % {"amount": f"{amount:,}", "due": f"{due:,}"})
        paid_at = paid_at or clock.now()
        if paid_at > clock.now():
            raise FeeRefused(_("納付日時に未来の日時は入力できません。"))
        request.fee_paid_at = paid_at
        request.fee_receipt_number = next_receipt_number(request.organisation,
                                                         clock.jst_date(paid_at))
        request.save(update_fields=["fee_paid_at", "fee_receipt_number"])
        common.log_event(request, "fee_paid", actor=user, audit_action="requests.fee_paid",
                         amount=amount, receipt=request.fee_receipt_number,
                         paid_at=paid_at.isoformat())
        _tell_paid(request, actor=user)
    return request


def _tell_paid(request: PersonalRequest, *, actor: User) -> None:
    """Who carries the disclosure out learns it may go ahead (a decided request), else the
    deciders learn the fee is in."""
    decided = request.state == RequestState.DECIDED
    people = common.people_who(request, "requests.handle" if decided else "requests.decide")
    common.tell(request, FEE_PAID_KIND, "fee_paid", people, AlertText(
        gettext_noop("%(kind)s請求 %(number)s（%(requester)s）の手数料が納付されました（領収"
                     "番号 %(receipt)s）。開示を実施できます。") if decided else
        gettext_noop("%(kind)s請求 %(number)s（%(requester)s）の手数料が納付されました（領収"
                     "番号 %(receipt)s）。"), receipt=request.fee_receipt_number,
        kind=request.get_kind_display(),
        **common.title_params(request)),
        AlertText(gettext_noop("手数料の納付 %(number)s"), **common.title_params(request)),
        actor=actor)


def waiting_items(user: User) -> Iterator[WaitingItem]:
    """Fees to collect: open requests with an amount due and no payment, for their handlers."""
    if not getattr(user, "organisation_id", None):
        return
    due = PersonalRequest.objects.filter(
        organisation=user.organisation_id, fee_paid_at__isnull=True,
        state__in=(RequestState.IN_PROGRESS, RequestState.DECIDED)).exclude(
        kind__in=rules.FREE_KINDS).exclude(outcome__in=NOTHING_TO_DISCLOSE).select_related(
        "organisation")
    for request in due.order_by("received_at"):
        if total(request) and allows(user, "requests.handle", request):
            yield WaitingItem("requests.collect_fee", _("本人請求の手数料を受領（%(yen)s円）") % {
                "yen": f"{total(request):,}"},
                _("%(kind)s請求 %(number)s（%(requester)s）") % {
                    "kind": request.get_kind_display(), **common.title_params(request)},
                common.link_to(request), request.received_at)


EVENT_WORDS = (
    ("fee_set", gettext_lazy("手数料を%(fee_yen)s円（対象%(items)s件）、写しの費用を"
                             "%(copy_fee_yen)s円としました。")),
    ("fee_paid", gettext_lazy("手数料%(amount)s円の納付を受けました（領収番号 %(receipt)s）。")),
)
