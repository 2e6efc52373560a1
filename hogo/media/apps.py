from django.apps import AppConfig


class MediaConfig(AppConfig):
    """Portable media (記録媒体): where each one is, who has it, what it holds (R-401-R-405)."""

    name = "hogo.media"
    label = "media"
    verbose_name = "記録媒体"

    def ready(self) -> None:
        from hogo.alerts.waiting import add_source
        from hogo.media.waiting import waiting

        add_source(waiting)
