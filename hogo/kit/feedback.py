"""One way for views to call a service: a refusal becomes a Japanese message, never a 500."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest


def run_service(request: HttpRequest, action: Callable[[], Any], success: str,
                refusals: tuple[type[Exception], ...]) -> bool:
    """Call `action`; on one of `refusals` show its (Japanese) message as an error."""
    try:
        action()
    except refusals as error:
        messages.error(request, str(error))
        return False
    messages.success(request, success)
    return True
