"""Announcements of a masking's progress, so an app above processing (a person's request,
which discloses its footage as a processed copy) can act without processing importing it.

`stage_reached` is sent inside the transaction of the change with `processing` and `stage`:
"detected" (the detections wait for review) or "rendered" (the processed copy exists)."""

from django.dispatch import Signal

stage_reached = Signal()
