from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    """Leaks and losses (漏えい等事案): escalation, reportability, PPC deadlines, documents
    and follow-through (R-801-R-808)."""

    name = "hogo.incidents"
    label = "incidents"
    verbose_name = "漏えい等事案"

    def ready(self) -> None:
        from hogo.alerts.waiting import add_source
        from hogo.incidents import receivers, services  # noqa: F401 - registers the alert hooks
        from hogo.incidents.waiting import waiting_items
        from hogo.media.signals import medium_missing

        add_source(waiting_items)
        medium_missing.connect(receivers.open_incident_for_missing_medium,
                               dispatch_uid="incidents.open_for_missing_medium")
