"""Checks an app above accounts adds to an operator's designation (操作取扱者の指定).

accounts may not import the apps above it, yet some of them know why a designation is
unwise: accountability knows whose training has lapsed (R-905). Each such app registers a
check here from its `AppConfig.ready()`; `designate_operator` asks every check and refuses on
a blocking concern, or keeps the warnings on the designation and in its audit entry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Concern:
    """One reason against a designation, in Japanese; `blocks` refuses it."""

    message: str
    blocks: bool = False


Check = Callable[[Any, Any], Iterable[Concern]]
_checks: list[Check] = []


def add_check(check: Check) -> None:
    """Register a check `(manager, staff) -> Concern`s once (ready() may run twice)."""
    if check not in _checks:
        _checks.append(check)


def concerns(manager: Any, staff: Any) -> list[Concern]:
    """Every registered check's concerns about this manager designating this person."""
    return [concern for check in _checks for concern in check(manager, staff)]
