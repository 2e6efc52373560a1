"""The complaints app's configuration: its areas register their work-queue sources and the
names of their alerts when Django starts."""

from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    """Complaints (苦情) about the dashcams and the handling of personal data: taken in by staff
    or the public form, routed to a department, answered within the profile's target, closed;
    a yearly list (R-701)."""

    name = "hogo.complaints"
    label = "complaints"
    verbose_name = "苦情"

    def ready(self) -> None:
        # Each area registers its own work-queue source and alert names (its `register()`).
        """Register each area's work-queue source and alert names."""
        from importlib import import_module

        for area in AREAS:
            import_module(f"hogo.complaints.{area}").register()


# The areas of the app that hand work to people: intake (to assign), handling (to answer,
# to close, overdue), reminders (before and after the target day).
AREAS = ("intake", "handling", "reminders")
