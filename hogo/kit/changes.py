"""Recording what a register screen changed, for the audit entry beside the change.

Registers (vehicles, recorders, cabinets, media) audit a new row with its fields and an edit
with {field: [old, new]} of what differed: the same three small steps for each, kept here
so every register writes the same shape.
"""

from __future__ import annotations

import datetime as dt
from typing import Any


def plain(value: Any) -> Any:
    """A value as the audit's JSON keeps it: a row as its key, a date as ISO text."""
    if hasattr(value, "_meta"):
        return value.pk
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def described(obj: Any, names: tuple[str, ...]) -> dict[str, Any]:
    """The named fields of a new row, for its audit entry."""
    return {name: plain(getattr(obj, name)) for name in names}


def apply_changes(obj: Any, fields: dict[str, Any]) -> dict[str, list[Any]]:
    """Set the fields that differ; {field: [old, new]} of what changed (for the audit)."""
    changed = {}
    for name, new in fields.items():
        old = getattr(obj, name)
        if old != new:
            changed[name] = [plain(old), plain(new)]
            setattr(obj, name, new)
    return changed
