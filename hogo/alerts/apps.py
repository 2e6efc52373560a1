from django.apps import AppConfig


class AlertsConfig(AppConfig):
    """Alerts a person must see and acknowledge, and the mail beside them.

    Below every domain app: footage, copies, media and incidents raise alerts here; this app
    imports none of them (a domain app that wants to hear of an acknowledgement registers a
    hook in ACKNOWLEDGED_HOOKS).
    """

    name = "hogo.alerts"
    label = "alerts"
    verbose_name = "通知"
