from django.apps import AppConfig


class CopiesConfig(AppConfig):
    """Copies (複製データ): requested for a permitted use, approved, cut, kept a year."""

    name = "hogo.copies"
    label = "copies"
    verbose_name = "複製データ"
