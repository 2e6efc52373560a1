"""The organisation's numbers for an assessment, and the what-if shared by
`POST /api/incidents/assess` and `hogo incidents assess`.

Two layers, no field renamed between them: `PolicyDefaults` (the organisation's policy
numbers) fills in what the caller left to the policy and yields `hogo.rules.incidents.Facts`,
the one facts shape the rule takes; the incident service, the API and the console all build
their `Facts` through `PolicyDefaults.facts`, with the same keyword names as `Facts` (`knew_on`,
`knew_on_latest`, `people`, ...). `evaluate` adds the filing dates of a what-if and
`assessment_json` the words (`hogo.incidents.wording`). Framework-free apart from the wording:
the caller reads the policy profile and passes its numbers in, so no database is needed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from hogo import clock
from hogo.incidents import wording
from hogo.rules.incidents import (
    DEFAULT_THRESHOLDS,
    FINAL,
    PRELIMINARY,
    Assessment,
    Facts,
    Filing,
    assess,
    check_dates,
)
from hogo.rules.profile import PolicyProfile


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

    def facts(self, *, knew_on: dt.date, knew_on_latest: dt.date | None = None,
              organisation_type: str | None = None, people: int | None = None,
              sensitive: bool = False, financial: bool = False, unauthorised: bool = False,
              encrypted: bool = False, ordinance_sensitive: bool = False) -> Facts:
        """The facts under this policy; raises ValueError (in English) on bad input.

        The organisation's own threshold applies only to its own organisation type: asking
        "what if we were a private business" with a city's threshold of 100 would give a wrong
        answer, so another type gets the law's threshold for that type. The day counts stay
        the organisation's: the law's counts are the same for both types, and a profile may
        only set them shorter (its own, stricter targets).
        """
        organisation_type = organisation_type or self.organisation_type
        if organisation_type not in DEFAULT_THRESHOLDS:
            raise ValueError(f"organisation_type must be one of {sorted(DEFAULT_THRESHOLDS)}, "
                             f"got {organisation_type!r}")
        threshold = self.threshold if organisation_type == self.organisation_type else None
        return Facts(organisation_type=organisation_type, knew_on=knew_on,
                     knew_on_latest=knew_on_latest, people=people, sensitive=sensitive,
                     financial=financial, unauthorised=unauthorised, encrypted=encrypted,
                     ordinance_sensitive=ordinance_sensitive, threshold=threshold,
                     preliminary_days=self.preliminary_days, final_days=self.final_days,
                     final_days_unauthorised=self.final_days_unauthorised)


def evaluate(defaults: PolicyDefaults | None, *, filed_preliminary: dt.date | None = None,
             filed_final: dt.date | None = None,
             **known: Any) -> tuple[Assessment, tuple[Filing, ...]]:
    """A what-if: assess the facts (`PolicyDefaults.facts`' keywords) and judge each filing
    date given; raises ValueError on bad input. Without an organisation (`defaults` None) the
    law's numbers apply and `organisation_type` must be given. A day of knowing after today,
    or a filing before it (or after today), is an error, not "on time"."""
    if defaults is None:
        if known.get("organisation_type") is None:
            raise ValueError("organisation_type is required: there is no organisation profile "
                             "to take it from")
        if known["organisation_type"] not in DEFAULT_THRESHOLDS:
            raise ValueError(f"organisation_type must be one of {sorted(DEFAULT_THRESHOLDS)}, "
                             f"got {known['organisation_type']!r}")
        defaults = PolicyDefaults(known["organisation_type"])
    facts = defaults.facts(**known)
    check_dates(clock.today_jst(), knew_on=facts.knew_on, knew_on_latest=facts.knew_on_latest,
                filed=(filed_preliminary, filed_final))
    try:
        assessment = assess(facts)
    except OverflowError as error:  # a deadline past 9999-12-31
        raise ValueError("knew_on is too late in the calendar to count a deadline "
                         "from") from error
    filed = ((PRELIMINARY, filed_preliminary), (FINAL, filed_final))
    filings = tuple(assessment.filing(kind, day) for kind, day in filed if day is not None)
    return assessment, filings


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def assessment_json(assessment: Assessment, filings: tuple[Filing, ...] = ()) -> dict[str, Any]:
    """The assessment as plain JSON values (dates as ISO strings), for the API and `--json`.

    `knew_to` repeats `knew_on_latest` under its old name for one release (deprecated).
    """
    facts = assessment.facts
    moved = assessment.moved_because
    return {
        "reportable": assessment.reportable,
        "pending": assessment.pending,
        "summary_ja": wording.summary_ja(assessment),
        "summary_en": wording.summary_en(assessment),
        "organisation_type": facts.organisation_type,
        "threshold": facts.people_threshold,
        "criteria": [{"number": c.number, "code": str(c.code),
                      "label_ja": wording.criterion_label_ja(c),
                      "label_en": wording.criterion_label_en(c)} for c in assessment.criteria],
        "exempt_ja": wording.exempt_ja(assessment),
        "exempt_en": wording.exempt_en(assessment),
        "knew_on": _iso(assessment.knew_on),
        "knew_on_latest": _iso(facts.knew_on_latest),
        "knew_to": _iso(facts.knew_on_latest),
        "preliminary_days": facts.preliminary_days,
        "preliminary_target": _iso(assessment.preliminary_target),
        "final_days": assessment.final_days,
        "final_day": _iso(assessment.final_day),
        "final_due": _iso(assessment.final_due),
        "moved_because": wording.moved_because_ja(assessment),
        "moved_because_en": wording.CLOSED_EN[moved] if moved else None,
        "latest_final_due": _iso(assessment.latest_final_due),
        "notes_ja": wording.notes_ja(assessment),
        "filings": [{"kind": f.kind, "filed_on": _iso(f.filed_on), "due": _iso(f.due),
                     "late": f.late, "days_late": f.days_late} for f in filings],
    }
