"""What every area of a person's requests shares: the 経過 line, who may act, the alert of a
hand-off, the profile's [requests] values, pinning the footage asked for, and the audit entry
of looking at a request. Areas (intake, decision, footage) import this, never each other's
private helpers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.urls import reverse

from hogo import clock
from hogo.accounts.models import User
from hogo.accounts.policy import effective_profile
from hogo.alerts.services import hand_off, people_allowed
from hogo.alerts.text import AlertText
from hogo.audit import services as audit
from hogo.footage import retention
from hogo.footage.models import HoldKind
from hogo.requests.models import Event, PersonalRequest


def log_event(request: PersonalRequest, action: str, *, actor: Any = None,
              actor_text: str = "", audit_action: str = "", purpose: str = "",
              **detail: Any) -> Event:
    """One line of the request's 経過 and, with `audit_action`, its audit entry (call inside
    the change's transaction). `detail` holds plain values (strings, numbers, ISO dates)."""
    person = actor if isinstance(actor, User) else None
    event = Event.objects.create(request=request, at=clock.now(), actor=person,
                                 actor_text=actor_text, action=action, detail=detail)
    if audit_action:
        audit.record(audit_action, user=actor, obj=request, purpose=purpose,
                     detail={"number": request.number, **detail})
    return event


def record_viewed(user: User, request: PersonalRequest, what: str = "page") -> None:
    """Looking at a request is an access to the requester's personal data (audit chain)."""
    audit.record("requests.viewed", user=user, obj=request,
                 detail={"number": request.number, "what": what})


def people_who(request: PersonalRequest, perm: str, obj: Any = None) -> list[User]:
    """Active people of the request's organisation whom this permission lets act on it."""
    return people_allowed(request.organisation_id, perm, request if obj is None else obj)


def title_params(request: PersonalRequest) -> dict[str, str]:
    """The parts of 「開示請求 2026-R001（山田 太郎）」 for an AlertText."""
    return {"number": request.number, "requester": request.requester_name or "—"}


def tell(request: PersonalRequest, kind: str, event: str, people: Iterable[User],
         text: AlertText, subject: AlertText, *, actor: Any = None,
         link: str = "") -> list[User]:
    """A hand-off keyed by this request and event (never to the actor); see hand_off."""
    return hand_off(people, kind, key=f"requests:{request.pk}:{event}", message=text,
                    subject=subject, link=link or link_to(request), actor=actor)


def link_to(request: PersonalRequest) -> str:
    return reverse("requests:detail", args=[request.pk])


def absolute(path: str) -> str:
    """A link that works outside hogo (a mail, a letter): HOGO_BASE_URL before the path."""
    base = str(getattr(settings, "HOGO_BASE_URL", "") or "").rstrip("/")
    return f"{base}{path}"


def setting(organisation: Any, name: str) -> Any:
    """A value of the profile's [requests] table (effective: with overrides), e.g.
    setting(org, "answer_days") or setting(org, "fees.disclosure")."""
    return effective_profile(organisation).value(f"requests.{name}")


def is_public_body(organisation: Any) -> bool:
    """Which regime the request falls under: Chapter 5 (public body) or Chapter 4."""
    return effective_profile(organisation).is_public_body


def organisation_type(organisation: Any) -> str:
    return effective_profile(organisation).organisation_type


def pin_originals(request: PersonalRequest, *, by: Any) -> None:
    """Pin (or re-pin after a change of vehicle or range) the originals the request names: a
    Hold of kind subject_request on every segment of its vehicle, range and cameras, so the
    ring buffer keeps them until the request closes (R-204). Call inside a transaction."""
    if request.vehicle_id is None or request.start_at is None or request.end_at is None:
        return
    current = request.hold if request.hold_id is not None else None
    hold = retention.pin_range(current, HoldKind.SUBJECT_REQUEST,
                               f"本人からの請求 {request.number}", vehicle=request.vehicle,
                               start=request.start_at, end=request.end_at,
                               channels=list(request.channels or []), by=by)
    if current is not None and hold.pk == current.pk:
        return
    request.hold = hold
    request.save(update_fields=["hold"])


def release_originals(request: PersonalRequest, *, by: Any) -> None:
    """Let the ring buffer have the originals again (the request closed or was withdrawn).
    Copies made for it keep their own retention."""
    if request.hold_id is not None and request.hold.released_at is None:
        retention.release_hold(request.hold, by=by)
