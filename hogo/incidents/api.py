"""`POST /api/incidents/assess`: reportability and PPC deadlines from facts, no incident needed.

For quick what-ifs and for integrations (a help-desk tool asking "must we report this, and by
when?"). Nothing is stored and no personal data goes in or out, so any machine token of the
organisation may ask; its organisation's policy profile supplies the threshold and day counts.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.security import django_auth
from pydantic import BeforeValidator, ConfigDict, model_validator

from hogo.accounts.permissions import allows
from hogo.accounts.policy import effective_profile
from hogo.incidents.assessment import PolicyDefaults, assessment_json, evaluate
from hogo.incidents.dates import parse_date, parse_optional

router = Router(tags=["incidents"])
log = logging.getLogger("hogo.incidents")

# Field names accepted for one more release, and what replaced them (knew_on: one name for the
# day the organisation knew, from the form to the rule).
RENAMED_ASSESS = {"knew_from": "knew_on", "knew_to": "knew_on_latest"}
RENAMED_REPORT = {"noticed_on": "knew_on"}

# The console's formats exactly (`hogo.incidents.dates`): 2025-10-05, 2025/10/05, 20251005,
# 令和7年10月5日; a timestamp is not a date.
Day = Annotated[dt.date, BeforeValidator(parse_date)]
OptionalDay = Annotated[dt.date | None, BeforeValidator(parse_optional)]


def _accept_old_names(data: Any, renamed: dict[str, str]) -> Any:
    """Before validation: an old field name is read as its new one (never both). ninja hands
    the body over as a dict, or wrapped in its DjangoGetter (`_obj`)."""
    data = getattr(data, "_obj", data)
    if not isinstance(data, dict):
        return data
    data = dict(data)
    for old, new in renamed.items():
        if old in data:
            if new in data:
                raise ValueError(f"give {new} only ({old} is its deprecated name)")
            data[new] = data.pop(old)
    return data


def deprecations(request: HttpRequest, renamed: dict[str, str]) -> list[str]:
    """A message for each deprecated field name the body used (logged, and returned)."""
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return []
    found = [f"{old} is deprecated and will be removed in the next release; use {new}"
             for old, new in renamed.items() if isinstance(body, dict) and old in body]
    for message in found:
        log.warning("deprecated API field: %s", message)
    return found


class AssessIn(Schema):
    """The facts; every flag means "is or may be" (おそれを含む)."""

    # A misspelt flag ("sensitve") silently read as false would say "not reportable" when it
    # is: refuse unknown fields instead.
    model_config = ConfigDict(extra="forbid")

    organisation_type: Literal["public_body", "private_business"] | None = Field(
        None, description="default: the token organisation's policy profile")
    knew_on: Day = Field(description="the day anyone in the organisation first knew "
                                     "(day 1); the earliest day of a range; not in the "
                                     "future. Deprecated name, accepted for one release: "
                                     "knew_from")
    knew_on_latest: OptionalDay = Field(
        None, description="the latest day it may have been, if the day of knowing is known "
                          "only approximately. Deprecated name, accepted for one release: "
                          "knew_to")
    people: int | None = Field(None, ge=0, description="people involved (or possibly)")
    sensitive: bool = False
    financial: bool = False
    unauthorised: bool = False
    encrypted: bool = Field(False, description="strongly encrypted, the key not lost with it")
    ordinance_sensitive: bool = Field(
        False, description="data the local ordinance makes sensitive (条例要配慮個人情報; "
                           "Rules Art. 43 item 5, local governments only)")
    filed_preliminary: OptionalDay = Field(None, description="not before knew_on, not in "
                                                             "the future")
    filed_final: OptionalDay = Field(None, description="not before knew_on, not in the future")

    @model_validator(mode="before")
    @classmethod
    def _renamed(cls, data: Any) -> Any:
        return _accept_old_names(data, RENAMED_ASSESS)


class CriterionOut(Schema):
    number: int
    code: str
    label_ja: str
    label_en: str


class FilingOut(Schema):
    kind: Literal["preliminary", "final"]
    filed_on: dt.date
    due: dt.date
    late: bool
    days_late: int


class AssessOut(Schema):
    reportable: bool
    pending: bool = Field(description="nothing applies yet but the people count is unknown: "
                                      "the decision waits on the count, deadlines run")
    summary_ja: str
    summary_en: str
    organisation_type: str
    threshold: int
    criteria: list[CriterionOut]
    exempt_ja: str | None
    exempt_en: str | None
    knew_on: dt.date
    knew_on_latest: dt.date | None
    knew_to: dt.date | None = Field(description="deprecated: the same as knew_on_latest")
    preliminary_days: int
    preliminary_target: dt.date
    final_days: int
    final_day: dt.date
    final_due: dt.date
    moved_because: str | None
    moved_because_en: str | None
    latest_final_due: dt.date | None
    notes_ja: list[str]
    filings: list[FilingOut]
    deprecations: list[str] = Field(default_factory=list,
                                    description="deprecated field names the request used")


class ErrorOut(Schema):
    detail: str


@router.post("/assess", response={200: AssessOut, 403: ErrorOut, 422: ErrorOut})
def assess(request: HttpRequest, payload: AssessIn) -> Status[dict[str, Any]]:
    """Whether the PPC must be told (which criterion of APPI Rules Art. 7, in words), the
    preliminary-report target, the final-report due date and, for each filing date given,
    whether that report was late and by how many days.

    A body that does not fit the schema gets ninja's 422 listing each field at fault; facts
    that contradict each other (knew_on_latest before knew_on, a filing before the day of
    knowing, a day in the future) get a 422 whose `detail` says why.
    """
    token = request.auth
    if not allows(token, "incidents.assess"):
        return Status(403, {"detail": "this token may not assess incidents"})
    defaults = PolicyDefaults.from_profile(effective_profile(token.organisation))
    try:
        assessment, filings = evaluate(defaults, **payload.dict())
    except ValueError as error:
        return Status(422, {"detail": str(error)})
    return Status(200, assessment_json(assessment, filings)
                  | {"deprecations": deprecations(request, RENAMED_ASSESS)})


class ReportIn(Schema):
    """What anyone can say in a minute (R-801); the rest is added on the incident's page."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200)
    kind: Literal["loss", "theft", "misdelivery", "intrusion", "insider", "disclosure",
                  "damage", "other"]
    what_happened: str = Field(min_length=1, max_length=5000)
    knew_on: Day = Field(description="the day the reporter knew of it (their awareness); "
                                     "deprecated name, accepted for one release: "
                                     "noticed_on")
    noticed_how: str = ""
    occurred_on: OptionalDay = None
    data_items: str = ""
    people: int | None = Field(None, ge=0)
    unauthorised: bool = False
    media: list[str] = Field(default_factory=list, description="labels of media involved")

    @model_validator(mode="before")
    @classmethod
    def _renamed(cls, data: Any) -> Any:
        return _accept_old_names(data, RENAMED_REPORT)


class ReportOut(Schema):
    id: int
    number: str
    url: str
    reportable: bool
    notified: list[str]
    deprecations: list[str] = Field(default_factory=list,
                                    description="deprecated field names the request used")


@router.post("/", auth=django_auth, response={201: ReportOut, 422: ErrorOut})
def report(request: HttpRequest, payload: ReportIn) -> Status[dict[str, Any]]:
    """Report an incident as the logged-in person (session cookie and CSRF token, as the
    browser has them); the section head and the privacy officer are notified at once."""
    from hogo.incidents import services

    user = request.auth
    media, unknown = services.media_by_labels(user, payload.media)
    if unknown:
        return Status(422, {"detail": f"unknown media labels: {', '.join(unknown)}"})
    try:
        incident = services.report(
            user, title=payload.title, kind=payload.kind, what_happened=payload.what_happened,
            knew_on=payload.knew_on, noticed_how=payload.noticed_how,
            occurred_from=payload.occurred_on, data_items=payload.data_items,
            people=payload.people, people_basis=services.REPORTER_BASIS
            if payload.people is not None else "", unauthorised=payload.unauthorised,
            media=media)
    except (services.IncidentError, PermissionError) as error:
        return Status(422, {"detail": str(error)})
    notified = [str(alert.recipient) for alert in incident_alerts(incident)]
    return Status(201, {"id": incident.pk, "number": incident.number,
                        "url": services.url_of(incident), "reportable": incident.reportable,
                        "notified": notified,
                        "deprecations": deprecations(request, RENAMED_REPORT)})


def incident_alerts(incident: Any) -> list[Any]:
    from hogo.incidents import services

    return list(services.notification_alerts(incident))
