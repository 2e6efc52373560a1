from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Organisations, departments, people, roles and the one permission layer."""

    name = "hogo.accounts"
    label = "accounts"
    verbose_name = "組織・職員"

    def ready(self) -> None:
        from hogo.accounts import policy, signals  # noqa: F401

        # An invalid profile stops start-up with an error naming the field.
        policy.check_profiles_at_startup()
