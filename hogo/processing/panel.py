"""The processing section of a copy on the copy request's page: a link to watch the copy,
the copy's processings and the form to ask for masking or a count (registered with
hogo.copies.panels at start-up)."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from hogo.accounts.permissions import allows
from hogo.copies import playback
from hogo.copies.models import Copy
from hogo.processing.models import MaskKind, Processing


def copy_panel(request: HttpRequest, copy: Copy) -> str:
    return render_to_string("processing/_copy_panel.html", {
        "copy": copy, "processings": Processing.objects.filter(copy=copy),
        "can_watch": playback.may_watch(request.user, copy),
        "can_process": allows(request.user, "copies.request_processing", copy.request),
        "mask_choices": MaskKind.choices}, request=request)
