"""The one audit function, and the chain checks built on it.

`record()` is how every access to personal data and every change is written down (time, actor,
action, object, purpose, request id, previous hash, own hash). Callers pass the acting user or a
label for a machine; nothing else in hogo writes AuditEntry rows.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import QuerySet
from django.utils.dateparse import parse_datetime

from hogo import clock
from hogo.audit import chain
from hogo.audit.context import request_id as current_request_id
from hogo.audit.models import AuditEntry
from hogo.clock import JST

# Any constant will do: it only has to be the same for every writer of the chain.
_POSTGRES_CHAIN_LOCK = 0x686F676F


def actor_of(user: Any) -> tuple[str, int | None]:
    """("user:alice", 7) for a user, ("system", None) when nobody is logged in."""
    if user is None or not getattr(user, "is_authenticated", False):
        return "system", None
    return f"user:{user.get_username()}", user.pk


def record(
    action: str,
    *,
    user: Any = None,
    actor: str | None = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    purpose: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the chain, atomically with the caller's transaction."""
    label, user_id = actor_of(user)
    if actor is not None:
        label = actor
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_POSTGRES_CHAIN_LOCK])
        last = AuditEntry.objects.order_by("-seq").values("seq", "hash").first()
        fields: dict[str, Any] = {
            "seq": (last["seq"] + 1) if last else 1,
            "at": clock.now(),
            "actor": label[:150],
            "actor_user_id": user_id,
            "action": action,
            "object_type": object_type,
            "object_id": str(object_id),
            "purpose": purpose,
            "detail": chain.canonical_json(detail) if detail else "",
            "request_id": current_request_id.get(),
            "prev_hash": last["hash"] if last else chain.GENESIS,
        }
        return AuditEntry.objects.create(**fields, hash=chain.entry_hash(fields))


_COLUMNS = ("id", "hash", *chain.HASHED_FIELDS)


def _instant(value: Any) -> Any:
    """The stored time as an aware datetime, or the raw value when it is not a time at all.

    SQLite keeps times as text, and a row written around the application may hold anything
    there; the ORM's converter would raise half-way through the chain.
    """
    if isinstance(value, str):
        try:
            value = parse_datetime(value) or value
        except ValueError:
            return value
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)  # SQLite's stored times are UTC
    return value


def _rows() -> Iterator[dict[str, Any]]:
    """Every entry in seq order, read raw so that a malformed row reaches the verifier."""
    quote = connection.ops.quote_name
    columns = [f"CAST({quote(c)} AS TEXT)" if c == "at" and connection.vendor == "sqlite"
               else quote(c) for c in _COLUMNS]
    with connection.chunked_cursor() as cursor:
        # Only the model's own column and table names go into the statement.
        cursor.execute(f"SELECT {', '.join(columns)} FROM "  # noqa: S608
                       f"{quote(AuditEntry._meta.db_table)} ORDER BY {quote('seq')}")
        while rows := cursor.fetchmany(5000):
            for row in rows:
                entry = dict(zip(_COLUMNS, row, strict=True))
                entry["at"] = _instant(entry["at"])
                yield entry


def verify_chain() -> chain.ChainReport:
    """Re-hash the whole chain and name the first bad entry, if any (see verify_all)."""
    return chain.verify(_rows())


def anchor() -> dict[str, Any]:
    """The head of the chain, to be kept outside the system (paper, another machine)."""
    last = AuditEntry.objects.order_by("-seq").values("seq", "hash", "at").first()
    return {
        "count": AuditEntry.objects.count(),
        "head_seq": last["seq"] if last else 0,
        "head_hash": last["hash"] if last else chain.GENESIS,
        "taken_at": chain.canonical_time(clock.now()),
    }


def check_anchor(saved: dict[str, Any]) -> str | None:
    """None when the chain still holds the anchored head; otherwise what is wrong.

    Catches what the chain alone cannot: entries removed from the end after the anchor.
    """
    seq, expected = int(saved["head_seq"]), saved["head_hash"]
    if seq == 0:
        return None
    found = AuditEntry.objects.filter(seq=seq).values_list("hash", flat=True).first()
    if found is None:
        return f"anchored entry seq={seq} is missing: the chain was cut short"
    if found != expected:
        return f"anchored entry seq={seq} has hash {found}, anchor says {expected}"
    return None


def filtered(form: Any) -> QuerySet[AuditEntry]:
    """Entries matching the filter; dates are Japanese calendar days, both ends included."""
    entries = AuditEntry.objects.order_by("-seq")
    if not form.is_valid():
        return entries.none()
    f = form.cleaned_data
    if f["actor"]:
        entries = entries.filter(actor__icontains=f["actor"])
    if f["action"]:
        entries = entries.filter(action__startswith=f["action"])
    if f["object_type"]:
        entries = entries.filter(object_type=f["object_type"])
    if f["date_from"]:
        entries = entries.filter(at__gte=dt.datetime.combine(f["date_from"], dt.time(), JST))
    if f["date_to"]:
        end = dt.datetime.combine(f["date_to"] + dt.timedelta(days=1), dt.time(), JST)
        entries = entries.filter(at__lt=end)
    return entries


def recent_by(user: Any, limit: int = 8) -> QuerySet[AuditEntry]:
    """What this person did last (their dashboard shows it)."""
    return AuditEntry.objects.filter(actor_user_id=user.pk).order_by("-seq")[:limit]


def entries_about(*objects: Any) -> Any:
    """The chain's entries about exactly these objects (each by its type and id), in order."""
    from django.db.models import Q

    wanted = Q(pk__in=[])
    for obj in objects:
        wanted |= Q(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    return AuditEntry.objects.filter(wanted).order_by("seq")


# Daily anchors, kept apart from the database they vouch for (HOGO_AUDIT_ANCHOR_DIR).
ANCHOR_FILE = "audit-anchor.json"


def anchor_dir() -> Path:
    configured = getattr(settings, "HOGO_AUDIT_ANCHOR_DIR", None)
    return Path(configured).expanduser().resolve() if configured else Path(settings.DATA_DIR)


def anchor_problems() -> list[str]:
    """What is wrong with where the daily anchor goes, one English line each (`hogo check`).

    An anchor beside the database proves nothing to someone who can rewrite both: it must live
    on another disk or machine, or be printed and kept by a person (`hogo audit anchor`).
    """
    data_dir = Path(settings.DATA_DIR).resolve()
    if not getattr(settings, "HOGO_AUDIT_ANCHOR_DIR", None):
        return [f"HOGO_AUDIT_ANCHOR_DIR is not set: the daily audit anchor is kept in "
                f"{data_dir}, beside the database it vouches for; point it at another disk "
                f"or machine, or mail it daily with `hogo audit anchor --mail ADDRESS`"]
    place = anchor_dir()
    problems = []
    if place == data_dir or data_dir in place.parents:
        problems.append(f"HOGO_AUDIT_ANCHOR_DIR ({place}) is inside HOGO_DATA_DIR "
                        f"({data_dir}): whoever can rewrite the database can rewrite the "
                        f"anchor too; use a directory outside it")
    if not place.is_dir():
        problems.append(f"HOGO_AUDIT_ANCHOR_DIR ({place}) does not exist or is not a directory")
    elif not os.access(place, os.W_OK | os.X_OK):
        problems.append(f"HOGO_AUDIT_ANCHOR_DIR ({place}) is not writable by this user")
    return problems
