"""Sections that apps above copies add to each copy on a request's page.

Processing (masking, counting) is built on copies, so copies must not name it: instead it
registers a panel here when Django starts (its AppConfig.ready), and the page shows whatever
is registered, in order. A panel gets the request and the copy and returns safe HTML.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from hogo.copies.models import Copy

Panel = Callable[[HttpRequest, Copy], str]
_panels: list[Panel] = []


def add_panel(panel: Panel) -> None:
    """Register a panel once (ready() may run more than once in tests)."""
    if panel not in _panels:
        _panels.append(panel)


def render_panels(request: HttpRequest, copy: Copy) -> SafeString:
    return format_html_join("", "{}", ((panel(request, copy),) for panel in _panels))
