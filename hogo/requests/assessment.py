"""The what-if of a person's request: the facts for `hogo.rules.requests.assess` from a policy
profile, and the one JSON form `hogo requests assess --json` and `POST /api/requests/assess`
both answer with.

The profile's [requests] values (answer, extension, very-large and after-disclosure days, the
closed-day setting, the fees) come from the installation's organisation (or the token's), or,
when none is known or the organisation type asked for is not its own, from the bundled profile
of that type (a city for a public body, a bus/taxi operator for a business) — or the one named.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from hogo.accounts.policy import effective_profile, shipped_profiles
from hogo.incidents.dates import parse_date
from hogo.provision.wording import article_text_en
from hogo.requests.deadlines import article_text, facts_for
from hogo.rules.profile import PolicyProfile
from hogo.rules.requests import Assessment, Facts, RequestRuleError, Wait, assess

__all__ = ["BUNDLED", "RequestRuleError", "profile_for", "parse_wait", "facts", "answer",
           "as_json"]

# The bundled profile a what-if falls back on for each organisation type.
BUNDLED = {"public_body": "city", "private_business": "bus_taxi_operator"}


def profile_for(organisation: Any = None, *, organisation_type: str | None = None,
                profile_key: str | None = None) -> PolicyProfile:
    """The profile whose [requests] values the what-if uses: the named bundled one, else the
    organisation's when its type is the one asked for (or none is asked), else the bundled
    one of the type. ValueError (English) for an unknown key or no way to tell."""
    profiles = shipped_profiles()
    if profile_key:
        if profile_key not in profiles:
            raise ValueError(f"profile must be one of {', '.join(sorted(profiles))} "
                             f"(got {profile_key!r})")
        chosen = profiles[profile_key]
        if organisation_type and chosen.organisation_type != organisation_type:
            raise ValueError(f"profile {profile_key} is for a {chosen.organisation_type}, "
                             f"not a {organisation_type}")
        return chosen
    if organisation is not None:
        own = effective_profile(organisation)
        if organisation_type in (None, own.organisation_type):
            return own
    if organisation_type is None:
        raise ValueError("there is no organisation to take the organisation type from; pass "
                         "the organisation type public_body or private_business")
    if organisation_type not in BUNDLED:
        raise ValueError("organisation type must be one of public_body, private_business "
                         f"(got {organisation_type!r})")
    return profiles[BUNDLED[organisation_type]]


def parse_wait(text: str) -> Wait:
    """A correction wait FROM:TO (both days inclusive, each in `parse_date`'s formats);
    ValueError (English) otherwise."""
    first, colon, last = str(text).partition(":")
    if not colon or not first.strip() or not last.strip():
        raise ValueError(f"{text!r} is not a correction wait; use FROM:TO, e.g. "
                         "2026-04-03:2026-04-07 (both days inclusive)")
    return parse_date(first.strip()), parse_date(last.strip())


def facts(profile: PolicyProfile, *, kind: str, received_on: dt.date,
          waits: Iterable[Wait] = (), extended: bool = False, extension_reason: str = "",
          large: bool = False, disclosed_on: dt.date | None = None,
          fee_items: int | None = None, sheets: int = 0, discs: int = 0) -> Facts:
    """The rules' facts with the profile's [requests] values."""
    values = {path.removeprefix("requests."): value for path, value in profile.values.items()
              if path.startswith("requests.")}
    return facts_for(profile.organisation_type, kind, received_on, profile_values=values,
                     waits=tuple(sorted(waits)), extended=extended,
                     extension_reason=extension_reason, large=large,
                     disclosed_on=disclosed_on, fee_items=fee_items, sheets=sheets,
                     discs=discs)


def answer(given: Facts) -> Assessment:
    """The rules' assessment; RequestRuleError (a ValueError) for what the law forbids."""
    return assess(given)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def as_json(result: Assessment, given: Facts, *, profile: str = "") -> dict[str, Any]:
    """The one JSON of both entry points: the facts as understood, every date (null where the
    regime has none), the fee, and for each answer its article as a code (act:83:1), as our
    letters cite it (法第83条第1項) and in English (APPI Art. 83(1))."""
    return {
        "organisation_type": given.organisation_type,
        "kind": given.kind,
        "profile": profile,
        "received_on": given.received_on.isoformat(),
        "correction_waits": [[first.isoformat(), last.isoformat()]
                             for first, last in given.waits],
        "waited_days": result.waited_days,
        "answer_days": given.answer_days,
        "closed_day_moves_due": given.closed_day_moves_due,
        "due_on": result.due_on.isoformat(),
        "extended": given.extended,
        "extension_reason": given.extension_reason,
        "extended_due_on": _iso(result.extended_due_on),
        "large": given.large,
        "large_due_on": _iso(result.large_due_on),
        "may_sue_on": _iso(result.may_sue_on),
        "disclosed_on": _iso(given.disclosed_on),
        "after_disclosure_last_day": _iso(result.after_disclosure_last_day),
        "fee_items": given.fee_items,
        "copy_sheets": given.sheets,
        "copy_discs": given.discs,
        "fee_yen": result.fee_yen,
        "articles": {key: article.code() for key, article in result.articles.items()},
        "citations": {key: article_text(article) for key, article in result.articles.items()},
        "citations_en": {key: article_text_en(article)
                         for key, article in result.articles.items()},
    }
