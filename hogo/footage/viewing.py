"""Purpose-logged viewing (R-205): one audit entry per viewing, with the chosen purpose.

Choosing a purpose opens a short viewing grant in the user's session; the player's range
requests stream only while it lasts, so a URL passed on or replayed later shows nothing.
Copies are watched the same way (hogo.copies.playback uses the purposes, the reason rule,
the grants and the ranged decrypting response from here), so there is one rule for both.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from hogo import clock
from hogo.accounts.permissions import allows, require
from hogo.accounts.policy import citation, effective_profile, permitted_uses
from hogo.audit import services as audit
from hogo.footage.models import EncryptedObject, Segment
from hogo.footage.objects import get_store

GRANT_MINUTES = 30
SESSION_KEY = "hogo_viewing_grants"


def purpose_choices(user: Any) -> list[tuple[str, str]]:
    """The organisation's permitted uses (its own rules' list), as form choices."""
    return [(use["code"], use["label_ja"]) for use in permitted_uses(user.organisation)]


def min_reason_chars(user: Any) -> int:
    return int(effective_profile(user.organisation).value("purposes.min_reason_chars"))


def reason_problem(user: Any, reason: str) -> str | None:
    """Why a purpose reason is not enough (in the person's language); None when it is.
    A reason must say something concrete: at least the profile's number of characters."""
    shortest = min_reason_chars(user)
    given = len(reason.strip())
    if given < shortest:
        return _("具体的な理由は%(min)d文字以上で入力してください（現在%(given)d文字）。"
                 "事故の日時・場所や照会番号など、閲覧が必要な理由が分かるように"
                 "書いてください。") % {"min": shortest, "given": given}
    return None


def viewing_citation(user: Any) -> str:
    """Where the organisation's own rules set the purposes of viewing; "" when they don't."""
    return citation(user.organisation, "viewing")


def check_purpose(user: Any, purpose: str, reason: str) -> str:
    """The label of a permitted use; ValueError if it is not one or the reason is too short."""
    labels = dict(purpose_choices(user))
    if purpose not in labels:
        raise ValueError(f"{purpose!r} is not a permitted use of this organisation")
    problem = reason_problem(user, reason)
    if problem:
        raise ValueError(problem)
    return labels[purpose]


def start_viewing(user: Any, session: Any, segment: Segment, purpose: str, reason: str) -> None:
    """Record the viewing with its purpose and open the grant. Raises Refused (an audited
    403) without the right, LookupError once the original is erased."""
    require(user, "footage.view", segment)
    if segment.erased_at is not None:
        raise LookupError(f"segment {segment.pk} is erased")
    label = check_purpose(user, purpose, reason)
    # The departments as they are now: the log analysis reads them, not today's (a transfer).
    audit.record("footage.viewed", user=user, obj=segment,
                 purpose=f"{label}: {reason.strip()}",
                 detail={"purpose": purpose, "sha256": segment.sha256,
                         "viewer_department": getattr(user, "department_id", None),
                         "vehicle_department": segment.recorder.vehicle.department_id})
    open_grant(session, str(segment.pk))


def open_grant(session: Any, name: str) -> None:
    """Let the player stream `name` (a segment's id, or "copy:12") for GRANT_MINUTES."""
    grants = dict(session.get(SESSION_KEY, {}))
    expires = clock.now() + dt.timedelta(minutes=GRANT_MINUTES)
    grants[name] = expires.isoformat()
    session[SESSION_KEY] = grants


def has_grant(session: Any, name: str) -> bool:
    expires = session.get(SESSION_KEY, {}).get(name)
    return expires is not None and dt.datetime.fromisoformat(expires) > clock.now()


def may_stream(user: Any, session: Any, segment: Segment) -> bool:
    if not allows(user, "footage.view", segment) or segment.erased_at is not None:
        return False
    return has_grant(session, str(segment.pk))


def ranged_response(range_header: str, stored: EncryptedObject, size: int) -> HttpResponse:
    """The stored object decrypted on the fly, honouring HTTP Range so the browser can seek."""
    try:
        wanted = parse_range(range_header, size)
    except ValueError:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    (start, end), status = wanted or (0, size - 1), 206 if wanted else 200
    chunks = get_store().open_range(stored.object_id, stored.wrapped_key, start, end + 1)
    response = StreamingHttpResponse(chunks, status=status, content_type="video/mp4")
    response["Accept-Ranges"] = "bytes"
    response["Content-Length"] = str(end - start + 1)
    response["Cache-Control"] = "no-store"
    if status == 206:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    return response


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
