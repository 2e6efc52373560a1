"""A person's own requests (本人からの請求, R-601-R-608): the kinds, what a refusal may rest on,
when the answer is due, from when the person may sue, and what may be charged.

Two regimes. A public body (行政機関等, Act Chapter 5) decides within 30 days from the day after
the request arrived (Art. 83(1)), the days it waited for the requester's correction (補正) not
counted, extendable once by up to 30 days with a written notice (Art. 83(2)), a very large
request in part within 60 days (Art. 84). A business (個人情報取扱事業者, Chapter 4) answers
"without delay" (Arts. 32-35): a target day from its profile, and the day from which the person
may sue (Art. 39: two weeks after the request reached it).

Framework-free: codes and dates only; the requests app words them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from hogo.rules import office_calendar
from hogo.rules.provision import Article

# The kinds of request, codes shared by the app, the CLI and the API.
PURPOSE_NOTIFICATION = "purpose_notification"
DISCLOSURE = "disclosure"
CORRECTION = "correction"
SUSPENSION = "suspension"
PROVISION_STOP = "provision_stop"
KINDS = (PURPOSE_NOTIFICATION, DISCLOSURE, CORRECTION, SUSPENSION, PROVISION_STOP)
# No fee may be charged for these (Act Art. 38(1) [33]; Art. 89 for public bodies): R-606.
FREE_KINDS = (CORRECTION, SUSPENSION, PROVISION_STOP)
# Kinds a public body must receive within `requests.after_disclosure_days` of the disclosure
# (Arts. 90(3), 98(3)).
AFTER_DISCLOSURE_KINDS = (CORRECTION, SUSPENSION, PROVISION_STOP)

# What a disclosure decision may be: everything, a part (the rest refused on grounds), nothing
# (on grounds), the data does not exist, or (public bodies, Art. 81) neither confirmed nor denied.
DISCLOSE = "disclose"
PARTIAL = "partial"
REFUSE = "refuse"
NOT_EXIST = "not_exist"
NEITHER_CONFIRM_NOR_DENY = "neither_confirm_nor_deny"
# A correction or stop request: carried out, carried out in part, not carried out (no merit
# or on grounds), or a different measure instead (Art. 35(2) proviso; Art. 36 reasons).
CARRY_OUT = "carry_out"
ALTERNATIVE = "alternative"
OUTCOMES = {
    PURPOSE_NOTIFICATION: (DISCLOSE, REFUSE),
    DISCLOSURE: (DISCLOSE, PARTIAL, REFUSE, NOT_EXIST, NEITHER_CONFIRM_NOR_DENY),
    CORRECTION: (CARRY_OUT, PARTIAL, REFUSE, NOT_EXIST),
    SUSPENSION: (CARRY_OUT, PARTIAL, ALTERNATIVE, REFUSE, NOT_EXIST),
    PROVISION_STOP: (CARRY_OUT, PARTIAL, ALTERNATIVE, REFUSE, NOT_EXIST),
}
# Outcomes that need at least one refusal ground (and always a written reason).
NEEDS_GROUNDS = (PARTIAL, REFUSE, NEITHER_CONFIRM_NOR_DENY)

# The only grounds on which disclosure may be refused, with their articles.
# A business: Art. 33(2) items 1-3 [28(2)].
BUSINESS_GROUNDS = (
    ("harm", "33(2)(i)"),               # harm to the life, body, property or rights of anyone
    ("business_hindrance", "33(2)(ii)"),  # serious hindrance to the business
    ("other_law", "33(2)(iii)"),         # disclosure would breach another law
)
# A public body: the information Art. 78(1) lists as not to be disclosed.
PUBLIC_GROUNDS = (
    # would harm the requester's life, health, living or property
    ("requester_harm", "78(1)(i)"),
    ("third_party", "78(1)(ii)"),        # about another individual (other people in the footage)
    ("corporate", "78(1)(iii)"),         # a corporation's legitimate interests
    ("national_security", "78(1)(iv)"),  # national security, trust of other states
    ("public_safety", "78(1)(v)"),       # crime prevention, investigation, public safety
    ("deliberation", "78(1)(vi)"),       # deliberation inside or between bodies
    ("administration", "78(1)(vii)"),    # proper conduct of the body's affairs
)
GROUNDS = {"private_business": BUSINESS_GROUNDS, "public_body": PUBLIC_GROUNDS}

# Who asks: the person, a legal representative (of a minor or an adult ward) or a
# holder of the person's power of attorney (任意代理人).
REQUESTER_SELF = "self"
REQUESTER_LEGAL = "legal_representative"
REQUESTER_ATTORNEY = "attorney"
REQUESTER_TYPES = (REQUESTER_SELF, REQUESTER_LEGAL, REQUESTER_ATTORNEY)

# How the person wants the disclosure (開示の実施の方法): viewing at the office, paper, a file.
METHODS = ("view", "paper", "electronic")


# --- deadlines, fees and the what-if assessment ----------------------------------------------

DAY = dt.timedelta(days=1)
PUBLIC_BODY = "public_body"
PRIVATE_BUSINESS = "private_business"
ORGANISATION_TYPES = (PUBLIC_BODY, PRIVATE_BUSINESS)
# Art. 39(1): 「その到達した日から二週間を経過した後」.
SUE_AFTER_DAYS = 14
# A correction wait: the first and the last day it lasted, both not counted (Art. 83(1) proviso).
Wait = tuple[dt.date, dt.date]

# A public body has no request for the purpose of use: Chapter 5 publishes it in the personal
# information file register (Art. 75) instead of Art. 32(2)'s notification.
PUBLIC_KINDS = (DISCLOSURE, CORRECTION, SUSPENSION, PROVISION_STOP)


def _act(article: int, paragraph: int | None = None, item: int | None = None) -> Article:
    return Article("act", article, paragraph, item)


# What each deadline of a public body rests on: (decision within, extension, request itself).
PUBLIC_ARTICLES: dict[str, dict[str, Article]] = {
    DISCLOSURE: {"due": _act(83, 1), "extension": _act(83, 2), "large": _act(84),
                 "right": _act(76, 1), "fee": _act(89)},
    CORRECTION: {"due": _act(94, 1), "extension": _act(94, 2), "right": _act(90, 1),
                 "after_disclosure": _act(90, 3), "fee": _act(89)},
    SUSPENSION: {"due": _act(102, 1), "extension": _act(102, 2), "right": _act(98, 1, 1),
                 "after_disclosure": _act(98, 3), "fee": _act(89)},
    PROVISION_STOP: {"due": _act(102, 1), "extension": _act(102, 2), "right": _act(98, 1, 2),
                     "after_disclosure": _act(98, 3), "fee": _act(89)},
}
# A business: "without delay" (遅滞なく) in each article; the right to sue after two weeks
# (Art. 39(1)) covers Arts. 33(1), 34(1) and 35(1), (3), (5) — not the purpose notification.
BUSINESS_ARTICLES: dict[str, dict[str, Article]] = {
    PURPOSE_NOTIFICATION: {"due": _act(32, 2), "right": _act(32, 2), "fee": _act(38, 1)},
    DISCLOSURE: {"due": _act(33, 2), "right": _act(33, 1), "may_sue": _act(39, 1),
                 "fee": _act(38, 1)},
    CORRECTION: {"due": _act(34, 2), "right": _act(34, 1), "may_sue": _act(39, 1),
                 "fee": _act(38, 1)},
    SUSPENSION: {"due": _act(35, 2), "right": _act(35, 1), "may_sue": _act(39, 1),
                 "fee": _act(38, 1)},
    PROVISION_STOP: {"due": _act(35, 4), "right": _act(35, 3), "may_sue": _act(39, 1),
                     "fee": _act(38, 1)},
}
# The acts of a person toward a public body move off its closed days (Act on Holidays of
# Administrative Organs Art. 2; for a local government Local Autonomy Act, its Article 4-2(4)).
CLOSED_DAY_RULE = {"national": "holidays_act:2", "local": "local_autonomy_act:4-2:4"}

# Why an assessment or a charge is refused (RequestRuleError.code), English for the CLI/API.
ERRORS = {
    "unknown_organisation_type": "organisation type must be one of public_body, "
                                 "private_business",
    "unknown_kind": "kind must be one of " + ", ".join(KINDS),
    "kind_not_available": "a public body has no request for the purpose of use (Act Chapter 5 "
                          "publishes it in the personal information file register, Art. 75)",
    "wait_backwards": "a correction wait must end on or after the day it began",
    "wait_before_receipt": "a correction wait cannot begin before the request was received",
    "extension_without_reason": "an extension needs a written reason given to the requester "
                                "(Act Art. 83(2))",
    "extension_not_available": "only a public body may extend the decision period, and only "
                               "by up to its extension days (Act Art. 83(2))",
    "large_request_not_available": "the special rule for very large requests (Act Art. 84) is "
                                   "for a public body's disclosure requests only",
    "after_disclosure_period": "a public body's correction or stop request must be made within "
                               "90 days of the disclosure (Act Arts. 90(3), 98(3))",
    "disclosed_after_receipt": "the disclosure must come before the correction or stop "
                               "request",
    "fee_on_free_kind": "no fee may be charged for a correction or stop request (Act Arts. "
                        "38(1), 89)",
    "negative_count": "items, sheets and discs cannot be negative",
    "unknown_fee_unit": "fees.per must be request or item",
}


class RequestRuleError(ValueError):
    """What the law (or the facts) does not allow; `code` is one of ERRORS, the message the
    English reason for the CLI and API (the app words it for people by the code)."""

    def __init__(self, code: str, message: str = "") -> None:
        self.code = code
        super().__init__(message or ERRORS.get(code, code))


def _check_type(organisation_type: str) -> None:
    if organisation_type not in ORGANISATION_TYPES:
        raise RequestRuleError("unknown_organisation_type")


def _check_waits(received_on: dt.date, waits: Iterable[Wait]) -> list[Wait]:
    checked = []
    for first, last in waits:
        if last < first:
            raise RequestRuleError("wait_backwards")
        if first < received_on:
            raise RequestRuleError("wait_before_receipt")
        checked.append((first, last))
    return checked


def _moved(day: dt.date, closed_day_moves_due: bool) -> dt.date:
    return office_calendar.next_open_day(day) if closed_day_moves_due else day


def _counted_end(received_on: dt.date, days: int, waits: list[Wait]) -> dt.date:
    """The `days`-th day counted from the day after receipt (Civil Code Art. 140), skipping
    every day inside a wait."""
    day, counted = received_on, 0
    while counted < days:
        day += DAY
        if not any(first <= day <= last for first, last in waits):
            counted += 1
    return day


def waited_days(received_on: dt.date, waits: Iterable[Wait]) -> int:
    """How many distinct days after receipt the request waited (overlaps counted once)."""
    days: set[dt.date] = set()
    for first, last in _check_waits(received_on, waits):
        day = max(first, received_on + DAY)
        while day <= last:
            days.add(day)
            day += DAY
    return len(days)


def decision_due(*, organisation_type: str, received_on: dt.date, answer_days: int,
                 waits: Iterable[Wait] = (), closed_day_moves_due: bool = False) -> dt.date:
    """The last day of the decision (public body, Arts. 83(1), 94(1), 102(1): `answer_days`
    days counted from the day after receipt, wait days not counted) or of a business's target
    (`answer_days` after receipt; "without delay" has no day in the Act). With
    `closed_day_moves_due` a closed last day moves to the next open day."""
    _check_type(organisation_type)
    if answer_days < 0:
        raise RequestRuleError("negative_count", "answer_days cannot be negative")
    if organisation_type == PRIVATE_BUSINESS:
        return _moved(received_on + answer_days * DAY, closed_day_moves_due)
    end = _counted_end(received_on, answer_days, _check_waits(received_on, waits))
    return _moved(end, closed_day_moves_due)


def extended_due(*, organisation_type: str, received_on: dt.date, answer_days: int,
                 extension_days: int, reason: str, days: int | None = None,
                 waits: Iterable[Wait] = (), closed_day_moves_due: bool = False) -> dt.date:
    """The last day after the one extension of Art. 83(2) (94(2), 102(2)): the period of
    `answer_days` (waits not counted) prolonged by `days` (default: all `extension_days`,
    the profile's limit). Only a public body, only with a written reason."""
    _check_type(organisation_type)
    if organisation_type != PUBLIC_BODY or extension_days <= 0:
        raise RequestRuleError("extension_not_available")
    if not (reason or "").strip():
        raise RequestRuleError("extension_without_reason")
    days = extension_days if days is None else days
    if days <= 0 or days > extension_days:
        raise RequestRuleError("extension_not_available",
                               f"an extension is of 1 to {extension_days} days (Act Art. "
                               f"83(2)); got {days}")
    end = _counted_end(received_on, answer_days, _check_waits(received_on, waits))
    return _moved(end + days * DAY, closed_day_moves_due)


def large_request_due(*, organisation_type: str, kind: str = DISCLOSURE,
                      received_on: dt.date, large_request_days: int,
                      closed_day_moves_due: bool = False) -> dt.date:
    """Art. 84: the day by which a substantial part of a very large disclosure request is
    decided (`large_request_days`, 60, from the day after receipt; the Article carries no
    exclusion of correction waits, so none is made). The notice of the rule, its reason and
    the date for the rest must go out within the Art. 83(1) period (`decision_due`)."""
    _check_type(organisation_type)
    if organisation_type != PUBLIC_BODY or kind != DISCLOSURE or large_request_days <= 0:
        raise RequestRuleError("large_request_not_available")
    return _moved(received_on + large_request_days * DAY, closed_day_moves_due)


def may_sue_on(organisation_type: str, received_on: dt.date, *,
               kind: str | None = None) -> dt.date | None:
    """Art. 39(1): a business's requester may sue once two weeks have passed from the day the
    request reached it (the first day not counted: received 1 April, the two weeks end on
    15 April, suit from 16 April). None for a public body (Chapter 5 has no such rule: its
    decisions go to review or to court at once) and for the purpose notification (not among
    Art. 39's requests)."""
    _check_type(organisation_type)
    if organisation_type != PRIVATE_BUSINESS or kind == PURPOSE_NOTIFICATION:
        return None
    return received_on + (SUE_AFTER_DAYS + 1) * DAY


def after_disclosure_last_day(disclosed_on: dt.date, after_disclosure_days: int) -> dt.date:
    """The last day a correction or stop request may reach a public body (Arts. 90(3),
    98(3): within 90 days of the day the disclosure was received, that day not counted). It is
    the person's act toward the body, so a closed last day moves to the next open day (Act on
    Holidays of Administrative Organs Art. 2; Local Autonomy Act, its Article 4-2(4))."""
    return office_calendar.next_open_day(disclosed_on + after_disclosure_days * DAY)


def late_after_disclosure(*, organisation_type: str, kind: str, disclosed_on: dt.date | None,
                          received_on: dt.date, after_disclosure_days: int) -> bool:
    """True when a public body's correction or stop request came after its period."""
    _check_type(organisation_type)
    if (organisation_type != PUBLIC_BODY or kind not in AFTER_DISCLOSURE_KINDS
            or disclosed_on is None or after_disclosure_days <= 0):
        return False
    return received_on > after_disclosure_last_day(disclosed_on, after_disclosure_days)


def fee_yen(kind: str, *, fees: Mapping[str, object], items: int, sheets: int = 0,
            discs: int = 0) -> int:
    """The fee for a request from the profile's `requests.fees.*` values (keys without the
    prefix: purpose_notification, disclosure, per, copy_sheet, copy_disc, correction,
    suspension): per request or per item, copies per sheet and per disc on top. A correction
    or stop request is free: any item, copy or profile amount for it is refused."""
    if kind not in KINDS:
        raise RequestRuleError("unknown_kind")
    if min(items, sheets, discs) < 0:
        raise RequestRuleError("negative_count")
    if kind in FREE_KINDS:
        if items or sheets or discs or int(fees.get(kind, 0) or 0):
            raise RequestRuleError("fee_on_free_kind")
        return 0
    per = str(fees.get("per", "request"))
    if per not in ("request", "item"):
        raise RequestRuleError("unknown_fee_unit")
    amount = int(fees.get(kind, 0) or 0)
    base = amount * items if per == "item" else (amount if items else 0)
    return base + sheets * int(fees.get("copy_sheet", 0) or 0) \
        + discs * int(fees.get("copy_disc", 0) or 0)


def articles_for(organisation_type: str, kind: str) -> dict[str, Article]:
    """What each answer about a request of this kind rests on (keys due, extension, large,
    right, after_disclosure, may_sue, fee — those that apply)."""
    _check_type(organisation_type)
    table = PUBLIC_ARTICLES if organisation_type == PUBLIC_BODY else BUSINESS_ARTICLES
    if kind not in KINDS:
        raise RequestRuleError("unknown_kind")
    if kind not in table:
        raise RequestRuleError("kind_not_available")
    return dict(table[kind])


@dataclass(frozen=True)
class Facts:
    """A what-if request. The profile values (`answer_days` … `fees`) come from the
    installation's profile or the bundled one of the organisation type."""

    organisation_type: str
    kind: str
    received_on: dt.date
    answer_days: int
    waits: tuple[Wait, ...] = ()
    extended: bool = False
    extension_reason: str = ""
    extension_days: int = 0
    large: bool = False
    large_request_days: int = 0
    disclosed_on: dt.date | None = None
    after_disclosure_days: int = 0
    closed_day_moves_due: bool = False
    fees: Mapping[str, object] = field(default_factory=dict)
    fee_items: int = 1
    sheets: int = 0
    discs: int = 0


@dataclass(frozen=True)
class Assessment:
    """The answer: dates (None where the regime has none) and what each rests on, as
    Article values keyed due_on, extended_due_on, large_due_on, may_sue_on, fee_yen,
    after_disclosure_last_day, and `closed_day` (the rule applied to the person's deadline)."""

    due_on: dt.date
    extended_due_on: dt.date | None
    large_due_on: dt.date | None
    may_sue_on: dt.date | None
    fee_yen: int
    waited_days: int
    after_disclosure_last_day: dt.date | None
    articles: dict[str, Article]


def assess(facts: Facts) -> Assessment:
    """Every deadline and the fee of a request from the facts alone; raises RequestRuleError
    for what the law forbids (an extension without a reason or for a business, a fee on a
    free kind, a late correction or stop request) or facts that cannot be."""
    kind, org_type = facts.kind, facts.organisation_type
    table = articles_for(org_type, kind)
    if facts.disclosed_on is not None and facts.disclosed_on > facts.received_on:
        raise RequestRuleError("disclosed_after_receipt")
    if late_after_disclosure(organisation_type=org_type, kind=kind,
                             disclosed_on=facts.disclosed_on, received_on=facts.received_on,
                             after_disclosure_days=facts.after_disclosure_days):
        raise RequestRuleError("after_disclosure_period")
    common = {"organisation_type": org_type, "received_on": facts.received_on,
              "answer_days": facts.answer_days, "closed_day_moves_due":
              facts.closed_day_moves_due}
    due = decision_due(waits=facts.waits, **common)
    extended = None
    if facts.extended:
        extended = extended_due(extension_days=facts.extension_days,
                                reason=facts.extension_reason, waits=facts.waits, **common)
    large = None
    if facts.large:
        large = large_request_due(organisation_type=org_type, kind=kind,
                                  received_on=facts.received_on,
                                  large_request_days=facts.large_request_days,
                                  closed_day_moves_due=facts.closed_day_moves_due)
    fee = fee_yen(kind, fees=facts.fees, items=facts.fee_items, sheets=facts.sheets,
                  discs=facts.discs)
    last_day = None
    if (org_type == PUBLIC_BODY and kind in AFTER_DISCLOSURE_KINDS
            and facts.disclosed_on is not None and facts.after_disclosure_days > 0):
        last_day = after_disclosure_last_day(facts.disclosed_on, facts.after_disclosure_days)
    sue = may_sue_on(org_type, facts.received_on, kind=kind)
    cited = {"due_on": table["due"], "fee_yen": table["fee"]}
    if extended is not None:
        cited["extended_due_on"] = table["extension"]
    if large is not None:
        cited["large_due_on"] = table["large"]
    if sue is not None:
        cited["may_sue_on"] = table["may_sue"]
    if last_day is not None:
        cited["after_disclosure_last_day"] = table["after_disclosure"]
    return Assessment(due_on=due, extended_due_on=extended, large_due_on=large,
                      may_sue_on=sue, fee_yen=fee,
                      waited_days=waited_days(facts.received_on, facts.waits)
                      if org_type == PUBLIC_BODY else 0,
                      after_disclosure_last_day=last_day, articles=cited)
