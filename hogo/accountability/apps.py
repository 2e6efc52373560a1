"""The accountability app's configuration; ready() registers its work-queue sources, alert
names and the designation check (training)."""

from django.apps import AppConfig


class AccountabilityConfig(AppConfig):
    """Proving we look after what we hold (体制の整備): training of staff, contractors
    (委託先) checked and audited, self-inspections with their findings, the annual summary."""

    name = "hogo.accountability"
    label = "accountability"
    verbose_name = "安全管理の体制"

    def ready(self) -> None:
        from hogo.accountability import contractors, inspection, training

        training.register()
        contractors.register()
        inspection.register()
