"""Finding patterns in one day of the audit chain (R-903, MLIT guideline §8 キ).

Each finder reads the day's entries and returns `Finding`s: who, which pattern, the entries
that show it and why, in words (an AlertText, rendered in the reader's language). Nothing is
stored here; `flags.analyse_day` keeps the findings as flags. Thresholds and office hours come
from each organisation's policy profile; the time rules are `rules.access_patterns`.

The audit chain names its actor as text ("user:alice", "token:depot-1"), so a person is found
by `actor_user_id` and a machine token by its name.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_noop

from hogo.accounts.models import MachineToken, Organisation, User
from hogo.accounts.policy import effective_profile
from hogo.alerts.text import AlertText
from hogo.audit.models import AuditEntry
from hogo.clock import JST
from hogo.copies.models import Copy, CopyRequest
from hogo.footage.models import Segment
from hogo.oversight.models import Pattern
from hogo.provision.models import HandOver
from hogo.requests.models import PersonalRequest
from hogo.rules import access_patterns, office_calendar

# Watching footage: an original (元データ) or a copy through the purpose-logged player.
VIEWINGS = ("footage.viewed", "copy.viewed")
ORIGINAL_VIEWED = "footage.viewed"
REFUSED = "access.denied"
EXPORTED = "copy.exported"
DISABLED = "account.disabled"
SHOWN_TIMES = 5  # times listed in an explanation; the evidence holds them all


@dataclass
class Finding:
    """One pattern shown by one actor on one day."""

    pattern: str
    actor: str
    organisation: Organisation
    text: AlertText
    seqs: list[int] = field(default_factory=list)
    person: User | None = None


def day_window(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The Japanese calendar day as an interval of aware instants."""
    start = dt.datetime.combine(day, dt.time(0), tzinfo=JST)
    return start, start + dt.timedelta(days=1)


def entries_of(day: dt.date, actions: Iterable[str]) -> list[AuditEntry]:
    """The day's entries of these actions, in chain order."""
    start, end = day_window(day)
    return list(AuditEntry.objects.filter(at__gte=start, at__lt=end, action__in=list(actions))
                .order_by("seq"))


def _people(entries: Iterable[AuditEntry]) -> dict[int, User]:
    ids = {e.actor_user_id for e in entries if e.actor_user_id is not None}
    users = User.objects.filter(pk__in=ids).select_related("organisation", "department")
    return {u.pk: u for u in users if u.organisation_id is not None}


def _by_person(entries: Iterable[AuditEntry]) -> dict[User, list[AuditEntry]]:
    entries = list(entries)
    people = _people(entries)
    grouped: dict[User, list[AuditEntry]] = defaultdict(list)
    for entry in entries:
        person = people.get(entry.actor_user_id)
        if person is not None:
            grouped[person].append(entry)
    return grouped


def _times(entries: Iterable[AuditEntry]) -> str:
    shown = [f"{e.at.astimezone(JST):%H:%M}" for e in entries]
    more = "…" if len(shown) > SHOWN_TIMES else ""
    return "、".join(shown[:SHOWN_TIMES]) + more


def _setting(person: User, key: str):
    return effective_profile(person.organisation).value(key)


def out_of_hours(day: dt.date) -> list[Finding]:
    """Footage watched before opening, after closing or on a closed day (weekend, national
    holiday, 29 Dec-3 Jan): not forbidden, but the privacy officer should know why."""
    found = []
    for person, entries in _by_person(entries_of(day, VIEWINGS)).items():
        hours = str(_setting(person, "oversight.office_hours"))
        outside = [e for e in entries
                   if access_patterns.outside_hours(e.at.astimezone(JST), hours)]
        if not outside:
            continue
        if office_calendar.is_closed(day):
            text = AlertText(gettext_noop(
                "%(person)s さんが閉庁日（%(day)s）に映像を%(count)s回閲覧しました"
                "（%(times)s）。休日に閲覧する業務上の必要があったか確認してください。"),
                person=str(person), day=day, count=len(outside), times=_times(outside))
        else:
            text = AlertText(gettext_noop(
                "%(person)s さんが執務時間（%(hours)s）外に映像を%(count)s回閲覧しました"
                "（%(day)s %(times)s）。時間外に閲覧する業務上の必要があったか確認して"
                "ください。"), person=str(person), hours=hours, day=day, count=len(outside),
                times=_times(outside))
        found.append(Finding(Pattern.OUT_OF_HOURS, outside[0].actor, person.organisation,
                             text, [e.seq for e in outside], person))
    return found


def _segments(entries: Iterable[AuditEntry]) -> dict[str, Segment]:
    ids = {e.object_id for e in entries if e.object_type == "footage.segment"}
    rows = Segment.objects.filter(pk__in=[int(i) for i in ids if i.isdigit()])
    return {str(s.pk): s for s in rows.select_related("recorder__vehicle__department")}


def _copies(entries: Iterable[AuditEntry]) -> dict[str, Copy]:
    ids = {e.object_id for e in entries if e.object_type == "copies.copy"}
    rows = Copy.objects.filter(pk__in=[int(i) for i in ids if i.isdigit()])
    return {str(c.pk): c for c in rows.select_related("request__vehicle__department")}


def _requested(segment: Segment) -> bool:
    """A copy request covers the original (provision and a person's requests open copy
    requests too, so they are covered by this)."""
    return CopyRequest.objects.filter(vehicle=segment.recorder.vehicle_id,
                                      start_at__lt=segment.end_at,
                                      end_at__gt=segment.start_at).exists()


def many_originals(day: dt.date) -> list[Finding]:
    """Many different originals watched in one day without any copy request for them: a
    search through footage rather than a look at one event."""
    entries = entries_of(day, [ORIGINAL_VIEWED])
    segments = _segments(entries)
    found = []
    for person, mine in _by_person(entries).items():
        threshold = int(_setting(person, "oversight.many_originals_per_day"))
        first: dict[str, AuditEntry] = {}
        for entry in mine:
            first.setdefault(entry.object_id, entry)
        unrequested = [e for key, e in first.items()
                       if key in segments and not _requested(segments[key])]
        if len(unrequested) < threshold:
            continue
        text = AlertText(gettext_noop(
            "%(person)s さんが%(day)sに元データを%(count)s件閲覧しました（注意水準は1日"
            "%(threshold)s件）。そのどれにも複製の申請も、提供や本人からの請求もありません。"
            "閲覧の目的を確認してください。"), person=str(person), day=day,
            count=len(unrequested), threshold=threshold)
        found.append(Finding(Pattern.MANY_ORIGINALS, mine[0].actor, person.organisation, text,
                             [e.seq for e in unrequested], person))
    return found


def _departments_at_view(entry: AuditEntry, vehicle: Any, person: Any) -> bool:
    """Were the viewer and the vehicle in different departments when it was viewed? The
    entry says so when it recorded them (a later transfer changes nothing); an older entry
    is judged by the departments as they are now."""
    detail = json.loads(entry.detail or "{}")
    if "viewer_department" in detail and "vehicle_department" in detail:
        return detail["viewer_department"] != detail["vehicle_department"]
    return vehicle.department_id != person.department_id


def other_department(day: dt.date) -> list[Finding]:
    """Footage of a vehicle managed by another department than the viewer's. The permission
    layer lets only a vehicle's own department watch its footage — the privacy officer and
    auditors included, so nobody is exempt — so such a viewing means the rules were bypassed
    or changed (a transfer, a permission or profile change) and is always worth a look."""
    entries = entries_of(day, VIEWINGS)
    segments, copies = _segments(entries), _copies(entries)
    found = []
    for person, mine in _by_person(entries).items():
        vehicles, shown = [], []
        for entry in mine:
            item = segments.get(entry.object_id) if entry.object_type == "footage.segment" \
                else copies.get(entry.object_id) if entry.object_type == "copies.copy" else None
            if item is None:
                continue
            vehicle = (item.recorder.vehicle if isinstance(item, Segment)
                       else item.request.vehicle)
            if _departments_at_view(entry, vehicle, person):
                shown.append(entry)
                vehicles.append(vehicle)
        if not shown:
            continue
        names = "、".join(dict.fromkeys(f"{v}（{v.department}）" for v in vehicles))
        text = AlertText(gettext_noop(
            "%(person)s さん（%(department)s）が、他部署の車両 %(vehicles)sの映像を"
            "%(count)s回閲覧しました（%(day)s %(times)s）。映像を閲覧できるのは車両を管理する"
            "部署の者だけです。権限の設定や異動の記録を確認してください。"),
            person=str(person), department=str(person.department or "—"), vehicles=names,
            count=len(shown), day=day, times=_times(shown))
        found.append(Finding(Pattern.OTHER_DEPARTMENT, shown[0].actor, person.organisation,
                             text, [e.seq for e in shown], person))
    return found


def _permission(entry: AuditEntry) -> str:
    try:
        return str(json.loads(entry.detail or "{}").get("permission", ""))
    except ValueError:
        return ""


def refused(day: dt.date) -> list[Finding]:
    """Many refusals within an hour: someone trying pages or footage they may not see."""
    found = []
    for person, mine in _by_person(entries_of(day, [REFUSED])).items():
        threshold = int(_setting(person, "oversight.refused_per_hour"))
        runs = access_patterns.bursts([e.at for e in mine], threshold)
        if not runs:
            continue
        shown = [e for first, last in runs for e in mine[first:last + 1]]
        text = AlertText(gettext_noop(
            "%(person)s さんが%(day)sに、1時間のうちに%(count)s回アクセスを拒否されました"
            "（注意水準は1時間%(threshold)s回、%(times)s）。権限のない情報を探していないか"
            "確認してください。"), person=str(person), day=day, count=len(shown),
            threshold=threshold, times=_times(shown))
        found.append(Finding(Pattern.REFUSED, mine[0].actor, person.organisation, text,
                             [e.seq for e in shown], person))
    return found


def _handed_over(copy: Copy) -> bool:
    """A provision hand-over or a person's request's disclosure of this copy is recorded."""
    return (HandOver.objects.filter(copy=copy).exists()
            or PersonalRequest.objects.filter(disclosed_copy=copy).exists())


def export_without_handover(day: dt.date) -> list[Finding]:
    """A copy written to a medium as an encrypted package with no hand-over recorded for it
    (neither a third-party provision nor a disclosure to the person): where did it go?"""
    entries = entries_of(day, [EXPORTED])
    copies = _copies(entries)
    found = []
    for person, mine in _by_person(entries).items():
        shown = [e for e in mine if e.object_id in copies
                 and not _handed_over(copies[e.object_id])]
        if not shown:
            continue
        names = "、".join(dict.fromkeys(str(copies[e.object_id]) for e in shown))
        text = AlertText(gettext_noop(
            "%(person)s さんが%(day)sに %(copies)s を記録媒体に書き出しましたが、第三者への"
            "提供の引渡しの記録も本人への開示の記録もありません。書き出した媒体の行き先を"
            "確認してください（部署内の利用なら、その旨を理由に書いて確認済みにできます）。"),
            person=str(person), day=day, copies=names)
        found.append(Finding(Pattern.EXPORT_WITHOUT_HANDOVER, shown[0].actor,
                             person.organisation, text, [e.seq for e in shown], person))
    return found


def _disabled_at() -> dict[int, int]:
    """The seq at which each disabled account was disabled (its leaving is on the chain)."""
    rows = AuditEntry.objects.filter(action=DISABLED, object_type="accounts.user")
    seqs: dict[int, int] = {}
    for entry in rows.order_by("seq"):
        if entry.object_id.isdigit():
            seqs[int(entry.object_id)] = entry.seq
    return seqs


def _after_leaving(entry: AuditEntry, disabled: dict[int, int], leavers: dict[int, User],
                   tokens: dict[str, MachineToken]) -> bool:
    """Done by a leaver's account, or by a token a leaver issued, after the disabling."""
    if entry.actor_user_id in leavers:
        return entry.seq > disabled[entry.actor_user_id]
    token = tokens.get(entry.actor.removeprefix("token:")) if entry.actor.startswith(
        "token:") else None
    return token is not None and entry.seq > disabled[token.created_by_id]


def leaver(day: dt.date) -> list[Finding]:
    """Anything done, after the account was disabled, by a leaver's session or by a machine
    token a leaver issued (a token outlives its issuer unless revoked)."""
    disabled = _disabled_at()
    leavers = {u.pk: u for u in User.objects.filter(pk__in=list(disabled), is_active=False)
               .select_related("organisation")}
    start, end = day_window(day)
    entries = list(AuditEntry.objects.filter(at__gte=start, at__lt=end).order_by("seq"))
    tokens = {t.name: t for t in MachineToken.objects.filter(
        created_by__in=list(leavers)).select_related("organisation")}
    grouped: dict[str, list[AuditEntry]] = defaultdict(list)
    for entry in entries:
        if _after_leaving(entry, disabled, leavers, tokens):
            grouped[entry.actor].append(entry)
    found = []
    for actor, shown in grouped.items():
        if actor.startswith("token:"):
            token = tokens[actor[6:]]
            text = AlertText(gettext_noop(
                "退職した %(issuer)s さんが発行した端末トークン「%(token)s」が、退職（アカウント"
                "の無効化）の後の%(day)sに%(count)s回使われました（%(times)s）。トークンを"
                "失効させるか、後任者の名前で発行し直してください。"),
                issuer=str(leavers[token.created_by_id]), token=token.name, day=day,
                count=len(shown), times=_times(shown))
            found.append(Finding(Pattern.LEAVER, actor, token.organisation, text,
                                 [e.seq for e in shown]))
            continue
        person = leavers[shown[0].actor_user_id]
        if person.organisation is None:
            continue
        text = AlertText(gettext_noop(
            "退職した %(person)s さんのアカウントで、無効化の後の%(day)sに%(count)s件の操作が"
            "記録されました（%(times)s）。無効化の前に開いていたセッションが使われた"
            "おそれがあります。"), person=str(person), day=day, count=len(shown),
            times=_times(shown))
        found.append(Finding(Pattern.LEAVER, actor, person.organisation, text,
                             [e.seq for e in shown], person))
    return found


FINDERS = (out_of_hours, many_originals, other_department, refused, export_without_handover,
           leaver)


def find(day: dt.date) -> list[Finding]:
    """Every pattern found on this Japanese calendar day, by every finder."""
    return [finding for finder in FINDERS for finding in finder(day)]
