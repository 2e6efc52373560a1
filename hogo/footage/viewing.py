"""Purpose-logged viewing (R-205): one audit entry per viewing, with the chosen purpose.

Choosing a purpose opens a short viewing grant in the user's session; the player's range
requests stream only while it lasts, so a URL passed on or replayed later shows nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from hogo import clock
from hogo.accounts.permissions import allows, require
from hogo.accounts.policy import effective_profile
from hogo.audit import services as audit
from hogo.footage.models import Segment

GRANT_MINUTES = 30
SESSION_KEY = "hogo_viewing_grants"


def purpose_choices(user: Any) -> list[tuple[str, str]]:
    profile = effective_profile(user.organisation)
    return [(use.code, use.label_ja) for use in profile.permitted_uses]


def start_viewing(user: Any, session: Any, segment: Segment, purpose: str, reason: str) -> None:
    """Record the viewing with its purpose and open the grant. Raises Refused (an audited
    403) without the right, LookupError once the original is erased."""
    require(user, "footage.view", segment)
    if segment.erased_at is not None:
        raise LookupError(f"segment {segment.pk} is erased")
    labels = dict(purpose_choices(user))
    if purpose not in labels:
        raise ValueError(f"{purpose!r} is not a permitted use of this organisation")
    audit.record("footage.viewed", user=user, obj=segment,
                 purpose=f"{labels[purpose]}: {reason}",
                 detail={"purpose": purpose, "sha256": segment.sha256})
    grants = dict(session.get(SESSION_KEY, {}))
    expires = clock.now() + dt.timedelta(minutes=GRANT_MINUTES)
    grants[str(segment.pk)] = expires.isoformat()
    session[SESSION_KEY] = grants


def may_stream(user: Any, session: Any, segment: Segment) -> bool:
    if not allows(user, "footage.view", segment) or segment.erased_at is not None:
        return False
    expires = session.get(SESSION_KEY, {}).get(str(segment.pk))
    return expires is not None and dt.datetime.fromisoformat(expires) > clock.now()


_RANGE = re.compile(r"^bytes=(\d{0,15})-(\d{0,15})$")


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """The inclusive byte range a Range header asks for; None means "send it all".

    Malformed or unsatisfiable-but-invalid headers are ignored (RFC 9110 §14.2), a start
    beyond the end raises ValueError (answered with 416).
    """
    match = _RANGE.match(header.strip()) if header else None
    if match is None or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if first:
        start, end = int(first), int(last) if last else size - 1
        if last and end < start:
            return None
        if start >= size:
            raise ValueError(f"range starts at {start}, the file has {size} bytes")
        return start, min(end, size - 1)
    suffix = int(last)
    if suffix == 0:
        raise ValueError("an empty suffix range")
    return max(0, size - suffix), size - 1
