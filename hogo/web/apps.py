from django.apps import AppConfig


class WebConfig(AppConfig):
    """The UI shell: layout, menus by role, dashboard, error pages, server and worker."""

    name = "hogo.web"
    label = "web"
    verbose_name = "画面"

    def ready(self) -> None:
        from django.core import checks

        from hogo.web.installation import base_url_check

        checks.register(base_url_check)
