"""The checklist of a self-inspection (自己点検, R-904), built from the rules hogo enforces.

Each check reads what the lower apps already know on the day and returns the facts that break
its rule (an empty list: the check passes). A fact is plain data, {"what": a name, "day": an
ISO date or None, "why": a code of the check's `whys`}, kept on the inspection as found, so a
later fix does not rewrite what the inspector saw; the words come from the check's
translatable texts when shown.

Department checks run for one department; organisation checks (contractors, kept for the
whole organisation) for the organisation's own inspection (a department of None).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from hogo.accountability import training
from hogo.accountability.contractors import audit_due_on, missing_clauses
from hogo.accountability.models import Contractor
from hogo.accounts.designation_checks import concerns
from hogo.accounts.models import OperatorDesignation, Role, User
from hogo.copies.models import Copy
from hogo.media.models import Cabinet, Checkout
from hogo.media.waiting import inventory_due_on
from hogo.registry.services import overdue_notices
from hogo.rules.copies import is_due_for_erasure

Fact = dict[str, Any]


def fact(what: Any, day: dt.date | None = None, why: str = "") -> Fact:
    """One fact as it is kept: the object's name, its day and why it breaks the rule."""
    return {"what": str(what), "day": day.isoformat() if day else None, "why": why}


@dataclass(frozen=True)
class Check:
    """One item of the checklist: what it asks, the own-rule key it rests on (when the
    organisation's rules cite one), how it finds what breaks it, and how a fact reads."""

    code: str
    label: Promise
    find: Callable[[Any, Any, dt.date], list[Fact]]
    fact_text: Promise
    scope: str = "department"
    citation_key: str = ""
    whys: Mapping[str, Promise] = field(default_factory=dict)


# --- what each check reads ------------------------------------------------------------------


def _inventories_late(organisation: Any, department: Any, today: dt.date) -> list[Fact]:
    return [fact(cabinet, due) for cabinet in Cabinet.objects.filter(department=department)
            if (due := inventory_due_on(cabinet)) < today]


def _media_not_returned(organisation: Any, department: Any, today: dt.date) -> list[Fact]:
    late = Checkout.objects.filter(medium__department=department, returned_at__isnull=True,
                                   due_on__lt=today).select_related("medium", "taken_by")
    return [fact(f"{c.medium}（{c.taken_by}）", c.due_on) for c in late.order_by("due_on")]


def _copies_not_erased(organisation: Any, department: Any, today: dt.date) -> list[Fact]:
    kept = Copy.objects.filter(request__vehicle__department=department,
                               erased_at__isnull=True).select_related("request__vehicle")
    return [fact(copy, copy.expires_on) for copy in kept.order_by("expires_on")
            if is_due_for_erasure(copy.expires_on, today)
            and not copy.holds.filter(released_at__isnull=True).exists()]


def _designations_out_of_date(organisation: Any, department: Any,
                              today: dt.date) -> list[Fact]:
    found = []
    for designation in OperatorDesignation.objects.filter(
            department=department, revoked_at__isnull=True).select_related("user"):
        person = designation.user
        if not person.is_active:
            found.append(fact(person, why="left"))
        elif person.department_id != department.pk:
            found.append(fact(person, why="moved"))
        else:
            manager = User.objects.filter(department=department, role=Role.MANAGER,
                                          is_active=True).first()
            if manager is not None and concerns(manager, person):
                found.append(fact(person, why="training"))
    return found


def _notices_unchecked(organisation: Any, department: Any, today: dt.date) -> list[Fact]:
    return [fact(recorder, recorder.notice_checked_on, "never" if
                 recorder.notice_checked_on is None else "")
            for recorder in overdue_notices(department.pk)]


def _training_out_of_date(organisation: Any, department: Any, today: dt.date) -> list[Fact]:
    courses = list(training.courses_of(organisation.pk))
    found = []
    for person in training.people_in(organisation.pk, department):
        standing = training.standing(person, today, courses=courses)
        late = [c for c in standing.courses if c.late]
        if late:
            found.append(fact(person, min(c.due_on for c in late)))
    return found


def _contractors_not_audited(organisation: Any, department: Any,
                             today: dt.date) -> list[Fact]:
    return [fact(c, due) for c in Contractor.objects.filter(organisation=organisation)
            if (due := audit_due_on(c)) is not None and due < today]


def _contractors_unchecked(organisation: Any, department: Any, today: dt.date) -> list[Fact]:
    found = []
    for contractor in Contractor.objects.filter(organisation=organisation):
        contract = contractor.contracts.order_by("-starts_on").first()
        if not contractor.checks.exists():
            found.append(fact(contractor, why="no_check"))
        elif contract is None:
            found.append(fact(contractor, why="no_contract"))
        elif missing_clauses(contract):
            found.append(fact(contractor, contract.starts_on, "clauses"))
    return found


CHECKS: tuple[Check, ...] = (
    Check("media_inventory", _("保管庫の棚卸しが期限内に行われている"), _inventories_late,
          _("%(what)s：棚卸しの期限 %(day)s を過ぎている")),
    Check("media_returned", _("持ち出した記録媒体が返却予定日までに返却されている"),
          _media_not_returned, _("%(what)s：返却予定日 %(day)s を過ぎても返却されていない")),
    Check("copies_erased", _("保存期間を過ぎた複製データが消去されている"), _copies_not_erased,
          _("%(what)s：保存期間の満了日 %(day)s を過ぎても消去されていない"),
          citation_key="copy_retention"),
    Check("designations_current", _("操作取扱者の指定が現在の職員と研修の状況に合っている"),
          _designations_out_of_date, _("%(what)s：%(why)s"), citation_key="designation",
          whys={"left": _("退職・異動で利用停止の職員の指定が残っている"),
                "moved": _("他の所属へ異動した職員の指定が残っている"),
                "training": _("研修が期限切れ又は未受講のまま指定されている")}),
    Check("notice_checked", _("全車両の録画中表示（ステッカー）を1年以内に確認している"),
          _notices_unchecked, _("%(what)s：最終確認 %(day)s"),
          whys={"never": _("確認の記録がない")}),
    Check("training_current", _("職員が研修を期限内に受講している"), _training_out_of_date,
          _("%(what)s：受講期限 %(day)s を過ぎている")),
    Check("contractors_audited", _("委託先の監査が期限内に行われている"),
          _contractors_not_audited, _("%(what)s：監査の期限 %(day)s を過ぎている"),
          scope="organisation"),
    Check("contractors_checked", _("委託先の選定時の確認と契約の必要事項がそろっている"),
          _contractors_unchecked, _("%(what)s：%(why)s"), scope="organisation",
          whys={"no_check": _("選定時の確認の記録がない"), "no_contract": _("契約の記録がない"),
                "clauses": _("契約に必要な条項が欠けている")}),
)
BY_CODE = {check.code: check for check in CHECKS}


def checks_for(department: Any) -> tuple[Check, ...]:
    """The checks of a department's inspection, or the organisation's (department None)."""
    scope = "department" if department is not None else "organisation"
    return tuple(check for check in CHECKS if check.scope == scope)
