"""What every public form (no account) shares: whose form it is, a keyed hash of the sender's
address, and the hourly throttle counted from the audit chain.

Provision requests, a person's own requests and complaints each have a public form; each counts
its own attempts (its audit actions) against its own profile limit, per address and for the
whole form, with the organisation's row locked so parallel attempts count one after another.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from hogo.accounts.models import Organisation
from hogo.audit.models import AuditEntry

log = logging.getLogger(__name__)

WINDOW = dt.timedelta(hours=1)
# The whole form's hourly cap, as a multiple of the per-address limit: a flood from many
# addresses stops here, so it cannot alert (and mail) every handler per submission.
ORGANISATION_CAP_FACTOR = 10


class Throttled(Exception):
    """Too many attempts within the hour; nothing was stored, nobody was told."""


def public_organisation() -> Organisation | None:
    """One installation serves one organisation: a public form is that organisation's (None,
    so the form is closed, when the database holds none or several)."""
    organisations = list(Organisation.objects.order_by("pk")[:2])
    if len(organisations) != 1:
        if organisations:
            log.error("the public forms are closed: this database holds several "
                      "organisations, so it is unclear whose forms they are")
        return None
    return organisations[0]


def address_hash(address: str, form: str) -> str:
    """A keyed hash of the client address for one form: enough to count, never the address."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{form}-form:{address}".encode(), hashlib.sha256).hexdigest()[:32]


def lock_organisation(organisation: Organisation) -> None:
    """Lock the organisation's row until the transaction ends: numbering and the public
    forms' throttle count one after another."""
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()


def next_number(model: Any, organisation: Organisation, year: int, letter: str) -> str:
    """The next number of a request or complaint, 「2026-R001」: per organisation, year and
    letter (P provision, R a person's request, C complaint), the organisation row locked
    meanwhile so two submissions never share one."""
    lock_organisation(organisation)
    prefix = f"{year}-{letter}"
    numbers = model.objects.filter(organisation=organisation,
                                   number__startswith=prefix).values_list("number", flat=True)
    last = max((int(n[len(prefix):]) for n in numbers if n[len(prefix):].isdigit()), default=0)
    return f"{prefix}{last + 1:03d}"


def organisation_cap(per_address: int) -> int:
    """How many attempts the whole form takes within the hour."""
    return per_address * ORGANISATION_CAP_FACTOR


def attempts(actions: Iterable[str], since: dt.datetime, hashed: str = "") -> int:
    """Attempts of a form (its audit actions) since then, of one address if given."""
    rows = AuditEntry.objects.filter(action__in=tuple(actions), at__gte=since)
    if hashed:
        rows = rows.filter(detail__contains=f'"address":"{hashed}"')
    return rows.count()


def check_throttle(actions: Iterable[str], hashed: str, limit: int, now: dt.datetime) -> None:
    """Throttled past the per-address limit or the whole form's cap (call with the
    organisation row locked)."""
    actions = tuple(actions)
    since = now - WINDOW
    if attempts(actions, since, hashed) >= limit:
        raise Throttled(_("同じ接続元からの送信が1時間の上限（%(limit)d件）に達しました。"
                          "しばらく時間をおいてから送信してください。") % {"limit": limit})
    if attempts(actions, since) >= organisation_cap(limit):
        log.warning("a public form (%s) reached its hourly cap of %d attempts",
                    actions[0], organisation_cap(limit))
        raise Throttled(_("フォームへの送信が集中しているため、現在受け付けられません。"
                          "しばらく時間をおいてから送信するか、書面でお申し込みください。"))
