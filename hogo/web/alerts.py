"""Raise and acknowledge in-app alerts; each is also logged, and each change audited."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import Q, QuerySet

from hogo import clock
from hogo.accounts.models import Department, Role, User
from hogo.audit import services as audit
from hogo.web.models import Alert

log = logging.getLogger("hogo.alerts")


def raise_alert(kind: str, *, message: str, key: str,
                department: Department | None = None) -> Alert:
    """Create an alert unless one with the same key is still open."""
    with transaction.atomic():
        existing = Alert.objects.filter(key=key, acknowledged_at__isnull=True).first()
        if existing is not None:
            return existing
        alert = Alert.objects.create(kind=kind, key=key, message=message,
                                     department=department, created_at=clock.now())
        audit.record("alert.raised", obj=alert, detail={"kind": kind, "key": key})
    log.warning("alert %s: %s", kind, message)
    return alert


def open_alerts_for(user: User) -> QuerySet[Alert]:
    """The privacy officer sees every alert; a manager those of their department."""
    alerts = Alert.objects.filter(acknowledged_at__isnull=True)
    if user.role == Role.PRIVACY_OFFICER:
        return alerts
    if user.role == Role.MANAGER:
        return alerts.filter(Q(department=user.department_id))
    return alerts.none()


def acknowledge(alert: Alert, *, by: User) -> None:
    with transaction.atomic():
        alert.acknowledged_at, alert.acknowledged_by = clock.now(), by
        alert.save(update_fields=["acknowledged_at", "acknowledged_by"])
        audit.record("alert.acknowledged", user=by, obj=alert)
