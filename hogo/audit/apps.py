from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def _install_triggers(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """Every `migrate` (and a test flush) puts the append-only triggers back, should a restore,
    a hand-made table or someone's `DROP TRIGGER` have lost them."""
    from hogo.audit import triggers

    connection = connections[using]
    if triggers.TABLE in connection.introspection.table_names():
        triggers.install(connection)


class AuditConfig(AppConfig):
    """The audit chain: one append-only, hash-linked record of every access and change."""

    name = "hogo.audit"
    label = "audit"
    verbose_name = "監査ログ"

    def ready(self) -> None:
        from hogo.audit import signals  # noqa: F401

        post_migrate.connect(_install_triggers, sender=self,
                             dispatch_uid="hogo.audit.install_triggers")
