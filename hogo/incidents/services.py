"""Incidents: report in a minute, tell the section head and the privacy officer at once,
escalate what nobody acknowledges, count the days from the earliest awareness (R-801–R-807).

Everything that changes an incident goes through here, leaves a line in its timeline (経過)
and an audit entry, and re-evaluates reportability and deadlines (hogo.rules.incidents) from
the facts as they now stand.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_noop

from hogo import clock
from hogo.accounts.models import User
from hogo.accounts.permissions import allows, incident_scope, require
from hogo.accounts.policy import effective_profile
from hogo.alerts.models import Alert
from hogo.alerts.services import (
    ACKNOWLEDGED_HOOKS,
    Message,
    mail_people,
    raise_alert,
    raise_once,
)
from hogo.alerts.text import AlertText, as_japanese
from hogo.audit import services as audit
from hogo.incidents import legal, wording
from hogo.incidents.assessment import PolicyDefaults
from hogo.incidents.models import (
    SYSTEM_HOW,
    WAIVABLE_STEPS,
    Awareness,
    AwarenessSource,
    Event,
    Filing,
    Incident,
    IncidentKind,
    IncidentState,
    Link,
    ReportKind,
    Step,
    StepKind,
)
from hogo.incidents.texts import Join, Text, label
from hogo.media import services as media_services
from hogo.rules import incidents as rules
from hogo.rules.office_calendar import add_office_hours
from hogo.rules.wareki import format_wareki

log = logging.getLogger("hogo.incidents")

REPORTED = "incident.reported"
ESCALATED = "incident.escalated"
DEADLINE = "incident.deadline"
REMIND_DAYS = (7, 3, 1, 0)
# People-count notes hogo writes itself: stored in Japanese, shown translated
# (`people_basis_shown`); a basis typed by a person is shown as typed.
REPORTER_BASIS = gettext_noop("報告者の申告")
LINKED_PEOPLE_BASIS = gettext_noop("関係する記録媒体・複製データの人数（延べ）の合計")
SYSTEM_BASES = (REPORTER_BASIS, LINKED_PEOPLE_BASIS)


class IncidentError(Exception):
    """A refused change; the message is Japanese, for the person who tried."""


# --- reading ------------------------------------------------------------------------------


def organisation_knew_on(incident: Incident) -> tuple[dt.date, dt.date | None]:
    """The organisation's 事態を知った日 (R-802): the earliest awareness, whoever it was, as
    (`knew_on`, `knew_on_latest`); the second is set when that awareness is known only as a
    range (see `hogo.rules.incidents.Facts`)."""
    events = list(incident.awareness.all())
    if not events:
        day = clock.jst_date(incident.reported_at)
        return day, None
    first = min(events, key=lambda a: a.knew_on)
    return first.knew_on, first.knew_on_latest


def facts_of(incident: Incident) -> rules.Facts:
    """The incident's facts under its organisation's policy: the shape the rule takes."""
    first, latest = organisation_knew_on(incident)
    defaults = PolicyDefaults.from_profile(effective_profile(incident.organisation))
    ordinance = bool(incident.ordinance_items) and bool(legal.ordinance_items(
        incident.organisation))
    return defaults.facts(knew_on=first, knew_on_latest=latest, people=incident.people,
                          sensitive=incident.sensitive, financial=incident.financial,
                          unauthorised=incident.unauthorised, encrypted=incident.encrypted,
                          ordinance_sensitive=ordinance)


def assessment(incident: Incident) -> rules.Assessment:
    return rules.assess(facts_of(incident))


def must_report(incident: Incident) -> bool:
    return incident.reportable or incident.voluntary_report


def deadlines_apply(incident: Incident) -> bool:
    """Whether the PPC deadlines concern the incident: reportable, reported voluntarily, or
    pending on an unknown people count (the clock runs from knowing meanwhile). A
    non-reportable incident shows none."""
    return must_report(incident) or incident.reportability_pending


def people_basis_shown(incident: Incident) -> str:
    """The basis of the people count in the reader's language when hogo wrote it."""
    from django.utils.translation import gettext

    basis = incident.people_basis
    return gettext(basis) if basis in SYSTEM_BASES else basis


def association_required(incident: Incident) -> bool:
    return bool(effective_profile(incident.organisation).value("incidents.association_report"))


def deadlines(incident: Incident, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Each report the incident owes: due date, days left, filed or not, late by how much."""
    today = today or clock.today_jst()
    result = assessment(incident)
    filed = {f.kind: f for f in incident.filings.all()}
    rows = []
    if deadlines_apply(incident):
        pending = incident.reportability_pending and not must_report(incident)
        for kind, name in ((rules.PRELIMINARY, ReportKind.PRELIMINARY.label),
                           (rules.FINAL, ReportKind.FINAL.label)):
            filing = filed.get(kind)
            rows.append({"kind": kind, "label": name, "due": result.due(kind),
                         "days_left": result.days_left(kind, today), "filing": filing,
                         "overdue": filing is None and result.days_left(kind, today) < 0,
                         "target_only": kind == rules.PRELIMINARY, "pending": pending})
    return rows


def visible_incidents(user: User) -> Any:
    """The incident list a person may see: everything for the privacy officer and auditors,
    their department's for a manager, their own reports for everyone."""
    return incident_scope(user, Incident.objects.filter(organisation=user.organisation_id))


def people_of(incident: Incident) -> Any:
    """The organisation's active people: whom a step can be given to."""
    return User.objects.filter(organisation=incident.organisation_id, is_active=True)


def reportable_media(user: User) -> Any:
    """The media a report may name: every medium of the reporter's organisation."""
    return media_services.organisation_media(user.organisation_id)


def media_by_labels(user: User, labels: Iterable[str]) -> tuple[list[Any], list[str]]:
    """The reporter's organisation's media with these labels, and the labels not found."""
    wanted = set(labels)
    found = list(reportable_media(user).filter(label__in=wanted))
    return found, sorted(wanted - {m.label for m in found})


def medium_by_label(label: str) -> Any:
    return media_services.medium_by_label(label)


def copy_by_number(number: str) -> Any:
    """The copy with this number (its id as shown on its page), or None."""
    from hogo.copies.models import Copy

    return Copy.objects.filter(pk=int(number)).first() if number.isdigit() else None


# --- reporting and escalation ---------------------------------------------------------------


def report(user: User, *, title: str, kind: str, what_happened: str, knew_on: dt.date,
           noticed_how: str = "", occurred_from: dt.date | None = None,
           occurred_to: dt.date | None = None, data_items: str = "",
           people: int | None = None, people_basis: str = "", sensitive: bool = False,
           financial: bool = False, unauthorised: bool = False, encrypted: bool = False,
           media: Iterable[Any] = (), copies: Iterable[Any] = (),
           source: str = AwarenessSource.STAFF, ordinance_items: Iterable[str] = ()
           ) -> Incident:
    """Record a report from anyone (R-801) and notify at once; the reporter's own noticing
    is the first awareness, `knew_on` the day they knew."""
    require(user, "incidents.report")
    if kind not in IncidentKind.values:
        raise IncidentError("事案の種類が正しくありません。")
    today = clock.today_jst()
    if knew_on > today:
        raise IncidentError("気付いた日に未来の日付は指定できません。")
    if occurred_from and occurred_to and occurred_to < occurred_from:
        raise IncidentError("発生日の範囲が逆になっています。")
    if occurred_from and occurred_from > today:
        raise IncidentError("発生日に未来の日付は指定できません。")
    chosen = _checked_ordinance_items(user.organisation, ordinance_items)
    now = clock.now()
    with transaction.atomic():
        incident = Incident.objects.create(
            organisation=user.organisation, department=user.department,
            number=_next_number(user.organisation_id, clock.jst_date(now).year),
            title=title.strip(), kind=kind, what_happened=what_happened.strip(),
            occurred_from=occurred_from, occurred_to=occurred_to or occurred_from,
            data_items=data_items.strip(), reported_by=user, reported_at=now,
            people=people, people_basis=people_basis.strip(), sensitive=sensitive,
            financial=financial, unauthorised=unauthorised or kind in (
                IncidentKind.THEFT, IncidentKind.INTRUSION, IncidentKind.INSIDER),
            encrypted=encrypted, ordinance_items=chosen)
        Awareness.objects.create(
            incident=incident, person_name=str(user), user=user,
            person_section=str(user.department or ""), source=source, knew_on=knew_on,
            how=noticed_how.strip() or REPORTER_NOTICED, recorded_by=user,
            recorded_at=now)
        for medium in media:
            link_medium(incident, medium, by=user, event=False)
        for copy in copies:
            Link.objects.create(incident=incident, copy=copy,
                                description=f"複製データ #{copy.pk}（{copy.request.vehicle} "
                                            f"{copy.actual_start:%Y-%m-%d %H:%M}〜）")
        _people_from_links(incident)
        _create_steps(incident)
        _event(incident, "reported", Text(
            gettext_noop("%(user)s（%(section)s）が報告：%(title)s"), user=str(user),
            section=str(user.department) if user.department else label(NO_SECTION),
            title=title.strip()), user, at=now)
        audit.record("incident.reported", user=user, obj=incident,
                     detail={"number": incident.number, "kind": kind})
        _reassess(incident, user, announce=False)
    notify_reported(incident.pk)  # at once, not by a later job: minutes count
    return incident


REPORTER_NOTICED, INVENTORY_NOTICED = SYSTEM_HOW
NO_SECTION = gettext_noop("所属なし")


def _checked_ordinance_items(organisation: Any, items: Iterable[str]) -> list[str]:
    """The chosen 条例要配慮個人情報 items, each one the organisation's ordinance lists."""
    chosen = [item for item in dict.fromkeys(items) if item]
    known = legal.ordinance_items(organisation)
    unknown = [item for item in chosen if item not in known]
    if unknown:
        raise IncidentError("条例要配慮個人情報の項目が正しくありません："
                            + "、".join(unknown))
    return chosen


def _next_number(organisation_id: int | None, year: int) -> str:
    count = Incident.objects.filter(organisation=organisation_id,
                                    number__startswith=f"{year}-").count()
    return f"{year}-{count + 1:03d}"


def _create_steps(incident: Incident) -> None:
    kinds = [StepKind.CONTAIN, StepKind.INVESTIGATE, StepKind.SCOPE, StepKind.PREVENTION,
             StepKind.NOTIFY, StepKind.PUBLISH]
    if association_required(incident):
        kinds.append(StepKind.ASSOCIATION)
    for kind in kinds:
        Step.objects.create(incident=incident, kind=kind, mandatory=True)


def _people_allowed(incident: Incident, perm: str) -> list[User]:
    """The organisation's active people whom the permission layer gives `perm` on the
    incident; who is told is a rule there, not a role filter here."""
    return [person for person in people_of(incident) if allows(person, perm, incident)]


def first_recipients(incident: Incident) -> list[User]:
    """The reporter's section head(s) and every privacy officer (000: tell the section head;
    R-801): the "incidents.told_at_once" rule; never the reporter, who knows already."""
    return [person for person in _people_allowed(incident, "incidents.told_at_once")
            if person.pk != incident.reported_by_id]


def notify_reported(incident_pk: int) -> None:
    """In-app alerts (until acknowledged) and e-mail to the first recipients."""
    incident = Incident.objects.select_related("department", "reported_by").get(pk=incident_pk)
    recipients = first_recipients(incident)
    limit = acknowledge_by(incident)
    facts = {"number": incident.number, "title": incident.title,
             "reporter": str(incident.reported_by), "limit": limit}
    text = (AlertText(gettext_noop("【漏えい等事案】%(number)s %(title)s（報告：%(reporter)s、"
                                   "%(department)s）。%(limit)sまでに確認してください。"),
                      department=str(incident.department), **facts)
            if incident.department else
            AlertText(gettext_noop("【漏えい等事案】%(number)s %(title)s（報告：%(reporter)s、"
                                   "所属なし）。%(limit)sまでに確認してください。"), **facts))
    for person in recipients:
        raise_alert(REPORTED, message=text, key=f"incident:{incident.pk}:notify:{person.pk}",
                    department=incident.department, recipient=person, link=url_of(incident))
    _mail(incident, recipients, f"[hogo] 漏えい等事案の報告 {incident.number}", text)
    people = Join("、", [Text("%(name)s（%(role)s）", name=str(p),
                              role=label(p.get_role_display())) for p in recipients])
    _event(incident, "notified", Text(gettext_noop("通知：%(people)s"), people=people), None)


def acknowledge_by(incident: Incident) -> dt.datetime:
    hours = effective_profile(incident.organisation).value("incidents.acknowledge_hours")
    return add_office_hours(incident.reported_at.astimezone(clock.JST), hours)


def _alert_acknowledged(alert: Alert) -> None:
    incident = _incident_of_alert(alert)
    if incident is None:
        return
    if not incident.events.filter(kind="acknowledged", user=alert.acknowledged_by).exists():
        _event(incident, "acknowledged", Text(gettext_noop("%(user)sが確認"),
                                              user=str(alert.acknowledged_by)),
               alert.acknowledged_by, at=alert.acknowledged_at)
    if incident.acknowledged_at is None:
        incident.acknowledged_at = alert.acknowledged_at
        incident.save(update_fields=["acknowledged_at"])


def _incident_of_alert(alert: Alert) -> Incident | None:
    parts = alert.key.split(":")
    if len(parts) < 2 or parts[0] != "incident" or not parts[1].isdigit():
        return None
    return Incident.objects.filter(pk=int(parts[1])).first()


ACKNOWLEDGED_HOOKS[REPORTED] = _alert_acknowledged
ACKNOWLEDGED_HOOKS[ESCALATED] = _alert_acknowledged


def notification_alerts(incident: Incident) -> Any:
    """The alerts the report raised at once, one per person told (R-801)."""
    return Alert.objects.filter(key__startswith=f"incident:{incident.pk}:notify:"
                                ).select_related("recipient")


def unacknowledged_by(incident: Incident, user: User) -> Any:
    """This person's open alerts about the incident (reported, escalated, deadlines)."""
    return Alert.objects.filter(key__startswith=f"incident:{incident.pk}:", recipient=user,
                                acknowledged_at__isnull=True)


def acknowledge(incident: Incident, user: User) -> None:
    """The person's own open alerts for this incident, acknowledged from its page."""
    from hogo.alerts.services import acknowledge as acknowledge_alert

    for alert in unacknowledged_by(incident, user):
        acknowledge_alert(alert, by=user)


def escalate_unacknowledged(now: dt.datetime | None = None) -> int:
    """Reports someone first told has not acknowledged in time go to every manager and
    privacy officer, and to the profile's escalation address (R-801)."""
    now = now or clock.now()
    count = 0
    for incident in Incident.objects.filter(state=IncidentState.OPEN, escalated_at__isnull=True):
        if now < acknowledge_by(incident):
            continue
        waiting = Alert.objects.filter(key__startswith=f"incident:{incident.pk}:notify:",
                                       acknowledged_at__isnull=True).select_related("recipient")
        silent = [a.recipient for a in waiting if a.recipient is not None]
        if not silent:
            continue
        _escalate(incident, silent, now)
        count += 1
    return count


def _escalate(incident: Incident, silent: list[User], now: dt.datetime) -> None:
    profile = effective_profile(incident.organisation)
    everyone = _people_allowed(incident, "incidents.told_on_escalation")
    names = "、".join(str(p) for p in silent)
    text = AlertText(gettext_noop("【至急・未確認】漏えい等事案 %(number)s %(title)s の報告を、"
                                  "%(names)sが確認期限までに確認していません。直ちに確認して"
                                  "ください。"),
                     number=incident.number, title=incident.title, names=names)
    with transaction.atomic():
        incident.escalated_at = now
        incident.save(update_fields=["escalated_at"])
        for person in everyone:
            raise_alert(ESCALATED, message=text, key=f"incident:{incident.pk}:escalated:"
                        f"{person.pk}", department=incident.department, recipient=person,
                        link=url_of(incident))
        _event(incident, "escalated", Text(
            gettext_noop("確認期限を過ぎても未確認（%(names)s）のため上位へ通知"), names=names),
            None, at=now)
        audit.record("incident.escalated", obj=incident,
                     detail={"unacknowledged": [p.pk for p in silent]})
    extra = [profile.value("incidents.escalation_email") or ""]
    _mail(incident, everyone, f"[hogo] 至急：未確認の漏えい等事案 {incident.number}", text,
          extra=[address for address in extra if address])


def _mail(incident: Incident, people: Iterable[User], subject: str, text: Message, *,
          extra: Iterable[str] = ()) -> None:
    """Mail is Japanese: an AlertText is rendered in Japanese (its dates in the era)."""
    body = f"{as_japanese(text)}\n\n{url_of(incident)}\n\n（hogo から自動送信）"
    people, extra = list(people), list(extra)
    # After the commit: an incident rolled back (a missing medium's inventory that failed)
    # mails nobody about a number that does not exist.
    transaction.on_commit(lambda: mail_people(people, subject, body, extra=extra))


def url_of(incident: Incident) -> str:
    return incident.get_absolute_url()


# --- facts, awareness, links ----------------------------------------------------------------

FACT_FIELDS = ("people", "people_basis", "sensitive", "financial", "unauthorised", "encrypted",
               "ordinance_items", "voluntary_report", "data_items", "cause", "secondary_harm",
               "persons_response", "publication", "prevention_done", "prevention_planned",
               "other", "contact", "title", "what_happened", "occurred_from", "occurred_to", "kind")


def update_facts(incident: Incident, by: User, **changes: Any) -> list[str]:
    """Change facts; the assessment is re-evaluated and any change of it announced."""
    require(by, "incidents.manage", incident)
    ensure_open(incident)
    unknown = set(changes) - set(FACT_FIELDS)
    if unknown:
        raise ValueError(f"unknown incident fields: {sorted(unknown)}")
    if "ordinance_items" in changes:
        changes["ordinance_items"] = _checked_ordinance_items(incident.organisation,
                                                              changes["ordinance_items"])
    changed = [name for name, value in changes.items() if getattr(incident, name) != value]
    if not changed:
        return []
    with transaction.atomic():
        labels = []
        for name in changed:
            old = getattr(incident, name)
            setattr(incident, name, changes[name])
            labels.append(Text("%(field)s：%(old)s → %(new)s",
                               field=label(Incident._meta.get_field(name).verbose_name),
                               old=_shown(old), new=_shown(changes[name])))
        incident.save(update_fields=changed)
        _event(incident, "facts", Text(gettext_noop("事実の更新：%(changes)s"),
                                       changes=Join("／", labels)), by)
        audit.record("incident.facts", user=by, obj=incident,
                     detail={name: str(changes[name]) for name in changed})
        _reassess(incident, by)
    return changed


def _d(day: dt.date) -> str:
    return format_wareki(day)


def _shown(value: Any) -> Any:
    """A fact's value for the timeline: yes/no and "none" translatable, dates as dates."""
    if isinstance(value, bool):
        return label(gettext_noop("はい") if value else gettext_noop("いいえ"))
    if isinstance(value, dt.date):
        return value
    if value in (None, "", []):
        return label(gettext_noop("（なし）"))
    if isinstance(value, list):
        value = "、".join(str(v) for v in value)
    if value in SYSTEM_BASES:
        return label(value)
    text = str(value)
    return text if len(text) <= 40 else text[:40] + "…"


def add_awareness(incident: Incident, by: User, *, person_name: str, source: str,
                  knew_on: dt.date, how: str, knew_on_latest: dt.date | None = None,
                  person_section: str = "", user: User | None = None) -> Awareness:
    """Record someone's knowing; an earlier one moves every deadline forward (R-802)."""
    require(by, "incidents.manage", incident)
    ensure_open(incident)
    if source not in AwarenessSource.values:
        raise IncidentError("覚知の経緯が正しくありません。")
    if knew_on_latest is not None and knew_on_latest < knew_on:
        raise IncidentError("知った日の範囲が逆になっています。")
    if knew_on > clock.today_jst():
        raise IncidentError("知った日に未来の日付は指定できません。")
    before = organisation_knew_on(incident)[0]
    with transaction.atomic():
        awareness = Awareness.objects.create(
            incident=incident, person_name=person_name.strip(), user=user, source=source,
            person_section=person_section.strip(), knew_on=knew_on,
            knew_on_latest=knew_on_latest,
            how=how.strip(), recorded_by=by, recorded_at=clock.now())
        span: Any = (Text("%(first)s〜%(last)s", first=knew_on, last=knew_on_latest)
                      if knew_on_latest else knew_on)
        section = f"、{awareness.person_section}" if awareness.person_section else ""
        text = Text(gettext_noop("覚知の追加：%(name)s（%(source)s%(section)s）が%(span)sに知った"
                                 "（%(how)s）"), name=awareness.person_name,
                    source=label(awareness.get_source_display()), section=section,
                    span=span, how=awareness.how)
        after = organisation_knew_on(incident)[0]
        if after != before:
            text = text + Text(gettext_noop("。事態を知った日を%(before)sから%(after)sに変更"),
                               before=before, after=after)
        _event(incident, "awareness", text, by)
        audit.record("incident.awareness", user=by, obj=incident,
                     detail={"knew_on": knew_on.isoformat(), "source": source})
        _reassess(incident, by)
    return awareness


def link_medium(incident: Incident, medium: Any, *, by: User, event: bool = True) -> Link:
    """Link a medium with what it holds now: copies, data items, the people they count."""
    contents = list(medium.contents.filter(removed_at__isnull=True))
    counted = [c.people for c in contents if c.people is not None]
    link = Link.objects.create(incident=incident, medium=medium,
                               description=f"記録媒体 {medium}：{media_services.holdings(medium)}",
                               people=sum(counted) if counted else None)
    for content in contents:
        if content.copy_id:
            Link.objects.create(incident=incident, copy_id=content.copy_id,
                                description=f"{medium} の内容：{content.description}",
                                people=None)
    if event:
        _event(incident, "link", Text(gettext_noop("関係する記録媒体：%(what)s"),
                                      what=link_description(link)), by)
        _people_from_links(incident)
        _reassess(incident, by)
    return link


def link_copy(incident: Incident, copy: Any, *, by: User) -> Link:
    """Link a copy (and through it the originals it was cut from, named in its manifest)."""
    require(by, "incidents.manage", incident)
    ensure_open(incident)
    if copy.request.vehicle.department.organisation_id != incident.organisation_id:
        raise IncidentError("他の組織の複製データは関係付けられません。")
    sources = "、".join(s.get("name", "") for s in copy.manifest.get("sources", []))
    with transaction.atomic():
        link = Link.objects.create(
            incident=incident, copy=copy, people=copy.people_count,
            description=f"複製データ #{copy.pk}（{copy.request.vehicle} "
                        f"{copy.actual_start.astimezone(clock.JST):%Y-%m-%d %H:%M}〜、"
                        f"元データ：{sources or '不明'}）")
        _event(incident, "link", Text(gettext_noop("関係する複製データ：%(what)s"),
                                      what=link.description), by)
        audit.record("incident.linked", user=by, obj=incident, detail={"copy": copy.pk})
        _people_from_links(incident)
        _reassess(incident, by)
    return link


def add_medium(incident: Incident, medium: Any, *, by: User) -> Link:
    require(by, "incidents.manage", incident)
    ensure_open(incident)
    if medium.department.organisation_id != incident.organisation_id:
        raise IncidentError("他の組織の記録媒体は関係付けられません。")
    with transaction.atomic():
        link = link_medium(incident, medium, by=by)
        audit.record("incident.linked", user=by, obj=incident, detail={"medium": medium.pk})
    return link


# What a medium's holdings say when hogo records no contents on it (media.services.holdings).
NOTHING_RECORDED = "記録なし"
NO_RECORD_OF_CONTENTS = "hogo に内容の記録がない媒体（内容と人数は事実関係の調査による）"


def link_description(link: Link) -> str:
    """A link as screens and documents show it. A medium hogo records nothing on is said to
    be that, not to hold "nothing": what it held and how many people are the incident's own
    facts, which may well count 150 people."""
    text = link.description
    if link.medium_id and link.people is None and text.endswith(NOTHING_RECORDED):
        return text[:-len(NOTHING_RECORDED)] + NO_RECORD_OF_CONTENTS
    return text


def _people_from_links(incident: Incident) -> None:
    """The people count comes from linked footage when it carries one (R-808); a count typed
    by hand with another basis is left alone."""
    counted = [link.people for link in incident.links.all() if link.people is not None]
    if counted and (incident.people is None or incident.people_basis == LINKED_PEOPLE_BASIS):
        incident.people = sum(counted)
        incident.people_basis = LINKED_PEOPLE_BASIS
        incident.save(update_fields=["people", "people_basis"])


def _reassess(incident: Incident, by: User | None, *, announce: bool = True) -> None:
    result = assessment(incident)
    criteria = [str(c.code) for c in result.criteria]
    reportable, pending = result.reportable, result.pending
    now = (reportable, criteria, pending)
    if now == (incident.reportable, incident.criteria,
               incident.reportability_pending) and announce:
        return
    was = (incident.reportable, incident.reportability_pending)
    incident.reportable, incident.criteria = reportable, criteria
    incident.reportability_pending = pending
    incident.save(update_fields=["reportable", "criteria", "reportability_pending"])
    summary = wording.summary_text(result)
    # A PPC deadline is shown only where one concerns the incident.
    text = Text(gettext_noop("報告要否の判定：%(summary)s"), summary=summary)
    if announce and was != (reportable, pending):
        state = (gettext_noop("報告対象") if reportable else
                 gettext_noop("人数の確定待ち") if pending else gettext_noop("報告対象外"))
        text = Text(gettext_noop("報告要否が変わりました（%(state)s）：%(summary)s"),
                    state=label(state), summary=summary)
    if result.deadlines_apply or incident.voluntary_report:
        text = text + Text(gettext_noop("。確報期限 %(due)s"), due=result.final_due)
    _event(incident, "assessment", text, by)
    audit.record("incident.assessed", user=by, obj=incident,
                 detail={"reportable": reportable, "criteria": criteria,
                         "final_due": result.final_due.isoformat()})


def ensure_open(incident: Incident) -> None:
    """Every change goes through here: the model's predicate is the one gate (R-807)."""
    if not incident.can_be_changed:
        raise IncidentError("完了した事案は変更できません。")


def _event(incident: Incident, kind: str, text: Text | str, user: User | None, *,
           at: dt.datetime | None = None) -> Event:
    """A timeline line: its Japanese as written now, and its message to render later in the
    reader's language (a plain string is stored as it is)."""
    message = text.to_json() if isinstance(text, Text) else {}
    japanese = text.render("ja") if isinstance(text, Text) else text
    return Event.objects.create(incident=incident, kind=kind, text=japanese, message=message,
                                user=user, at=at or clock.now())


# --- filings, steps, closing ----------------------------------------------------------------


def record_filing(incident: Incident, by: User, *, kind: str, filed_on: dt.date,
                  reference: str = "") -> Filing:
    """A report actually filed, with whether it was late and by how many days (R-804)."""
    require(by, "incidents.file", incident)
    ensure_open(incident)
    if kind not in filing_kinds(incident):
        raise IncidentError("報告の種類が正しくありません。")
    if filed_on > clock.today_jst():
        raise IncidentError("提出日に未来の日付は指定できません。")
    knew_on = organisation_knew_on(incident)[0]
    if filed_on < knew_on:
        raise IncidentError(f"提出日が事態を知った日（{_d(knew_on)}）より前になっています。"
                            "提出日を確認してください。")
    if incident.filings.filter(kind=kind).exists():
        raise IncidentError("この報告の提出は記録済みです。")
    due = assessment(incident).due(kind) if kind != ReportKind.ASSOCIATION else None
    days_late = max(0, (filed_on - due).days) if due else 0
    with transaction.atomic():
        filing = Filing.objects.create(incident=incident, kind=kind, filed_on=filed_on,
                                       due_on=due, days_late=days_late,
                                       reference=reference.strip(), filed_by=by,
                                       recorded_at=clock.now())
        name = label(ReportKind(kind).label)
        if days_late:
            text = Text(gettext_noop("%(kind)sを提出：%(day)s（期限%(due)s、%(late)s日遅延）"),
                        kind=name, day=filed_on, due=due, late=days_late)
        elif due:
            text = Text(gettext_noop("%(kind)sを提出：%(day)s（期限%(due)s内）"), kind=name,
                        day=filed_on, due=due)
        else:
            text = Text(gettext_noop("%(kind)sを提出：%(day)s"), kind=name, day=filed_on)
        _event(incident, "filing", text, by)
        audit.record("incident.filed", user=by, obj=incident,
                     detail={"kind": kind, "filed_on": filed_on.isoformat(),
                             "days_late": days_late})
        if kind == ReportKind.ASSOCIATION:
            step = incident.steps.filter(kind=StepKind.ASSOCIATION, done_at__isnull=True).first()
            if step:
                _finish_step(step, by, f"{_d(filed_on)}に提出 {reference}".strip())
    return filing


def filing_kinds(incident: Incident) -> list[str]:
    """The reports a filing may be recorded for: the PPC's two, and the association's only
    where the organisation's profile has one."""
    kinds = [str(ReportKind.PRELIMINARY), str(ReportKind.FINAL)]
    if association_required(incident):
        kinds.append(str(ReportKind.ASSOCIATION))
    return kinds


# Steps the Act does not require of a non-reportable incident: the notice to the persons
# (Act Art. 26(2) / Art. 68(2) follow the report) and publication. Whoever decides records
# why they do it or not.
OPTIONAL_WHEN_NOT_REPORTABLE = frozenset({StepKind.NOTIFY, StepKind.PUBLISH})


def step_is_optional(incident: Incident, step: Step) -> bool:
    """Whether doing the step is the organisation's choice (with a recorded reason) rather
    than owed: notice and publication of an incident that is not reportable (nor pending)."""
    return (step.kind in OPTIONAL_WHEN_NOT_REPORTABLE and not incident.reportable
            and not incident.reportability_pending)


def update_step(step: Step, by: User, *, owner: User | None, due_on: dt.date | None) -> None:
    require(by, "incidents.manage", step.incident)
    ensure_open(step.incident)
    with transaction.atomic():
        step.owner, step.due_on = owner, due_on
        step.save(update_fields=["owner", "due_on"])
        undecided = label(gettext_noop("未定"))
        _event(step.incident, "step", Text(
            gettext_noop("対応「%(step)s」の担当：%(owner)s、期限：%(due)s"),
            step=label(step.get_kind_display()), owner=str(owner) if owner else undecided,
            due=due_on or undecided), by)


def complete_step(step: Step, by: User, *, evidence: str) -> None:
    require(by, "incidents.manage", step.incident)
    ensure_open(step.incident)
    if not evidence.strip():
        raise IncidentError("実施内容・根拠を入力してください。")
    if not step.can_be_completed:
        raise IncidentError("この対応は完了済みです。")
    with transaction.atomic():
        _finish_step(step, by, evidence.strip())


def _finish_step(step: Step, by: User, evidence: str) -> None:
    step.done_at, step.done_by, step.evidence = clock.now(), by, evidence
    step.save(update_fields=["done_at", "done_by", "evidence"])
    msgid = (gettext_noop("「%(step)s」を行うと判断し実施：%(evidence)s")
             if step_is_optional(step.incident, step)
             else gettext_noop("対応完了「%(step)s」：%(evidence)s"))
    _event(step.incident, "step", Text(msgid, step=label(step.get_kind_display()),
                                       evidence=evidence), by)
    audit.record("incident.step_done", user=by, obj=step.incident,
                 detail={"step": step.kind})


def waive_step(step: Step, by: User, *, reason: str) -> None:
    """Notice, publication and the association report may be unnecessary, with a reason
    (e.g. notice impossible, so published instead; the association guideline's two
    exemptions); for a non-reportable incident, notice and publication are optional and the
    reason records why they are not done."""
    require(by, "incidents.file", step.incident)
    ensure_open(step.incident)
    if step.kind not in WAIVABLE_STEPS:
        raise IncidentError("この対応は省略できません。")
    if not reason.strip():
        raise IncidentError("不要とした理由を入力してください。")
    with transaction.atomic():
        step.waived_reason, step.done_at, step.done_by = reason.strip(), clock.now(), by
        step.save(update_fields=["waived_reason", "done_at", "done_by"])
        msgid = (gettext_noop("「%(step)s」を行わないと判断：%(reason)s")
                 if step_is_optional(step.incident, step)
                 else gettext_noop("対応「%(step)s」を不要と判断：%(reason)s"))
        _event(step.incident, "step", Text(msgid, step=label(step.get_kind_display()),
                                           reason=step.waived_reason), by)
        audit.record("incident.step_waived", user=by, obj=step.incident,
                     detail={"step": step.kind, "reason": step.waived_reason})


def open_steps(incident: Incident) -> list[Step]:
    return [s for s in incident.steps.all() if s.mandatory and s.done_at is None]


def close(incident: Incident, by: User) -> None:
    """Only when every mandatory step is done and every owed report filed (R-807)."""
    require(by, "incidents.file", incident)
    ensure_open(incident)
    missing = [s.get_kind_display() for s in open_steps(incident)]
    if incident.reportability_pending:
        missing.append("本人の数の確定（報告要否の判断）")
    filed = set(incident.filings.values_list("kind", flat=True))
    if must_report(incident):
        missing += [label for kind, label in ((ReportKind.PRELIMINARY, "速報の提出"),
                                              (ReportKind.FINAL, "確報の提出"))
                    if kind not in filed]
    if missing:
        raise IncidentError("未完了の必須対応があるため完了できません：" + "、".join(missing))
    with transaction.atomic():
        incident.state, incident.closed_at, incident.closed_by = (IncidentState.CLOSED,
                                                                   clock.now(), by)
        incident.save(update_fields=["state", "closed_at", "closed_by"])
        _event(incident, "closed", Text(gettext_noop("事案の対応を完了")), by)
        audit.record("incident.closed", user=by, obj=incident)


# --- deadlines and links from elsewhere -----------------------------------------------------


# Deadline reminders, by report kind and by how the deadline stands: whole sentences, so that
# each language words them as it needs.
REMINDERS = {
    (rules.PRELIMINARY, "today"): gettext_noop(
        "【速報】%(number)s %(title)s：本日が期限です（期限 %(due)s）。"),
    (rules.PRELIMINARY, "left"): gettext_noop(
        "【速報】%(number)s %(title)s：期限まであと%(days)s日です（期限 %(due)s）。"),
    (rules.PRELIMINARY, "overdue"): gettext_noop(
        "【速報】%(number)s %(title)s：期限を%(days)s日過ぎています。直ちに提出してください"
        "（期限 %(due)s）。"),
    (rules.FINAL, "today"): gettext_noop(
        "【確報】%(number)s %(title)s：本日が期限です（期限 %(due)s）。"),
    (rules.FINAL, "left"): gettext_noop(
        "【確報】%(number)s %(title)s：期限まであと%(days)s日です（期限 %(due)s）。"),
    (rules.FINAL, "overdue"): gettext_noop(
        "【確報】%(number)s %(title)s：期限を%(days)s日過ぎています。直ちに提出してください"
        "（期限 %(due)s）。"),
}


def remind_deadlines(today: dt.date | None = None) -> int:
    """Reminders 7, 3 and 1 days before and on the day; overdue every day until filed."""
    today = today or clock.today_jst()
    sent = 0
    for incident in Incident.objects.filter(state=IncidentState.OPEN).select_related(
            "department"):
        for row in deadlines(incident, today):
            if row["filing"] is not None:
                continue
            left = row["days_left"]
            if left == 0:
                when = "today"
            elif left in REMIND_DAYS:
                when = "left"
            elif left < 0:
                when = "overdue"
            else:
                continue
            text = AlertText(REMINDERS[row["kind"], when], number=incident.number,
                             title=incident.title, days=abs(left), due=row["due"])
            # The hourly job announces the same day's reminder again: alert and mail once.
            told = [person for person in first_recipients(incident) if raise_once(
                DEADLINE, message=text, recipient=person, department=incident.department,
                link=url_of(incident),
                key=f"incident:{incident.pk}:{row['kind']}:{today}:{person.pk}")]
            if told:
                _mail(incident, told, f"[hogo] {row['label']}の期限 {incident.number}", text)
                sent += 1
    return sent


def open_for_missing_medium(medium: Any, by: User, *, why: str) -> Incident:
    """A medium not found in an inventory opens an incident, pre-filled from what it holds,
    with the person who could not find it as the first awareness (R-801, R-802)."""
    loan = media_services.open_checkout(medium)
    context = (f"持出し中（{loan.taken_by}、{loan.purpose}、返却予定日 {_d(loan.due_on)}）"
               if loan else "保管庫に保管中のはず")
    contents = list(medium.contents.filter(removed_at__isnull=True))
    items = "、".join(c.description for c in contents)
    # With nothing recorded in hogo, the contents are not known to be empty: the data items
    # stay unfilled (the documents show 「（未記入）」) rather than saying "nothing".
    held = (media_services.holdings(medium) if contents
            else "hogo には内容の記録がありません（調査中）")
    return report(
        by, title=f"記録媒体 {medium} の所在不明", kind=IncidentKind.LOSS,
        what_happened=(f"棚卸しで記録媒体 {medium}（{medium.get_kind_display()}）が見つかりません"
                       f"でした（{why}）。状態：{context}。内容：{held}。"),
        knew_on=clock.today_jst(), noticed_how=INVENTORY_NOTICED,
        data_items=items, encrypted=False, media=[medium])


# --- the privacy officer's yearly view --------------------------------------------------------


def fiscal_year_of(day: dt.date) -> int:
    """The Japanese fiscal year (年度) a day belongs to: April to March."""
    return day.year if day.month >= 4 else day.year - 1


def yearly_summary(organisation: Any, fiscal_year: int) -> dict[str, Any]:
    """Counts, reportable ones, late reports and causes for one fiscal year (年度)."""
    start, end = dt.date(fiscal_year, 4, 1), dt.date(fiscal_year + 1, 3, 31)
    incidents = [i for i in Incident.objects.filter(organisation=organisation).prefetch_related(
        "filings") if start <= clock.jst_date(i.reported_at) <= end]
    by_kind: dict[str, int] = {}
    for incident in incidents:
        label = str(IncidentKind(incident.kind).label)
        by_kind[label] = by_kind.get(label, 0) + 1
    late = [(incident, filing) for incident in incidents for filing in incident.filings.all()
            if filing.days_late > 0]
    return {
        "fiscal_year": fiscal_year, "start": start, "end": end, "total": len(incidents),
        "reportable": sum(1 for i in incidents if i.reportable),
        "open": sum(1 for i in incidents if i.is_open),
        "people": sum(i.people or 0 for i in incidents),
        "by_kind": sorted(by_kind.items(), key=lambda item: -item[1]),
        "late": late, "causes": [(i, i.cause) for i in incidents if i.cause],
        "incidents": incidents,
    }


def incident_countdown(user: User) -> list[dict[str, Any]]:
    """Open incidents this person sees that still owe a report, soonest first (dashboard)."""
    if not getattr(user, "organisation_id", None):
        return []
    today = clock.today_jst()
    rows = []
    for incident in visible_incidents(user).filter(state=IncidentState.OPEN).prefetch_related(
            "awareness", "filings"):
        owed = [d for d in deadlines(incident, today) if d["filing"] is None]
        if owed:
            rows.append({"incident": incident, "deadlines": owed,
                         "soonest": min(d["days_left"] for d in owed)})
    return sorted(rows, key=lambda row: row["soonest"])
