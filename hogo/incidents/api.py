"""`POST /api/incidents/assess`: reportability and PPC deadlines from facts, no incident needed.

For quick what-ifs and for integrations (a help-desk tool asking "must we report this, and by
when?"). Nothing is stored and no personal data goes in or out, so any machine token of the
organisation may ask; its organisation's policy profile supplies the threshold and day counts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.security import django_auth
from pydantic import ConfigDict

from hogo.accounts.models import MachineToken
from hogo.accounts.permissions import allows
from hogo.accounts.policy import effective_profile
from hogo.incidents.assessment import AssessOptions, PolicyDefaults, assessment_json, evaluate

router = Router(tags=["incidents"])


class AssessIn(Schema):
    """The facts; every flag means "is or may be" (おそれを含む)."""

    # A misspelt flag ("sensitve") silently read as false would say "not reportable" when it
    # is: refuse unknown fields instead.
    model_config = ConfigDict(extra="forbid")

    organisation_type: Literal["public_body", "private_business"] | None = Field(
        None, description="default: the token organisation's policy profile")
    knew_from: dt.date = Field(description="the day anyone in the organisation first knew "
                                           "(day 1); the first day of a range")
    knew_to: dt.date | None = Field(None, description="the last day, if the day of knowing is "
                                                      "known only approximately")
    people: int | None = Field(None, ge=0, description="people involved (or possibly)")
    sensitive: bool = False
    financial: bool = False
    unauthorised: bool = False
    encrypted: bool = Field(False, description="strongly encrypted, the key not lost with it")
    filed_preliminary: dt.date | None = None
    filed_final: dt.date | None = None


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
    summary_ja: str
    summary_en: str
    organisation_type: str
    threshold: int
    criteria: list[CriterionOut]
    exempt_ja: str | None
    exempt_en: str | None
    knew_on: dt.date
    knew_to: dt.date | None
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


class ErrorOut(Schema):
    detail: str


@router.post("/assess", response={200: AssessOut, 403: ErrorOut, 422: ErrorOut})
def assess(request: HttpRequest, payload: AssessIn) -> Status[dict[str, Any]]:
    """Whether the PPC must be told (which criterion of APPI Rules Art. 7, in words), the
    preliminary-report target, the final-report due date and, for each filing date given,
    whether that report was late and by how many days.

    A body that does not fit the schema gets ninja's 422 listing each field at fault; facts
    that contradict each other (knew_to before knew_from) get a 422 whose `detail` says why.
    """
    token: MachineToken = request.auth
    if not allows(token, "incidents.assess"):
        return Status(403, {"detail": "this token may not assess incidents"})
    defaults = PolicyDefaults.from_profile(effective_profile(token.organisation))
    try:
        assessment, filings = evaluate(AssessOptions(**payload.dict()), defaults)
    except ValueError as error:
        return Status(422, {"detail": str(error)})
    return Status(200, assessment_json(assessment, filings))


class ReportIn(Schema):
    """What anyone can say in a minute (R-801); the rest is added on the incident's page."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200)
    kind: Literal["loss", "theft", "misdelivery", "intrusion", "insider", "disclosure",
                  "damage", "other"]
    what_happened: str = Field(min_length=1, max_length=5000)
    noticed_on: dt.date = Field(description="the day the reporter noticed")
    noticed_how: str = ""
    occurred_on: dt.date | None = None
    data_items: str = ""
    people: int | None = Field(None, ge=0)
    unauthorised: bool = False
    media: list[str] = Field(default_factory=list, description="labels of media involved")


class ReportOut(Schema):
    id: int
    number: str
    url: str
    reportable: bool
    notified: list[str]


@router.post("/", auth=django_auth, response={201: ReportOut, 422: ErrorOut})
def report(request: HttpRequest, payload: ReportIn) -> Status[dict[str, Any]]:
    """Report an incident as the logged-in person (session cookie and CSRF token, as the
    browser has them); the section head and the privacy officer are notified at once."""
    from hogo.incidents import services
    from hogo.media.models import Medium

    user = request.auth
    media = list(Medium.objects.filter(department__organisation=user.organisation_id,
                                       label__in=payload.media))
    unknown = sorted(set(payload.media) - {m.label for m in media})
    if unknown:
        return Status(422, {"detail": f"unknown media labels: {', '.join(unknown)}"})
    try:
        incident = services.report(
            user, title=payload.title, kind=payload.kind, what_happened=payload.what_happened,
            noticed_on=payload.noticed_on, noticed_how=payload.noticed_how,
            occurred_from=payload.occurred_on, data_items=payload.data_items,
            people=payload.people, people_basis="報告者の申告" if payload.people is not None
            else "", unauthorised=payload.unauthorised, media=media)
    except (services.IncidentError, PermissionError) as error:
        return Status(422, {"detail": str(error)})
    notified = [str(alert.recipient) for alert in incident_alerts(incident)]
    return Status(201, {"id": incident.pk, "number": incident.number,
                        "url": services.url_of(incident), "reportable": incident.reportable,
                        "notified": notified})


def incident_alerts(incident: Any) -> list[Any]:
    from hogo.web.models import Alert

    return list(Alert.objects.filter(key__startswith=f"incident:{incident.pk}:notify:")
                .select_related("recipient"))
