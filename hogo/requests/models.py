"""A person's own requests (本人からの請求, R-601-R-608): purpose notification, disclosure of
their data, footage or provision records, correction, stop of use or erasure, stop of
third-party provision — with the identity check, the deadlines of the organisation's regime
(`hogo.rules.requests`), the fee and its receipt, the decision and its letters.

A footage request pins the originals it names (a footage Hold of kind subject_request) from
the moment its vehicle and range are known until it closes; the person's footage is disclosed
only as a processed copy in which everyone else is masked (R-607). ID images are encrypted
objects erased (crypto-shredded, with a DeletionRecord) when the request closes.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hogo.accounts.models import Department, Organisation, User
from hogo.copies.models import Copy, CopyRequest
from hogo.footage.models import EncryptedObject, Hold
from hogo.registry.models import Vehicle


class Kind(models.TextChoices):
    """Codes of `hogo.rules.requests.KINDS`."""

    PURPOSE_NOTIFICATION = "purpose_notification", _("利用目的の通知")
    DISCLOSURE = "disclosure", _("開示")
    CORRECTION = "correction", _("訂正・追加・削除")
    SUSPENSION = "suspension", _("利用停止・消去")
    PROVISION_STOP = "provision_stop", _("第三者提供の停止")


class DisclosureOf(models.TextChoices):
    """What a disclosure request asks for (more than one may be ticked)."""

    DATA = "data", _("記録・台帳などの個人情報")
    FOOTAGE = "footage", _("ドライブレコーダーの映像")
    PROVISION_RECORDS = "provision_records", _("第三者提供記録")


class RequesterType(models.TextChoices):
    """Codes of `hogo.rules.requests.REQUESTER_TYPES`."""

    SELF = "self", _("本人")
    LEGAL_REPRESENTATIVE = "legal_representative", _("法定代理人（未成年者の親権者・成年後見人）")
    ATTORNEY = "attorney", _("任意代理人（委任状による代理人）")


class Method(models.TextChoices):
    """How the person wants the disclosure (codes of `hogo.rules.requests.METHODS`)."""

    VIEW = "view", _("窓口での閲覧・視聴")
    PAPER = "paper", _("写しの交付（紙）")
    ELECTRONIC = "electronic", _("電子ファイルの交付")


class Received(models.TextChoices):
    COUNTER = "counter", _("窓口")
    POST = "post", _("郵送")
    WEB = "web", _("申請フォーム")


class RequestState(models.TextChoices):
    RECEIVED = "received", _("受付済み（本人確認待ち）")
    CORRECTION_WAIT = "correction_wait", _("補正待ち")
    IN_PROGRESS = "in_progress", _("対応中（決定待ち）")
    DECIDED = "decided", _("決定済み（実施待ち）")
    CLOSED = "closed", _("完了")
    WITHDRAWN = "withdrawn", _("取下げ")


class Outcome(models.TextChoices):
    """Codes of `hogo.rules.requests.OUTCOMES`."""

    DISCLOSE = "disclose", _("開示する")
    PARTIAL = "partial", _("一部を開示する")
    REFUSE = "refuse", _("開示しない")
    NOT_EXIST = "not_exist", _("保有していない（不存在）")
    NEITHER_CONFIRM_NOR_DENY = "neither_confirm_nor_deny", _("存否を明らかにしない")
    CARRY_OUT = "carry_out", _("請求のとおり行う")
    ALTERNATIVE = "alternative", _("代わりの措置をとる")


OPEN_STATES = (RequestState.RECEIVED, RequestState.CORRECTION_WAIT, RequestState.IN_PROGRESS,
               RequestState.DECIDED)


class PersonalRequest(models.Model):
    """One request from a person (or their agent) about their own data."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                     related_name="personal_requests")
    # The department that holds the data and decides (for footage: the vehicle's).
    department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="personal_requests",
                                   verbose_name=_("担当する所属"))
    number = models.CharField(_("受付番号"), max_length=20)
    kind = models.CharField(_("請求の種類"), max_length=30, choices=Kind.choices)
    disclosure_of = models.JSONField(_("開示を求めるもの"), default=list, blank=True)
    received_via = models.CharField(_("受付方法"), max_length=10, choices=Received.choices)
    received_at = models.DateTimeField(_("受付日時"))
    received_on = models.DateField(_("請求が到達した日"))
    entered_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    state = models.CharField(_("状態"), max_length=20, choices=RequestState.choices,
                             default=RequestState.RECEIVED)
    # Who asks.
    requester_type = models.CharField(_("請求者"), max_length=30, choices=RequesterType.choices,
                                      default=RequesterType.SELF)
    requester_name = models.CharField(_("氏名"), max_length=200)
    requester_kana = models.CharField(_("フリガナ"), max_length=200, blank=True)
    requester_address = models.CharField(_("住所"), max_length=300, blank=True)
    phone = models.CharField(_("電話番号"), max_length=40, blank=True)
    email = models.EmailField(_("メールアドレス"), blank=True)
    # The person the data is about, when an agent asks.
    principal_name = models.CharField(_("本人の氏名"), max_length=200, blank=True)
    principal_address = models.CharField(_("本人の住所"), max_length=300, blank=True)
    # What the request asks (for correction: what is wrong and what is right; for a stop: why).
    content = models.TextField(_("請求の内容"), blank=True)
    # What identifies the data; for footage: when, where, which vehicle or route, what the
    # person wore or drove.
    occurred_from = models.DateTimeField(_("日時（から）"), null=True, blank=True)
    occurred_to = models.DateTimeField(_("日時（まで）"), null=True, blank=True)
    place = models.CharField(_("場所"), max_length=300, blank=True)
    vehicle_text = models.CharField(_("車両・路線（請求者の記載）"), max_length=200, blank=True)
    appearance = models.CharField(_("服装・乗っていた車両など"), max_length=300, blank=True)
    data_description = models.TextField(_("求める個人情報の内容"), blank=True)
    method = models.CharField(_("開示の実施の方法"), max_length=12, choices=Method.choices,
                              blank=True)
    # For a correction or stop request of a public body: when the disclosure was received
    # (Arts. 90(3), 98(3)).
    disclosed_on = models.DateField(_("開示を受けた日"), null=True, blank=True)
    # The footage staff found (vehicle, range, cameras), pinned by `hold`.
    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, null=True, blank=True,
                                verbose_name=_("車両"))
    start_at = models.DateTimeField(_("開始日時"), null=True, blank=True)
    end_at = models.DateTimeField(_("終了日時"), null=True, blank=True)
    channels = models.JSONField(_("カメラ"), default=list, blank=True)
    hold = models.ForeignKey(Hold, on_delete=models.PROTECT, null=True, blank=True)
    # Deadlines (`hogo.rules.requests`), recomputed whenever a wait or an extension changes.
    due_on = models.DateField(_("決定期限"), null=True, blank=True)
    extended_due_on = models.DateField(_("延長後の決定期限"), null=True, blank=True)
    extension_reason = models.TextField(_("延長の理由"), blank=True)
    extended_at = models.DateTimeField(null=True, blank=True)
    extended_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    # Art. 84: a very large request, a substantial part decided by due_on, the rest by this.
    remainder_due_on = models.DateField(_("残りの部分の決定期限"), null=True, blank=True)
    remainder_reason = models.TextField(_("期限の特例の理由"), blank=True)
    may_sue_on = models.DateField(_("訴えを提起できる日"), null=True, blank=True)
    # The fee: items counted, the amount, its payment and receipt.
    fee_items = models.PositiveIntegerField(_("手数料の対象件数"), default=1)
    fee_yen = models.PositiveIntegerField(_("手数料（円）"), default=0)
    fee_paid_at = models.DateTimeField(_("手数料の納付日時"), null=True, blank=True)
    fee_receipt_number = models.CharField(_("領収番号"), max_length=30, blank=True)
    copy_fee_yen = models.PositiveIntegerField(_("写しの交付に要する費用（円）"), default=0)
    # The decision: outcome, grounds (codes of hogo.rules.requests.GROUNDS), reasons.
    outcome = models.CharField(_("決定"), max_length=30, choices=Outcome.choices, blank=True)
    grounds = models.JSONField(_("不開示等の根拠"), default=list, blank=True)
    decision_reason = models.TextField(_("決定の理由"), blank=True)
    measures_taken = models.TextField(_("とった措置の内容"), blank=True)
    # A disclosure of provision records: the records found about the person at the decision
    # (recipient, days, data items), kept for the letter's annex though a record may be
    # erased later (its keep-until day).
    disclosed_records = models.JSONField(_("開示する第三者提供記録"), default=list, blank=True)
    # The day the decision notice went to the person (a refusal is closable once notified).
    notified_on = models.DateField(_("決定を通知した日"), null=True, blank=True)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    # The footage disclosed: copy requests made for this request, the processed copy
    # released, and — only on the privacy officer's recorded decision — an unmasked copy.
    copy_requests = models.ManyToManyField(CopyRequest, blank=True,
                                           related_name="personal_requests")
    disclosed_copy = models.ForeignKey(Copy, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="disclosed_for")
    unmasked_release_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True,
                                            blank=True, related_name="+")
    unmasked_release_at = models.DateTimeField(null=True, blank=True)
    unmasked_release_reason = models.TextField(_("マスキングせずに開示する理由"), blank=True)
    carried_out_at = models.DateTimeField(_("開示等の実施日時"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    close_note = models.TextField(_("完了・取下げの理由"), blank=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [models.UniqueConstraint(fields=["organisation", "number"],
                                               name="personal_request_number_unique")]

    def __str__(self) -> str:
        return f"{self.number} {self.requester_name}"

    def get_absolute_url(self) -> str:
        return reverse("requests:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_agent(self) -> bool:
        return self.requester_type != RequesterType.SELF

    @property
    def asks_footage(self) -> bool:
        return DisclosureOf.FOOTAGE in (self.disclosure_of or [])

    @property
    def identity_checked(self) -> bool:
        """A confirmed identity check is recorded (a decision needs one: R-603)."""
        return self.identity_checks.filter(confirmed=True).exists()

    @property
    def can_be_decided(self) -> bool:
        """In progress, the identity shown (R-603), and routed: the department that holds
        the data searched it (a public-form request arrives with none)."""
        return (self.state == RequestState.IN_PROGRESS and self.department_id is not None
                and self.identity_checked)

    @property
    def effective_due_on(self):
        return self.extended_due_on or self.due_on


class DocumentKind(models.TextChoices):
    """Documents seen to confirm identity (R-603). A My Number card is seen, its number is
    never written down."""

    DRIVING_LICENCE = "driving_licence", _("運転免許証")
    MY_NUMBER_CARD = "my_number_card", _("マイナンバーカード（個人番号は記録しない）")
    PASSPORT = "passport", _("旅券（パスポート）")
    RESIDENCE_CARD = "residence_card", _("在留カード・特別永住者証明書")
    HEALTH_INSURANCE = "health_insurance", _("健康保険の資格確認書等（他の書類と併せて）")
    PENSION_BOOK = "pension_book", _("年金手帳等（他の書類と併せて）")
    RESIDENCE_CERTIFICATE = "residence_certificate", _("住民票の写し（30日以内に作成）")
    POWER_OF_ATTORNEY = "power_of_attorney", _("委任状")
    FAMILY_REGISTER = "family_register", _("戸籍謄本等（法定代理人の資格）")
    GUARDIANSHIP = "guardianship", _("登記事項証明書（成年後見人の資格）")
    PRINCIPAL_DOCUMENT = "principal_document", _("本人の本人確認書類")
    OTHER = "other", _("その他")


class IdentityCheck(models.Model):
    """Who confirmed the requester's identity, when, from which documents (R-603)."""

    request = models.ForeignKey(PersonalRequest, on_delete=models.PROTECT,
                                related_name="identity_checks")
    documents = models.JSONField(_("確認した書類"), default=list)  # DocumentKind codes
    by_post = models.BooleanField(_("郵送による請求（写しの提出）"), default=False)
    residence_certificate_on = models.DateField(_("住民票の写しの作成日"), null=True,
                                                blank=True)
    confirmed = models.BooleanField(_("本人（代理人）であることを確認した"), default=False)
    problems = models.JSONField(default=list, blank=True)  # codes: what was missing
    note = models.TextField(_("備考"), blank=True)
    checked_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField()

    class Meta:
        ordering = ["checked_at", "pk"]

    def __str__(self) -> str:
        return f"{self.request.number} 本人確認 {self.checked_at:%Y-%m-%d}"


class IdentityImage(models.Model):
    """An image of an ID document (a postal request's copy), kept encrypted only while the
    request is open; erased with a DeletionRecord when it closes."""

    keeps_stored: ClassVar[tuple[int, Q, str]] = (
        5, Q(erased_at__isnull=True), "ID image erased; key kept: an identical file is kept")

    request = models.ForeignKey(PersonalRequest, on_delete=models.PROTECT,
                                related_name="identity_images")
    stored = models.ForeignKey(EncryptedObject, on_delete=models.PROTECT,
                               related_name="identity_images")
    filename = models.CharField(_("ファイル名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    uploaded_at = models.DateTimeField()
    erased_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.filename


class CorrectionWait(models.Model):
    """A 補正期間: the request waited for the requester to correct it; these days (both ends
    inclusive) do not count toward a public body's deadline (Art. 83(1) proviso)."""

    request = models.ForeignKey(PersonalRequest, on_delete=models.PROTECT,
                                related_name="correction_waits")
    asked_on = models.DateField(_("補正を求めた日"))
    asked_what = models.TextField(_("補正を求めた事項"))
    # The reasonable period set for the answer (相当の期間, Art. 77(3)), printed on the letter.
    reply_by = models.DateField(_("補正の期限"), null=True, blank=True)
    answered_on = models.DateField(_("補正された日"), null=True, blank=True)
    asked_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["asked_on", "pk"]

    def __str__(self) -> str:
        return f"{self.request.number} 補正 {self.asked_on}"


class Event(models.Model):
    """One line of the request's 経過: `action` is a code the page words, `detail` its values."""

    request = models.ForeignKey(PersonalRequest, on_delete=models.PROTECT,
                                related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    actor_text = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=40)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.request.number} {self.action}"
