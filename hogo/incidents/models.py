"""Leak and loss incidents (漏えい等事案) and everything that follows from one (R-801–R-808).

An incident keeps its awareness events (覚知): the organisation "knew" on the earliest of them,
whoever that was (R-802), so a person is stored by name and section as they were then, not only
as a link to a user who may have left. Facts drive the assessment (hogo.rules.incidents); each
change re-evaluates it and leaves an event in the timeline (経過). Reports filed, follow-through
steps and the Japanese documents hang off the incident.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from hogo.accounts.models import Department, Organisation, User


class IncidentKind(models.TextChoices):
    LOSS = "loss", _("紛失")
    THEFT = "theft", _("盗難")
    MISDELIVERY = "misdelivery", _("誤送付・誤送信")
    INTRUSION = "intrusion", _("不正アクセス")
    INSIDER = "insider", _("内部不正")
    DISCLOSURE = "disclosure", _("誤公開・誤交付")
    DAMAGE = "damage", _("滅失・毀損")
    OTHER = "other", _("その他")


class IncidentState(models.TextChoices):
    OPEN = "open", _("対応中")
    CLOSED = "closed", _("完了")


class Incident(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                     related_name="incidents")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="incidents")
    number = models.CharField(_("事案番号"), max_length=20)
    title = models.CharField(_("件名"), max_length=200)
    kind = models.CharField(_("事案の種類"), max_length=20, choices=IncidentKind.choices)
    what_happened = models.TextField(_("何が起きたか"))
    occurred_from = models.DateField(_("発生日（から）"), null=True, blank=True)
    occurred_to = models.DateField(_("発生日（まで）"), null=True, blank=True)
    data_items = models.TextField(_("漏えい等した個人データの項目"), blank=True)
    reported_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(_("報告日時"))
    state = models.CharField(_("状態"), max_length=10, choices=IncidentState.choices,
                             default=IncidentState.OPEN)
    # Facts (each "is or may be", R-803)
    people = models.PositiveIntegerField(_("本人の数"), null=True, blank=True)
    people_basis = models.CharField(_("人数の根拠"), max_length=300, blank=True)
    sensitive = models.BooleanField(_("要配慮個人情報を含む（おそれ）"), default=False)
    financial = models.BooleanField(_("財産的被害のおそれ"), default=False)
    unauthorised = models.BooleanField(_("不正の目的によるおそれ"), default=False)
    encrypted = models.BooleanField(_("高度な暗号化等の秘匿化"), default=False)
    # The items of the local ordinance's 条例要配慮個人情報 (profile
    # `incidents.ordinance_sensitive_items`) that are or may be involved (Rules Art. 43).
    ordinance_items = models.JSONField(_("条例要配慮個人情報（該当する記述等）"), default=list,
                                       blank=True)
    # The last assessment, kept so a change of reportability is visible and audited.
    reportable = models.BooleanField(default=False)
    criteria = models.JSONField(default=list, blank=True)
    # True while nothing applies but the people count is unknown (hogo.rules Assessment.pending)
    reportability_pending = models.BooleanField(default=False)
    voluntary_report = models.BooleanField(_("任意に報告する"), default=False)
    # For the reports, editable as the investigation proceeds.
    cause = models.TextField(_("発生原因"), blank=True)
    secondary_harm = models.TextField(_("二次被害又はそのおそれの有無及びその内容"), blank=True)
    persons_response = models.TextField(_("本人への対応の実施状況"), blank=True)
    publication = models.TextField(_("公表の実施状況"), blank=True)
    prevention_done = models.TextField(_("再発防止のための措置（実施済み）"), blank=True)
    prevention_planned = models.TextField(_("再発防止のための措置（実施予定）"), blank=True)
    other = models.TextField(_("その他参考となる事項"), blank=True)
    contact = models.CharField(_("問い合わせ先"), max_length=300, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")

    class Meta:
        ordering = ["-reported_at"]
        constraints = [models.UniqueConstraint(fields=["organisation", "number"],
                                               name="incident_number_unique")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("incidents:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state == IncidentState.OPEN

    @property
    def can_be_changed(self) -> bool:
        """Facts, awareness, links, steps and filings change only while the incident is open;
        a closed one is a record (R-807)."""
        return self.is_open

    @property
    def can_be_closed(self) -> bool:
        """Closing is offered while open; whether every step and report is done is the
        service's check (`services.close`), which says what is missing."""
        return self.is_open


class AwarenessSource(models.TextChoices):
    STAFF = "staff", _("職員")
    FORMER_STAFF = "former_staff", _("元職員")
    CONTRACTOR = "contractor", _("委託先からの連絡")
    PERSON = "person", _("本人・市民からの連絡")
    POLICE = "police", _("警察等からの連絡")
    SYSTEM = "system", _("システム（棚卸し等）")


# How hogo itself records a first awareness: stored in Japanese, shown translated.
SYSTEM_HOW = (gettext_noop("報告者本人が気付いた"), gettext_noop("棚卸しで所在を確認できなかった"))


class Awareness(models.Model):
    """Someone in (or told on behalf of) the organisation learning of the incident."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="awareness")
    person_name = models.CharField(_("氏名"), max_length=100)
    person_section = models.CharField(_("所属（当時）"), max_length=200, blank=True)
    user = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+")
    source = models.CharField(_("覚知の経緯"), max_length=20, choices=AwarenessSource.choices)
    # knew_on: the day this person knew (the earliest day, if known only as a range);
    # knew_on_latest: the latest day it may have been, for a range (see rules Facts).
    knew_on = models.DateField(_("知った日（から）"))
    knew_on_latest = models.DateField(_("知った日（まで・推定の場合）"), null=True, blank=True)
    how = models.CharField(_("どのように知ったか"), max_length=300)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["knew_on", "recorded_at"]

    def __str__(self) -> str:
        return f"{self.person_name} {self.knew_on}"

    @property
    def how_shown(self) -> str:
        """`how` in the reader's language when hogo wrote it; as typed otherwise."""
        from django.utils.translation import gettext

        return gettext(self.how) if self.how in SYSTEM_HOW else self.how


class Link(models.Model):
    """What an incident involves: a medium, a copy, an original, or data described in words."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="links")
    medium = models.ForeignKey("media.Medium", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+")
    copy = models.ForeignKey("copies.Copy", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+")
    segment = models.ForeignKey("footage.Segment", on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+")
    description = models.CharField(_("内容"), max_length=500)
    people = models.PositiveIntegerField(_("人数（延べ）"), null=True, blank=True)

    def __str__(self) -> str:
        return self.description


class ReportKind(models.TextChoices):
    PRELIMINARY = "preliminary", _("速報")
    FINAL = "final", _("確報")
    ASSOCIATION = "association", _("全指連への報告")


class Filing(models.Model):
    """A report actually filed (to the PPC, or a driving school's to the association)."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="filings")
    kind = models.CharField(_("報告の種類"), max_length=20, choices=ReportKind.choices)
    filed_on = models.DateField(_("提出日"))
    due_on = models.DateField(_("期限"), null=True, blank=True)
    days_late = models.PositiveIntegerField(_("遅延日数"), default=0)
    reference = models.CharField(_("受付番号等"), max_length=100, blank=True)
    filed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["filed_on"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.filed_on}"


class StepKind(models.TextChoices):
    CONTAIN = "contain", _("被害の拡大防止")
    INVESTIGATE = "investigate", _("事実関係・原因の調査")
    SCOPE = "scope", _("影響範囲の特定")
    PREVENTION = "prevention", _("再発防止策の検討・実施")
    NOTIFY = "notify", _("本人への通知")
    PUBLISH = "publish", _("事実関係及び再発防止策の公表")
    ASSOCIATION = "association", _("全指連への報告")


# Steps that may be decided unnecessary, with a reason (notice impossible, so published
# instead; 003 Art. 41's two exemptions for the association report).
WAIVABLE_STEPS = frozenset({StepKind.NOTIFY, StepKind.PUBLISH, StepKind.ASSOCIATION})


class Step(models.Model):
    """A follow-through step (R-807); mandatory open steps keep the incident open."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="steps")
    kind = models.CharField(_("対応"), max_length=20, choices=StepKind.choices)
    mandatory = models.BooleanField(_("必須"), default=True)
    owner = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("担当者"))
    due_on = models.DateField(_("期限"), null=True, blank=True)
    done_at = models.DateTimeField(_("完了日時"), null=True, blank=True)
    done_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")
    evidence = models.TextField(_("実施内容・根拠"), blank=True)
    waived_reason = models.CharField(_("不要とした理由"), max_length=300, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def can_be_completed(self) -> bool:
        """A step is recorded done (or waived) once; after that it is a record."""
        return self.done_at is None

    @property
    def can_be_waived(self) -> bool:
        return self.can_be_completed and self.kind in WAIVABLE_STEPS


class Event(models.Model):
    """One line of the incident's timeline (経過).

    `text` is the Japanese written at the time (kept for old rows and plain readers);
    `message` the same line as a message id and parameters (`hogo.incidents.texts.Text`),
    rendered in the reader's language by `shown`. Rows from before have no `message`."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField()
    kind = models.CharField(max_length=40)
    text = models.TextField()
    message = models.JSONField(default=dict, blank=True)
    user = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+")

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def shown(self) -> str:
        """The line in the reader's language (the stored Japanese for rows without one)."""
        from hogo.incidents.texts import Text

        if self.message.get("msgid"):
            return Text.from_json(self.message).render()
        return self.text


class DocumentKind(models.TextChoices):
    PPC_REPORT = "ppc_report", _("個人情報保護委員会への報告書")
    PERSON_NOTICE = "person_notice", _("本人への通知文")
    ANNOUNCEMENT = "announcement", _("公表文（報道発表資料）")
    ASSOCIATION_REPORT = "association_report", _("全指連への報告書")


class Document(models.Model):
    """A Japanese document generated from the incident, edited, then issued (frozen).

    A kind of document may have several versions (版): once one is issued, a new version is
    drafted from the facts as they then stand (the PPC report's 確報 after its 速報), and the
    issued ones are kept as they were. `stage` says which report a PPC report version is."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("文書"), max_length=20, choices=DocumentKind.choices)
    version = models.PositiveIntegerField(_("版"), default=1)
    stage = models.CharField(_("報告の区分"), max_length=20, blank=True,
                             choices=[("preliminary", _("速報")), ("final", _("確報"))])
    sections = models.JSONField(default=list)  # [{"key", "heading", "text"}] in form order
    edited_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    edited_at = models.DateTimeField(null=True, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")

    class Meta:
        ordering = ["kind", "version"]
        constraints = [models.UniqueConstraint(fields=["incident", "kind", "version"],
                                               name="one_document_version_per_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version} ({self.incident_id})"
