"""Sections of a request's page, contributed by each area.

The request page (intake's view) names no other area: decision and footage each register a
panel from their `register()`, and the page draws them in order. A panel gets the HTTP request
and the personal request and returns safe HTML (empty when it has nothing)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from hogo.requests.models import PersonalRequest

Panel = Callable[[HttpRequest, PersonalRequest], str]
_panels: dict[str, tuple[int, Panel]] = {}


def add_panel(name: str, order: int, panel: Panel) -> None:
    """Register (or replace) the panel `name`; lower `order` comes first."""
    _panels[name] = (order, panel)


def render_panels(http: HttpRequest, request: PersonalRequest) -> SafeString:
    ordered = sorted(_panels.values(), key=lambda entry: entry[0])
    return format_html_join("", "{}", ((panel(http, request),) for _order, panel in ordered))
