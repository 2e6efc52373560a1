"""Reminders of complaints waiting for their answer (R-701): a few days before the target day,
and once it has passed, the assigned department's manager is alerted (the privacy officers
while no department has it yet). Each person is told once of each (the alert's key says which
complaint and which reminder, and an acknowledged alert is not raised again), so the daily
job may run as often as it likes.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext_lazy, gettext_noop

from hogo import clock
from hogo.accounts.models import Organisation, User
from hogo.alerts.models import Alert
from hogo.alerts.text import AlertText
from hogo.complaints import common
from hogo.complaints.models import OPEN_STATES, Complaint

DUE_SOON_KIND = "complaints.due_soon"
OVERDUE_KIND = "complaints.overdue"
def remind_days_before(organisation: Organisation) -> int:
    """How many days before the target day the first reminder goes out (the profile's)."""
    return int(common.setting(organisation, "remind_days_before"))


def who_is_reminded(complaint: Complaint) -> list[User]:
    """The assigned department's manager; the privacy officers while unassigned."""
    if complaint.department_id is not None:
        return common.department_managers(complaint)
    return common.privacy_officers(complaint)


def reminder_due(complaint: Complaint, today: dt.date) -> str:
    """Which reminder this complaint calls for today: "overdue", "due_soon" or ""."""
    if not complaint.is_open:
        return ""
    days_left = (complaint.due_on - today).days
    if days_left < 0:
        return "overdue"
    if days_left <= remind_days_before(complaint.organisation):
        return "due_soon"
    return ""


def _not_yet_told(complaint: Complaint, event: str, people: list[User]) -> list[User]:
    """Those never alerted of this reminder (open or acknowledged)."""
    prefix = common.alert_key(complaint, event) + ":user:"
    told = set(Alert.objects.filter(key__startswith=prefix).values_list("key", flat=True))
    return [p for p in people if f"{prefix}{p.pk}" not in told]


def remind(today: dt.date | None = None) -> int:
    """Alert for every open complaint due within the reminder days or overdue; returns how
    many people were alerted now."""
    today = today or clock.today_jst()
    alerted = 0
    rows = Complaint.objects.filter(state__in=OPEN_STATES).select_related(
        "organisation", "department")
    for complaint in rows:
        event = reminder_due(complaint, today)
        if not event:
            continue
        people = _not_yet_told(complaint, event, who_is_reminded(complaint))
        if not people:
            continue
        with transaction.atomic():
            told = _tell(complaint, event, people)
            if told:
                common.log_event(complaint, event, actor_text="system",
                                 audit_action=f"complaints.{event}",
                                 due_on=complaint.due_on.isoformat(),
                                 told=[str(p) for p in told])
        alerted += len(told)
    return alerted


def _tell(complaint: Complaint, event: str, people: list[User]) -> list[User]:
    params = {"due": complaint.due_on, "department": str(complaint.department or "—"),
              **common.title_params(complaint)}
    if event == "overdue":
        kind = OVERDUE_KIND
        text = gettext_noop("苦情 %(number)s（%(category)s）は回答の目安日（%(due)s）を過ぎて"
                            "います。担当：%(department)s。速やかに回答してください。")
        subject = gettext_noop("苦情 %(number)s の回答の目安日超過")
    else:
        kind = DUE_SOON_KIND
        text = gettext_noop("苦情 %(number)s（%(category)s）の回答の目安日は %(due)s です。"
                            "担当：%(department)s。")
        subject = gettext_noop("苦情 %(number)s の回答の目安日が近づいています")
    return common.tell(complaint, kind, event, people, AlertText(text, **params),
                       AlertText(subject, **params))


def register() -> None:
    """Alert names of reminders (called from ComplaintsConfig.ready)."""
    from hogo.alerts.text import label_kind

    label_kind(DUE_SOON_KIND, gettext_lazy("苦情の回答の目安日の接近"))
    label_kind(OVERDUE_KIND, gettext_lazy("苦情の回答の目安日超過"))
