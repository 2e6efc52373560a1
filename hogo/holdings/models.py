"""One entry of the register of what personal information the organisation holds.

For a public body it is a personal information file with the items of Act Art. 75(1) (those
of Art. 74(1)); for a business a personal-information database with the items of R-901. hogo
keeps the entries for what it holds itself (`source`: footage of a department, copies,
requests, complaints, incidents, provision records) and the privacy officer adds the rest
(paper files, other systems). The 1,000-person exemption (Art. 75(2)(i) with Art. 74(2)(ix))
is recorded as a decision with its reason, never applied silently.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from hogo.accounts.models import Department, Organisation, User


class Form(models.TextChoices):
    ELECTRONIC = "electronic", _("電算処理ファイル（電子）")
    MANUAL = "manual", _("マニュアル処理ファイル（紙等）")


class PersonalFile(models.Model):
    """A personal information file (public body) or database (business)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                     related_name="personal_files")
    # "" for an entry the privacy officer keeps; else what hogo derives it from.
    source = models.CharField(max_length=60, blank=True)
    name = models.CharField(_("ファイルの名称"), max_length=200)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True,
                                   blank=True, verbose_name=_("事務をつかさどる組織（責任部署）"))
    purpose = models.TextField(_("利用目的"))
    items = models.TextField(_("記録項目"))
    persons = models.TextField(_("記録範囲（本人として記録される個人の範囲）"))
    collected_by = models.TextField(_("記録情報の収集方法"))
    sensitive = models.BooleanField(_("要配慮個人情報を含む"), default=False)
    regular_recipients = models.TextField(_("経常的な提供先"), blank=True)
    access = models.TextField(_("取り扱う者（アクセスできる者）"), blank=True)
    retention = models.TextField(_("保存期間・消去の規則"), blank=True)
    special_procedures = models.TextField(_("訂正・利用停止に関する他の法令の特別の手続等"),
                                          blank=True)
    form = models.CharField(_("ファイルの形態"), max_length=12, choices=Form.choices,
                            default=Form.ELECTRONIC)
    persons_estimate = models.PositiveIntegerField(_("本人の数（概数）"), null=True, blank=True)
    # The privacy officer's decision to leave a small file (fewer than 1,000 persons) out of
    # the published register, with its reason; empty: it is published.
    exemption_reason = models.TextField(_("ファイル簿に掲載しない理由（本人の数が1,000人未満）"),
                                        blank=True)
    retired_on = models.DateField(_("廃止した日"), null=True, blank=True)
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")

    class Meta:
        ordering = ["source", "name", "pk"]
        constraints = [models.UniqueConstraint(
            fields=["organisation", "source"], condition=~models.Q(source=""),
            name="personal_file_source_unique")]

    def __str__(self) -> str:
        return self.name

    @property
    def kept_by_hogo(self) -> bool:
        return bool(self.source)

    @property
    def published(self) -> bool:
        return self.retired_on is None and not self.exemption_reason
