"""Which documents show that a requester is the person, or their agent (R-603).

A request about one's own data is answered only to the person or an authorised agent
(public bodies: Act Art. 77(2) with the Cabinet Order Art. 22; businesses: Art. 37(1)-(3)
with the Cabinet Order Arts. 11-12, in the business's own procedure). What counts, as the
PPC's guidance for administrative bodies describes it and docs/law.md records:

- at the counter, one photo document (driving licence, My Number card — its number is never
  written down —, passport, residence card), or a document without a photo (health insurance,
  pension book) together with a second document;
- by post, copies of those documents and a certificate of residence (住民票の写し) made
  within 30 days before the request arrived;
- an agent shows their own documents as above and what makes them an agent: a legal
  representative the family register extract or the guardianship certificate, a holder of a
  power of attorney the power of attorney and the principal's identity document.

Only what is needed is asked: the rules say what is missing, never ask for more. Codes are
returned; the app above words them. Framework-free.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

PHOTO_DOCUMENTS = frozenset({"driving_licence", "my_number_card", "passport", "residence_card"})
# Documents without a photo: enough only with a second document.
SECONDARY_DOCUMENTS = frozenset({"health_insurance", "pension_book"})
QUALIFICATION_DOCUMENTS = frozenset({"family_register", "guardianship"})
# Documents that say who someone is (the rest say what makes them an agent).
IDENTITY_DOCUMENTS = PHOTO_DOCUMENTS | SECONDARY_DOCUMENTS | {"residence_certificate", "other"}
DOCUMENTS = IDENTITY_DOCUMENTS | QUALIFICATION_DOCUMENTS | {"power_of_attorney",
                                                           "principal_document"}
# A certificate of residence sent by post is made within this many days before arrival.
RESIDENCE_CERTIFICATE_DAYS = 30

REQUESTER_SELF = "self"
LEGAL_REPRESENTATIVE = "legal_representative"
ATTORNEY = "attorney"

# Problem codes, in the order a check lists them.
UNKNOWN_DOCUMENT = "unknown_document"
NO_DOCUMENT = "no_document"
SECOND_DOCUMENT = "second_document"
RESIDENCE_CERTIFICATE = "residence_certificate"
RESIDENCE_CERTIFICATE_DAY = "residence_certificate_day"
RESIDENCE_CERTIFICATE_OLD = "residence_certificate_old"
RESIDENCE_CERTIFICATE_AFTER = "residence_certificate_after"
QUALIFICATION = "qualification"
POWER_OF_ATTORNEY = "power_of_attorney"
PRINCIPAL_DOCUMENT = "principal_document"
PERSONAL_NUMBER_WRITTEN = "personal_number_written"

# Twelve digits in a row, allowing spaces or hyphens between groups: a My Number (個人番号)
# copied into a note, which must never be recorded.
_PERSONAL_NUMBER = re.compile(r"(?<!\d)\d{4}[\s\-‐－ー]?\d{4}[\s\-‐－ー]?\d{4}(?!\d)")


def shows_identity(documents: Iterable[str]) -> list[str]:
    """What is missing for the documents to identify one person (codes; empty when enough)."""
    seen = set(documents)
    if seen & PHOTO_DOCUMENTS:
        return []
    identifying = seen & IDENTITY_DOCUMENTS
    if seen & SECONDARY_DOCUMENTS:
        return [] if len(identifying) >= 2 else [SECOND_DOCUMENT]
    return [NO_DOCUMENT]


def residence_certificate_problems(*, by_post: bool, documents: Iterable[str],
                                   made_on: dt.date | None,
                                   received_on: dt.date) -> list[str]:
    """By post: a certificate of residence made within 30 days before the copies arrived
    (`received_on`: the day the documents came, which for a web request is after it)."""
    if not by_post:
        return []
    if "residence_certificate" not in set(documents):
        return [RESIDENCE_CERTIFICATE]
    if made_on is None:
        return [RESIDENCE_CERTIFICATE_DAY]
    if made_on > received_on:
        return [RESIDENCE_CERTIFICATE_AFTER]
    if (received_on - made_on).days > RESIDENCE_CERTIFICATE_DAYS:
        return [RESIDENCE_CERTIFICATE_OLD]
    return []


def agent_problems(requester_type: str, documents: Iterable[str]) -> list[str]:
    """What makes the requester an agent, when they are one."""
    seen = set(documents)
    if requester_type == LEGAL_REPRESENTATIVE:
        return [] if seen & QUALIFICATION_DOCUMENTS else [QUALIFICATION]
    if requester_type == ATTORNEY:
        missing = [] if "power_of_attorney" in seen else [POWER_OF_ATTORNEY]
        return missing + ([] if "principal_document" in seen else [PRINCIPAL_DOCUMENT])
    return []


def writes_personal_number(text: str) -> bool:
    """The text holds what looks like a My Number (12 digits): it must not be recorded."""
    return bool(_PERSONAL_NUMBER.search(text or ""))


def problems(*, requester_type: str, documents: Iterable[str], by_post: bool,
             residence_certificate_on: dt.date | None, received_on: dt.date,
             note: str = "") -> list[str]:
    """Every reason the identity is not yet shown (codes; empty: it is)."""
    documents = list(dict.fromkeys(documents))
    found = [UNKNOWN_DOCUMENT] if set(documents) - DOCUMENTS else []
    found += shows_identity(documents)
    found += residence_certificate_problems(by_post=by_post, documents=documents,
                                            made_on=residence_certificate_on,
                                            received_on=received_on)
    found += agent_problems(requester_type, documents)
    if writes_personal_number(note):
        found.append(PERSONAL_NUMBER_WRITTEN)
    return found
