from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The audit chain: one append-only, hash-linked record of every access and change."""

    name = "hogo.audit"
    label = "audit"
    verbose_name = "監査ログ"

    def ready(self) -> None:
        from hogo.audit import signals  # noqa: F401
