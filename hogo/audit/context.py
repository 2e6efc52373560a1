"""The request id of the work in progress, so every audit entry can name its request."""

from __future__ import annotations

import contextvars
import uuid

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("hogo_request_id", default="")


def new_request_id() -> str:
    return uuid.uuid4().hex
