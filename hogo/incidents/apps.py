from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    """Leaks and losses (漏えい等事案): escalation, reportability, PPC deadlines, documents
    and follow-through (R-801-R-808)."""

    name = "hogo.incidents"
    label = "incidents"
    verbose_name = "漏えい等事案"

    def ready(self) -> None:
        from hogo.incidents import receivers, services  # noqa: F401 - registers the alert hooks
        from hogo.media.signals import medium_missing

        medium_missing.connect(receivers.open_incident_for_missing_medium,
                               dispatch_uid="incidents.open_for_missing_medium")
