"""What incidents does when a lower app announces something (connected in apps.ready, so in
every process: tests, the worker and the web server alike)."""

from __future__ import annotations

from typing import Any

from hogo.incidents import services


def open_incident_for_missing_medium(sender: Any, *, medium: Any, user: Any, why: str,
                                     **kwargs: Any) -> Any:
    """`hogo.media.signals.medium_missing`: open the incident at once, inside the media
    transaction (R-801); the medium's alert names and links what this returns."""
    return services.open_for_missing_medium(medium, user, why=why)
