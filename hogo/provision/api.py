"""`POST /api/provision/assess`: may it be provided, must it be recorded, until when — from
facts alone, no request needed.

For what-ifs and integrations (a records system asking "does this provision need a record,
and how long is it kept?"). Nothing is stored and no personal data goes in or out, so any
machine token of the organisation may ask; its organisation's policy profile supplies the
organisation type unless the body names one. The answer is the same JSON as
`hogo provision assess --json` (`hogo.provision.assessment.as_json`).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import BeforeValidator, ConfigDict

from hogo.accounts.permissions import allows
from hogo.accounts.policy import effective_profile
from hogo.incidents.dates import parse_date, parse_optional
from hogo.provision.assessment import as_json
from hogo.rules.provision import Facts, assess

router = Router(tags=["provision"])

# The console's formats exactly (`hogo.incidents.dates`): 2026-06-01, 2026/06/01, 20260601,
# 令和8年6月1日; a timestamp is not a date.
Day = Annotated[dt.date, BeforeValidator(parse_date)]
OptionalDay = Annotated[dt.date | None, BeforeValidator(parse_optional)]

# The codes of hogo.rules.provision.RECIPIENT_KINDS and BASES, spelt out for the schema
# (tested to stay equal).
RecipientKind = Literal["government_body", "police", "court", "bar_association", "insurer",
                        "individual", "business", "academic_institution", "contractor",
                        "joint_user", "successor"]
BasisCode = Literal["warrant", "ccp_197_2", "court", "bar_association", "statute", "consent",
                    "life_body_property", "public_health", "public_cooperation", "research",
                    "person_interest", "other"]


class AssessIn(Schema):
    """The facts of one provision (or, with direction receive, one receipt)."""

    # A misspelt flag ("sensitve") silently read as false could allow an opt-out it must
    # refuse: unknown fields are refused instead.
    model_config = ConfigDict(extra="forbid")

    organisation_type: Literal["public_body", "private_business"] | None = Field(
        None, description="default: the token organisation's policy profile")
    direction: Literal["provide", "receive"] = Field(
        "provide", description="receive: we get personal data from the party named by "
                               "recipient_kind (Act Art. 30)")
    recipient_kind: RecipientKind = Field(description="who receives (or, for receive, who "
                                                      "provides)")
    basis: BasisCode = Field(description="the legal basis the request states")
    consent_on: OptionalDay = Field(None, description="the day the person consented; needed "
                                                      "with basis consent")
    opt_out_on: OptionalDay = Field(None, description="the day the opt-out was filed (Act "
                                                      "Art. 27(2); businesses only)")
    sensitive: bool = Field(False, description="sensitive personal data (要配慮個人情報)")
    provided_on: list[Day] = Field(default_factory=list,
                                   description="the days provided (or received)")
    record_form: Literal["single", "repeated", "contract"] = Field(
        "single", description="one record per provision, one for repeated provision to the "
                              "same recipient, or the contract as the record")
    recorded_on: OptionalDay = Field(None, description="the day a one-provision record was "
                                                       "made (default: the provision's day)")


class AssessOut(Schema):
    organisation_type: str
    direction: str
    recipient_kind: str
    basis: str
    third_party: bool
    allowed: bool
    allowed_because: str
    allowed_article: str = Field(description="e.g. act:27:1:1 (law:article:paragraph:item)")
    allowed_article_text_ja: str
    allowed_article_text_en: str
    allowed_because_ja: str
    allowed_because_en: str
    record_required: bool
    record_because: str
    record_article: str
    record_article_text_ja: str
    record_article_text_en: str
    record_because_ja: str
    record_because_en: str
    record_items: list[str]
    record_items_ja: list[str]
    record_items_en: list[str]
    record_items_article: str | None
    record_items_article_text_ja: str | None
    record_items_article_text_en: str | None
    record_form: str
    provided_on: list[dt.date]
    recorded_on: dt.date | None
    keep_until: dt.date | None = Field(description="the last day the record is kept; null "
                                                   "when none is required or no day is known")
    keep_article: str | None
    keep_article_text_ja: str | None
    keep_article_text_en: str | None
    notes: list[str] = Field(description="what the person deciding must still check")
    notes_ja: list[str]
    notes_en: list[str]


class ErrorOut(Schema):
    detail: str


@router.post("/assess", response={200: AssessOut, 403: ErrorOut, 422: ErrorOut})
def assess_provision(request: HttpRequest, payload: AssessIn) -> Status[dict[str, Any]]:
    """Whether the provision is allowed and on which article (Act Art. 27 for a business,
    Art. 69 for a public body), whether a provision record (Art. 29) or receipt record (Art.
    30) is required, its items (Rules Arts. 20, 24) and its keep-until day (Rules Arts. 21,
    25). A refused provision is a 200 with `allowed: false`.

    A body that does not fit the schema gets ninja's 422 listing each field at fault; facts
    that contradict each other (consent after the provision, opt-out at a public body,
    several days in a one-provision record) get a 422 whose `detail` says why.
    """
    token = request.auth
    if not allows(token, "provision.assess"):
        return Status(403, {"detail": "this token may not assess provisions"})
    given = payload.dict()
    organisation_type = given.pop("organisation_type") or effective_profile(
        token.organisation).organisation_type
    given["provided_on"] = tuple(sorted(given["provided_on"]))
    facts = Facts(organisation_type=organisation_type, **given)
    try:
        decision = assess(facts)
    except ValueError as error:
        return Status(422, {"detail": str(error)})
    return Status(200, as_json(decision, facts))
