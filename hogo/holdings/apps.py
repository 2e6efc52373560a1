from django.apps import AppConfig


class HoldingsConfig(AppConfig):
    """What personal information the organisation holds (R-901): a public body's register of
    personal information files (個人情報ファイル簿, Act Art. 75), published; a business's
    register of its personal-information databases (個人情報データベース等の台帳)."""

    name = "hogo.holdings"
    label = "holdings"
    verbose_name = "保有する個人情報"
