"""Reportability and deadlines of a leak or loss (漏えい等事案), R-803 and R-804.

Kawasaki's two reports to the PPC came late because nobody counted the days from the first
moment anyone in the organisation knew. `assess` answers, from the facts alone, whether the PPC
must be told (which reportable situation applies), the preliminary-report target and the
final-report due date; `Assessment.filing` says whether a report filed on a given day was late,
and by how many days. Each legal rule is one function below, its source in its docstring.

A people count nobody knows yet is not "not reportable": the Act makes reportable what *may*
have happened (おそれ), so an unknown count that may be over the threshold leaves the decision
pending on the count (`Assessment.pending`), its deadlines running from the day of knowing
like any other. `legal_basis` names the articles that apply to the organisation type, in one
place, for every screen and document.

Only codes and dates come out of here: the words for people (Japanese, and the English of the
API and console) live in the incidents app (`hogo.incidents.wording`). Framework-free: the
incident service, `POST /api/incidents/assess` and `hogo incidents assess` all call this module.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from hogo.rules.office_calendar import ClosedReason, closed_reason, next_open_day

PUBLIC_BODY = "public_body"
PRIVATE_BUSINESS = "private_business"
# Rules Art. 7 item 4 (a business: more than 1,000 people); Art. 43 item 4 (a public body:
# more than 100).
DEFAULT_THRESHOLDS = {PUBLIC_BODY: 100, PRIVATE_BUSINESS: 1000}

PRELIMINARY = "preliminary"
FINAL = "final"


class CriterionCode(StrEnum):
    """The reportable situations (報告対象事態), by the item number they carry in PPC
    Enforcement Rules Art. 7 (businesses) and Art. 43 (public bodies)."""

    SENSITIVE = "sensitive"  # item 1: sensitive personal data (要配慮個人情報)
    FINANCIAL = "financial"  # item 2: misuse may cause financial damage
    UNAUTHORISED = "unauthorised"  # item 3: an act with an unauthorised purpose
    PEOPLE = "people"  # item 4: more than the threshold of people
    # Rules Art. 43 item 5, local governments only: data the ordinance makes sensitive.
    ORDINANCE_SENSITIVE = "ordinance_sensitive"


@dataclass(frozen=True)
class LegalBasis:
    """The articles an organisation type's incident rests on: the Act's duty to report and
    notify (`act`: its paragraph 1 the report, paragraph 2 the notice), the Rules' reportable
    situations (`situations`), the report's timing and content (`report`) and the notice to
    the persons (`notice`)."""

    act: int
    situations: int
    report: int
    notice: int


# Businesses: Act Art. 26 with Rules Arts. 7, 8 and 10. Public bodies: Act Art. 68 with
# Rules Arts. 43, 44 and 45.
LEGAL_BASIS = {PRIVATE_BUSINESS: LegalBasis(26, 7, 8, 10),
               PUBLIC_BODY: LegalBasis(68, 43, 44, 45)}


def legal_basis(organisation_type: str) -> LegalBasis:
    """The one place that says which articles apply to an organisation type."""
    try:
        return LEGAL_BASIS[organisation_type]
    except KeyError:
        raise ValueError(f"organisation_type must be one of {sorted(LEGAL_BASIS)}") from None


@dataclass(frozen=True)
class Criterion:
    """One reportable situation that applies; `threshold` is set for the people count."""

    number: int
    code: CriterionCode
    threshold: int | None = None


SENSITIVE = Criterion(1, CriterionCode.SENSITIVE)
FINANCIAL = Criterion(2, CriterionCode.FINANCIAL)
UNAUTHORISED = Criterion(3, CriterionCode.UNAUTHORISED)
ORDINANCE_SENSITIVE = Criterion(5, CriterionCode.ORDINANCE_SENSITIVE)


def people_criterion(threshold: int) -> Criterion:
    return Criterion(4, CriterionCode.PEOPLE, threshold)


@dataclass(frozen=True)
class Facts:
    """What is known about an incident, and the organisation's numbers for it: the one shape
    the service, the API and the console hand to `assess`.

    Every flag means "is or may be" (おそれを含む). `knew_on` is the day the organisation knew
    (事態を知った日, day 1 of every deadline). When that day is known only approximately
    ("some day in March"), `knew_on` is the earliest day it can have been and `knew_on_latest`
    the latest: deadlines count from `knew_on` (the safe side), and `knew_on_latest` only shows
    how late they would be if it were the day. `knew_on_latest` is None for an exact day.
    `people` None means nobody knows the count yet (see `Assessment.pending`).
    `ordinance_sensitive` (a local government's 条例要配慮個人情報) exists for public bodies only.
    """

    organisation_type: str
    knew_on: dt.date
    knew_on_latest: dt.date | None = None
    people: int | None = None
    sensitive: bool = False
    financial: bool = False
    unauthorised: bool = False
    encrypted: bool = False  # high-level encryption, the key not lost with it
    ordinance_sensitive: bool = False  # Rules Art. 43 item 5 (local governments)
    threshold: int | None = None  # None: the law's threshold for the organisation type
    preliminary_days: int = 3
    final_days: int = 30
    final_days_unauthorised: int = 60

    def __post_init__(self) -> None:
        if self.organisation_type not in DEFAULT_THRESHOLDS:
            raise ValueError(f"organisation_type must be one of {sorted(DEFAULT_THRESHOLDS)}")
        if self.knew_on_latest is not None and self.knew_on_latest < self.knew_on:
            raise ValueError("knew_on_latest must not be before knew_on")
        if self.people is not None and self.people < 0:
            raise ValueError("people must not be negative")
        if self.ordinance_sensitive and self.organisation_type != PUBLIC_BODY:
            raise ValueError("ordinance_sensitive applies to local governments only "
                             "(Rules Art. 43 item 5); a business has no such data")
        law = DEFAULT_THRESHOLDS[self.organisation_type]
        if self.threshold is not None and not 1 <= self.threshold <= law:
            raise ValueError(f"threshold must be between 1 and the Act's {law} persons "
                             "(a policy may be stricter, never laxer)")
        for name in ("preliminary_days", "final_days", "final_days_unauthorised"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")

    @property
    def people_threshold(self) -> int:
        return self.threshold or DEFAULT_THRESHOLDS[self.organisation_type]


@dataclass(frozen=True)
class Filing:
    """A report filed on `filed_on` against its `due` date."""

    kind: str
    filed_on: dt.date
    due: dt.date
    late: bool
    days_late: int


@dataclass(frozen=True)
class Assessment:
    facts: Facts
    criteria: tuple[Criterion, ...]
    exempt: bool  # reportable situations apply, but the encryption exemption lifts them
    reportable: bool
    knew_on: dt.date
    preliminary_target: dt.date
    final_days: int
    final_day: dt.date  # day N, before moving off closed days
    final_due: dt.date
    moved_because: ClosedReason | None  # why final_day was moved to final_due
    latest_final_due: dt.date | None = None  # the due date if knew_on_latest were the day

    def due(self, kind: str) -> dt.date:
        if kind == PRELIMINARY:
            return self.preliminary_target
        if kind == FINAL:
            return self.final_due
        raise ValueError(f"unknown report kind {kind!r}")

    @property
    def pending(self) -> bool:
        """No situation applies yet, but the people count is unknown and may be over the
        threshold: the decision waits on the count. The Act counts what may have happened
        (おそれ), so the deadlines run from the day of knowing meanwhile."""
        return not self.criteria and self.facts.people is None and not self.facts.encrypted

    @property
    def deadlines_apply(self) -> bool:
        """Whether the PPC deadlines concern this incident (reportable, or pending)."""
        return self.reportable or self.pending

    def filing(self, kind: str, filed_on: dt.date) -> Filing:
        """Whether a report filed on `filed_on` was late; a day before the day of knowing is
        an error (nobody files before knowing), never "on time"."""
        if filed_on < self.knew_on:
            raise ValueError(f"the {kind} report cannot have been filed on "
                             f"{filed_on.isoformat()}, before the day of knowing "
                             f"{self.knew_on.isoformat()}")
        due = self.due(kind)
        days_late = max(0, (filed_on - due).days)
        return Filing(kind, filed_on, due, days_late > 0, days_late)

    def days_left(self, kind: str, today: dt.date) -> int:
        """Days until the due date: 0 on the day, negative when overdue."""
        return (self.due(kind) - today).days


# --- the rules, one function each ----------------------------------------------------------


def criteria_met(facts: Facts) -> tuple[Criterion, ...]:
    """The reportable situations that apply (R-803).

    Businesses: APPI Art. 26(1) with PPC Enforcement Rules Art. 7 items 1-4. Public bodies:
    APPI Art. 68(1) with Rules Art. 43 items 1-4. Items 1-3 are the same for both (sensitive
    data; possible financial damage from misuse; an act with an unauthorised purpose); item 4
    is "more than 1,000 people" (Art. 7) or "more than 100" (Art. 43), unless the
    organisation's policy sets a lower threshold. A possibility (おそれ) counts as the fact.
    Rules Art. 43 item 5 adds, for a local government, data its ordinance defines as
    sensitive (条例要配慮個人情報; the items are the ordinance's, kept in the profile).
    """
    met = []
    if facts.sensitive:
        met.append(SENSITIVE)
    if facts.financial:
        met.append(FINANCIAL)
    if facts.unauthorised:
        met.append(UNAUTHORISED)
    if facts.people is not None and facts.people > facts.people_threshold:
        met.append(people_criterion(facts.people_threshold))
    if facts.ordinance_sensitive:
        met.append(ORDINANCE_SENSITIVE)
    return tuple(met)


def check_dates(today: dt.date, *, knew_on: dt.date, knew_on_latest: dt.date | None = None,
                filed: tuple[dt.date | None, ...] = ()) -> None:
    """ValueError unless the dates can be true on `today`: nobody knows of an incident in the
    future, and nobody files a report after today or before the day of knowing."""
    if knew_on > today or (knew_on_latest is not None and knew_on_latest > today):
        raise ValueError(f"the day of knowing cannot be in the future (today is "
                         f"{today.isoformat()})")
    for day in filed:
        if day is None:
            continue
        if day > today:
            raise ValueError(f"a filing date cannot be in the future: {day.isoformat()}")
        if day < knew_on:
            raise ValueError(f"a filing date cannot be before the day of knowing "
                             f"{knew_on.isoformat()}: {day.isoformat()}")


def encryption_exempt(facts: Facts, criteria: tuple[Criterion, ...]) -> bool:
    """No report when the data had high-level encryption (高度な暗号化その他の個人の権利利益を
    保護するために必要な措置) and the key did not go with it (R-803).

    PPC Enforcement Rules Art. 7 item 1 excludes such data in a parenthesis that applies to the
    whole article; Art. 43 item 1 does the same for public bodies. Whichever situations apply,
    none makes the incident reportable then.
    """
    return facts.encrypted and bool(criteria)


def final_report_days(facts: Facts, criteria: tuple[Criterion, ...]) -> int:
    """The final report (確報) is due within 30 days of knowing, 60 days when the situation is
    item 3 (an act with an unauthorised purpose): PPC Enforcement Rules Art. 8(2) for
    businesses, Art. 44(2) for public bodies (R-804). A policy may set shorter counts."""
    return facts.final_days_unauthorised if UNAUTHORISED in criteria else facts.final_days


def day_n(knew_on: dt.date, n: int) -> dt.date:
    """Day `n` counting the day of knowing as day 1 (R-804: "the day of knowing is day 1;
    weekends and holidays count")."""
    return knew_on + dt.timedelta(days=n - 1)


def final_due(knew_on: dt.date, days: int) -> dt.date:
    """Day `days` from knowing; when that day is a closed day, the next day that is not.

    What the code does: day N (`day_n`) is moved forward one day at a time while it is a
    Saturday, a Sunday, a national holiday (substitute and citizens' holidays included) or
    29 December-3 January, so a run of closed days is skipped as a whole (`next_open_day`).
    Basis: these are the 行政機関の休日 of the Act on Holidays of Administrative Organs
    (行政機関の休日に関する法律) Art. 1(1), and its Art. 2 makes a filing deadline that falls on
    one the following day; R-804 states the same move. Only the final report moves: the
    preliminary report's target is not a statutory period (`preliminary_target`).
    """
    return next_open_day(day_n(knew_on, days))


def preliminary_target(facts: Facts) -> dt.date:
    """The preliminary report (速報) is due "promptly" (速やかに) after knowing: PPC Enforcement
    Rules Art. 8(1) for businesses, Art. 44(1) for public bodies. The law sets no day count, so
    this is a target of `preliminary_days` (default 3; R-804: 3-5 days), day 1 being the day of
    knowing, and it is not moved off closed days."""
    return day_n(facts.knew_on, facts.preliminary_days)


def assess(facts: Facts) -> Assessment:
    """Reportability and deadlines from the facts."""
    criteria = criteria_met(facts)
    exempt = encryption_exempt(facts, criteria)
    reportable = bool(criteria) and not facts.encrypted
    days = final_report_days(facts, criteria)
    last = day_n(facts.knew_on, days)
    due = final_due(facts.knew_on, days)
    latest = None
    if facts.knew_on_latest is not None and facts.knew_on_latest != facts.knew_on:
        latest = final_due(facts.knew_on_latest, days)
    moved = closed_reason(last) if due != last else None
    return Assessment(facts, criteria, exempt, reportable, facts.knew_on,
                      preliminary_target(facts), days, last, due, moved, latest)
