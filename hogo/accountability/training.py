"""Training on personal data (R-905; 004 §7-4): courses, who must take which and how often,
records of who took what when, each person's status, and what follows from it (the work
queue, a daily alert when a training lapses, a warning or refusal on an operator's
designation).

Who must take a course: its roles (by default every role but the system administrator, who
never sees personal data — "everyone handling personal data" includes auditors, who read
records naming people) and, if it names any, only its departments.

When a course is due, from the profile (`training.*`):
- taken before: `every_months` after the last time;
- never taken: within `on_joining_days` of the account's creation (date joined);
- after an incident the person was involved in — reported by them, or in their department —
  and reported after their last training: within `after_incident_days` of the report.
The earliest of these is the due day. A person's status on a course is current, due soon
(within SOON_DAYS), lapsed (a past training out of date) or never taken; their overall status
is their worst.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from hogo import clock
from hogo.accountability.models import Course, CourseKind, TrainingRecord
from hogo.accounts.designation_checks import Concern
from hogo.accounts.models import Department, Role, User
from hogo.accounts.permissions import allows, require
from hogo.accounts.policy import effective_profile
from hogo.alerts.services import people_allowed, raise_once
from hogo.alerts.text import AlertText
from hogo.alerts.waiting import WaitingItem
from hogo.audit import services as audit
from hogo.kit.refusal import Refused
from hogo.rules.wareki import format_wareki

SOON_DAYS = 30
LAPSED_KIND = "accountability.training_lapsed"
DEFAULT_ROLES = [r for r in Role.values if r != Role.SYSADMIN]


class TrainingError(Refused):
    """A refused training change; Japanese reasons for the person who tried."""


class Status:
    """A person's standing on a course; worse ones sort higher (RANK)."""

    CURRENT, DUE_SOON, NEVER, LAPSED = "current", "due_soon", "never", "lapsed"
    LABELS = {CURRENT: gettext_lazy("受講済み"), DUE_SOON: gettext_lazy("期限間近"),
              NEVER: gettext_lazy("未受講"), LAPSED: gettext_lazy("期限切れ")}
    RANK = {CURRENT: 0, DUE_SOON: 1, NEVER: 2, LAPSED: 3}


# --- the arithmetic ---------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it has no such day)."""
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def status_on(today: dt.date, *, last_taken: dt.date | None, joined_on: dt.date,
              every_months: int, joining_days: int, incident_on: dt.date | None = None,
              after_incident_days: int = 30) -> tuple[str, dt.date]:
    """(status, due day) of one person on one course: see the module's docstring.
    `incident_on` is the report day of the first incident involving them since they last
    took it (or since joining)."""
    if last_taken is None:
        due = joined_on + dt.timedelta(days=joining_days)
    else:
        due = add_months(last_taken, every_months)
    if incident_on is not None:
        due = min(due, incident_on + dt.timedelta(days=after_incident_days))
    if last_taken is None:
        return Status.NEVER, due
    if today > due:
        return Status.LAPSED, due
    if (due - today).days <= SOON_DAYS:
        return Status.DUE_SOON, due
    return Status.CURRENT, due


@dataclass
class CourseStanding:
    """One person on one course: status, due day, the last time taken."""

    course: Course
    status: str
    due_on: dt.date
    last_taken: dt.date | None

    @property
    def overdue(self) -> bool:
        return self.due_on < clock.today_jst()

    @property
    def label(self) -> str:
        return str(Status.LABELS[self.status])

    @property
    def late(self) -> bool:
        """Lapsed, or never taken past the day it was due."""
        return self.status in (Status.LAPSED, Status.NEVER) and self.overdue


@dataclass
class PersonStanding:
    """A person's standing on every course they must take; `worst` decides the overall."""

    person: User
    courses: list[CourseStanding] = field(default_factory=list)

    @property
    def worst(self) -> CourseStanding | None:
        if not self.courses:
            return None
        return max(self.courses, key=lambda c: (Status.RANK[c.status], -c.due_on.toordinal()))

    @property
    def status(self) -> str:
        worst = self.worst
        return worst.status if worst else Status.CURRENT

    @property
    def label(self) -> str:
        return str(Status.LABELS[self.status]) if self.courses else _("対象の研修なし")

    @property
    def out_of_date(self) -> bool:
        """Lapsed, or never taken past the day it was due: what the queue and alerts show."""
        return any(c.late for c in self.courses)


# --- reading ----------------------------------------------------------------------------


def _settings(organisation: Any) -> dict[str, Any]:
    profile = effective_profile(organisation)
    return {key: profile.value(f"training.{key}") for key in (
        "every_months", "on_joining_days", "after_incident_days", "block_designation")}


def courses_of(organisation_id: int | None) -> Any:
    """The organisation's courses (whatever their audience)."""
    return Course.objects.filter(organisation=organisation_id).prefetch_related("departments")


def must_take(course: Course, person: User) -> bool:
    """Whether this course is required of this person (its roles and departments)."""
    if not course.active or person.role not in (course.roles or DEFAULT_ROLES):
        return False
    departments = [d.pk for d in course.departments.all()]
    return not departments or person.department_id in departments


def _incident_days(person: User) -> list[dt.date]:
    """Report days of the incidents the person was involved in (reported by them or in
    their department), oldest first."""
    from django.db.models import Q

    from hogo.incidents.models import Incident

    involved = Q(reported_by=person.pk)
    if person.department_id is not None:
        involved |= Q(department=person.department_id)
    times = Incident.objects.filter(involved, organisation=person.organisation_id
                                    ).values_list("reported_at", flat=True)
    return sorted(clock.jst_date(t) for t in times)


def standing(person: User, today: dt.date | None = None, *,
             courses: Iterable[Course] | None = None) -> PersonStanding:
    """The person's standing on every course they must take, today."""
    today = today or clock.today_jst()
    values = _settings(person.organisation)
    joined = clock.jst_date(person.date_joined)
    incidents = _incident_days(person)
    last: dict[int, dt.date] = {}
    for course_id, taken_on in TrainingRecord.objects.filter(person=person).values_list(
            "course_id", "taken_on"):
        last[course_id] = max(taken_on, last.get(course_id, taken_on))
    result = PersonStanding(person)
    for course in courses if courses is not None else courses_of(person.organisation_id):
        if not must_take(course, person):
            continue
        taken = last.get(course.pk)
        incident_on = next((d for d in incidents if (
            d > taken if taken is not None else d >= joined)), None)
        status, due = status_on(
            today, last_taken=taken, joined_on=joined, every_months=values["every_months"],
            joining_days=values["on_joining_days"], incident_on=incident_on,
            after_incident_days=values["after_incident_days"])
        result.courses.append(CourseStanding(course, status, due, taken))
    return result


def departments_of(organisation_id: int | None) -> Any:
    """The organisation's departments, in code order (the views' only way to them)."""
    return Department.objects.filter(organisation=organisation_id).order_by("code")


def people_in(organisation_id: int | None, department: Department | None = None) -> Any:
    """The active people who may have to take a course (all but system administrators)."""
    people = User.objects.filter(organisation=organisation_id, is_active=True).exclude(
        role=Role.SYSADMIN).select_related("department", "organisation")
    if department is not None:
        people = people.filter(department=department)
    return people.order_by("department__code", "username")


def department_view(user: User, department: Department) -> list[PersonStanding]:
    """Every person of a department with their standing (who may read it: the permission)."""
    require(user, "accountability.view_training", department)
    courses = list(courses_of(user.organisation_id))
    return [standing(p, courses=courses) for p in people_in(user.organisation_id, department)]


def organisation_view(user: User) -> list[dict[str, Any]]:
    """Per department the count of people in each status, and those out of date."""
    require(user, "accountability.view_training")
    courses = list(courses_of(user.organisation_id))
    rows = []
    for department in departments_of(user.organisation_id):
        if not allows(user, "accountability.view_training", department):
            continue
        people = [standing(p, courses=courses)
                  for p in people_in(user.organisation_id, department)]
        counts = {status: sum(1 for p in people if p.courses and p.status == status)
                  for status in Status.RANK}
        rows.append({"department": department, "counts": counts, "people": len(people),
                     "out_of_date": [p for p in people if p.out_of_date]})
    return rows


def course_for(user: User, pk: int) -> Course | None:
    """The course with this id in the user's organisation, or None."""
    return courses_of(user.organisation_id).filter(pk=pk).first()


def attendee_choices(user: User, course: Course) -> list[User]:
    """The people this user may record on this course: those who must take it, within
    the user's scope (a manager: their department)."""
    return [p for p in people_in(user.organisation_id)
            if must_take(course, p) and allows(user, "accountability.record_training", p)]


def records_visible(user: User, course: Course) -> list[TrainingRecord]:
    """Who took this course when, as far as the user may read (a manager: their people)."""
    rows = course.records.select_related("person__department", "recorded_by")[:500]
    return [r for r in rows if allows(user, "accountability.view_training", r.person)]


# --- changing ---------------------------------------------------------------------------


def create_course(user: User, *, name: str, kind: str, description: str = "",
                  roles: Iterable[str] = (), departments: Iterable[Department] = ()) -> Course:
    """A new course; with no roles chosen, everyone but the system administrator."""
    require(user, "accountability.manage_courses")
    if not name.strip():
        raise TrainingError(_("研修名を入力してください。"), field="name")
    if kind not in CourseKind.values:
        raise TrainingError(_("研修の形式を選んでください。"), field="kind")
    chosen = [r for r in roles if r in DEFAULT_ROLES] or list(DEFAULT_ROLES)
    departments = [d for d in departments if d.organisation_id == user.organisation_id]
    with transaction.atomic():
        course = Course.objects.create(
            organisation=user.organisation, name=name.strip(), kind=kind,
            description=description.strip(), roles=chosen, created_by=user,
            created_at=clock.now())
        course.departments.set(departments)
        audit.record("training.course_created", user=user, obj=course, detail={
            "name": course.name, "kind": kind, "roles": chosen,
            "departments": [d.pk for d in departments]})
    return course


def record_training(user: User, course: Course, people: Iterable[User], *, taken_on: dt.date,
                    note: str = "") -> list[TrainingRecord]:
    """Record that these people took this course on `taken_on` (one, or a session's
    attendees at once). Each person must be in the recorder's scope."""
    people = list(people)
    if not people:
        raise TrainingError(_("受講した人を一人以上選んでください。"), field="people")
    if taken_on > clock.today_jst():
        raise TrainingError(_("受講日に未来の日付は指定できません。"), field="taken_on")
    if course.organisation_id != user.organisation_id:
        raise TrainingError(_("この研修は記録できません。"))
    for person in people:
        require(user, "accountability.record_training", person)
    now = clock.now()
    with transaction.atomic():
        made = [TrainingRecord.objects.create(
            course=course, person=p, taken_on=taken_on, note=note.strip(), recorded_by=user,
            recorded_at=now) for p in people]
        for record in made:
            audit.record("training.recorded", user=user, obj=record, detail={
                "course": course.pk, "person": record.person_id,
                "taken_on": taken_on.isoformat()})
    return made


# --- what follows -----------------------------------------------------------------------


def waiting(user: Any) -> Iterator[WaitingItem]:
    """For the privacy officer and managers: people in their scope whose training lapsed or
    was never taken past its due day."""
    if user.organisation_id is None or not allows(user, "accountability.record_training"):
        return
    courses = list(courses_of(user.organisation_id))
    if not courses:
        return
    for person in people_in(user.organisation_id):
        if not allows(user, "accountability.record_training", person):
            continue
        for course in standing(person, courses=courses).courses:
            if not course.late:
                continue
            yield WaitingItem(
                kind=LAPSED_KIND, label=_("研修の受講を記録する（期限切れ・未受講）"),
                title=_("%(person)s（%(department)s）：%(course)s %(status)s") % {
                    "person": person, "department": person.department or "",
                    "course": course.course, "status": course.label},
                url=reverse("accountability:course", args=[course.course.pk]),
                since=dt.datetime.combine(course.due_on + dt.timedelta(days=1), dt.time(),
                                          tzinfo=clock.JST),
                due_on=course.due_on)


def alert_lapses(today: dt.date | None = None) -> int:
    """Daily: once per person, course and due day, tell the person and whoever records
    their training that it has lapsed. Returns how many alerts were raised."""
    today = today or clock.today_jst()
    raised = 0
    courses_by_org: dict[int, list[Course]] = {}
    for person in User.objects.filter(is_active=True, organisation__isnull=False).exclude(
            role=Role.SYSADMIN).select_related("organisation", "department"):
        courses = courses_by_org.setdefault(
            person.organisation_id, list(courses_of(person.organisation_id)))
        for course in standing(person, today, courses=courses).courses:
            if course.status not in (Status.LAPSED, Status.NEVER) or course.due_on >= today:
                continue
            message = AlertText(gettext_noop(
                "%(person)s の研修「%(course)s」の受講期限（%(due)s）が過ぎました"),
                person=str(person), course=course.course.name, due=course.due_on)
            told = [person, *people_allowed(person.organisation_id,
                                            "accountability.record_training", person)]
            for recipient in dict.fromkeys(told):
                raised += raise_once(
                    LAPSED_KIND, message=message, recipient=recipient,
                    key=(f"accountability:training:{course.course.pk}:{person.pk}:"
                         f"{course.due_on.isoformat()}:user:{recipient.pk}"),
                    link=reverse("accountability:course", args=[course.course.pk]))
    return raised


def designation_concerns(manager: Any, staff: Any) -> list[Concern]:
    """The check registered with accounts: a person whose training is not current (lapsed,
    or never taken) is designated with a warning, or refused when the profile says so."""
    if staff.organisation_id is None:
        return []
    person = standing(staff)
    late = [c for c in person.courses if c.status in (Status.LAPSED, Status.NEVER)]
    if not late:
        return []
    blocks = bool(_settings(staff.organisation)["block_designation"])
    names = "、".join(f"「{c.course.name}」（{c.label}、期限 {format_wareki(c.due_on)}）"
                     for c in late)
    if blocks:
        message = _("%(person)s は研修 %(courses)s を受講していないため、運用ポリシーにより"
                    "操作取扱者に指定できません。受講を記録してから指定してください。")
    else:
        message = _("%(person)s は研修 %(courses)s を受講していません。指定後速やかに受講"
                    "させてください。")
    return [Concern(message % {"person": staff, "courses": names}, blocks=blocks)]


def register() -> None:
    """From AccountabilityConfig.ready(): the work queue, alert name and designation check."""
    from hogo.accounts.designation_checks import add_check
    from hogo.alerts.text import label_kind
    from hogo.alerts.waiting import add_source

    add_source(waiting)
    add_check(designation_concerns)
    label_kind(LAPSED_KIND, gettext_lazy("研修の受講期限切れ"))
