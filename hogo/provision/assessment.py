"""The legal assessment of a provision request: its facts for `hogo.rules.provision`, the
answer, and the one JSON form the API (`POST /api/provision/assess`), the console
(`hogo provision assess --json`) and the request's stored `assessment` share.

The organisation type is the organisation's policy profile's (a city is a public body, a bus
operator a business), never a guess from the request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from hogo.accounts.policy import effective_profile
from hogo.provision import wording
from hogo.provision.models import ProvisionRequest
from hogo.rules.provision import Article, Decision, Facts, assess


def organisation_type_of(organisation: Any) -> str:
    return effective_profile(organisation).organisation_type


def facts_of(request: ProvisionRequest, provided_on: Iterable[dt.date] = ()) -> Facts:
    """The request's facts; ValueError (English) when it does not say yet what the rules
    need (who asks, on what basis)."""
    missing = [name for name in ("recipient_kind", "basis") if not getattr(request, name)]
    if missing:
        raise ValueError(f"the request does not state its {' and '.join(missing)} yet")
    return Facts(organisation_type=organisation_type_of(request.organisation),
                 recipient_kind=request.recipient_kind, basis=request.basis,
                 consent_on=request.consent_on, opt_out_on=request.opt_out_on,
                 sensitive=bool(request.sensitive), provided_on=tuple(sorted(provided_on)),
                 record_form=request.record_form or "single")


def assess_request(request: ProvisionRequest, provided_on: Iterable[dt.date] = ()) -> Decision:
    """The rules' answer for this request (ValueError when it cannot be assessed yet)."""
    return assess(facts_of(request, provided_on))


def store_assessment(request: ProvisionRequest) -> Decision | None:
    """Keep the assessment on the request for its page (`request.assessment`, the JSON of
    `as_json`); {} and None when the request cannot be assessed yet."""
    try:
        facts = facts_of(request)
        decision: Decision | None = assess(facts)
    except ValueError:
        decision = None
    request.assessment = as_json(decision, facts) if decision is not None else {}
    if request.pk is not None:
        request.save(update_fields=["assessment"])
    return decision


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _article(prefix: str, article: Article | None) -> dict[str, Any]:
    return {prefix: article.code() if article else None,
            f"{prefix}_text_ja": wording.article_text_ja(article, full=article.law == "rules")
            if article else None,
            f"{prefix}_text_en": wording.article_text_en(article) if article else None}


def as_json(decision: Decision, facts: Facts) -> dict[str, Any]:
    """The assessment for machines: codes, article codes and their wording in Japanese and
    English, ISO days."""
    return {
        "organisation_type": facts.organisation_type,
        "direction": facts.direction,
        "recipient_kind": facts.recipient_kind,
        "basis": facts.basis,
        "third_party": decision.third_party,
        "allowed": decision.allowed,
        "allowed_because": decision.allowed_because,
        **_article("allowed_article", decision.allowed_article),
        "allowed_because_ja": wording.ja("reason", decision.allowed_because),
        "allowed_because_en": wording.en("reason", decision.allowed_because),
        "record_required": decision.record_required,
        "record_because": decision.record_because,
        **_article("record_article", decision.record_article),
        "record_because_ja": wording.ja("record_reason", decision.record_because),
        "record_because_en": wording.en("record_reason", decision.record_because),
        "record_items": list(decision.record_items),
        "record_items_ja": [wording.ja("item", code) for code in decision.record_items],
        "record_items_en": [wording.en("item", code) for code in decision.record_items],
        **_article("record_items_article", decision.items_article),
        "record_form": facts.record_form,
        "provided_on": [day.isoformat() for day in facts.provided_on],
        "recorded_on": _iso(facts.recorded_on),
        "keep_until": _iso(decision.keep_until),
        **_article("keep_article", decision.keep_article),
        "notes": list(decision.notes),
        "notes_ja": [wording.ja("note", code) for code in decision.notes],
        "notes_en": [wording.en("note", code) for code in decision.notes],
    }
