"""A what-if assessment from facts alone, shared by `POST /api/incidents/assess` and
`hogo incidents assess`.

Both front ends take the same options (the facts, optional filing dates) and must answer the
same thing, so the conversion lives here once: options plus the organisation's policy defaults
→ `Facts` → `assess` → a JSON-ready dict. The front ends only parse their input and print or
return the dict. Framework-free: the caller reads the policy profile and passes its numbers in
as `PolicyDefaults`, so this module needs no database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from hogo.rules.incidents import (
    DEFAULT_THRESHOLDS,
    FINAL,
    PRELIMINARY,
    Assessment,
    Facts,
    Filing,
    assess,
)
from hogo.rules.profile import PolicyProfile

# `Assessment.moved_because` is Japanese (it goes into documents); integrations and the
# English console output need the same reason in English.
MOVED_BECAUSE_EN = {
    "土曜日": "Saturday",
    "日曜日": "Sunday",
    "祝日": "national holiday",
    "年末年始": "year-end break (29 Dec-3 Jan)",
}


@dataclass(frozen=True)
class PolicyDefaults:
    """The numbers an assessment takes from the organisation's policy profile.

    `threshold` None means the law's default for the organisation type.
    """

    organisation_type: str
    threshold: int | None = None
    preliminary_days: int = 3
    final_days: int = 30
    final_days_unauthorised: int = 60

    @classmethod
    def from_profile(cls, profile: PolicyProfile) -> PolicyDefaults:
        return cls(profile.organisation_type,
                   profile.value("incidents.reporting_threshold"),
                   profile.value("incidents.preliminary_report_days"),
                   profile.value("incidents.final_report_days"),
                   profile.value("incidents.final_report_days_unauthorised"))


@dataclass(frozen=True)
class AssessOptions:
    """What a caller asks: the facts as given, None where the policy (or law) decides."""

    knew_from: dt.date
    knew_to: dt.date | None = None
    organisation_type: str | None = None
    people: int | None = None
    sensitive: bool = False
    financial: bool = False
    unauthorised: bool = False
    encrypted: bool = False
    filed_preliminary: dt.date | None = None
    filed_final: dt.date | None = None


def facts_from_options(options: AssessOptions, defaults: PolicyDefaults | None) -> Facts:
    """The facts to assess; raises ValueError (with an English message) on bad input.

    The organisation's own threshold applies only to its own organisation type: asking "what if
    we were a private business" with a city's threshold of 100 would give a wrong answer, so
    another type gets the law's threshold for that type. The day counts stay the
    organisation's: the law's counts are the same for both types, and a profile may only set
    them shorter (its own, stricter targets).
    """
    organisation_type = options.organisation_type
    if organisation_type is None:
        if defaults is None:
            raise ValueError("organisation_type is required: there is no organisation profile "
                             "to take it from")
        organisation_type = defaults.organisation_type
    if organisation_type not in DEFAULT_THRESHOLDS:
        raise ValueError(f"organisation_type must be one of {sorted(DEFAULT_THRESHOLDS)}, "
                         f"got {organisation_type!r}")
    if defaults is None:
        defaults = PolicyDefaults(organisation_type)
    threshold = defaults.threshold if organisation_type == defaults.organisation_type else None
    return Facts(organisation_type=organisation_type, knew_from=options.knew_from,
                 knew_to=options.knew_to, people=options.people, sensitive=options.sensitive,
                 financial=options.financial, unauthorised=options.unauthorised,
                 encrypted=options.encrypted, threshold=threshold,
                 preliminary_days=defaults.preliminary_days, final_days=defaults.final_days,
                 final_days_unauthorised=defaults.final_days_unauthorised)


def evaluate(options: AssessOptions,
             defaults: PolicyDefaults | None) -> tuple[Assessment, tuple[Filing, ...]]:
    """Assess the facts and judge each filing date given; raises ValueError on bad input."""
    facts = facts_from_options(options, defaults)
    try:
        assessment = assess(facts)
    except OverflowError as error:  # a deadline past 9999-12-31
        raise ValueError("knew_from is too late in the calendar to count a deadline "
                         "from") from error
    filed = ((PRELIMINARY, options.filed_preliminary), (FINAL, options.filed_final))
    filings = tuple(assessment.filing(kind, day) for kind, day in filed if day is not None)
    return assessment, filings


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def assessment_json(assessment: Assessment, filings: tuple[Filing, ...] = ()) -> dict[str, Any]:
    """The assessment as plain JSON values (dates as ISO strings), for the API and `--json`."""
    facts = assessment.facts
    moved = assessment.moved_because
    return {
        "reportable": assessment.reportable,
        "summary_ja": assessment.summary_ja,
        "summary_en": assessment.summary_en,
        "organisation_type": facts.organisation_type,
        "threshold": facts.people_threshold,
        "criteria": [{"number": c.number, "code": c.code, "label_ja": c.label_ja,
                      "label_en": c.label_en} for c in assessment.criteria],
        "exempt_ja": assessment.exempt_ja,
        "exempt_en": assessment.exempt_en,
        "knew_on": _iso(assessment.knew_on),
        "knew_to": _iso(facts.knew_to),
        "preliminary_days": facts.preliminary_days,
        "preliminary_target": _iso(assessment.preliminary_target),
        "final_days": assessment.final_days,
        "final_day": _iso(assessment.final_day),
        "final_due": _iso(assessment.final_due),
        "moved_because": moved,
        "moved_because_en": MOVED_BECAUSE_EN.get(moved, moved) if moved else None,
        "latest_final_due": _iso(assessment.latest_final_due),
        "notes_ja": list(assessment.notes_ja),
        "filings": [{"kind": f.kind, "filed_on": _iso(f.filed_on), "due": _iso(f.due),
                     "late": f.late, "days_late": f.days_late} for f in filings],
    }
