"""The accountability app's configuration; ready() registers its work-queue sources, alert
names and the designation check (training)."""

from django.apps import AppConfig


class AccountabilityConfig(AppConfig):
    """Knowing what we hold and proving we look after it (体制の整備): training of staff,
    contractors (委託先) checked and audited, and — to come — the register of personal
    information files, self-inspection and the annual summary."""

    name = "hogo.accountability"
    label = "accountability"
    verbose_name = "安全管理の体制"

    def ready(self) -> None:
        from hogo.accountability import contractors, training

        training.register()
        contractors.register()
