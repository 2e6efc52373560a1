"""Third-party provision (第三者提供): may it be provided, must it be recorded, how long kept.

Framework-free and table-tested. Two regimes:
- a public body (行政機関等) provides outside its purpose of use only as Act Art. 69 allows:
  law-based (Art. 69(1)), or one of Art. 69(2) items 1-4; Art. 29 (provision records) binds
  business operators only, so no Art. 29 record is asked of a public body;
- a business operator (個人情報取扱事業者) provides only with the person's prior consent
  (Art. 27(1)), an exception of Art. 27(1) items 1-7, or by opt-out (Art. 27(2), never for
  sensitive data); a contractor, a business successor and a joint user are not third parties
  (Art. 27(5)). A provision record (Art. 29; Rules Arts. 19-21) is kept unless the recipient
  is a body of Art. 16(2) or an exception of Art. 27(1)/(5) applies; a receipt record
  (Art. 30; Rules Arts. 22-25) likewise when data comes in from a third party.

Rules return codes, article references and dates; the app above words them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from hogo.rules.copies import period_end

DAY = dt.timedelta(days=1)

ORGANISATION_TYPES = ("public_body", "private_business")
RECIPIENT_KINDS = ("government_body", "police", "court", "bar_association", "insurer",
                   "individual", "business", "contractor", "joint_user", "successor")
BASES = ("warrant", "ccp_197_2", "court", "bar_association", "statute", "consent",
         "life_body_property", "public_health", "public_cooperation", "research",
         "person_interest", "other")
RECORD_FORMS = ("single", "repeated", "contract")
DIRECTIONS = ("provide", "receive")

# Recipients that are bodies of Act Art. 16(2) (national organs, local governments and their
# organs — a prefectural police, a court — incorporated administrative agencies): no Art. 29
# record and no Art. 30 confirmation.
GOVERNMENT_RECIPIENTS = frozenset({"government_body", "police", "court"})
# Art. 27(5) items 1-3: outsourcing, succession, joint use — not a third party.
NOT_THIRD_PARTY = {"contractor": 1, "successor": 2, "joint_user": 3}
# Bases that are "based on laws and regulations" (法令に基づく場合).
LAW_BASED = frozenset({"warrant", "ccp_197_2", "court", "bar_association", "statute"})
# Art. 27(1) items 2-7 by basis (item 1 is every law-based basis).
BUSINESS_EXCEPTIONS = {"life_body_property": 2, "public_health": 3, "public_cooperation": 4,
                       "research": 5}
# Art. 69(2) item by basis for a public body (item 1 consent; 3 another public body; 4 the rest).
PUBLIC_ITEMS = {"consent": 1, "public_cooperation": 3, "research": 4, "person_interest": 4,
                "life_body_property": 4, "public_health": 4}


@dataclass(frozen=True)
class Article:
    """A reference into a law: `law` is "act" (個人情報の保護に関する法律) or "rules" (its
    Enforcement Rules, 施行規則); `proviso` for ただし書."""

    law: str
    article: int
    paragraph: int | None = None
    item: int | None = None
    proviso: bool = False

    def code(self) -> str:
        """A stable short form: act:27:1:1, rules:21:1, act:29:1:proviso."""
        parts = [self.law, str(self.article)]
        parts += [str(p) for p in (self.paragraph, self.item) if p is not None]
        return ":".join(parts + (["proviso"] if self.proviso else []))


@dataclass(frozen=True)
class Facts:
    organisation_type: str
    recipient_kind: str
    basis: str
    consent_on: dt.date | None = None
    opt_out_on: dt.date | None = None
    sensitive: bool = False
    provided_on: tuple[dt.date, ...] = ()
    record_form: str = "single"
    direction: str = "provide"


@dataclass(frozen=True)
class Decision:
    """The answer. `allowed_because`/`record_because` are codes (see `REASONS`); `notes` are
    codes of conditions the person deciding must still check."""

    allowed: bool
    allowed_because: str
    allowed_article: Article
    third_party: bool
    record_required: bool
    record_because: str
    record_article: Article
    record_items: tuple[str, ...] = ()
    keep_until: dt.date | None = None
    keep_article: Article | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)


def check_facts(facts: Facts) -> None:
    """Raise ValueError (English, for the CLI and API) for facts that cannot be assessed."""
    for name, value, allowed in (("organisation_type", facts.organisation_type,
                                  ORGANISATION_TYPES),
                                 ("recipient_kind", facts.recipient_kind, RECIPIENT_KINDS),
                                 ("basis", facts.basis, BASES),
                                 ("record_form", facts.record_form, RECORD_FORMS),
                                 ("direction", facts.direction, DIRECTIONS)):
        if value not in allowed:
            raise ValueError(f"{name} must be one of {', '.join(allowed)} (got {value!r})")
    if facts.basis == "consent" and facts.consent_on is None:
        raise ValueError("basis consent needs the day consent was obtained (consent_on)")
    if facts.opt_out_on is not None and facts.organisation_type == "public_body":
        raise ValueError("opt-out provision (Act Art. 27(2)) is for business operators only")
    if facts.record_form == "single" and len(facts.provided_on) > 1:
        raise ValueError("a single-provision record covers one provision; give "
                         "record_form repeated (or contract) for several provided_on days")
    if facts.consent_on and facts.provided_on and facts.consent_on > min(facts.provided_on):
        raise ValueError("consent must be obtained before the provision (consent_on is after "
                         "the first provided_on)")


def assess(facts: Facts) -> Decision:
    """Whether the provision (or receipt) may go ahead, whether it must be recorded, the
    record's items and the last day the record must be kept."""
    check_facts(facts)
    if facts.direction == "receive":
        return _receipt(facts)
    if facts.organisation_type == "public_body":
        return _public_body(facts)
    return _business(facts)


def _public_body(facts: Facts) -> Decision:
    notes: list[str] = []
    if facts.recipient_kind == "contractor":
        allowed, because, article = True, "outsourcing", Article("act", 66, 2, 1)
        notes.append("contractor_bound")
    elif facts.basis in LAW_BASED:
        allowed, because, article = True, "law_based", Article("act", 69, 1)
        notes.append("law_based_still_judged")
    elif facts.basis == "public_cooperation" and facts.recipient_kind not in \
            GOVERNMENT_RECIPIENTS:
        allowed, because, article = False, "not_a_public_body", Article("act", 69, 2, 3)
    elif facts.basis in PUBLIC_ITEMS:
        item = PUBLIC_ITEMS[facts.basis]
        allowed, because, article = True, f"public_item_{item}", Article("act", 69, 2, item)
        notes.append("no_undue_harm")
        if item == 4:
            notes.append("special_reason")
    else:
        allowed, because, article = False, "outside_purpose", Article("act", 69, 1)
    return Decision(allowed=allowed, allowed_because=because, allowed_article=article,
                    third_party=facts.recipient_kind != "contractor", record_required=False,
                    record_because="public_body", record_article=Article("act", 29, 1),
                    notes=tuple(notes))


def _business_allowance(facts: Facts) -> tuple[bool, str, Article, list[str]]:
    kind, basis = facts.recipient_kind, facts.basis
    if kind in NOT_THIRD_PARTY:
        notes = ["joint_use_items_known"] if kind == "joint_user" else []
        return True, "not_third_party", Article("act", 27, 5, NOT_THIRD_PARTY[kind]), notes
    if basis in LAW_BASED:
        return True, "law_based", Article("act", 27, 1, 1), []
    if basis in BUSINESS_EXCEPTIONS:
        item = BUSINESS_EXCEPTIONS[basis]
        notes = {2: ["consent_hard_to_get"], 3: ["consent_hard_to_get"],
                 4: ["consent_would_hinder"], 5: ["academic_institution"]}[item]
        return True, f"exception_{item}", Article("act", 27, 1, item), notes
    if basis == "consent":
        return True, "consent", Article("act", 27, 1), []
    if facts.opt_out_on is not None:
        if facts.sensitive:
            return False, "sensitive_no_opt_out", Article("act", 27, 2, proviso=True), []
        return True, "opt_out", Article("act", 27, 2), ["opt_out_filed"]
    return False, "no_consent", Article("act", 27, 1), []


def _business(facts: Facts) -> Decision:
    allowed, because, article, notes = _business_allowance(facts)
    exempt = {"not_third_party": "not_third_party", "law_based": "law_based"}.get(
        because, "exception" if because.startswith("exception_") else None)
    if exempt is not None:
        record, record_because = False, exempt
        record_article = Article("act", 29, 1, proviso=True)
    elif facts.recipient_kind in GOVERNMENT_RECIPIENTS:
        record, record_because, record_article = False, "government_recipient", \
            Article("act", 16, 2)
    elif not allowed:
        record, record_because, record_article = False, "not_provided", Article("act", 29, 1)
    else:
        record, record_because, record_article = True, "required", Article("act", 29, 1)
    if not record:
        return Decision(allowed, because, article, because != "not_third_party", False,
                        record_because, record_article, notes=tuple(notes))
    opt_out = because == "opt_out"
    items = (("provided_on",) if opt_out else ("consent",)) + (
        "recipient_name",) + (("recipient_address", "recipient_representative")
                              if opt_out else ()) + ("persons", "data_items")
    keep_until, keep_article = keep_record_until(facts.record_form, facts.provided_on, "rules",
                                                 21)
    return Decision(allowed, because, article, True, True, "required", record_article,
                    record_items=items, keep_until=keep_until, keep_article=keep_article,
                    notes=tuple(notes))


def _receipt(facts: Facts) -> Decision:
    """Receiving personal data from a third party (Art. 30): confirm and record the provider
    unless it is an Art. 16(2) body or an exception of Art. 27(1)/(5) applies."""
    allowed_article = Article("act", 30, 1)
    if facts.organisation_type == "public_body":
        return Decision(True, "receipt", allowed_article, True, False, "public_body",
                        Article("act", 30, 1))
    kind, basis = facts.recipient_kind, facts.basis
    if kind in NOT_THIRD_PARTY:
        return Decision(True, "receipt", allowed_article, False, False, "not_third_party",
                        Article("act", 30, 1, proviso=True))
    if basis in LAW_BASED or basis in BUSINESS_EXCEPTIONS:
        return Decision(True, "receipt", allowed_article, True, False,
                        "law_based" if basis in LAW_BASED else "exception",
                        Article("act", 30, 1, proviso=True))
    if kind in GOVERNMENT_RECIPIENTS:
        return Decision(True, "receipt", allowed_article, True, False, "government_recipient",
                        Article("act", 16, 2))
    opt_out = facts.opt_out_on is not None and basis != "consent"
    items = (("received_on",) if opt_out else ("consent",)) + (
        "provider_name", "provider_address", "provider_representative", "how_obtained",
        "persons", "data_items") + (("ppc_published",) if opt_out else ())
    keep_until, keep_article = keep_record_until(facts.record_form, facts.provided_on, "rules",
                                                 25)
    return Decision(True, "receipt", allowed_article, True, True, "required",
                    Article("act", 30, 3), record_items=items, keep_until=keep_until,
                    keep_article=keep_article)


# Rules Art. 21 (provision records) and Art. 25 (receipt records), item by record form.
KEEP_YEARS = {"contract": (1, 1), "repeated": (3, 2), "single": (3, 3)}


def keep_record_until(record_form: str, provided_on: tuple[dt.date, ...], law: str = "rules",
                      article: int = 21) -> tuple[dt.date | None, Article]:
    """The last day a record must be kept, and the rule that says so; None before any day of
    provision is known.

    Contract as record: 1 year counted from the day of the last provision (Rules Art. 21(1));
    one record for repeated provision: 3 years from the last provision (item 2); otherwise
    3 years (item 3), from the day of the provision the record is of. 「起算して…を経過する日」
    counts the first day: provided 2025-06-01, kept 1 year → until 2026-05-31.
    """
    years, item = KEEP_YEARS[record_form]
    where = Article(law, article, None, item)
    if not provided_on:
        return None, where
    return keep_until_from(max(provided_on), years), where


def keep_until_from(first_day: dt.date, years: int) -> dt.date:
    """The last day of `years` counted from `first_day` itself (the first day counts)."""
    return period_end(first_day - DAY, years * 12)


def may_erase_record(keep_until: dt.date | None, today: dt.date) -> bool:
    """A record may (and is) erased from the day after its keep-until day; never while its
    provision has no day yet."""
    return keep_until is not None and today > keep_until


# Every reason code, for the app's wording tables (tested to cover all of them).
REASONS = ("outsourcing", "law_based", "not_a_public_body", "public_item_1", "public_item_3",
           "public_item_4", "outside_purpose", "not_third_party", "exception_2",
           "exception_3", "exception_4", "exception_5", "consent", "sensitive_no_opt_out",
           "opt_out", "no_consent", "receipt")
RECORD_REASONS = ("public_body", "not_third_party", "exception", "law_based",
                  "government_recipient", "not_provided", "required")
RECORD_ITEMS = ("provided_on", "consent", "recipient_name", "recipient_address",
                "recipient_representative", "persons", "data_items", "received_on",
                "provider_name", "provider_address", "provider_representative", "how_obtained",
                "ppc_published")
NOTES = ("contractor_bound", "law_based_still_judged", "no_undue_harm", "special_reason",
         "joint_use_items_known", "consent_hard_to_get", "consent_would_hinder",
         "academic_institution", "opt_out_filed")
