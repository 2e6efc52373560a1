"""Telling a recorder's department about one of its uploads (quarantined, soon erased).

Ingest and the quarantine service both raise such alerts; this module serves both without
either importing the other.
"""

from __future__ import annotations

from django.urls import reverse

from hogo.alerts.services import raise_alert
from hogo.footage.models import Upload


def tell_department(upload: Upload, kind: str, key: str, message: str) -> None:
    """An alert to the department whose vehicle sent the file, linking to its page."""
    raise_alert(kind, department=upload.recorder.vehicle.department, key=f"{key}:{upload.pk}",
                link=reverse("footage:quarantined", args=[upload.pk]), message=message)
