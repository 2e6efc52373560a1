"""What every area of complaints shares: the refusal, the 経過 line with its audit entry, who
may act, the alert of a hand-off, the profile's [complaints] values, links and titles. Areas
(intake, handling, reminders, yearly) import this, never each other's private helpers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from hogo import clock
from hogo.accounts.models import Department, Organisation, Role, User
from hogo.accounts.permissions import allows
from hogo.accounts.policy import citation, effective_profile
from hogo.alerts.services import acknowledge_keyed, hand_off
from hogo.alerts.text import AlertText
from hogo.audit import services as audit
from hogo.complaints.models import Complaint, Event
from hogo.kit.refusal import Refused


class ComplaintError(Refused):
    """A refused step; `reasons` are Japanese sentences for the person who tried, `field` the
    form field they are about (shown beside it), if one."""


def setting(organisation: Organisation, name: str) -> Any:
    """A value of the profile's [complaints] table (effective: with overrides)."""
    return effective_profile(organisation).value(f"complaints.{name}")


def answer_days(organisation: Organisation) -> int:
    """The profile's target for an answer, in days."""
    return int(setting(organisation, "answer_days"))


def public_form_per_hour(organisation: Organisation) -> int:
    """The profile's limit of public-form submissions per address and hour."""
    return int(setting(organisation, "public_form_per_hour"))


def due_on(organisation: Organisation, received_on: dt.date) -> dt.date:
    """The target day of the answer: the day of receipt plus the profile's answer_days, in
    plain calendar days (weekends and holidays count, the day of receipt does not: received on
    1 June with 14 days, due on 15 June). APPI Art. 40 asks for "promptly" without a number,
    so the organisation's profile sets the target; the day itself is not moved when it falls
    on a closed day, because a target is not a legal time limit."""
    return received_on + dt.timedelta(days=answer_days(organisation))


def fiscal_year(day: dt.date) -> int:
    """The fiscal year (年度) a day falls in: April to March, named by the April's year."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_range(year: int) -> tuple[dt.date, dt.date]:
    """The first and last day of a fiscal year (1 April to 31 March)."""
    return dt.date(year, 4, 1), dt.date(year + 1, 3, 31)


def rule(organisation: Organisation) -> str:
    """The organisation's own rule on complaints (e.g. the city's dashcam rule Art. 11)."""
    return citation(organisation, "complaints")


def check_department(organisation: Organisation, department: Any) -> Department:
    """The department a complaint is routed to: one of its own organisation's."""
    if not isinstance(department, Department) or department.organisation_id != organisation.pk:
        raise ComplaintError(_("この組織の所属ではないため、割り当てられません。"),
                             field="department")
    return department


def log_event(complaint: Complaint, action: str, *, actor: Any = None, actor_text: str = "",
              audit_action: str = "", purpose: str = "", **detail: Any) -> Event:
    """One line of the complaint's 経過 and, with `audit_action`, its audit entry (call inside
    the change's transaction)."""
    person = actor if isinstance(actor, User) else None
    event = Event.objects.create(complaint=complaint, at=clock.now(), actor=person,
                                 actor_text=actor_text, action=action, detail=detail)
    if audit_action:
        audit.record(audit_action, user=person, obj=complaint, purpose=purpose,
                     detail={"number": complaint.number, **detail})
    return event


def record_viewed(user: User, complaint: Complaint, what: str = "page") -> None:
    """Looking at a complaint shows the complainant: an audited access."""
    audit.record("complaints.viewed", user=user, obj=complaint,
                 detail={"number": complaint.number, "what": what})


def people(organisation_id: int) -> QuerySet[User]:
    """The active people of an organisation, in a stable order."""
    return User.objects.filter(is_active=True, organisation=organisation_id).order_by("pk")


def privacy_officers(complaint: Complaint) -> list[User]:
    """The organisation's privacy officers (who route complaints)."""
    return list(people(complaint.organisation_id).filter(role=Role.PRIVACY_OFFICER))


def department_answerers(complaint: Complaint) -> list[User]:
    """The assigned department's manager and operators (who answer it)."""
    if complaint.department_id is None:
        return []
    return [p for p in people(complaint.organisation_id).filter(
        department=complaint.department_id) if allows(p, "complaints.answer", complaint)]


def department_managers(complaint: Complaint) -> list[User]:
    """The assigned department's manager(s): told of reminders, overdue answers, closing."""
    if complaint.department_id is None:
        return []
    return list(people(complaint.organisation_id).filter(
        department=complaint.department_id, role=Role.MANAGER))


def title_params(complaint: Complaint) -> dict[str, str]:
    """The parts of 「苦情 2026-C001（ドライブレコーダーによる撮影）」 for an AlertText."""
    return {"number": complaint.number, "category": str(complaint.get_category_display())}


def title(complaint: Complaint) -> str:
    """「苦情 2026-C001（…）」 in the reader's language (work queue, pages)."""
    return _("苦情 %(number)s（%(category)s）") % title_params(complaint)


def link_to(complaint: Complaint) -> str:
    """The complaint's page (alerts and the work queue link to it)."""
    return reverse("complaints:detail", args=[complaint.pk])


def alert_key(complaint: Complaint, event: str) -> str:
    """The key of the alerts one event of one complaint raises."""
    return f"complaints:{complaint.pk}:{event}"


def tell(complaint: Complaint, kind: str, event: str, told: Iterable[User], text: AlertText,
         subject: AlertText, *, actor: Any = None) -> list[User]:
    """A hand-off keyed by this complaint and event (never to the actor); see hand_off."""
    return hand_off(told, kind, key=alert_key(complaint, event), message=text,
                    subject=subject, link=link_to(complaint), actor=actor)


def close_alerts(complaint: Complaint, *, by: User, events: Iterable[str]) -> int:
    """Acknowledge the open alerts that asked someone to act on this complaint: it is done.
    Returns how many were closed."""
    return sum(acknowledge_keyed(alert_key(complaint, event) + ":", by=by)
               for event in events)


def text(value: Any) -> str:
    """A typed value as stripped text (None is empty)."""
    return "" if value is None else str(value).strip()
