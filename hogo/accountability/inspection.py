"""Self-inspection (自己点検, R-904): each department, and what the organisation keeps as a
whole, is inspected every `inspection.every_months` against the rules hogo enforces
(`inspection_checks.CHECKS`); what breaks a rule is found by hogo, not remembered by the
inspector. The privacy officer or an auditor starts an inspection, raises findings (指摘事項)
with an owner and a due day, and finishes it when each failed check has a finding or a
reason for none. The owner answers with what was done; the inspector closes the finding or
sends it back with a reason. Each hand-off alerts the next person and waits in their queue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from hogo import clock
from hogo.accountability.inspection_checks import BY_CODE, checks_for
from hogo.accountability.models import Finding, FindingState, Inspection, InspectionCheck
from hogo.accountability.training import add_months
from hogo.accounts.models import Department, Organisation, Role, User
from hogo.accounts.permissions import allows, require
from hogo.accounts.policy import citation, effective_profile
from hogo.alerts.services import acknowledge_keyed, hand_off, people_allowed, raise_once
from hogo.alerts.text import AlertText
from hogo.alerts.waiting import WaitingItem
from hogo.audit import services as audit
from hogo.incidents.services import fiscal_year_of
from hogo.kit.refusal import Refused
from hogo.rules.wareki import format_wareki

SOON_DAYS = 30
RAISED_KIND = "accountability.finding"
ANSWERED_KIND = "accountability.finding_answered"
OVERDUE_KIND = "accountability.finding_overdue"


class InspectionError(Refused):
    """A refused inspection step; Japanese reasons and the form field."""


def _settings(organisation: Any) -> tuple[int, int]:
    profile = effective_profile(organisation)
    return profile.value("inspection.every_months"), profile.value("inspection.finding_days")


def scope_name(department: Department | None) -> str:
    """What an inspection covers, in words."""
    return str(department) if department is not None else _("組織全体（委託先）")


# --- reading ----------------------------------------------------------------------------


def inspections_of(user: User) -> Any:
    """The inspections this person may read: all of the organisation for inspectors and
    auditors, a manager's own department's."""
    require(user, "accountability.view_inspections")
    found = Inspection.objects.filter(organisation=user.organisation_id).select_related(
        "department", "started_by", "finished_by")
    readable = [d for d in scopes(user.organisation_id)
                if allows(user, "accountability.view_inspections", d)]
    wanted = Q(department__in=[d for d in readable if d is not None])
    if None in readable:
        wanted |= Q(department__isnull=True)
    return found.filter(wanted)


def inspection_for(user: User, pk: int) -> Inspection | None:
    """The inspection with this id, if this person may read it."""
    found = inspections_of(user).filter(pk=pk).first()
    return found if found is not None and allows(
        user, "accountability.view_inspections", found) else None


def due_on(organisation: Any, department: Department | None) -> dt.date:
    """The day the next inspection is due: a period after the last finished one; never
    inspected, by the end of the current fiscal year (年度, March 31)."""
    every, _days = _settings(organisation)
    last = Inspection.objects.filter(organisation=organisation, department=department,
                                     finished_at__isnull=False).order_by("-finished_at").first()
    if last is not None:
        return add_months(clock.jst_date(last.finished_at), every)
    return dt.date(fiscal_year_of(clock.today_jst()) + 1, 3, 31)


def scopes(organisation_id: int | None) -> list[Department | None]:
    """What is inspected: each department, then the organisation as a whole (None)."""
    return [*Department.objects.filter(organisation=organisation_id).order_by("code"), None]


def board(user: User) -> list[dict[str, Any]]:
    """Each department (and the organisation as a whole) with its last inspection, the one
    under way, its next due day and its open findings."""
    require(user, "accountability.view_inspections")
    today = clock.today_jst()
    readable = inspections_of(user)
    rows = []
    for department in scopes(user.organisation_id):
        if not allows(user, "accountability.view_inspections", department):
            continue
        mine = readable.filter(department=department)
        due = due_on(user.organisation, department)
        rows.append({
            "department": department, "name": scope_name(department),
            "last": mine.filter(finished_at__isnull=False).first(),
            "under_way": mine.filter(finished_at__isnull=True).first(),
            "due_on": due, "overdue": due < today,
            "open_findings": Finding.objects.filter(inspection__in=mine).exclude(
                state=FindingState.CLOSED).count()})
    return rows


def fact_lines(check: InspectionCheck) -> list[str]:
    """What a check found, in words (dates in the Japanese era)."""
    spec = BY_CODE.get(check.code)
    if spec is None:
        return [str(f.get("what", "")) for f in check.facts]
    lines = []
    for found in check.facts:
        day = dt.date.fromisoformat(found["day"]) if found.get("day") else None
        why = spec.whys.get(found.get("why") or "", "")
        lines.append(str(spec.fact_text) % {
            "what": found.get("what", ""), "why": why or "",
            "day": format_wareki(day) if day else (why or _("記録なし"))})
    return lines


def check_rows(inspection: Inspection) -> list[dict[str, Any]]:
    """The inspection's checks as rows: what is asked, the own rule it rests on, whether it
    passed, the facts found, the findings raised from it and whether it is settled."""
    rows = []
    for check in inspection.checks.prefetch_related("findings"):
        spec = BY_CODE.get(check.code)
        findings = list(check.findings.all())
        rows.append({
            "check": check, "label": spec.label if spec else check.code,
            "rule": citation(inspection.organisation, spec.citation_key)
            if spec and spec.citation_key else "",
            "facts": fact_lines(check), "findings": findings,
            "settled": check.ok or bool(findings) or bool(check.note.strip()),
            "wants_finding": not check.ok and not findings})
    return rows


def owner_choices(inspection: Inspection) -> Any:
    """Who may own a finding: the active people of the inspected department; for the
    organisation as a whole, its privacy officers and managers."""
    people = User.objects.filter(organisation=inspection.organisation_id, is_active=True)
    if inspection.department_id is not None:
        people = people.filter(department=inspection.department_id)
    else:
        people = people.filter(role__in=(Role.PRIVACY_OFFICER, Role.MANAGER))
    return people.order_by("-role", "username")


def default_owner(inspection: Inspection) -> User | None:
    """The department's manager, else the first who may own it."""
    choices = owner_choices(inspection)
    return choices.filter(role=Role.MANAGER).first() or choices.first()


def default_due_on(inspection: Inspection) -> dt.date:
    """Today plus the profile's days to put a finding right."""
    return clock.today_jst() + dt.timedelta(days=_settings(inspection.organisation)[1])


def findings_owned(user: User) -> Any:
    """The findings this person must answer, and those already answered."""
    return Finding.objects.filter(owner=user.pk).select_related(
        "inspection__department").exclude(state=FindingState.CLOSED)


def finding_for(user: User, pk: int) -> Finding | None:
    """The finding with this id for its owner or whoever may read its inspection."""
    finding = Finding.objects.select_related("inspection__department", "owner").filter(
        pk=pk, inspection__organisation=user.organisation_id).first()
    if finding is None:
        return None
    if finding.owner_id == user.pk or allows(
            user, "accountability.view_inspections", finding.inspection):
        return finding
    return None


def findings_figures(organisation: Any, first: dt.date, last: dt.date) -> dict[str, int]:
    """The annual summary's figures: inspections finished between the two days, departments
    they covered, findings raised in them, closed, still open and overdue today."""
    start = dt.datetime.combine(first, dt.time(), tzinfo=clock.JST)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=clock.JST)
    done = Inspection.objects.filter(organisation=organisation, finished_at__gte=start,
                                     finished_at__lt=end)
    raised = Finding.objects.filter(inspection__organisation=organisation,
                                    raised_at__gte=start, raised_at__lt=end)
    still = raised.exclude(state=FindingState.CLOSED)
    return {"inspections": done.count(),
            "departments_inspected": done.exclude(department=None).values(
                "department").distinct().count(),
            "findings": raised.count(),
            "closed": raised.filter(state=FindingState.CLOSED).count(),
            "open": still.count(), "overdue": still.filter(due_on__lt=clock.today_jst()).count()}


# --- changing ---------------------------------------------------------------------------


def _key(finding: Finding, event: str) -> str:
    return f"inspection:finding:{finding.pk}:{event}"


def _link(finding: Finding) -> str:
    return reverse("accountability:finding", args=[finding.pk])


def _open(inspection: Inspection) -> None:
    if inspection.is_finished:
        raise InspectionError(_("この自己点検は終了しています。"))


def start(user: User, department: Department | None) -> Inspection:
    """Start an inspection of a department (None: the organisation as a whole): hogo runs
    every check today and keeps what it found."""
    require(user, "accountability.inspect")
    if department is not None and department.organisation_id != user.organisation_id:
        raise InspectionError(_("点検する所属を選んでください。"), field="department")
    today = clock.today_jst()
    with transaction.atomic():
        # one start at a time in an organisation: two inspectors never open the same twice
        Organisation.objects.select_for_update().get(pk=user.organisation_id)
        if Inspection.objects.filter(organisation=user.organisation_id, department=department,
                                     finished_at__isnull=True).exists():
            raise InspectionError(_("%(scope)sの自己点検は実施中です。それを終えてから始めてく"
                                    "ださい。") % {"scope": scope_name(department)},
                                  field="department")
        inspection = Inspection.objects.create(
            organisation=user.organisation, department=department, started_by=user,
            started_at=clock.now())
        failed = []
        for position, check in enumerate(checks_for(department)):
            facts = check.find(user.organisation, department, today)
            InspectionCheck.objects.create(inspection=inspection, code=check.code,
                                           position=position, ok=not facts, facts=facts)
            if facts:
                failed.append(check.code)
        audit.record("inspection.started", user=user, obj=inspection, detail={
            "department": department.pk if department else None, "failed": failed})
    return inspection


def note_check(user: User, check: InspectionCheck, note: str) -> None:
    """The inspector's note on a check (for a failed one: why no finding is raised)."""
    require(user, "accountability.inspect")
    _open(check.inspection)
    with transaction.atomic():
        check.note = note.strip()
        check.save(update_fields=["note"])
        audit.record("inspection.noted", user=user, obj=check.inspection,
                     detail={"check": check.code, "note": check.note[:200]})


def raise_finding(user: User, inspection: Inspection, *, what: str, owner: User | None,
                  due_on: dt.date | None, from_check: InspectionCheck | None = None) -> Finding:
    """A finding: what must be put right, its owner (told at once) and its due day."""
    require(user, "accountability.inspect")
    _open(inspection)
    if not what.strip():
        raise InspectionError(_("指摘事項を入力してください。"), field="what")
    if owner is None or not owner_choices(inspection).filter(pk=owner.pk).exists():
        raise InspectionError(_("対応する人を、点検した所属の職員から選んでください。"),
                              field="owner")
    if due_on is None or due_on < clock.today_jst():
        raise InspectionError(_("対応期限は今日以降の日にしてください。"), field="due_on")
    if from_check is not None and from_check.inspection_id != inspection.pk:
        raise InspectionError(_("点検項目が見つかりません。"))
    with transaction.atomic():
        number = (inspection.findings.aggregate(n=Max("number"))["n"] or 0) + 1
        finding = Finding.objects.create(
            inspection=inspection, from_check=from_check, number=number, what=what.strip(),
            owner=owner, due_on=due_on, raised_by=user, raised_at=clock.now())
        audit.record("inspection.finding_raised", user=user, obj=finding, detail={
            "inspection": inspection.pk, "check": from_check.code if from_check else None,
            "owner": owner.pk, "due_on": due_on.isoformat()})
        hand_off([owner], RAISED_KIND, key=_key(finding, "raised"), actor=user,
                 message=AlertText(gettext_noop(
                     "自己点検（%(scope)s）の指摘事項 %(number)s に%(due)sまでに対応してください"
                     "：%(what)s"), scope=scope_name(inspection.department), number=number,
                     due=due_on, what=finding.what[:100]),
                 subject=AlertText(gettext_noop("自己点検の指摘事項への対応のお願い")),
                 link=_link(finding))
    return finding


def unsettled(inspection: Inspection) -> list[str]:
    """The failed checks with neither a finding nor a note, in words."""
    return [str(row["label"]) for row in check_rows(inspection) if not row["settled"]]


def finish(user: User, inspection: Inspection, *, summary: str) -> None:
    """Finish the inspection: each failed check has a finding or the inspector's reason;
    the department's manager is told of the result."""
    require(user, "accountability.inspect")
    _open(inspection)
    left = unsettled(inspection)
    if left:
        raise InspectionError([_("次の項目に指摘事項を挙げるか、挙げない理由を所見に記入して"
                                 "ください。")] + [f"・{label}" for label in left])
    with transaction.atomic():
        inspection.finished_at, inspection.finished_by = clock.now(), user
        inspection.summary = summary.strip()
        inspection.save(update_fields=["finished_at", "finished_by", "summary"])
        audit.record("inspection.finished", user=user, obj=inspection, detail={
            "findings": inspection.findings.count()})
        managers = User.objects.filter(department=inspection.department_id, role=Role.MANAGER,
                                       is_active=True) if inspection.department_id else []
        hand_off(managers, "accountability.inspection_finished", actor=user,
                 key=f"inspection:{inspection.pk}:finished",
                 message=AlertText(gettext_noop(
                     "%(scope)sの自己点検が終わりました（指摘事項 %(count)s 件）"),
                     scope=scope_name(inspection.department),
                     count=inspection.findings.count()),
                 subject=AlertText(gettext_noop("自己点検の結果")),
                 link=reverse("accountability:inspection", args=[inspection.pk]))


def answer(user: User, finding: Finding, *, action: str) -> None:
    """The owner says what was done; the inspector who raised it is asked to confirm."""
    require(user, "accountability.answer_finding", finding)
    if not finding.can_be_answered:
        raise InspectionError(_("この指摘事項は対応中ではありません。"))
    if not action.strip():
        raise InspectionError(_("行った対応を入力してください。"), field="action")
    with transaction.atomic():
        finding.state, finding.action = FindingState.ANSWERED, action.strip()
        finding.answered_at = clock.now()
        finding.save(update_fields=["state", "action", "answered_at"])
        audit.record("inspection.finding_answered", user=user, obj=finding,
                     detail={"action": finding.action[:200]})
        acknowledge_keyed(_key(finding, "raised") + ":", by=user)
        acknowledge_keyed(_key(finding, "returned"), by=user)
        hand_off(_confirmers(finding), ANSWERED_KIND, actor=user,
                 key=_key(finding, f"answered:{finding.answered_at:%Y%m%d%H%M%S%f}"),
                 message=AlertText(gettext_noop(
                     "指摘事項 %(number)s（%(scope)s）の対応が報告されました。確認してください"),
                     number=finding.number, scope=scope_name(finding.inspection.department)),
                 subject=AlertText(gettext_noop("指摘事項の対応の報告")), link=_link(finding))


def _confirmers(finding: Finding) -> list[User]:
    """Who confirms an answer: the inspector who raised it, else anyone who may inspect."""
    if finding.raised_by.is_active:
        return [finding.raised_by]
    return people_allowed(finding.inspection.organisation_id, "accountability.inspect", None)


def close(user: User, finding: Finding) -> None:
    """The inspector confirms what was done: the finding is closed."""
    require(user, "accountability.inspect")
    if not finding.can_be_closed:
        raise InspectionError(_("対応が報告された指摘事項だけを完了にできます。"))
    with transaction.atomic():
        finding.state, finding.closed_by, finding.closed_at = (
            FindingState.CLOSED, user, clock.now())
        finding.save(update_fields=["state", "closed_by", "closed_at"])
        audit.record("inspection.finding_closed", user=user, obj=finding)
        acknowledge_keyed(_key(finding, "answered"), by=user)


def send_back(user: User, finding: Finding, *, reason: str) -> None:
    """The inspector finds the answer not enough: back to the owner, with the reason."""
    require(user, "accountability.inspect")
    if not finding.can_be_closed:
        raise InspectionError(_("対応が報告された指摘事項だけを差し戻せます。"))
    if not reason.strip():
        raise InspectionError(_("差し戻す理由を入力してください。"), field="reason")
    with transaction.atomic():
        finding.state, finding.returned_reason = FindingState.OPEN, reason.strip()
        finding.save(update_fields=["state", "returned_reason"])
        audit.record("inspection.finding_returned", user=user, obj=finding,
                     detail={"reason": finding.returned_reason[:200]})
        acknowledge_keyed(_key(finding, "answered"), by=user)
        hand_off([finding.owner], RAISED_KIND, actor=user,
                 key=_key(finding, f"returned:{clock.now():%Y%m%d%H%M%S%f}"),
                 message=AlertText(gettext_noop(
                     "指摘事項 %(number)s の対応が差し戻されました：%(reason)s"),
                     number=finding.number, reason=finding.returned_reason[:100]),
                 subject=AlertText(gettext_noop("指摘事項の対応の差戻し")), link=_link(finding))


# --- what follows -----------------------------------------------------------------------


def waiting(user: Any) -> Iterator[WaitingItem]:
    """A finding to answer (its owner); an answer to confirm, an inspection to finish, a
    department whose inspection is due within SOON_DAYS (whoever may inspect)."""
    if user.organisation_id is None:
        return
    for finding in findings_owned(user).filter(state=FindingState.OPEN):
        yield WaitingItem(kind=RAISED_KIND, label=_("自己点検の指摘事項に対応する"),
                          title=_("%(scope)s 指摘事項 %(number)s：%(what)s") % {
                              "scope": scope_name(finding.inspection.department),
                              "number": finding.number, "what": finding.what[:60]},
                          url=_link(finding), since=finding.raised_at, due_on=finding.due_on)
    if not allows(user, "accountability.inspect"):
        return
    answered = Finding.objects.filter(
        inspection__organisation=user.organisation_id, state=FindingState.ANSWERED).filter(
        Q(raised_by=user.pk) | Q(raised_by__is_active=False)).select_related(
        "inspection__department")
    for finding in answered:
        yield WaitingItem(kind=ANSWERED_KIND, label=_("指摘事項の対応を確認する"),
                          title=_("%(scope)s 指摘事項 %(number)s") % {
                              "scope": scope_name(finding.inspection.department),
                              "number": finding.number},
                          url=_link(finding), since=finding.answered_at or finding.raised_at)
    for inspection in Inspection.objects.filter(started_by=user.pk, finished_at__isnull=True):
        yield WaitingItem(kind="accountability.inspection_open", label=_("始めた自己点検を終える"),
                          title=scope_name(inspection.department),
                          url=reverse("accountability:inspection", args=[inspection.pk]),
                          since=inspection.started_at)
    today = clock.today_jst()
    for department in scopes(user.organisation_id):
        due = due_on(user.organisation, department)
        if (due - today).days > SOON_DAYS or Inspection.objects.filter(
                organisation=user.organisation_id, department=department,
                finished_at__isnull=True).exists():
            continue
        yield WaitingItem(kind="accountability.inspection_due", label=_("自己点検を実施する"),
                          title=_("%(scope)s（期限 %(due)s）") % {
                              "scope": scope_name(department), "due": format_wareki(due)},
                          url=reverse("accountability:inspections"),
                          since=dt.datetime.combine(due - dt.timedelta(days=SOON_DAYS),
                                                    dt.time(), tzinfo=clock.JST),
                          due_on=due)


def alert_overdue_findings(today: dt.date | None = None) -> int:
    """Daily: once per finding, tell its owner and who raised it that its due day passed."""
    today = today or clock.today_jst()
    raised = 0
    for finding in Finding.objects.filter(state=FindingState.OPEN, due_on__lt=today
                                          ).select_related("inspection__department"):
        message = AlertText(gettext_noop(
            "自己点検の指摘事項 %(number)s（%(scope)s）の対応期限（%(due)s）が過ぎました"),
            number=finding.number, scope=scope_name(finding.inspection.department),
            due=finding.due_on)
        for person in dict.fromkeys([finding.owner, *_confirmers(finding)]):
            raised += raise_once(OVERDUE_KIND, message=message, recipient=person,
                                 key=_key(finding, f"overdue:user:{person.pk}"),
                                 link=_link(finding))
    return raised


def register() -> None:
    """From AccountabilityConfig.ready(): the work queue and the alerts' names."""
    from hogo.alerts.text import label_kind
    from hogo.alerts.waiting import add_source

    add_source(waiting)
    label_kind(RAISED_KIND, gettext_lazy("自己点検の指摘事項"))
    label_kind(ANSWERED_KIND, gettext_lazy("指摘事項の対応の報告"))
    label_kind(OVERDUE_KIND, gettext_lazy("指摘事項の対応期限切れ"))
    label_kind("accountability.inspection_finished", gettext_lazy("自己点検の結果"))
