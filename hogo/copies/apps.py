from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CopiesConfig(AppConfig):
    """Copies (複製データ): requested for a permitted use, approved, cut, kept a year."""

    name = "hogo.copies"
    label = "copies"
    verbose_name = "複製データ"

    def ready(self) -> None:
        # What waits for whom (the dashboard's 対応待ち), and the names of this app's alerts.
        from hogo.alerts.text import label_kind
        from hogo.alerts.waiting import add_source
        from hogo.copies import handoffs

        add_source(handoffs.waiting)
        for kind, label in ((handoffs.REQUESTED, _("複製の承認依頼")),
                            (handoffs.APPROVED, _("複製の申請の承認")),
                            (handoffs.REFUSED, _("複製の申請の不承認")),
                            (handoffs.MADE, _("複製データの作成")),
                            (handoffs.FAILED, _("複製データの作成の失敗"))):
            label_kind(kind, label)
