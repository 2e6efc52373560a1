from django.apps import AppConfig


class ProvisionConfig(AppConfig):
    """Third-party provision (第三者提供): a written request from the police, a court, a bar
    association, an insurer or a person; the manager's decision on its legal basis; the copy
    handed over with the recipient's undertakings; the Art. 29/30 records and their retention."""

    name = "hogo.provision"
    label = "provision"
    verbose_name = "第三者提供"

    def ready(self) -> None:
        # Each area registers its own work-queue source and alert names (its `register()`).
        from importlib import import_module

        for area in AREAS:
            import_module(f"hogo.provision.{area}").register()


# The areas of the app, each one module of services with its hand-offs and work queue.
AREAS = ("intake", "decision", "handover", "records")
