"""Access-log flags (R-903): a pattern found in the audit chain, for the privacy officer.

A flag points at the audit entries that made it (their seq numbers) and says in words why it
was raised. It is never deleted: the privacy officer dismisses it with a written reason, and a
dismissed flag stays listed. One flag per pattern, actor and day, so the nightly analysis can
run again over the same day without raising anything twice.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from hogo.accounts.models import Department, Organisation, User


class Pattern(models.TextChoices):
    OUT_OF_HOURS = "out_of_hours", _("執務時間外・閉庁日の閲覧")
    MANY_ORIGINALS = "many_originals", _("申請のない多数の元データの閲覧")
    OTHER_DEPARTMENT = "other_department", _("他部署の車両の映像の閲覧")
    REFUSED = "refused", _("繰り返されたアクセス拒否")
    EXPORT_WITHOUT_HANDOVER = "export_without_handover", _("引渡しの記録のない書き出し")
    LEAVER = "leaver", _("退職者のアカウント・トークンの使用")


class AccessFlag(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                     related_name="+")
    pattern = models.CharField(_("パターン"), max_length=30, choices=Pattern.choices)
    actor = models.CharField(_("操作者"), max_length=150)  # as in the audit chain
    person = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+")
    day = models.DateField(_("対象日"))
    evidence = models.JSONField(default=list)  # the audit entries' seq numbers
    facts = models.JSONField(default=dict)  # the parameters of the explanation
    explanation = models.TextField(_("理由"))  # Japanese, as written when found
    found_at = models.DateTimeField()
    dismissed_at = models.DateTimeField(null=True, blank=True)
    dismissed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    dismissal_reason = models.TextField(_("確認済みとする理由"), blank=True)

    class Meta:
        ordering = ["-day", "-pk"]
        constraints = [models.UniqueConstraint(
            fields=["organisation", "pattern", "actor", "day"], name="access_flag_once")]
        verbose_name = "アクセスログの注意事項"

    def __str__(self) -> str:
        return f"{self.get_pattern_display()} {self.actor} {self.day}"

    @property
    def is_open(self) -> bool:
        return self.dismissed_at is None

    @property
    def can_be_dismissed(self) -> bool:
        """Only an open flag is dismissed (flags.dismiss enforces)."""
        return self.dismissed_at is None
