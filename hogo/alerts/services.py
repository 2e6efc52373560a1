"""Raise and acknowledge in-app alerts; each is also logged, and each change audited.

A message is a Japanese string, or an `AlertText` (message id + parameters) that each reader
sees in their language. Mail is Japanese, its dates in the Japanese era and its links absolute
(settings.HOGO_BASE_URL + the alert's link).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet

from hogo import clock
from hogo.accounts.models import Department, User
from hogo.accounts.permissions import allows, department_scope
from hogo.alerts.models import Alert
from hogo.alerts.text import AlertText, absolute_links, absolute_url, as_japanese
from hogo.audit import services as audit

Message = str | AlertText

log = logging.getLogger("hogo.alerts")


def raise_alert(kind: str, *, message: Message, key: str, department: Department | None = None,
                recipient: User | None = None, link: str = "") -> Alert:
    """Create an alert unless one with the same key is still open (then that one)."""
    return _raise(kind, message=message, key=key, department=department,
                  recipient=recipient, link=link)[0]


def _raise(kind: str, *, message: Message, key: str, department: Department | None,
           recipient: User | None, link: str) -> tuple[Alert, bool]:
    """The open alert with this key, and whether it was created now."""
    text = as_japanese(message)
    with transaction.atomic():
        existing = Alert.objects.filter(key=key, acknowledged_at__isnull=True).first()
        if existing is not None:
            return existing, False
        alert = Alert.objects.create(
            kind=kind, key=key, message=text, department=department, recipient=recipient,
            link=link, created_at=clock.now(),
            message_id=message.msgid if isinstance(message, AlertText) else "",
            params=message.params if isinstance(message, AlertText) else {})
        audit.record("alert.raised", obj=alert, detail={"kind": kind, "key": key})
    log.warning("alert %s: %s", kind, text)
    return alert, True


def raise_once(kind: str, *, key: str, message: Message, link: str = "",
               recipient: User | None = None, department: Department | None = None) -> bool:
    """Raise this alert unless one with its key was ever raised (open or acknowledged): a job
    announcing the same overdue loan or the same day's deadline again, hour after hour, must
    not alert (or mail) again. True if raised now."""
    if Alert.objects.filter(key=key).exists():
        return False
    raise_alert(kind, message=message, key=key, recipient=recipient, department=department,
                link=link)
    return True


def alert_roles(roles: Iterable[str], kind: str, *, message: Message, key: str,
                link: str = "") -> list[Alert]:
    """An alert for each active person holding one of these roles, keyed per person.

    Returns only the alerts raised now: a person whose alert with this key is still open is
    not alerted (nor mailed by the caller) again.
    """
    people = User.objects.filter(role__in=list(roles), is_active=True).order_by("pk")
    return alert_people(people, kind, message=message, key=key, link=link)


def alert_people(people: Iterable[User], kind: str, *, message: Message, key: str,
                 link: str = "", subject: Message = "") -> list[Alert]:
    """A hand-off: one alert to each of these people (keyed per person, so an event alerts
    each once however often it is announced) and, with a subject, one mail to those alerted
    now. Returns the alerts raised now."""
    raised = []
    for person in people:
        alert, created = _raise(kind, message=message, key=f"{key}:user:{person.pk}",
                                department=None, recipient=person, link=link)
        if created:
            raised.append(alert)
    if subject and raised:
        told = [a.recipient for a in raised if a.recipient is not None]
        # After the commit: a rolled-back hand-off mails nobody about what never happened.
        transaction.on_commit(lambda: mail_people(told, subject, message, link=link))
    return raised


def hand_off(people: Iterable[User], kind: str, *, key: str, message: Message,
             subject: Message, link: str, actor: object = None) -> list[User]:
    """A hand-off from `actor` to these people: alert_people for each of them but the actor
    (one who hands on is not told of it), one mail after commit; returns who was alerted now.
    `key` names the object and event ("requests:12:received")."""
    told = [p for p in dict.fromkeys(people)
            if not (isinstance(actor, User) and p.pk == actor.pk)]
    raised = alert_people(told, kind, message=message, key=key, link=link, subject=subject)
    return [a.recipient for a in raised if a.recipient is not None]


def people_allowed(organisation_id: int | None, perm: str, obj: object) -> list[User]:
    """The active people of an organisation whom this permission lets act on `obj` (the
    recipients of a hand-off), in a stable order."""
    candidates = User.objects.filter(is_active=True, organisation=organisation_id)
    return [p for p in candidates.order_by("pk") if allows(p, perm, obj)]


def mail_people(people: Iterable[User], subject: Message, body: Message, *, link: str = "",
                extra: Iterable[str] = (), quiet: bool = True) -> list[str]:
    """One e-mail to these people (those with an address) and any extra addresses.

    The mail is Japanese: dates in the Japanese era; a line that is only a site path and the
    `link` become absolute links from settings.HOGO_BASE_URL, so a recipient can open them
    from their mail program.

    Quiet (beside an alert), a failure to send is logged loudly, not raised: the in-app alert
    still stands. A command run by a person passes quiet=False to tell them.
    """
    addresses = sorted({p.email for p in people if p.email} | {a for a in extra if a})
    text = absolute_links(as_japanese(body))
    if link and absolute_url(link) not in text:
        text = f"{text}\n\n{absolute_url(link)}"
    if addresses:
        try:
            send_mail(as_japanese(subject), text, None, addresses)
        except Exception:
            if not quiet:
                raise
            log.exception("could not send mail %r to %s", subject, addresses)
    return addresses


def open_alert(pk: int) -> Alert | None:
    """The alert with this id while it is still open (acknowledged ones are done)."""
    return Alert.objects.filter(pk=pk, acknowledged_at__isnull=True).first()


def open_alerts_for(user: User) -> QuerySet[Alert]:
    """A person's own alerts; besides, whoever may acknowledge shared alerts sees them as far
    as the permission layer scopes them (the privacy officer all, a manager their
    department's)."""
    alerts = Alert.objects.filter(acknowledged_at__isnull=True)
    shared = alerts.filter(recipient__isnull=True)
    shared = department_scope(user, shared) if allows(
        user, "alerts.acknowledge") else shared.none()
    return alerts.filter(recipient=user.pk) | shared


# Domain apps react to an acknowledgement of their alerts (an incident records who saw it).
ACKNOWLEDGED_HOOKS: dict[str, Callable[[Alert], None]] = {}


def acknowledge(alert: Alert, *, by: User) -> None:
    with transaction.atomic():
        alert.acknowledged_at, alert.acknowledged_by = clock.now(), by
        alert.save(update_fields=["acknowledged_at", "acknowledged_by"])
        audit.record("alert.acknowledged", user=by, obj=alert)
        hook = ACKNOWLEDGED_HOOKS.get(alert.kind)
        if hook is not None:
            hook(alert)


def acknowledge_keyed(prefix: str, *, by: User) -> int:
    """Acknowledge every open alert whose key starts with `prefix` (what they asked for is
    done: a finding answered, a loan returned). Returns how many were closed."""
    closed = 0
    for alert in Alert.objects.filter(key__startswith=prefix, acknowledged_at__isnull=True):
        acknowledge(alert, by=by)
        closed += 1
    return closed
