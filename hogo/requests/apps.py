from django.apps import AppConfig


class RequestsConfig(AppConfig):
    """A person's own requests (本人からの請求): purpose notification, disclosure (data, footage,
    provision records), correction, stop of use or provision; the identity check, the
    deadlines of the organisation's regime, fees, decisions and their letters, and the
    person's footage disclosed with everyone else masked."""

    name = "hogo.requests"
    label = "requests"
    verbose_name = "本人からの請求"

    def ready(self) -> None:
        # Each area registers its own work-queue source, alert names and panels.
        from importlib import import_module

        for area in AREAS:
            import_module(f"hogo.requests.{area}").register()


# The areas of the app, each one module of services with its hand-offs and work queue:
# intake (counter, post, public form; identity check; 補正), decision (deadlines, extension,
# fees, the decision and carrying it out, closing), footage (the person's own footage, masked).
AREAS = ("intake", "decision", "footage")
