from django.apps import AppConfig


class OversightConfig(AppConfig):
    """Watching the audit chain: the log browser for auditors, the daily check that alerts
    the privacy officer when the chain is broken, `hogo audit`, and the access-log analysis
    (nightly flags for the privacy officer, the monthly access report per department).

    The chain itself (recording, hashing, verifying) is the audit app at the bottom floor,
    which every app writes to; reading and alerting about it needs accounts and alerts, so it
    lives here, above them.
    """

    name = "hogo.oversight"
    label = "oversight"
    verbose_name = "監査"

    def ready(self) -> None:
        from hogo.oversight import flags

        flags.register()
