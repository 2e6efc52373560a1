"""The monthly access report of one department (R-903): who viewed, copied, exported and
handed over which of the department's footage in a month, each line from the audit chain,
with counts per person and action. Shown as a printable page and exported as CSV; every
reading of it is itself audited.

An entry belongs to the department whose vehicle the footage is of (an original, a copy, a
copy request, a provision request), whoever the actor was.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from hogo.accounts.models import Department, User
from hogo.accounts.permissions import allows, require
from hogo.audit import services as audit
from hogo.audit.models import AuditEntry
from hogo.clock import JST
from hogo.copies.models import Copy, CopyRequest
from hogo.footage.models import Segment
from hogo.provision.models import ProvisionRequest

ACTIONS = ("footage.viewed", "copy.viewed", "copy.requested", "copy.made", "copy.exported",
           "copy.export_downloaded", "provision.handed_over")


@dataclass(frozen=True)
class Report:
    """One department's month: its lines in chain order and the counts."""

    department: Department
    first_day: dt.date
    last_day: dt.date
    lines: list[tuple[AuditEntry, str]]  # each entry with the actor's name
    counts: list[tuple[str, str, int]]  # (name, action, count), by name then action


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    """"2026-06" as its first and last day; ValueError for anything else."""
    first = dt.date.fromisoformat(f"{month}-01")
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def departments_for(user: User) -> QuerySet[Department]:
    """The departments whose report this user may read (all of the organisation for the
    privacy officer and auditors, their own for a manager)."""
    rows = Department.objects.filter(organisation=user.organisation_id).order_by("code")
    return rows.filter(pk__in=[d.pk for d in rows if allows(user, "oversight.access_report", d)])


def _ids(entries: Iterable[AuditEntry], object_type: str) -> list[int]:
    return [int(e.object_id) for e in entries
            if e.object_type == object_type and e.object_id.isdigit()]


def _department_map(entries: list[AuditEntry]) -> dict[tuple[str, str], int | None]:
    """(object type, id) -> the department of the footage's vehicle, in four queries."""
    found: dict[tuple[str, str], int | None] = {}
    for pk, dep in Segment.objects.filter(pk__in=_ids(entries, "footage.segment")).values_list(
            "pk", "recorder__vehicle__department"):
        found["footage.segment", str(pk)] = dep
    for pk, dep in Copy.objects.filter(pk__in=_ids(entries, "copies.copy")).values_list(
            "pk", "request__vehicle__department"):
        found["copies.copy", str(pk)] = dep
    for pk, dep in CopyRequest.objects.filter(
            pk__in=_ids(entries, "copies.copyrequest")).values_list("pk", "vehicle__department"):
        found["copies.copyrequest", str(pk)] = dep
    for pk, dep in ProvisionRequest.objects.filter(
            pk__in=_ids(entries, "provision.provisionrequest")).values_list("pk", "department"):
        found["provision.provisionrequest", str(pk)] = dep
    return found


def build(user: User, department: Department, month: str, *, exported: bool = False) -> Report:
    """The report (PermissionError-like Refused without the right; ValueError for a bad
    month). Reading it is audited, as a view or, for the CSV, an export."""
    require(user, "oversight.access_report", department)
    first, last = month_bounds(month)
    start = dt.datetime.combine(first, dt.time(0), tzinfo=JST)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=JST)
    rows = list(AuditEntry.objects.filter(at__gte=start, at__lt=end, action__in=ACTIONS)
                .order_by("seq"))
    where = _department_map(rows)
    mine = [e for e in rows if where.get((e.object_type, e.object_id)) == department.pk]
    ids = {e.actor_user_id for e in mine if e.actor_user_id}
    names = {f"user:{u.username}": str(u) for u in User.objects.filter(pk__in=ids)}
    lines = [(e, names.get(e.actor, e.actor)) for e in mine]
    counted = Counter((name, e.action) for e, name in lines)
    audit.record("oversight.report_exported" if exported else "oversight.report_viewed",
                 user=user, obj=department, detail={"month": month, "lines": len(mine)})
    return Report(department, first, last, lines,
                  sorted((name, action, n) for (name, action), n in counted.items()))
