"""Reportability and deadlines of a leak or loss (漏えい等事案), R-803 and R-804.

Kawasaki's two reports to the PPC came late because nobody counted the days from the first
moment anyone in the organisation knew. `assess` answers, from the facts alone, whether the PPC
must be told (which criterion of APPI Enforcement Rules Art. 7 applies, in words), the
preliminary-report target and the final-report due date; `Assessment.filing` says whether a
report filed on a given day was late, and by how many days.

Rules, as REQUIREMENTS §8 states them:
- reportable if any of: (1) sensitive data (要配慮個人情報); (2) data whose misuse may cause
  financial damage; (3) possibly caused by an act with an unauthorised purpose (theft,
  intrusion, insider); (4) more than the threshold of people (1,000 for a private business,
  100 for a public body). A possibility (おそれ) counts as the fact itself.
- not reportable if the data was strongly encrypted (and the key did not go with it).
- the day of knowing is day 1; the final report is due on day 30, or day 60 when criterion (3)
  applies; a final day that is a Saturday, Sunday, national holiday or 29 Dec–3 Jan moves to
  the next day that is none of these. The preliminary report is a target ("promptly", about
  3–5 days), day 1 being the day of knowing; it is not moved.
- a date known only approximately is a range; deadlines count from its earliest day, and the
  uncertainty (the dates the range's last day would give) is reported next to them.

Framework-free: the incident service, `POST /api/incidents/assess` and `hogo incidents assess`
all call this module.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from hogo.rules.office_calendar import closed_reason, next_open_day

PUBLIC_BODY = "public_body"
PRIVATE_BUSINESS = "private_business"
DEFAULT_THRESHOLDS = {PUBLIC_BODY: 100, PRIVATE_BUSINESS: 1000}

PRELIMINARY = "preliminary"
FINAL = "final"


@dataclass(frozen=True)
class Criterion:
    """One reportable situation of APPI Enforcement Rules Art. 7 (public bodies: Art. 43)."""

    number: int
    code: str
    label_ja: str
    label_en: str


SENSITIVE = Criterion(1, "sensitive", "要配慮個人情報が含まれる（おそれを含む）",
                      "sensitive personal data is involved (or may be)")
FINANCIAL = Criterion(2, "financial", "不正に利用されることにより財産的被害が生じるおそれがある",
                      "misuse may cause financial damage")
UNAUTHORISED = Criterion(3, "unauthorised",
                         "不正の目的をもって行われたおそれがある行為による（盗難・不正アクセス・内部不正等）",
                         "possibly caused by an act with an unauthorised purpose "
                         "(theft, intrusion, insider)")


def people_criterion(threshold: int) -> Criterion:
    return Criterion(4, "people", f"本人の数が{threshold:,}人を超える（おそれを含む）",
                     f"more than {threshold:,} people are involved (or may be)")


@dataclass(frozen=True)
class Facts:
    """What is known about an incident; every flag means "is or may be" (おそれを含む)."""

    organisation_type: str
    knew_from: dt.date
    knew_to: dt.date | None = None  # the last day of an approximate date ("during March")
    people: int | None = None
    sensitive: bool = False
    financial: bool = False
    unauthorised: bool = False
    encrypted: bool = False  # strongly encrypted, the key not lost with it
    threshold: int | None = None  # None: the default for the organisation type
    preliminary_days: int = 3
    final_days: int = 30
    final_days_unauthorised: int = 60

    def __post_init__(self) -> None:
        if self.organisation_type not in DEFAULT_THRESHOLDS:
            raise ValueError(f"organisation_type must be one of {sorted(DEFAULT_THRESHOLDS)}")
        if self.knew_to is not None and self.knew_to < self.knew_from:
            raise ValueError("knew_to must not be before knew_from")
        if self.people is not None and self.people < 0:
            raise ValueError("people must not be negative")
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
    exempt_ja: str | None
    exempt_en: str | None
    reportable: bool
    knew_on: dt.date
    preliminary_target: dt.date
    final_days: int
    final_day: dt.date  # day N, before moving off closed days
    final_due: dt.date
    moved_because: str | None  # why final_day was moved, in Japanese
    latest_final_due: dt.date | None = None  # if the awareness range's last day counted
    notes_ja: tuple[str, ...] = field(default=())

    @property
    def summary_ja(self) -> str:
        if self.exempt_ja:
            return f"報告対象外：{self.exempt_ja}"
        if not self.reportable:
            return "報告対象外：規則第7条各号のいずれにも該当しない（任意の報告は可能）"
        return "報告対象：" + "／".join(f"第{c.number}号 {c.label_ja}" for c in self.criteria)

    @property
    def summary_en(self) -> str:
        if self.exempt_en:
            return f"not reportable: {self.exempt_en}"
        if not self.reportable:
            return ("not reportable: no criterion of Rules Art. 7 applies "
                    "(may be reported voluntarily)")
        return "reportable: " + "; ".join(f"({c.number}) {c.label_en}" for c in self.criteria)

    def due(self, kind: str) -> dt.date:
        if kind == PRELIMINARY:
            return self.preliminary_target
        if kind == FINAL:
            return self.final_due
        raise ValueError(f"unknown report kind {kind!r}")

    def filing(self, kind: str, filed_on: dt.date) -> Filing:
        due = self.due(kind)
        days_late = max(0, (filed_on - due).days)
        return Filing(kind, filed_on, due, days_late > 0, days_late)

    def days_left(self, kind: str, today: dt.date) -> int:
        """Days until the due date: 0 on the day, negative when overdue."""
        return (self.due(kind) - today).days


def day_n(knew_on: dt.date, n: int) -> dt.date:
    """Day `n` counting the day of knowing as day 1."""
    return knew_on + dt.timedelta(days=n - 1)


def final_due(knew_on: dt.date, days: int) -> dt.date:
    """Day `days` from knowing, moved to the next office day if the office is closed then."""
    return next_open_day(day_n(knew_on, days))


def criteria_met(facts: Facts) -> tuple[Criterion, ...]:
    met = []
    if facts.sensitive:
        met.append(SENSITIVE)
    if facts.financial:
        met.append(FINANCIAL)
    if facts.unauthorised:
        met.append(UNAUTHORISED)
    if facts.people is not None and facts.people > facts.people_threshold:
        met.append(people_criterion(facts.people_threshold))
    return tuple(met)


def assess(facts: Facts) -> Assessment:
    """Reportability and deadlines from the facts."""
    criteria = criteria_met(facts)
    exempt_ja = exempt_en = None
    if facts.encrypted and criteria:
        exempt_ja = "高度な暗号化等の秘匿化がされており、報告対象となる個人データに当たらない"
        exempt_en = "the data was strongly encrypted (the key was not lost with it)"
    reportable = bool(criteria) and not facts.encrypted
    days = facts.final_days_unauthorised if UNAUTHORISED in criteria else facts.final_days
    knew_on = facts.knew_from
    last = day_n(knew_on, days)
    due = next_open_day(last)
    notes = []
    latest = None
    if facts.knew_to is not None and facts.knew_to != facts.knew_from:
        latest = final_due(facts.knew_to, days)
        notes.append(f"事態を知った日は{facts.knew_from.isoformat()}から{facts.knew_to.isoformat()}"
                     f"の間と推定。期限は最も早い日から計算（最も遅い日なら{latest.isoformat()}）")
    moved = closed_reason(last) if due != last else None
    if moved:
        notes.append(f"{days}日目（{last.isoformat()}）が{moved}のため、期限を翌開庁日に繰り下げ")
    return Assessment(facts, criteria, exempt_ja, exempt_en, reportable, knew_on,
                      day_n(knew_on, facts.preliminary_days), days, last, due, moved, latest,
                      tuple(notes))
