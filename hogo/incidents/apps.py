from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    """Leaks and losses (漏えい等事案): escalation, reportability, PPC deadlines, documents
    and follow-through (R-801-R-808)."""

    name = "hogo.incidents"
    label = "incidents"
    verbose_name = "漏えい等事案"

    def ready(self) -> None:
        from hogo.incidents import services  # noqa: F401 - registers the alert hooks
