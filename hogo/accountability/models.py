"""Models of accountability: training courses and who took them (R-905); contractors (委託先)
with their selection check, contract items, audits and incident reports (R-906);
self-inspections (自己点検) of a department, what each check found, and the findings followed
until closed (R-904).

Nothing here is deleted: a record entered wrongly is corrected by a newer one, and the audit
chain says who entered what.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from hogo import clock
from hogo.accounts.models import Department, Organisation, User


class CourseKind(models.TextChoices):
    ELEARNING = "elearning", _("eラーニング")
    SESSION = "session", _("集合研修")


class Course(models.Model):
    """A training course on personal data. `roles` lists who must take it (role codes; all
    roles but the system administrator by default); `departments`, when any, narrows it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                     related_name="courses")
    name = models.CharField(_("研修名"), max_length=200)
    kind = models.CharField(_("形式"), max_length=20, choices=CourseKind.choices)
    description = models.TextField(_("内容"), blank=True)
    roles = models.JSONField(_("受講対象の役割"), default=list)
    departments = models.ManyToManyField(Department, blank=True, related_name="+",
                                         verbose_name=_("受講対象の所属（空欄は全所属）"))
    active = models.BooleanField(_("受講を求める"), default=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class TrainingRecord(models.Model):
    """One person took one course on one day (研修記録)."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="records")
    person = models.ForeignKey(User, on_delete=models.PROTECT, related_name="training_records")
    taken_on = models.DateField(_("受講日"))
    note = models.CharField(_("備考"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-taken_on", "-pk"]
        indexes = [models.Index(fields=["person", "course", "taken_on"])]

    def __str__(self) -> str:
        return f"{self.person} {self.course} {self.taken_on}"


class Contractor(models.Model):
    """A business handling the organisation's personal data on its behalf (委託先)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                     related_name="contractors")
    name = models.CharField(_("名称"), max_length=200)
    address = models.CharField(_("所在地"), max_length=300)
    handles = models.TextField(_("委託する取扱い（個人データの内容）"))
    contact = models.CharField(_("連絡先（担当者・電話・メール）"), max_length=300)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class SelectionCheck(models.Model):
    """The check before choosing a contractor (MLIT guideline §9): each checklist item
    answered yes or no with a note, `answers` = {item: {"ok": bool, "note": str}}."""

    contractor = models.ForeignKey(Contractor, on_delete=models.PROTECT, related_name="checks")
    checked_on = models.DateField(_("確認日"))
    checked_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(default=dict)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-checked_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.contractor} {self.checked_on}"


class Contract(models.Model):
    """A signed contract with a contractor: its dates and which required clauses it holds,
    `clauses` = {item: bool}."""

    contractor = models.ForeignKey(Contractor, on_delete=models.PROTECT,
                                   related_name="contracts")
    starts_on = models.DateField(_("契約開始日"))
    ends_on = models.DateField(_("契約終了日"), null=True, blank=True)
    clauses = models.JSONField(default=dict)
    note = models.CharField(_("備考"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-starts_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.contractor} {self.starts_on}"


class ContractorAudit(models.Model):
    """A periodic audit of a contractor, done on a day by someone, with its findings."""

    contractor = models.ForeignKey(Contractor, on_delete=models.PROTECT, related_name="audits")
    done_on = models.DateField(_("実施日"))
    done_by = models.CharField(_("実施者"), max_length=200)
    findings = models.TextField(_("結果・指摘事項"))
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-done_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.contractor} {self.done_on}"


class ContractorIncidentReport(models.Model):
    """A contractor told us of an incident: entered here, it is an awareness of the incident
    (the organisation knew at the latest on the day it was told)."""

    contractor = models.ForeignKey(Contractor, on_delete=models.PROTECT,
                                   related_name="incident_reports")
    incident = models.ForeignKey("incidents.Incident", on_delete=models.PROTECT,
                                 related_name="+")
    told_on = models.DateField(_("連絡を受けた日"))
    told_by = models.CharField(_("連絡してきた人（委託先）"), max_length=200)
    what = models.TextField(_("連絡の内容"))
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-told_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.contractor} {self.told_on}"


class Inspection(models.Model):
    """A self-inspection (自己点検) of one department, or of what the organisation keeps as a
    whole (contractors) when `department` is empty. Its checks keep what hogo found on the
    day it was started, as found; it is finished when each failed check has a finding or the
    inspector's reason for none."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                     related_name="inspections")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="inspections")
    started_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField()
    finished_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+",
                                    null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    summary = models.TextField(_("総評"), blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.department or _('組織全体')} {self.started_at:%Y-%m-%d}"

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None


class InspectionCheck(models.Model):
    """One check of an inspection: its code (hogo.accountability.inspection_checks), whether
    it passed, the facts found (each {"what", "day", "why"}), and the inspector's note."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="checks")
    code = models.CharField(max_length=40)
    position = models.PositiveSmallIntegerField()
    ok = models.BooleanField()
    facts = models.JSONField(default=list)
    note = models.TextField(_("所見"), blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["inspection", "code"],
                                               name="one_check_per_code")]

    def __str__(self) -> str:
        return f"{self.inspection} {self.code}"


class FindingState(models.TextChoices):
    OPEN = "open", _("対応中")
    ANSWERED = "answered", _("対応済み（確認待ち）")
    CLOSED = "closed", _("完了")


class Finding(models.Model):
    """A finding (指摘事項) of an inspection: what must be put right, by whom and by when; its
    owner says what was done, the inspector closes it or sends it back with a reason."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT,
                                   related_name="findings")
    from_check = models.ForeignKey(InspectionCheck, on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="findings")
    number = models.PositiveSmallIntegerField()
    what = models.TextField(_("指摘事項"))
    owner = models.ForeignKey(User, on_delete=models.PROTECT, related_name="findings")
    due_on = models.DateField(_("対応期限"))
    state = models.CharField(max_length=10, choices=FindingState.choices,
                             default=FindingState.OPEN)
    raised_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField()
    action = models.TextField(_("対応内容"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    returned_reason = models.TextField(_("差戻しの理由"), blank=True)
    closed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+",
                                  null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["inspection", "number"]
        constraints = [models.UniqueConstraint(fields=["inspection", "number"],
                                               name="one_finding_number")]

    def __str__(self) -> str:
        return f"{self.inspection} #{self.number}"

    @property
    def department_id(self) -> int | None:
        """The inspected department (what the view permission reads)."""
        return self.inspection.department_id

    @property
    def can_be_answered(self) -> bool:
        return self.state == FindingState.OPEN

    @property
    def can_be_closed(self) -> bool:
        return self.state == FindingState.ANSWERED

    @property
    def is_overdue(self) -> bool:
        """Still to be answered after its due day."""
        return self.state == FindingState.OPEN and self.due_on < clock.today_jst()
