"""Taking complaints in (R-701): entered by staff from the counter, the phone or a letter, or
sent through the public form (no account). Each gets a number and a target day for its
answer (`common.due_on`); a handler who enters one may route it at once to the department
concerned, otherwise the privacy officer is told to assign it. Nothing is lost: what was
typed is refused with a reason beside its field, never dropped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from hogo import clock
from hogo.accounts import public_forms
from hogo.accounts.models import Department, Organisation, Role, User
from hogo.accounts.permissions import allows, require
from hogo.alerts.text import AlertText
from hogo.alerts.waiting import WaitingItem
from hogo.audit import services as audit
from hogo.complaints import common
from hogo.complaints.common import ComplaintError
from hogo.complaints.models import Category, Complaint, State, Via

RECEIVED_KIND = "complaints.received"
SUBMITTED_ACTION = "complaints.submitted"
PUBLIC_REFUSED_ACTION = "complaints.public_refused"
STAFF_VIAS = (Via.COUNTER, Via.PHONE, Via.POST)
# What the forms may set (the rest is the workflow's).
FIELDS = ("received_via", "received_on", "complainant_name", "complainant_contact",
          "category", "text", "vehicle_text", "place", "occurred_at", "department")
PUBLIC_FIELDS = ("complainant_name", "complainant_contact", "category", "text",
                 "vehicle_text", "place", "occurred_at")
MAX_TEXT = 5000


class Throttled(ComplaintError):
    """Too many attempts from one address, or through the whole form, within the hour (429)."""


class PublicFormClosed(ComplaintError):
    """The organisation's profile does not open the public complaint form."""


# --- reading ----------------------------------------------------------------------------


def find(user: User, pk: int) -> Complaint | None:
    """The complaint of the user's organisation with this id (permission checked by callers)."""
    return Complaint.objects.select_related(
        "organisation", "department", "entered_by", "assigned_by", "answered_by",
        "closed_by").filter(pk=pk, organisation=user.organisation_id).first()


def departments_for(user: User) -> Any:
    """The departments a complaint of this organisation may be routed to."""
    return Department.objects.filter(organisation=user.organisation_id).order_by("code")


def may_route_at_entry(user: User) -> bool:
    """Whoever may assign an unassigned complaint may name the department while entering it
    (the privacy officer, a manager)."""
    return allows(user, "complaints.assign", Complaint(organisation_id=user.organisation_id))


def public_organisation() -> Organisation | None:
    """Whose form it is: the one organisation of the installation."""
    return public_forms.public_organisation()


def public_form_open(organisation: Organisation | None) -> bool:
    """The profile's complaints.public_form for this organisation."""
    return organisation is not None and bool(common.setting(organisation, "public_form"))


def address_hash(address: str) -> str:
    """A keyed hash of the client address: enough to count, never the address itself."""
    return public_forms.address_hash(address, "complaints")


# --- checking what was typed ------------------------------------------------------------


def _cleaned(organisation: Organisation, data: dict[str, Any], *, today: dt.date,
             public: bool) -> dict[str, Any]:
    """The complaint's fields from a form's data, or ComplaintError naming the field."""
    fields = {name: common.text(data.get(name)) for name in (
        "complainant_name", "complainant_contact", "vehicle_text", "place")}
    fields["text"] = common.text(data.get("text"))
    if not fields["text"]:
        raise ComplaintError(_("苦情の内容を入力してください。"), field="text")
    if len(fields["text"]) > MAX_TEXT:
        raise ComplaintError(_("苦情の内容は%(n)d文字以内で入力してください。") % {"n": MAX_TEXT},
                             field="text")
    category = common.text(data.get("category"))
    if category not in Category.values:
        raise ComplaintError(_("苦情の区分を選んでください。"), field="category")
    fields["category"] = category
    occurred_at = data.get("occurred_at")
    if occurred_at is not None and clock.jst_date(occurred_at) > today:
        raise ComplaintError(_("日時に未来の日時は入力できません。"), field="occurred_at")
    fields["occurred_at"] = occurred_at
    if public:
        fields["received_via"], fields["received_on"] = Via.WEB, today
        return fields
    via = common.text(data.get("received_via"))
    if via not in STAFF_VIAS:
        raise ComplaintError(_("受付方法を選んでください。"), field="received_via")
    received_on = data.get("received_on") or today
    if received_on > today:
        raise ComplaintError(_("受付日に未来の日付は入力できません。"), field="received_on")
    fields["received_via"], fields["received_on"] = via, received_on
    return fields


def _next_number(organisation: Organisation, year: int) -> str:
    return public_forms.next_number(Complaint, organisation, year, "C")


# --- entering ---------------------------------------------------------------------------


def enter(user: User, data: dict[str, Any]) -> Complaint:
    """A complaint taken in by staff (counter, phone, letter). With a department named by
    someone who may assign, it goes straight to that department (its manager and operators
    are told); otherwise the privacy officers are told to route it."""
    require(user, "complaints.enter")
    organisation = user.organisation
    now = clock.now()
    fields = _cleaned(organisation, data, today=clock.jst_date(now), public=False)
    department = data.get("department")
    if department is not None:
        if not may_route_at_entry(user):
            raise ComplaintError(_("所属を割り当てられるのは個人情報保護管理者又は管理責任者です。"
                                   "所属を空欄にして登録してください。"), field="department")
        department = common.check_department(organisation, department)
    with transaction.atomic():
        complaint = Complaint(organisation=organisation, received_at=now, entered_by=user,
                              due_on=common.due_on(organisation, fields["received_on"]),
                              **fields)
        complaint.number = _next_number(organisation, clock.jst_date(now).year)
        complaint.save()
        common.log_event(complaint, "entered", actor=user, audit_action="complaints.entered",
                         via=complaint.received_via, due_on=complaint.due_on.isoformat(),
                         anonymous=complaint.is_anonymous)
        if department is None:
            _tell_received(complaint, actor=user)
    if department is not None:
        from hogo.complaints.handling import assign

        complaint = assign(user, complaint, department)
    return complaint


def submit_public(data: dict[str, Any], *, address: str) -> Complaint:
    """A complaint sent through the public form (no account). Refused while the profile
    keeps the form closed; when this address, or the whole form, made too many attempts
    within the hour (Throttled: nothing stored, nobody told); and while the text or the
    category is missing. Every attempt the form hands over leaves one audit entry with the
    keyed hash of the address (never the address)."""
    organisation = public_organisation()
    if not public_form_open(organisation):
        raise PublicFormClosed(_("現在、受付フォームによる苦情の受付は行っていません。"
                                 "窓口、電話又は郵送でお申し出ください。"))
    assert organisation is not None
    hashed = address_hash(address)
    now = clock.now()
    refused: ComplaintError | None = None
    with transaction.atomic():
        public_forms.lock_organisation(organisation)
        try:
            public_forms.check_throttle((SUBMITTED_ACTION, PUBLIC_REFUSED_ACTION), hashed,
                                        common.public_form_per_hour(organisation), now)
        except public_forms.Throttled as error:
            raise Throttled(str(error)) from error
        try:
            fields = _cleaned(organisation, data, today=clock.jst_date(now), public=True)
        except ComplaintError as error:
            refused = error
            audit.record(PUBLIC_REFUSED_ACTION, actor="public_form",
                         object_type="complaints.complaint",
                         detail={"address": hashed, "field": error.field})
        else:
            complaint = Complaint(organisation=organisation, received_at=now,
                                  due_on=common.due_on(organisation, fields["received_on"]),
                                  number=_next_number(organisation, clock.jst_date(now).year),
                                  **fields)
            complaint.save()
            common.log_event(complaint, "submitted",
                             actor_text=complaint.complainant_name or _("匿名"),
                             via=Via.WEB, due_on=complaint.due_on.isoformat())
            audit.record(SUBMITTED_ACTION, actor="public_form", obj=complaint,
                         detail={"number": complaint.number, "address": hashed})
            _tell_received(complaint, actor=None)
    if refused is not None:
        raise refused
    return complaint


def _tell_received(complaint: Complaint, *, actor: User | None) -> list[User]:
    """The privacy officers route it to the department concerned."""
    return common.tell(
        complaint, RECEIVED_KIND, "received", common.privacy_officers(complaint),
        AlertText(gettext_noop("苦情 %(number)s（%(category)s）を受け付けました。担当する所属を"
                               "割り当ててください。回答の目安日は %(due)s です。"),
                  due=complaint.due_on, **common.title_params(complaint)),
        AlertText(gettext_noop("苦情 %(number)s の受付"), **common.title_params(complaint)),
        actor=actor)


# --- the list -----------------------------------------------------------------------------


def visible(user: User, *, state: str = "open", overdue: bool = False,
            year: int | None = None) -> list[Complaint]:
    """The complaints this person may view, newest first. `state`: "open" (waiting for an
    answer or for closing), a State, or "" (all); `overdue` only those past their target;
    `year` the fiscal year (年度, April-March) of receipt."""
    if not allows(user, "complaints.list"):
        return []
    rows = Complaint.objects.filter(organisation=user.organisation_id).select_related(
        "department")
    if state == "open":
        rows = rows.filter(state__in=(State.RECEIVED, State.ASSIGNED, State.ANSWERED))
    elif state in State.values:
        rows = rows.filter(state=state)
    if year is not None:
        first, last = common.fiscal_year_range(year)
        rows = rows.filter(received_on__gte=first, received_on__lte=last)
    today = clock.today_jst()
    shown = [c for c in rows[:1000] if allows(user, "complaints.view", c)]
    return [c for c in shown if c.overdue_on(today)] if overdue else shown


def listing(user: User, *, state: str = "open", overdue: bool = False,
            year: int | None = None) -> list[tuple[Complaint, bool]]:
    """The list page's rows (complaint, overdue?): it names complainants, so each view of it
    is one audit entry with its filter."""
    today = clock.today_jst()
    rows = [(c, c.overdue_on(today)) for c in visible(user, state=state, overdue=overdue,
                                                       year=year)]
    audit.record("complaints.list_viewed", user=user, object_type="complaints.complaint",
                 detail={"state": state, "overdue": overdue, "year": year, "shown": len(rows)})
    return rows


# --- the work queue -----------------------------------------------------------------------


def waiting(user: User) -> Iterator[WaitingItem]:
    """For the privacy officer: complaints to route to a department (due on their target
    day, so an overdue one comes first)."""
    if user.organisation_id is None or user.role != Role.PRIVACY_OFFICER:
        return
    rows = Complaint.objects.filter(organisation=user.organisation_id, state=State.RECEIVED)
    for complaint in rows:
        if allows(user, "complaints.assign", complaint):
            yield WaitingItem("complaints.assign", _("苦情の担当所属を割り当てる"),
                              common.title(complaint), common.link_to(complaint),
                              complaint.received_at, due_on=complaint.due_on)


def register() -> None:
    """Work-queue source and alert names of intake (called from ComplaintsConfig.ready)."""
    from hogo.alerts.text import label_kind
    from hogo.alerts.waiting import add_source

    add_source(waiting)
    label_kind(RECEIVED_KIND, gettext_lazy("苦情の受付"))
