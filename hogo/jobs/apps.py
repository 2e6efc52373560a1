from django.apps import AppConfig


class JobsConfig(AppConfig):
    """Finds each app's scheduled jobs (`<app>/jobs.py`) and runs them: no app list here."""

    name = "hogo.jobs"
    label = "jobs"
    verbose_name = "定期処理"
