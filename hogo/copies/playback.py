"""Watching a copy or a processed copy inside hogo, purpose-logged like an original (R-205).

A copy is footage: whoever may view the department's originals may watch its copies, only
after recording one of the organisation's permitted uses and a concrete reason (the same
rule, minimum length and grant as hogo.footage.viewing), one audit entry per viewing. A
reviewer watching a processed copy sees its parent beside it (original copy / masked copy),
so both are recorded as viewed with the one purpose.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from hogo.accounts.permissions import allows, require
from hogo.audit import services as audit
from hogo.copies.models import Copy
from hogo.footage import viewing
from hogo.registry.models import Channel

# Watching a copy is viewing footage: the same people as for originals (the department's
# manager and operators), decided by the one permission layer on the copy's department.
PERMISSION = "footage.view"
ACTION = "copy.viewed"


def copies() -> QuerySet[Copy]:
    return Copy.objects.select_related("request__vehicle", "stored", "parent__stored")


def find(pk: int) -> Copy | None:
    return copies().filter(pk=pk).first()


def may_watch(user: Any, copy: Copy) -> bool:
    return copy.is_kept and allows(user, PERMISSION, copy)


def beside(user: Any, copy: Copy) -> Copy | None:
    """The parent shown beside a processed copy to a reviewer of masking, if still kept."""
    parent = copy.parent
    if parent is None or not parent.is_kept:
        return None
    if not (allows(user, "copies.review_processing", copy) and may_watch(user, parent)):
        return None
    return parent


def camera_label(copy: Copy) -> str:
    return str(dict(Channel.choices).get(copy.channel, copy.channel))


def start_watching(user: Any, session: Any, copy: Copy, purpose: str, reason: str) -> list[Copy]:
    """Record the viewing (the copy and the parent shown beside it) and open the grants.
    Raises Refused without the right, LookupError once erased, ValueError for a purpose
    outside the organisation's uses or a reason shorter than its profile asks."""
    require(user, PERMISSION, copy)
    if not copy.is_kept:
        raise LookupError(f"copy {copy.pk} is erased")
    label = viewing.check_purpose(user, purpose, reason)
    watched = [copy] + [c for c in [beside(user, copy)] if c is not None]
    with transaction.atomic():
        for item in watched:
            audit.record(ACTION, user=user, obj=item, purpose=f"{label}: {reason.strip()}",
                         detail={"purpose": purpose, "sha256": item.sha256,
                                 "processed": item.is_processed,
                                 "beside": copy.pk if item is not copy else None,
                                 "viewer_department": getattr(user, "department_id", None),
                                 "vehicle_department": item.request.vehicle.department_id})
    for item in watched:
        viewing.open_grant(session, _grant(item))
    return watched


def may_stream(user: Any, session: Any, copy: Copy) -> bool:
    return may_watch(user, copy) and viewing.has_grant(session, _grant(copy))


def _grant(copy: Copy) -> str:
    return f"copy:{copy.pk}"
