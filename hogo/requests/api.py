"""`POST /api/requests/assess`: when a person's request must be answered, from when they may
sue, and what it costs — from facts alone, no request stored.

For what-ifs and integrations (a counter system asking "when is this request due?"). Nothing
is stored and no personal data goes in or out; a token needs `requests.assess`. The token's
organisation's policy profile supplies the organisation type and the [requests] values
unless the body names another type (then the bundled profile of that type) or a bundled
profile. The answer is the same JSON as `hogo requests assess --json`
(`hogo.requests.assessment.as_json`).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import BeforeValidator, ConfigDict

from hogo.accounts.permissions import allows
from hogo.incidents.dates import parse_date, parse_optional
from hogo.requests import assessment
from hogo.rules.requests import RequestRuleError

router = Router(tags=["requests"])

# The console's formats exactly (`hogo.incidents.dates`); a wait is FROM:TO as at the console.
Day = Annotated[dt.date, BeforeValidator(parse_date)]
OptionalDay = Annotated[dt.date | None, BeforeValidator(parse_optional)]
WaitText = Annotated[tuple[dt.date, dt.date], BeforeValidator(assessment.parse_wait)]
# The codes of hogo.rules.requests.KINDS, spelt out for the schema (tested to stay equal).
KindCode = Literal["purpose_notification", "disclosure", "correction", "suspension",
                   "provision_stop"]


class AssessIn(Schema):
    """The facts of one request."""

    # A misspelt "extention_reason" silently ignored would hide the refusal it must give.
    model_config = ConfigDict(extra="forbid")

    organisation_type: Literal["public_body", "private_business"] | None = Field(
        None, description="default: the token organisation's policy profile")
    profile: str | None = Field(None, description="a bundled profile key instead of the "
                                                  "organisation's (city, driving_school, …)")
    kind: KindCode
    received_on: Day = Field(description="the day the request reached the organisation")
    correction_waits: list[WaitText] = Field(
        default_factory=list, description="FROM:TO, both days inclusive (補正期間)")
    extended: bool = Field(False, description="extended once (Act Art. 83(2)); needs "
                                              "extension_reason")
    extension_reason: str = ""
    large: bool = Field(False, description="a very large disclosure request (Act Art. 84)")
    disclosed_on: OptionalDay = Field(None, description="for a correction or stop request: "
                                                        "the day the disclosure was received")
    fee_items: int | None = Field(None, ge=0, description="default 1; 0 for a free kind")
    copy_sheets: int = Field(0, ge=0)
    copy_discs: int = Field(0, ge=0)


class AssessOut(Schema):
    organisation_type: str
    kind: str
    profile: str
    received_on: dt.date
    correction_waits: list[list[dt.date]]
    waited_days: int
    answer_days: int
    closed_day_moves_due: bool
    due_on: dt.date
    extended: bool
    extension_reason: str
    extended_due_on: dt.date | None
    large: bool
    large_due_on: dt.date | None
    may_sue_on: dt.date | None = Field(description="a business: the day after two weeks "
                                                   "from arrival (Act Art. 39(1)); else null")
    disclosed_on: dt.date | None
    after_disclosure_last_day: dt.date | None
    fee_items: int
    copy_sheets: int
    copy_discs: int
    fee_yen: int
    articles: dict[str, str] = Field(description="e.g. act:83:1 per answer")
    citations: dict[str, str] = Field(description="e.g. 法第83条第1項 per answer")
    citations_en: dict[str, str]


class ErrorOut(Schema):
    detail: str
    code: str | None = None


@router.post("/assess", response={200: AssessOut, 403: ErrorOut, 422: ErrorOut})
def assess_request(request: HttpRequest, payload: AssessIn) -> Status[dict[str, Any]]:
    """The decision day (a public body, Act Arts. 83(1), 94(1), 102(1): 30 days from the day
    after receipt, correction waits not counted) or the answer target (a business, "without
    delay"), the extended day (Art. 83(2)), the very-large-request day (Art. 84), the day the
    person may sue (a business, Art. 39(1)) and the fee (Arts. 38, 89).

    A body that does not fit the schema gets ninja's 422 listing each field at fault; what
    the law forbids (an extension without a reason or at a business, a fee on a correction
    or stop request, a correction request after its 90 days) gets a 422 whose `detail` says
    why and whose `code` names the rule.
    """
    token = request.auth
    if not allows(token, "requests.assess"):
        return Status(403, {"detail": "this token may not assess requests"})
    given = payload.dict()
    try:
        profile = assessment.profile_for(token.organisation,
                                         organisation_type=given["organisation_type"],
                                         profile_key=given["profile"])
        facts = assessment.facts(
            profile, kind=given["kind"], received_on=given["received_on"],
            waits=given["correction_waits"], extended=given["extended"],
            extension_reason=given["extension_reason"], large=given["large"],
            disclosed_on=given["disclosed_on"], fee_items=given["fee_items"],
            sheets=given["copy_sheets"], discs=given["copy_discs"])
        result = assessment.answer(facts)
    except RequestRuleError as error:
        return Status(422, {"detail": str(error), "code": error.code})
    except ValueError as error:
        return Status(422, {"detail": str(error)})
    return Status(200, assessment.as_json(result, facts, profile=profile.key))
