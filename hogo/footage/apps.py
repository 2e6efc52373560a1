from django.apps import AppConfig


class FootageConfig(AppConfig):
    """Footage custody: online ingest, encrypted untouched originals, ring buffer, playback."""

    name = "hogo.footage"
    label = "footage"
    verbose_name = "映像"
