from django.apps import AppConfig


class NoticeConfig(AppConfig):
    """The public notice (公表事項, R-601): what the organisation publishes about its handling
    of personal data, kept by the privacy officer with a dated history of changes, shown under
    /public/ without a log-in."""

    name = "hogo.notice"
    label = "notice"
    verbose_name = "公表事項"
