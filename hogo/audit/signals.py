"""Changes made through the Django admin (master data) go to the audit chain as well."""

from __future__ import annotations

from typing import Any

from django.contrib.admin.models import LogEntry
from django.db.models.signals import post_save
from django.dispatch import receiver

from hogo.audit import services

ADMIN_ACTIONS = {1: "admin.added", 2: "admin.changed", 3: "admin.deleted"}


@receiver(post_save, sender=LogEntry)
def _admin_change(sender: Any, instance: LogEntry, created: bool, **kwargs: Any) -> None:
    if not created:
        return
    content_type = instance.content_type
    services.record(
        ADMIN_ACTIONS.get(instance.action_flag, "admin.changed"), user=instance.user,
        object_type=content_type.app_label + "." + content_type.model if content_type else "",
        object_id=instance.object_id or "",
        detail={"object": instance.object_repr, "change": instance.get_change_message()})
