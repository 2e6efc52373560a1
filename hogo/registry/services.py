"""Registry rules that screens ask about: which recorders need their notice checked."""

from __future__ import annotations

from hogo.registry.models import Recorder


def overdue_notices(department_id: int | None) -> list[Recorder]:
    """Recorders of a department whose on-vehicle notice was last checked over a year ago."""
    recorders = Recorder.objects.filter(vehicle__department=department_id).select_related(
        "vehicle")
    return [r for r in recorders if r.notice_check_overdue()]
