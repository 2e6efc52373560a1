"""A request's deadlines and fee from its organisation's profile: the one place the intake,
the decision, the letters and the pages ask when an answer is due, from when the person may
sue, what a request costs and which article each date rests on.

The arithmetic is `hogo.rules.requests` (framework-free, table-tested); this module feeds it
the profile's [requests] values and the request's own facts (received_on, its correction
waits), and writes articles the way letters cite them (法第83条第1項).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hogo import clock
from hogo.requests.common import organisation_type, setting
from hogo.requests.models import PersonalRequest
from hogo.rules import requests as rules
from hogo.rules.provision import Article
from hogo.rules.requests import RequestRuleError

__all__ = ["RequestRuleError", "refresh", "fee_for", "fees", "articles", "article_text",
           "waits_of", "extension_due", "large_due", "after_disclosure_last_day",
           "check_after_disclosure", "facts_for"]

# The profile's [requests.fees] keys (rules.fee_yen reads them without the prefix).
FEE_KEYS = ("purpose_notification", "disclosure", "per", "copy_sheet", "copy_disc",
            "correction", "suspension")


def article_text(article: Article) -> str:
    """「法第83条第1項」「法第98条第1項第2号」 (the Act is always 法 on our letters)."""
    text = f"法第{article.article}条"
    text += f"第{article.paragraph}項" if article.paragraph else ""
    return text + (f"第{article.item}号" if article.item else "")


def waits_of(request: PersonalRequest, *, today: dt.date | None = None) -> list[rules.Wait]:
    """The request's correction waits as (first, last) days; one not yet answered lasts up to
    today (at least its own first day)."""
    if request.pk is None:
        return []
    today = today or clock.today_jst()
    return [(w.asked_on, w.answered_on or max(w.asked_on, today))
            for w in request.correction_waits.all()]


def _profile_days(organisation: Any) -> dict[str, Any]:
    return {"answer_days": int(setting(organisation, "answer_days")),
            "closed_day_moves_due": bool(setting(organisation, "closed_day_moves_due"))}


def refresh(request: PersonalRequest, *, today: dt.date | None = None) -> None:
    """Recompute due_on (waits counted up to today), may_sue_on, and extended_due_on: kept
    when the request was already extended (its notice gave the person that date), else None.
    remainder_due_on (Art. 84) is the decider's, untouched. Does not save."""
    organisation = request.organisation
    otype = organisation_type(organisation)
    request.due_on = rules.decision_due(organisation_type=otype,
                                        received_on=request.received_on,
                                        waits=waits_of(request, today=today),
                                        **_profile_days(organisation))
    if not (request.extended_due_on and (request.extended_at or request.extension_reason)):
        request.extended_due_on = None
    request.may_sue_on = rules.may_sue_on(otype, request.received_on, kind=request.kind)


def extension_due(request: PersonalRequest, reason: str, *, days: int | None = None,
                  today: dt.date | None = None) -> dt.date:
    """The new last day if the request is extended now by `days` (default: the profile's
    extension_days) for `reason`; raises RequestRuleError (extension_without_reason,
    extension_not_available). Sets nothing: the decision area records the extension."""
    organisation = request.organisation
    return rules.extended_due(organisation_type=organisation_type(organisation),
                              received_on=request.received_on,
                              extension_days=int(setting(organisation, "extension_days")),
                              reason=reason, days=days, waits=waits_of(request, today=today),
                              **_profile_days(organisation))


def large_due(request: PersonalRequest) -> dt.date:
    """Art. 84: the day a substantial part of a very large disclosure request must be decided
    by; raises RequestRuleError (large_request_not_available) for anything else."""
    organisation = request.organisation
    return rules.large_request_due(
        organisation_type=organisation_type(organisation), kind=request.kind,
        received_on=request.received_on,
        large_request_days=int(setting(organisation, "large_request_days")),
        closed_day_moves_due=bool(setting(organisation, "closed_day_moves_due")))


def after_disclosure_last_day(request: PersonalRequest) -> dt.date | None:
    """The last day a public body's correction or stop request could arrive (Arts. 90(3),
    98(3)), or None (a business, a disclosure, no disclosure date, no limit)."""
    organisation = request.organisation
    days = int(setting(organisation, "after_disclosure_days"))
    if (organisation_type(organisation) != rules.PUBLIC_BODY or request.disclosed_on is None
            or request.kind not in rules.AFTER_DISCLOSURE_KINDS or days <= 0):
        return None
    return rules.after_disclosure_last_day(request.disclosed_on, days)


def check_after_disclosure(request: PersonalRequest) -> None:
    """Raise RequestRuleError (after_disclosure_period, disclosed_after_receipt) when a public
    body's correction or stop request came too late or before its disclosure."""
    if (request.kind in rules.AFTER_DISCLOSURE_KINDS and request.disclosed_on is not None
            and request.disclosed_on > request.received_on):
        raise RequestRuleError("disclosed_after_receipt")
    organisation = request.organisation
    if rules.late_after_disclosure(
            organisation_type=organisation_type(organisation), kind=request.kind,
            disclosed_on=request.disclosed_on, received_on=request.received_on,
            after_disclosure_days=int(setting(organisation, "after_disclosure_days"))):
        raise RequestRuleError("after_disclosure_period")


def fees(organisation: Any) -> dict[str, Any]:
    """The profile's [requests.fees] values, keys without the prefix."""
    return {key: setting(organisation, f"fees.{key}") for key in FEE_KEYS}


def fee_for(organisation: Any, kind: str, *, items: int, sheets: int = 0,
            discs: int = 0) -> int:
    """The fee in yen (per request or per item, copies per sheet/disc on top). A correction
    or stop request is free: pass items=0; anything else raises RequestRuleError
    (fee_on_free_kind)."""
    return rules.fee_yen(kind, fees=fees(organisation), items=items, sheets=sheets,
                         discs=discs)


def articles(organisation: Any, kind: str = rules.DISCLOSURE) -> dict[str, str]:
    """Which article each deadline of a request of `kind` rests on, as letters cite it:
    {"due": "法第83条第1項", "extension": "法第83条第2項", "large": "法第84条", "right": …,
    "fee": "法第89条"} for a public body's disclosure; {"due": "法第33条第2項", "may_sue":
    "法第39条第1項", "fee": "法第38条第1項", …} for a business's. A public body's
    purpose_notification (no such request in Chapter 5) raises RequestRuleError."""
    table = rules.articles_for(organisation_type(organisation), kind)
    return {key: article_text(article) for key, article in table.items()}


def facts_for(organisation_type_: str, kind: str, received_on: dt.date, *,
              profile_values: dict[str, Any], waits: tuple[rules.Wait, ...] = (),
              extended: bool = False, extension_reason: str = "", large: bool = False,
              disclosed_on: dt.date | None = None, fee_items: int | None = None,
              sheets: int = 0, discs: int = 0) -> rules.Facts:
    """The rules' Facts of a what-if request from a profile's [requests] values (keys as in
    the profile: answer_days, extension_days, …, fees.disclosure). `fee_items` None: 0 for
    a free kind, else 1."""
    value = profile_values.__getitem__
    if fee_items is None:
        fee_items = 0 if kind in rules.FREE_KINDS else 1
    return rules.Facts(
        organisation_type=organisation_type_, kind=kind, received_on=received_on,
        answer_days=int(value("answer_days")), waits=tuple(waits), extended=extended,
        extension_reason=extension_reason, extension_days=int(value("extension_days")),
        large=large, large_request_days=int(value("large_request_days")),
        disclosed_on=disclosed_on, after_disclosure_days=int(value("after_disclosure_days")),
        closed_day_moves_due=bool(value("closed_day_moves_due")),
        fees={key: value(f"fees.{key}") for key in FEE_KEYS}, fee_items=fee_items,
        sheets=sheets, discs=discs)
