"""{% copy_panels copy %}: the sections other apps add to a copy (see hogo.copies.panels)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from hogo.copies.models import Copy
from hogo.copies.panels import render_panels

register = template.Library()


@register.simple_tag(takes_context=True)
def copy_panels(context: Any, copy: Copy) -> SafeString:
    return render_panels(context["request"], copy)
