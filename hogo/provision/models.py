"""Third-party provision (第三者提供, R-501-R-505): the request, its decision, the hand-over
of a copy to the recipient with the recipient's undertakings, and the records the Act asks of
a business (provision records, Art. 29; receipt records, Art. 30) with their keep-until days.

A request pins the originals it asks for (a footage Hold of kind provision_request) from the
moment its vehicle and time range are known until it closes, so the ring buffer cannot erase
what is still being decided about. Approving opens copy requests through the copy workflow.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hogo.accounts.models import Department, Organisation, User
from hogo.copies.models import Copy, CopyRequest
from hogo.footage.models import EncryptedObject, Hold
from hogo.media.models import Medium
from hogo.registry.models import Vehicle


class RecipientKind(models.TextChoices):
    """Who asks (codes of `hogo.rules.provision.RECIPIENT_KINDS`)."""

    GOVERNMENT_BODY = "government_body", _("国の機関・地方公共団体")
    POLICE = "police", _("警察")
    COURT = "court", _("裁判所")
    BAR_ASSOCIATION = "bar_association", _("弁護士会")
    INSURER = "insurer", _("保険会社")
    INDIVIDUAL = "individual", _("個人（事故の相手方など）")
    BUSINESS = "business", _("事業者")
    ACADEMIC_INSTITUTION = "academic_institution", _("学術研究機関等")
    CONTRACTOR = "contractor", _("委託先")
    JOINT_USER = "joint_user", _("共同利用者")
    SUCCESSOR = "successor", _("事業の承継者")


class Basis(models.TextChoices):
    """The legal basis the request states (codes of `hogo.rules.provision.BASES`)."""

    WARRANT = "warrant", _("令状（差押許可状等）")
    CCP_197_2 = "ccp_197_2", _("捜査関係事項照会（刑事訴訟法第197条第2項）")
    COURT = "court", _("裁判所の命令・文書送付嘱託等")
    BAR_ASSOCIATION = "bar_association", _("弁護士会照会（弁護士法第23条の2）")
    STATUTE = "statute", _("その他の法令の規定")
    CONSENT = "consent", _("本人の同意")
    LIFE_BODY_PROPERTY = "life_body_property", _("人の生命、身体又は財産の保護")
    PUBLIC_HEALTH = "public_health", _("公衆衛生の向上・児童の健全な育成")
    PUBLIC_COOPERATION = "public_cooperation", _("国の機関等の法令の定める事務への協力")
    RESEARCH = "research", _("統計の作成・学術研究")
    PERSON_INTEREST = "person_interest", _("明らかに本人の利益になる")
    OTHER = "other", _("その他")


class RecordForm(models.TextChoices):
    """How a provision (or receipt) is recorded (Rules Art. 19): one record per provision,
    one record for repeated provision to the same recipient, or the contract itself."""

    SINGLE = "single", _("提供の都度作成")
    REPEATED = "repeated", _("継続・反復する提供を一括して作成")
    CONTRACT = "contract", _("契約書等で代替")


class Received(models.TextChoices):
    LETTER = "letter", _("書面（窓口・郵送）")
    WEB = "web", _("申請フォーム")


class RequestState(models.TextChoices):
    INCOMPLETE = "incomplete", _("受付前（補正待ち）")
    RECEIVED = "received", _("受付済み（決定待ち）")
    SECOND_APPROVAL = "second_approval", _("第二承認待ち")
    APPROVED = "approved", _("提供決定（引渡し準備中）")
    HANDED_OVER = "handed_over", _("引渡し済み（消去等の確認待ち）")
    REFUSED = "refused", _("不提供決定")
    WITHDRAWN = "withdrawn", _("取下げ・受付不可")
    CLOSED = "closed", _("完了")


class Outcome(models.TextChoices):
    APPROVE = "approve", _("提供する")
    PARTIAL = "partial", _("一部を提供する")
    REFUSE = "refuse", _("提供しない")


OPEN_STATES = (RequestState.INCOMPLETE, RequestState.RECEIVED, RequestState.SECOND_APPROVAL,
               RequestState.APPROVED, RequestState.HANDED_OVER)


class ProvisionRequest(models.Model):
    """A request for footage from outside (the own rule's Art. 9 items; R-501)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                     related_name="provision_requests")
    # The department whose manager decides: the vehicle's, once known.
    department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="provision_requests")
    number = models.CharField(_("受付番号"), max_length=20)
    received_via = models.CharField(_("受付方法"), max_length=10, choices=Received.choices)
    state = models.CharField(_("状態"), max_length=20, choices=RequestState.choices,
                             default=RequestState.INCOMPLETE)
    # Who asks (Art. 9(1)): a person's name and address; an organisation's name, address,
    # representative and the person in charge.
    recipient_kind = models.CharField(_("請求者の区分"), max_length=20,
                                      choices=RecipientKind.choices)
    requester_name = models.CharField(_("氏名又は名称"), max_length=200, blank=True)
    requester_address = models.CharField(_("住所又は所在地"), max_length=300, blank=True)
    is_organisation = models.BooleanField(_("法人・団体等"), default=False)
    representative = models.CharField(_("代表者の氏名"), max_length=200, blank=True)
    person_in_charge = models.CharField(_("責任者（担当者）の氏名"), max_length=200, blank=True)
    phone = models.CharField(_("電話番号"), max_length=40, blank=True)
    email = models.EmailField(_("メールアドレス"), blank=True)
    # The legal basis (Art. 9(2)) and the letter that states it.
    basis = models.CharField(_("提供を求める根拠"), max_length=30, choices=Basis.choices,
                             blank=True)
    basis_detail = models.CharField(_("根拠の詳細（法令名・条項など）"), max_length=300,
                                    blank=True)
    letter_reference = models.CharField(_("文書番号"), max_length=100, blank=True)
    letter_date = models.DateField(_("文書の日付"), null=True, blank=True)
    # The purpose (Art. 9(3)).
    purpose = models.TextField(_("提供を求める目的"), blank=True)
    # The data (Art. 9(4)): a vehicle (or where it was, when staff do not know which yet),
    # the time range, the cameras, sound.
    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, null=True, blank=True,
                                verbose_name=_("車両"))
    vehicle_text = models.CharField(_("車両（登録番号など・申請者の記載）"), max_length=200,
                                    blank=True)
    place = models.CharField(_("場所"), max_length=300, blank=True)
    start_at = models.DateTimeField(_("開始日時"), null=True, blank=True)
    end_at = models.DateTimeField(_("終了日時"), null=True, blank=True)
    channels = models.JSONField(_("カメラ"), default=list, blank=True)
    audio = models.BooleanField(_("音声を含める"), default=False)
    # What the business regime asks about the persons' consent (Art. 27).
    consent_on = models.DateField(_("本人の同意を得た日"), null=True, blank=True)
    opt_out_on = models.DateField(_("オプトアウトの届出日"), null=True, blank=True)
    sensitive = models.BooleanField(_("要配慮個人情報を含む"), default=False)
    record_form = models.CharField(_("記録の作成方法"), max_length=10,
                                   choices=RecordForm.choices, default=RecordForm.SINGLE)
    # Intake.
    received_at = models.DateTimeField(_("受付日時"))
    entered_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    missing = models.JSONField(_("不足している事項"), default=list, blank=True)
    accepted_at = models.DateTimeField(_("受付完了日時"), null=True, blank=True)
    accepted_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    due_on = models.DateField(_("決定の目安日"), null=True, blank=True)
    hold = models.ForeignKey(Hold, on_delete=models.PROTECT, null=True, blank=True)
    # The legal assessment (hogo.rules.provision) as last computed, kept for the page.
    assessment = models.JSONField(default=dict, blank=True)
    # Decision (by the department's manager; a second approver when the profile says so).
    outcome = models.CharField(_("決定"), max_length=10, choices=Outcome.choices, blank=True)
    decision_reason = models.TextField(_("決定の理由"), blank=True)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    approved_start_at = models.DateTimeField(_("提供する範囲（開始）"), null=True, blank=True)
    approved_end_at = models.DateTimeField(_("提供する範囲（終了）"), null=True, blank=True)
    approved_channels = models.JSONField(_("提供するカメラ"), default=list, blank=True)
    approved_audio = models.BooleanField(_("音声を提供する"), default=False)
    second_decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True,
                                          blank=True, related_name="+")
    second_decided_at = models.DateTimeField(null=True, blank=True)
    copy_requests = models.ManyToManyField(CopyRequest, blank=True,
                                           related_name="provision_requests")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    close_note = models.TextField(_("完了・取下げの理由"), blank=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [models.UniqueConstraint(fields=["organisation", "number"],
                                               name="provision_number_unique")]

    def __str__(self) -> str:
        return f"{self.number} {self.requester_name}"

    def get_absolute_url(self) -> str:
        return reverse("provision:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def can_be_accepted(self) -> bool:
        return self.state == RequestState.INCOMPLETE

    @property
    def state_label(self) -> str:
        """The state as people read it: a request waiting to be taken in with nothing
        missing is 「受付待ち」, not 「補正待ち」 (its stored state stays INCOMPLETE)."""
        if self.state == RequestState.INCOMPLETE and not self.missing:
            return str(_("受付待ち"))
        return str(self.get_state_display())

    @property
    def can_be_decided(self) -> bool:
        return self.state == RequestState.RECEIVED

    @property
    def can_be_second_approved(self) -> bool:
        return self.state == RequestState.SECOND_APPROVAL

    @property
    def can_be_handed_over(self) -> bool:
        return self.state in (RequestState.APPROVED, RequestState.HANDED_OVER)


class Attachment(models.Model):
    """A scanned letter or other document, kept as an encrypted object."""

    keeps_stored: ClassVar[tuple[int, Q, str]] = (
        5, Q(erased_at__isnull=True), "attachment erased; key kept: an identical file is kept")

    request = models.ForeignKey(ProvisionRequest, on_delete=models.PROTECT,
                                related_name="attachments")
    stored = models.ForeignKey(EncryptedObject, on_delete=models.PROTECT,
                               related_name="provision_attachments")
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


class Event(models.Model):
    """One line of the request's 経過: `action` is a code the page words, `detail` its values."""

    request = models.ForeignKey(ProvisionRequest, on_delete=models.PROTECT,
                                related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    actor_text = models.CharField(max_length=200, blank=True)  # a requester, the system
    action = models.CharField(max_length=40)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.request.number} {self.action}"


class Method(models.TextChoices):
    MEDIUM = "medium", _("記録媒体で手渡し・送付")
    LINK = "link", _("ダウンロードリンク")


class ErasureHow(models.TextChoices):
    ERASED = "erased", _("消去")
    RETURNED = "returned", _("記録媒体の返却")
    DESTROYED = "destroyed", _("破砕等")


class HandOver(models.Model):
    """A copy given to the recipient, with the undertakings (own rule Art. 10; R-502) and the
    confirmation of erasure, return or destruction that is chased until recorded."""

    request = models.ForeignKey(ProvisionRequest, on_delete=models.PROTECT,
                                related_name="handovers")
    copy = models.ForeignKey(Copy, on_delete=models.PROTECT, related_name="handovers")
    method = models.CharField(_("引渡しの方法"), max_length=10, choices=Method.choices)
    medium = models.ForeignKey(Medium, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="handovers")
    recipient_name = models.CharField(_("受領者の氏名"), max_length=200)
    prepared_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    prepared_at = models.DateTimeField(_("引渡し日時"))
    password_fingerprint = models.CharField(max_length=64, blank=True)
    package_sha256 = models.CharField(max_length=64, blank=True)
    undertaking_confirmed_at = models.DateTimeField(_("遵守事項の確認日時"), null=True,
                                                    blank=True)
    undertaking_confirmed_name = models.CharField(_("遵守事項を確認した者"), max_length=200,
                                                  blank=True)
    undertaking_how = models.CharField(_("確認の方法"), max_length=100, blank=True)
    erasure_due_on = models.DateField(_("消去等の確認期限"))
    erasure_confirmed_at = models.DateTimeField(_("消去等の確認日時"), null=True, blank=True)
    erasure_how = models.CharField(_("処理の内容"), max_length=10, choices=ErasureHow.choices,
                                   blank=True)
    erasure_note = models.TextField(_("確認の内容"), blank=True)
    erasure_recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True,
                                            blank=True, related_name="+")

    class Meta:
        ordering = ["-prepared_at"]

    def __str__(self) -> str:
        return f"{self.request.number} → {self.recipient_name}"

    @property
    def department_id(self) -> int | None:
        return self.request.department_id

    @property
    def erasure_confirmed(self) -> bool:
        return self.erasure_confirmed_at is not None

    def erasure_overdue(self, today: dt.date) -> bool:
        return not self.erasure_confirmed and today > self.erasure_due_on


class DownloadLink(models.Model):
    """A link the recipient fetches the encrypted package from: it expires, works once, can be
    revoked, and every fetch (or refused attempt) is logged. Only the token's hash is kept."""

    keeps_stored: ClassVar[tuple[int, Q, str]] = (
        6, Q(package_erased_at__isnull=True), "package erased; key kept: shared content")

    handover = models.ForeignKey(HandOver, on_delete=models.PROTECT, related_name="links")
    recipient_name = models.CharField(_("受領者の氏名"), max_length=200)
    recipient_email = models.EmailField(_("受領者のメールアドレス"), blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    package = models.ForeignKey(EncryptedObject, on_delete=models.PROTECT, null=True,
                                blank=True, related_name="provision_links")
    filename = models.CharField(max_length=200)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(_("有効期限"))
    used_at = models.DateTimeField(_("受領日時"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("取消日時"), null=True, blank=True)
    revoked_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    package_erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} → {self.recipient_name}"

    def usable(self, now: dt.datetime) -> bool:
        return self.used_at is None and self.revoked_at is None and now < self.expires_at


class Fetch(models.Model):
    """One attempt to fetch a link, whatever its outcome (also in the audit chain)."""

    link = models.ForeignKey(DownloadLink, on_delete=models.PROTECT, related_name="fetches")
    at = models.DateTimeField()
    outcome = models.CharField(max_length=20)  # delivered, expired, used, revoked
    address = models.CharField(max_length=64, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.link_id} {self.outcome}"


class KeptRecord(models.Model):
    """What a provision record and a receipt record share: whose it is, how it is made
    (Rules Arts. 19, 23), the persons and data items, and the keep-until day after which the
    daily job erases it (Rules Arts. 21, 25)."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+")
    form = models.CharField(_("記録の作成方法"), max_length=10, choices=RecordForm.choices)
    consent = models.CharField(_("本人の同意を得ている旨"), max_length=300, blank=True)
    persons = models.TextField(_("本人を特定するに足りる事項"))
    data_items = models.TextField(_("個人データの項目"))
    keep_until = models.DateField(_("保存期限"), null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField()
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    @property
    def is_kept(self) -> bool:
        return self.erased_at is None


class ProvisionRecord(KeptRecord):
    """A provision record (提供記録, Act Art. 29; items Rules Art. 20), kept until `keep_until`
    (Rules Art. 21) and then erased by the daily job."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                     related_name="provision_records")
    request = models.ForeignKey(ProvisionRequest, on_delete=models.PROTECT, null=True,
                                blank=True, related_name="records")
    opt_out_on = models.DateField(_("オプトアウトの届出日"), null=True, blank=True)
    recipient_name = models.CharField(_("第三者の氏名又は名称"), max_length=200)
    recipient_address = models.CharField(_("第三者の住所"), max_length=300, blank=True)
    recipient_representative = models.CharField(_("代表者の氏名"), max_length=200, blank=True)
    provided_on = models.JSONField(_("提供年月日"), default=list)  # ISO days, ascending

    def __str__(self) -> str:
        return f"提供記録 #{self.pk} {self.recipient_name}"


class ReceiptRecord(KeptRecord):
    """A receipt record (確認記録, Act Art. 30; items Rules Art. 24, retention Art. 25): data we
    received from a third party, the provider and how the provider obtained it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                     related_name="receipt_records")
    provider_name = models.CharField(_("提供者の氏名又は名称"), max_length=200)
    provider_address = models.CharField(_("提供者の住所"), max_length=300)
    provider_representative = models.CharField(_("代表者の氏名"), max_length=200, blank=True)
    how_obtained = models.TextField(_("提供者による取得の経緯"))
    received_on = models.JSONField(_("受領年月日"), default=list)  # ISO days, ascending

    def __str__(self) -> str:
        return f"確認記録 #{self.pk} {self.provider_name}"
