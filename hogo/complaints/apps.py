from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    """Complaints (苦情) about the dashcams and the handling of personal data: taken in by staff
    or the public form, routed to a department, answered within the profile's target, closed;
    a yearly list (R-701)."""

    name = "hogo.complaints"
    label = "complaints"
    verbose_name = "苦情"
