"""The notice app's configuration: registers what waits for the privacy officer."""

from django.apps import AppConfig


class NoticeConfig(AppConfig):
    """The public notice (公表事項, R-601): what the organisation publishes about its handling
    of personal data, kept by the privacy officer with a dated history of changes, shown under
    /public/ without a log-in."""

    name = "hogo.notice"
    label = "notice"
    verbose_name = "公表事項"

    def ready(self) -> None:
        """An unpublished draft waits for the privacy officer on the dashboard."""
        from hogo.alerts.waiting import add_source
        from hogo.notice import publishing

        add_source(publishing.waiting_items)
