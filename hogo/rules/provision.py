"""Third-party provision (第三者提供): may it be provided, must it be recorded, how long kept.

Framework-free and table-tested; every answer names the article it rests on. Two regimes:

- a public body (行政機関等) provides retained personal data outside its purpose of use only
  as Act Art. 69 allows: law-based (Art. 69(1): the limit does not reach a provision a law
  provides for), or one of Art. 69(2) items 1, 3, 4 (item 2 is internal use; statistics and
  research are item 4 whoever receives); it then asks the recipient to limit its use and
  manage it (Art. 70).
  Handing data to a contractor is no provision (the contractor is bound, Art. 66(2)(i)).
  Art. 29/30 (records) bind business operators only, so no record is asked of a public body;
- a business operator (個人情報取扱事業者) provides only with the person's prior consent
  (Art. 27(1)), under an item of Art. 27(1) (1 law-based, 2 life/body/property, 3 public
  health/children, 4 a public body's legal duty, 7 to an academic research institution —
  学術研究機関等 —; items 5-6 are for a provider that is one, and statistics alone is no
  exception for a business), or by opt-out (Art. 27(2); never sensitive data). A
  contractor, a business successor and a joint user are not third parties (Art. 27(5)). A
  provision record (Art. 29; Rules Arts. 19-21) is made unless Art. 27(1)/(5) applies or the
  recipient is a body of Art. 16(2), which Art. 29(1)'s parenthetical leaves out of "third
  party" for Arts. 29 and 30; a receipt record (Art. 30; Rules Arts. 22-25) likewise when
  data comes in from a third party. Opt-out provision and receipt are recorded each time,
  never in one record for repeated provision nor by a contract (Rules Arts. 19(2)-(3),
  23(2)-(3)).

Keep-until days (Rules Arts. 21, 25): a contract used as the record, 1 year, and one record for
repeated provision, 3 years, both 「最後に…提供を行った日から起算して…を経過する日まで」 — the
day of the last provision counts as the first day; any other record 3 years from the day it was
made (Act Art. 29(2), 30(4)), a period whose first day does not count (Civil Code Arts. 140,
143; the PPC's Q&A 13-35: made 2018-02-01, kept until 2021-02-01).

Rules return codes, article references and dates; the app above words them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from hogo.rules.copies import period_end

DAY = dt.timedelta(days=1)

ORGANISATION_TYPES = ("public_body", "private_business")
RECIPIENT_KINDS = ("government_body", "police", "court", "bar_association", "insurer",
                   "individual", "business", "academic_institution", "contractor",
                   "joint_user", "successor")
BASES = ("warrant", "ccp_197_2", "court", "bar_association", "statute", "consent",
         "life_body_property", "public_health", "public_cooperation", "research",
         "person_interest", "other")
RECORD_FORMS = ("single", "repeated", "contract")
DIRECTIONS = ("provide", "receive")

# Bodies of Act Art. 16(2) (national organs — a court too —, local governments and their
# organs — a prefectural police —, incorporated administrative agencies): Art. 29(1)'s
# parenthetical (「第十六条第二項各号に掲げる者を除く。以下この条及び次条…において同じ。」)
# leaves them out of "third party" for Arts. 29-30, so no provision record and no receipt
# confirmation.
GOVERNMENT_RECIPIENTS = frozenset({"government_body", "police", "court"})
# Art. 69(2)(iii): another administrative organ, local government organ or agency; a court is
# a national organ but not an administrative one.
ADMINISTRATIVE_RECIPIENTS = frozenset({"government_body", "police"})
# Art. 27(5) items 1-3: outsourcing, succession, joint use — not a third party.
NOT_THIRD_PARTY = {"contractor": 1, "successor": 2, "joint_user": 3}
# Bases that are "based on laws and regulations" (法令に基づく場合): a warrant (CCP Art. 218),
# an investigator's inquiry (CCP Art. 197(2)), a court's commission or order, a bar
# association's inquiry (弁護士法 Art. 23-2), another statute.
LAW_BASED = frozenset({"warrant", "ccp_197_2", "court", "bar_association", "statute"})
# Art. 27(1) items 2-7 by basis (item 1 is every law-based basis). Research is item 7: the
# recipient is an academic research institution (items 5-6 are for a provider that is one).
BUSINESS_EXCEPTIONS = {"life_body_property": 2, "public_health": 3, "public_cooperation": 4,
                       "research": 7}
# Art. 27(1)(iv): the recipient must be a national organ or local government (or a business
# they entrust the duty to).
COOPERATION_RECIPIENTS = GOVERNMENT_RECIPIENTS | {"business"}
# Art. 27(1)(vii): the recipient must be an academic research institution (学術研究機関等).
ACADEMIC = "academic_institution"
# The exceptions that hold only for some recipients: who, and the refusal code otherwise.
EXCEPTION_RECIPIENTS: dict[str, tuple[frozenset[str], str]] = {
    "public_cooperation": (COOPERATION_RECIPIENTS, "not_a_government_body"),
    "research": (frozenset({ACADEMIC}), "research_needs_institution"),
}
# Art. 69(2) item by basis for a public body (1 consent; 3 another public body; 4 the rest).
PUBLIC_ITEMS = {"consent": 1, "public_cooperation": 3, "research": 4, "person_interest": 4,
                "life_body_property": 4, "public_health": 4}
# Rules Art. 21 (provision records) and Art. 25 (receipt records): years and item by form.
KEEP_YEARS = {"contract": (1, 1), "repeated": (3, 2), "single": (3, 3)}


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
    """What the assessment needs. For `direction="receive"`, `recipient_kind` is the kind of
    the party the data comes from and `provided_on` the days it was received. `recorded_on`
    is the day a one-provision record is (or was) made; by default the provision's day."""

    organisation_type: str
    recipient_kind: str
    basis: str
    consent_on: dt.date | None = None
    opt_out_on: dt.date | None = None
    sensitive: bool = False
    provided_on: tuple[dt.date, ...] = ()
    record_form: str = "single"
    direction: str = "provide"
    recorded_on: dt.date | None = None


@dataclass(frozen=True)
class Decision:
    """The answer. `allowed_because`/`record_because` are codes (see `REASONS`,
    `RECORD_REASONS`); `record_items` codes of `RECORD_ITEMS` with `items_article` the rule
    listing them; `notes` codes of `NOTES`, conditions the person deciding must still check."""

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
    items_article: Article | None = None


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
    first = min(facts.provided_on) if facts.provided_on else None
    if first is not None and facts.consent_on and facts.consent_on > first:
        raise ValueError("consent must be obtained before the provision (consent_on is after "
                         "the first provided_on)")
    if first is not None and facts.opt_out_on and facts.opt_out_on > first:
        raise ValueError("opt-out must be notified and filed before the provision (Act Art. "
                         "27(2)); opt_out_on is after the first provided_on")
    if first is not None and facts.recorded_on and facts.record_form == "single" \
            and facts.recorded_on < first:
        raise ValueError("the record of a provision is made when it is provided or after "
                         "(recorded_on is before provided_on)")


def assess(facts: Facts) -> Decision:
    """Whether the provision (or receipt) may go ahead, whether it must be recorded, the
    record's items and the last day the record must be kept."""
    check_facts(facts)
    if facts.direction == "receive":
        return _receipt(facts)
    if facts.organisation_type == "public_body":
        return _public_body(facts)
    return _business(facts)


# --- a public body (Act Arts. 66, 69, 70) -------------------------------------------------------


def _public_allowance(facts: Facts) -> tuple[bool, str, Article, list[str]]:
    kind, basis = facts.recipient_kind, facts.basis
    if kind == "contractor":
        return True, "outsourcing", Article("act", 66, 2, 1), ["contractor_bound"]
    if basis in LAW_BASED:  # Art. 69(1) 「法令に基づく場合を除き」: the limit does not apply
        return True, "law_based_public", Article("act", 69, 1), ["law_based_still_judged",
                                                                 "recipient_measures"]
    if basis == "public_cooperation" and kind not in ADMINISTRATIVE_RECIPIENTS:
        return False, "not_a_public_body", Article("act", 69, 2, 3), []
    if basis in PUBLIC_ITEMS:
        item = PUBLIC_ITEMS[basis]
        notes = ["no_undue_harm"] + (["special_reason"] if item == 4 else []) + [
            "recipient_measures"]
        return True, f"public_item_{item}", Article("act", 69, 2, item), notes
    return False, "outside_purpose", Article("act", 69, 1), ["within_purpose"]


def _public_body(facts: Facts) -> Decision:
    allowed, because, article, notes = _public_allowance(facts)
    return Decision(allowed, because, article, facts.recipient_kind != "contractor", False,
                    "public_body", Article("act", 29, 1), notes=tuple(notes))


# --- a business operator (Act Arts. 27, 29) ---------------------------------------------------


def _business_allowance(facts: Facts) -> tuple[bool, str, Article, list[str]]:
    kind, basis = facts.recipient_kind, facts.basis
    if kind in NOT_THIRD_PARTY:
        notes = ["joint_use_items_known"] if kind == "joint_user" else []
        return True, "not_third_party", Article("act", 27, 5, NOT_THIRD_PARTY[kind]), notes
    if basis in LAW_BASED:
        return True, "law_based", Article("act", 27, 1, 1), ["law_based_still_judged"]
    unmet: tuple[str, Article] | None = None
    if basis in BUSINESS_EXCEPTIONS:
        item = BUSINESS_EXCEPTIONS[basis]
        recipients, refusal = EXCEPTION_RECIPIENTS.get(basis, (frozenset(RECIPIENT_KINDS), ""))
        if kind in recipients:
            notes = {2: ["consent_hard_to_get"], 3: ["consent_hard_to_get"],
                     4: ["consent_would_hinder"], 7: ["academic_institution"]}[item]
            if item == 4 and kind == "business":
                notes = notes + ["government_contractor"]
            return True, f"exception_{item}", Article("act", 27, 1, item), notes
        # The exception needs another recipient; an opt-out filed still allows it (below).
        unmet = (refusal, Article("act", 27, 1, item))
    if basis == "consent":
        return True, "consent", Article("act", 27, 1), []
    if facts.opt_out_on is not None:
        if facts.sensitive:
            return False, "sensitive_no_opt_out", Article("act", 27, 2, proviso=True), []
        return True, "opt_out", Article("act", 27, 2), ["opt_out_filed"]
    if unmet is not None:
        return False, unmet[0], unmet[1], []
    return False, "no_consent", Article("act", 27, 1), []


def _exempt(because: str) -> str | None:
    """The record reason when Art. 29(1)'s proviso (or Art. 30(1)'s) applies."""
    if because in ("not_third_party", "law_based"):
        return because
    return "exception" if because.startswith("exception_") else None


def _business(facts: Facts) -> Decision:
    allowed, because, article, notes = _business_allowance(facts)
    third_party = because != "not_third_party"
    exempt = _exempt(because)
    if exempt is not None:
        return Decision(allowed, because, article, third_party, False, exempt,
                        Article("act", 29, 1, proviso=True), notes=tuple(notes))
    if not allowed:
        return Decision(False, because, article, True, False, "not_provided",
                        Article("act", 29, 1), notes=tuple(notes))
    if facts.recipient_kind in GOVERNMENT_RECIPIENTS:  # Art. 29(1)'s parenthetical
        return Decision(True, because, article, True, False, "government_recipient",
                        Article("act", 29, 1), notes=tuple(notes))
    opt_out = because == "opt_out"
    if opt_out and facts.record_form != "single":
        raise ValueError("a provision by opt-out is recorded each time: one record for "
                         "repeated provision and a contract as the record are for consent-"
                         "based provision only (Rules Art. 19(2)-(3))")
    # Rules Art. 20(1)(i)ロ: the recipient's name, address and (for a body) representative;
    # item (ii) (consent) records 「前号ロからニまでに掲げる事項」, the same recipient items.
    recipient = ("recipient_name", "recipient_address") + (
        () if facts.recipient_kind == "individual" else ("recipient_representative",))
    first = ("provided_on",) if opt_out else ("consent",)  # item (i)イ, item (ii)イ
    items = first + recipient + ("persons", "data_items")
    keep_until, keep_article = keep_record_until(facts.record_form, facts.provided_on, "rules",
                                                 21, recorded_on=facts.recorded_on)
    if facts.record_form == "single":
        notes.append("record_promptly")
    return Decision(True, because, article, True, True, "required", Article("act", 29, 1),
                    record_items=items, keep_until=keep_until, keep_article=keep_article,
                    notes=tuple(notes), items_article=Article("rules", 20, 1, 1 if opt_out
                                                              else 2))


# --- receiving from a third party (Act Art. 30) -----------------------------------------------


def _receipt_exempt(kind: str, basis: str) -> bool:
    """Whether the provider's provision to us falls under an item of Art. 27(1) (Art. 30(1),
    proviso). Research only when the provider is an academic research institution (items
    5-6): the organisations hogo serves are none, so item 7 never covers a receipt."""
    if basis == "research":
        return kind == ACADEMIC
    return basis in LAW_BASED or basis in BUSINESS_EXCEPTIONS


def _receipt(facts: Facts) -> Decision:
    """Receiving personal data from a third party: a business confirms and records the
    provider (Art. 30) unless it is an Art. 16(2) body (Art. 29(1)'s parenthetical) or Art.
    27(1)/(5) applies; a public body acquires it only by proper means (Art. 64) and keeps no
    Art. 30 record."""
    kind, basis = facts.recipient_kind, facts.basis
    if facts.organisation_type == "public_body":
        return Decision(True, "receipt", Article("act", 64), kind not in NOT_THIRD_PARTY,
                        False, "public_body", Article("act", 30, 1))
    allowed_article = Article("act", 30, 1)
    exempt = _receipt_exempt(kind, basis)
    opt_out = facts.opt_out_on is not None and basis != "consent" and not exempt
    if kind in NOT_THIRD_PARTY:
        return Decision(True, "receipt", allowed_article, False, False, "not_third_party",
                        Article("act", 30, 1, proviso=True))
    if exempt:
        return Decision(True, "receipt", allowed_article, True, False,
                        "law_based" if basis in LAW_BASED else "exception",
                        Article("act", 30, 1, proviso=True),
                        notes=("academic_provider",) if basis == "research" else ())
    if opt_out and facts.sensitive:
        return Decision(False, "sensitive_no_opt_out", Article("act", 27, 2, proviso=True),
                        True, False, "not_provided", Article("act", 30, 1))
    if kind in GOVERNMENT_RECIPIENTS:  # Art. 29(1)'s parenthetical reaches Art. 30
        return Decision(True, "receipt", allowed_article, True, False, "government_recipient",
                        Article("act", 30, 1))
    if opt_out and facts.record_form != "single":
        # Rules Art. 23(2) excludes opt-out provision from 「提供」 「以下この条において同じ」,
        # so neither one record for repeated receipt nor a contract (23(3)) serves for it.
        raise ValueError("data received by opt-out is recorded each time: one record for "
                         "repeated receipt and a contract as the record are for data not "
                         "received by opt-out only (Rules Art. 23(2)-(3))")
    provider = ("provider_name", "provider_address") + (
        () if kind == "individual" else ("provider_representative",))
    notes = ["how_obtained_checked"]
    if kind == "individual":  # Rules Art. 24(1)(iii): a provider that is not a business
        items, item = provider + ("how_obtained", "persons", "data_items"), 3
        notes.append("provider_personal_data")
    elif opt_out:  # Rules Art. 24(1)(i)
        items, item = ("received_on",) + provider + ("how_obtained", "persons", "data_items",
                                                      "ppc_published"), 1
    else:  # Rules Art. 24(1)(ii)
        items, item = ("consent",) + provider + ("how_obtained", "persons", "data_items"), 2
        notes.append("consent_confirmed")
    keep_until, keep_article = keep_record_until(facts.record_form, facts.provided_on, "rules",
                                                 25, recorded_on=facts.recorded_on)
    if facts.record_form == "single":
        notes.append("record_promptly")
    return Decision(True, "receipt", allowed_article, True, True, "required",
                    Article("act", 30, 3), record_items=items, keep_until=keep_until,
                    keep_article=keep_article, notes=tuple(notes),
                    items_article=Article("rules", 24, 1, item))


# --- keep-until days (Rules Arts. 21, 25) -----------------------------------------------------


def keep_record_until(record_form: str, provided_on: tuple[dt.date, ...], law: str = "rules",
                      article: int = 21, *, recorded_on: dt.date | None = None
                      ) -> tuple[dt.date | None, Article]:
    """The last day a record must be kept, and the rule that says so (Rules Art. 21 for a
    provision record, Art. 25 for a receipt record); None before any day is known.

    - contract as the record (item 1): 1 year counted from the day of the last provision,
      that day included: last provided 2026-06-01 → kept until 2027-05-31;
    - one record for repeated provision (item 2): 3 years the same way → 2029-05-31;
    - otherwise (item 3): 3 years from the day the record was made (Act Art. 29(2)), its
      first day not counted (Civil Code Art. 140): made 2026-06-01 → kept until 2029-06-01.
      `recorded_on` is that day; by default the record is made on the day of the provision.
    """
    years, item = KEEP_YEARS[record_form]
    where = Article(law, article, None, item)
    if not provided_on:
        return None, where
    if record_form == "single":
        return period_end(recorded_on or max(provided_on), years * 12), where
    return keep_until_from(max(provided_on), years), where


def keep_until_from(first_day: dt.date, years: int) -> dt.date:
    """The last day of `years` counted from `first_day` itself (「…の日から起算して…を経過する
    日」: the first day counts): 2026-06-01, 1 year → 2026-05-31 a year on; 2024-02-29, 1 year
    → 2025-02-28 (no 29 February: the month's last day, Civil Code Art. 143(2))."""
    return period_end(first_day - DAY, years * 12)


def may_erase_record(keep_until: dt.date | None, today: dt.date) -> bool:
    """A record may (and is) erased from the day after its keep-until day; never while its
    provision has no day yet."""
    return keep_until is not None and today > keep_until


# Every code, for the app's wording tables (tested to cover all of them).
REASONS = ("outsourcing", "law_based_public", "not_a_public_body", "public_item_1",
           "public_item_3", "public_item_4", "outside_purpose", "not_third_party", "law_based",
           "not_a_government_body", "research_needs_institution", "exception_2", "exception_3",
           "exception_4", "exception_7", "consent", "sensitive_no_opt_out", "opt_out",
           "no_consent", "receipt")
RECORD_REASONS = ("public_body", "not_third_party", "exception", "law_based",
                  "government_recipient", "not_provided", "required")
RECORD_ITEMS = ("provided_on", "consent", "recipient_name", "recipient_address",
                "recipient_representative", "persons", "data_items", "received_on",
                "provider_name", "provider_address", "provider_representative", "how_obtained",
                "ppc_published")
NOTES = ("contractor_bound", "law_based_still_judged", "recipient_measures", "no_undue_harm",
         "special_reason", "within_purpose", "joint_use_items_known", "consent_hard_to_get",
         "consent_would_hinder", "government_contractor", "academic_institution",
         "opt_out_filed", "record_promptly", "how_obtained_checked", "provider_personal_data",
         "consent_confirmed", "academic_provider")
