"""What incidents leave waiting for one person (the work queue, 「対応待ち」).

Three kinds of item, each only for someone the permission layer lets act on it:
- an incident report (or its escalation) this person was told of and has not acknowledged;
- a report to the PPC (速報, 確報) not yet filed whose due day is within the next
  `HORIZON_DAYS` days or past, for those who file ("incidents.file");
- a follow-through step with a due day in that window (the notice to the persons above all),
  for its owner, or for everyone who manages the incident while nobody owns it.
Registered from `IncidentsConfig.ready()` with `hogo.alerts.waiting.add_source`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.utils.translation import gettext as _

from hogo import clock
from hogo.accounts.models import User
from hogo.accounts.permissions import allows
from hogo.alerts.models import Alert
from hogo.alerts.waiting import WaitingItem
from hogo.incidents import services
from hogo.incidents.models import Incident, IncidentState

HORIZON_DAYS = 7
ACKNOWLEDGE_KINDS = (services.REPORTED, services.ESCALATED)


def waiting_items(user: User) -> list[WaitingItem]:
    if not getattr(user, "organisation_id", None):
        return []
    return [*_to_acknowledge(user), *_deadlines(user)]


def _title(incident: Incident) -> str:
    return f"{incident.number} {incident.title}"


def _to_acknowledge(user: User) -> Iterator[WaitingItem]:
    alerts = Alert.objects.filter(recipient=user, kind__in=ACKNOWLEDGE_KINDS,
                                  acknowledged_at__isnull=True, key__startswith="incident:")
    seen: set[int] = set()
    for alert in alerts.order_by("created_at"):
        incident = services._incident_of_alert(alert)
        if (incident is None or incident.pk in seen or not incident.is_open
                or incident.organisation_id != user.organisation_id
                or not allows(user, "incidents.view", incident)):
            continue
        seen.add(incident.pk)
        yield WaitingItem(kind="incident.acknowledge",
                          label=_("漏えい等事案の報告を確認"), title=_title(incident),
                          url=incident.get_absolute_url(), since=alert.created_at,
                          due_on=clock.jst_date(services.acknowledge_by(incident)))


def _deadlines(user: User) -> Iterator[WaitingItem]:
    today = clock.today_jst()
    horizon = today + dt.timedelta(days=HORIZON_DAYS)
    incidents = Incident.objects.filter(organisation=user.organisation_id,
                                        state=IncidentState.OPEN).prefetch_related(
        "awareness", "filings", "steps")
    labels = {"preliminary": _("速報を個人情報保護委員会へ提出"),
              "final": _("確報を個人情報保護委員会へ提出")}
    for incident in incidents:
        since = incident.reported_at
        if allows(user, "incidents.file", incident):
            for row in services.deadlines(incident, today):
                if row["filing"] is None and row["due"] <= horizon:
                    yield WaitingItem(kind=f"incident.{row['kind']}", label=labels[row["kind"]],
                                      title=_title(incident), url=incident.get_absolute_url(),
                                      since=since, due_on=row["due"])
        for step in incident.steps.all():
            if step.done_at is not None or step.due_on is None or step.due_on > horizon:
                continue
            if not allows(user, "incidents.manage", incident):
                continue
            if step.owner_id is not None and step.owner_id != user.pk:
                continue
            yield WaitingItem(kind=f"incident.step.{step.kind}",
                              label=_("対応「%(step)s」を実施") % {
                                  "step": step.get_kind_display()},
                              title=_title(incident), url=incident.get_absolute_url(),
                              since=since, due_on=step.due_on)
