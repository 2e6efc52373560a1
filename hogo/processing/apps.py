from django.apps import AppConfig


class ProcessingConfig(AppConfig):
    """Processing (加工（マスキング）): masking a copy, or counting the people in it."""

    name = "hogo.processing"
    label = "processing"
    verbose_name = "複製データの加工"

    def ready(self) -> None:
        # Copies sits below processing and names none of it: it shows registered panels.
        from hogo.alerts.waiting import add_source
        from hogo.copies.panels import add_panel
        from hogo.processing.handoffs import name_kinds, waiting
        from hogo.processing.panel import copy_panel

        add_panel(copy_panel)
        add_source(waiting)
        name_kinds()
