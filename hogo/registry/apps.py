from django.apps import AppConfig


class RegistryConfig(AppConfig):
    """What the organisation holds: vehicles and their recorders."""

    name = "hogo.registry"
    label = "registry"
    verbose_name = "車両・機器"
