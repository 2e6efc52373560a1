"""What every area of provision shares: the 経過 line, who may act, the alert of a hand-off,
links and titles. Areas (intake, decision, handover, records) import this, never each other's
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
from hogo.provision.models import Event, ProvisionRequest


def log_event(request: ProvisionRequest, action: str, *, actor: Any = None,
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


def people_who(request: ProvisionRequest, perm: str, obj: Any = None) -> list[User]:
    """Active people of the request's organisation whom this permission lets act on it."""
    return people_allowed(request.organisation_id, perm, request if obj is None else obj)


def title_params(request: ProvisionRequest) -> dict[str, str]:
    """The parts of 「提供申請 2026-P001（○○警察署）」 for an AlertText."""
    return {"number": request.number, "requester": request.requester_name or "—"}


def tell(request: ProvisionRequest, kind: str, event: str, people: Iterable[User],
         text: AlertText, subject: AlertText, *, actor: Any = None,
         link: str = "") -> list[User]:
    """A hand-off keyed by this request and event (never to the actor); see hand_off."""
    return hand_off(people, kind, key=f"provision:{request.pk}:{event}", message=text,
                    subject=subject, link=link or link_to(request), actor=actor)


def link_to(request: ProvisionRequest) -> str:
    return reverse("provision:detail", args=[request.pk])


def absolute(path: str) -> str:
    """A link that works outside hogo (a mail, a letter): HOGO_BASE_URL before the path."""
    base = str(getattr(settings, "HOGO_BASE_URL", "") or "").rstrip("/")
    return f"{base}{path}"


def setting(organisation: Any, name: str) -> Any:
    """A value of the profile's [provision] table (effective: with overrides)."""
    return effective_profile(organisation).value(f"provision.{name}")


def pin_originals(request: ProvisionRequest, *, by: Any) -> None:
    """Pin (or re-pin after a change of vehicle or range) the originals the request asks for:
    a Hold of kind provision_request on every segment of its vehicle, range and cameras, so
    the ring buffer keeps them until the request closes (R-204). Call inside a transaction."""
    if request.vehicle_id is None or request.start_at is None or request.end_at is None:
        return
    current = request.hold if request.hold_id is not None else None
    hold = retention.pin_range(current, HoldKind.PROVISION_REQUEST, f"提供申請 {request.number}",
                               vehicle=request.vehicle, start=request.start_at, end=request.end_at,
                               channels=list(request.channels or []), by=by)
    if current is not None and hold.pk == current.pk:
        return
    request.hold = hold
    request.save(update_fields=["hold"])


def release_originals(request: ProvisionRequest, *, by: Any) -> None:
    """Let the ring buffer have the originals again (the request closed, was refused or
    withdrawn). Copies made for it keep their own retention."""
    if request.hold_id is not None and request.hold.released_at is None:
        retention.release_hold(request.hold, by=by)
