"""What the privacy officer keeps for the public notice (公表事項, R-601) and its dated history
(R-902): the draft being edited (Notice, its Purposes), each edit of a purpose with its before
and after text and the statement of why it stays reasonably related (PurposeChange), and every
published version with the full text as published (NoticeVersion).

The public page shows a version's snapshot, never the draft: what a reader saw on a day can be
shown again, and an edit is invisible until the privacy officer publishes it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hogo.accounts.models import Organisation

# The PPC general guideline's categories of security measures (安全管理措置, Act Art. 23),
# published by a business under Art. 32(1)(iv): code, Japanese heading.
SECURITY_CATEGORIES = (
    ("basic_policy", _("基本方針の策定")),
    ("rules", _("個人データの取扱いに係る規律の整備")),
    ("organisational", _("組織的安全管理措置")),
    ("human", _("人的安全管理措置")),
    ("physical", _("物理的安全管理措置")),
    ("technical", _("技術的安全管理措置")),
    ("external", _("外的環境の把握")),
)
SECURITY_CODES = tuple(code for code, _label in SECURITY_CATEGORIES)


class Notice(models.Model):
    """The organisation's notice as the privacy officer is editing it (the draft)."""

    organisation = models.OneToOneField(Organisation, on_delete=models.PROTECT,
                                        related_name="notice")
    published_name = models.CharField(_("公表する名称"), max_length=200)
    address = models.CharField(_("住所"), max_length=300, blank=True)
    representative = models.CharField(_("代表者の氏名"), max_length=200, blank=True)
    requests_where = models.TextField(_("請求の受付窓口・送付先"), blank=True)
    requests_bring = models.TextField(_("請求の際に必要なもの（本人確認書類など）"), blank=True)
    security_measures = models.JSONField(default=dict, blank=True)  # {category code: text}
    complaints_contact = models.TextField(_("苦情の申出先"), blank=True)
    association_contact = models.TextField(_("認定個人情報保護団体の苦情の申出先"), blank=True)
    dashcam_text = models.TextField(_("車両の録画中表示の文言"), blank=True)
    updated_at = models.DateTimeField(_("最終更新"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")

    def __str__(self) -> str:
        return self.published_name

    @property
    def current_version(self) -> NoticeVersion | None:
        return self.versions.order_by("-number").first()


class Purpose(models.Model):
    """One purpose of use: the personal data it covers and what it is used for."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="purposes")
    order = models.PositiveIntegerField(_("順序"), default=0)
    data = models.CharField(_("対象となる個人情報"), max_length=300)
    text = models.TextField(_("利用目的"))

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text


class NoticeVersion(models.Model):
    """A published notice: its number, when and by whom, what changed, and the full text."""

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("版"))
    published_at = models.DateTimeField(_("公表日時"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    summary = models.TextField(_("変更の概要"))
    snapshot = models.JSONField()

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["notice", "number"],
                                               name="notice_version_number_unique")]

    def __str__(self) -> str:
        return f"{self.notice} #{self.number}"


class PurposeChange(models.Model):
    """An edit of a purpose (added, changed, removed): before and after, why the change stays
    within what is reasonably related (Act Art. 17(2)), and the version that published it
    (null until then)."""

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="purpose_changes")
    purpose = models.ForeignKey(Purpose, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="changes")
    before_data = models.CharField(max_length=300, blank=True)
    before_text = models.TextField(blank=True)
    after_data = models.CharField(max_length=300, blank=True)
    after_text = models.TextField(blank=True)
    reason = models.TextField(_("必要な範囲を超えない理由"), blank=True)
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    version = models.ForeignKey(NoticeVersion, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="purpose_changes")

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.after_text or self.before_text}"

    @property
    def kind(self) -> str:
        """added, removed or changed."""
        if not self.before_text:
            return "added"
        return "removed" if not self.after_text else "changed"
