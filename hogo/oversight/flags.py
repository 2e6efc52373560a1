"""Access-log flags as a service: the nightly analysis keeps each finding once, tells the
privacy officers, and lists what still waits for their review; a flag is dismissed only by
the privacy officer with a written reason, and never deleted (R-903).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from hogo import clock
from hogo.accounts.models import User
from hogo.accounts.permissions import allows, require
from hogo.alerts.models import Alert
from hogo.alerts.services import acknowledge, alert_people, people_allowed
from hogo.alerts.text import AlertText
from hogo.alerts.waiting import WaitingItem
from hogo.audit import services as audit
from hogo.audit.models import AuditEntry
from hogo.kit.refusal import Refused
from hogo.oversight import analysis
from hogo.oversight.models import AccessFlag, Pattern

ALERT_KIND = "oversight.flag"
MIN_REASON_CHARS = 10


class FlagError(Refused):
    """A refused step on a flag, in Japanese."""


def link_to(flag: AccessFlag) -> str:
    """The flag's page, for alerts and the work queue."""
    return reverse("audit:flag", args=[flag.pk])


def explanation(flag: AccessFlag) -> str:
    """Why the flag was raised, in the reader's language (the stored Japanese otherwise)."""
    msgid = flag.facts.get("msgid")
    if not msgid:
        return flag.explanation
    return AlertText.stored(msgid, flag.facts.get("params", {})).render()


def previous_day() -> dt.date:
    """The nightly run looks at the Japanese calendar day that has just ended."""
    return clock.today_jst() - dt.timedelta(days=1)


def analyse_day(day: dt.date | None = None) -> list[AccessFlag]:
    """Keep each finding of the day (default: yesterday in Japan) as a flag, once: running
    again over the same day raises nothing twice. Each new flag is audited and alerts the
    privacy officers of its organisation. Returns the flags made now."""
    day = day or previous_day()
    made = []
    for finding in analysis.find(day):
        flag = _keep(day, finding)
        if flag is not None:
            made.append(flag)
    audit.record("oversight.analysed", actor="system",
                 detail={"day": day.isoformat(), "flags": [f.pk for f in made]})
    return made


def _keep(day: dt.date, finding: analysis.Finding) -> AccessFlag | None:
    exists = AccessFlag.objects.filter(organisation=finding.organisation,
                                       pattern=finding.pattern, actor=finding.actor, day=day)
    if exists.exists():
        return None
    person = finding.person
    try:
        with transaction.atomic():
            flag = AccessFlag.objects.create(
                organisation=finding.organisation, pattern=finding.pattern,
                actor=finding.actor, person=person,
                department=person.department if person else None, day=day,
                evidence=finding.seqs, explanation=finding.text.render("ja"),
                facts={"msgid": finding.text.msgid, "params": finding.text.params},
                found_at=clock.now())
            audit.record("oversight.flagged", actor="system", obj=flag,
                         detail={"pattern": flag.pattern, "actor": flag.actor,
                                 "day": day.isoformat(), "evidence": flag.evidence})
            _tell(flag)
    except IntegrityError:  # another run kept the same finding a moment ago
        return None
    return flag


def _tell(flag: AccessFlag) -> None:
    """An alert (and a mail) to each privacy officer who may review it."""
    people = people_allowed(flag.organisation_id, "oversight.dismiss_flag", flag)
    text = AlertText(gettext_noop("アクセスログの注意事項：%(pattern)s（%(actor)s、%(day)s）"),
                     pattern=flag.get_pattern_display(), actor=_who(flag), day=flag.day)
    alert_people(people, ALERT_KIND, message=text, key=f"{ALERT_KIND}:{flag.pk}",
                 link=link_to(flag), subject=AlertText(gettext_noop(
                     "[hogo] アクセスログの注意事項があります")))


def _who(flag: AccessFlag) -> str:
    return str(flag.person) if flag.person else flag.actor


def visible_flags(user: User, *, state: str = "open", pattern: str = "") -> QuerySet[AccessFlag]:
    """The flags of the user's organisation: open, dismissed or all; one pattern or all."""
    require(user, "oversight.view_flags")
    rows = AccessFlag.objects.filter(organisation=user.organisation_id).select_related(
        "person", "department", "dismissed_by")
    if state == "open":
        rows = rows.filter(dismissed_at__isnull=True)
    elif state == "dismissed":
        rows = rows.filter(dismissed_at__isnull=False)
    if pattern in Pattern.values:
        rows = rows.filter(pattern=pattern)
    return rows


def record_list_viewed(user: User, filters: dict[str, Any], count: int) -> None:
    """Reading the flags is reading about people's conduct: it is on the chain too."""
    audit.record("oversight.flags_viewed", user=user, object_type="oversight.accessflag",
                 detail={"filter": filters, "count": count})


def open_flag(user: User, pk: int) -> AccessFlag | None:
    """One flag of the user's organisation, its viewing audited; None if there is none."""
    require(user, "oversight.view_flags")
    flag = AccessFlag.objects.filter(pk=pk, organisation=user.organisation_id).select_related(
        "person", "department", "dismissed_by").first()
    if flag is not None:
        audit.record("oversight.flag_viewed", user=user, obj=flag)
    return flag


def evidence_of(flag: AccessFlag) -> QuerySet[AuditEntry]:
    """The audit entries that made the flag, in chain order."""
    return AuditEntry.objects.filter(seq__in=flag.evidence).order_by("seq")


def dismiss(user: User, flag: AccessFlag, reason: str) -> AccessFlag:
    """Mark a flag reviewed and not a concern, with the reason written down; the flag and
    its evidence stay. Its alerts are acknowledged, so it leaves the work queue."""
    require(user, "oversight.dismiss_flag", flag)
    reason = reason.strip()
    if len(reason) < MIN_REASON_CHARS:
        raise FlagError(_("確認済みとする理由を%(min)d文字以上で書いてください（現在%(given)d"
                          "文字）。誰に何を確認したかが分かるように書いてください。")
                        % {"min": MIN_REASON_CHARS, "given": len(reason)}, field="reason")
    with transaction.atomic():
        locked = AccessFlag.objects.select_for_update().get(pk=flag.pk)
        if not locked.can_be_dismissed:
            raise FlagError(_("この注意事項は既に確認済みです。"))
        locked.dismissed_at, locked.dismissed_by = clock.now(), user
        locked.dismissal_reason = reason
        locked.save(update_fields=["dismissed_at", "dismissed_by", "dismissal_reason"])
        audit.record("oversight.flag_dismissed", user=user, obj=locked, purpose=reason,
                     detail={"pattern": locked.pattern, "actor": locked.actor,
                             "day": locked.day.isoformat()})
        for alert in Alert.objects.filter(key__startswith=f"{ALERT_KIND}:{locked.pk}:",
                                          acknowledged_at__isnull=True):
            acknowledge(alert, by=user)
    return locked


def waiting(user: User) -> Iterator[WaitingItem]:
    """For the privacy officer: each open flag, until dismissed."""
    if user.organisation_id is None or not allows(user, "oversight.dismiss_flag"):
        return
    rows = AccessFlag.objects.filter(organisation=user.organisation_id,
                                     dismissed_at__isnull=True).select_related("person")
    for flag in rows:
        yield WaitingItem("oversight.review_flag", _("アクセスログの注意事項を確認する"),
                          f"{flag.get_pattern_display()}（{_who(flag)}）", link_to(flag),
                          flag.found_at)


def register() -> None:
    """Work-queue source and alert name (called from OversightConfig.ready)."""
    from hogo.alerts.text import label_kind
    from hogo.alerts.waiting import add_source

    add_source(waiting)
    label_kind(ALERT_KIND, gettext_lazy("アクセスログの注意事項"))
