"""Complaints (苦情, R-701; APPI Art. 40): a complaint about the dashcams or the handling of
personal data, taken in by staff (counter, phone, post) or through the public form, routed to
the department concerned, answered within the policy profile's target and closed; every step
is a line of its 経過 (Event) and an audit entry.

A complainant may stay anonymous: without a name and a way to reach them no answer can be
sent, so the answer is then only a record of what was done (AnswerHow.NONE).
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hogo import clock
from hogo.accounts.models import Department, Organisation, User


class Via(models.TextChoices):
    """How the complaint reached us."""

    COUNTER = "counter", _("窓口")
    PHONE = "phone", _("電話")
    POST = "post", _("郵送・文書")
    WEB = "web", _("受付フォーム")


class Category(models.TextChoices):
    """What the complaint is about (the yearly list counts by these)."""

    FILMING = "filming", _("ドライブレコーダーによる撮影")
    FOOTAGE = "footage", _("映像データの取扱い")
    REQUEST = "request", _("請求・申請への対応")
    CONDUCT = "conduct", _("職員の対応")
    OTHER = "other", _("その他")


class State(models.TextChoices):
    """Where a complaint stands: received → assigned → answered → closed; withdrawn."""

    RECEIVED = "received", _("受付（所属の割当て待ち）")
    ASSIGNED = "assigned", _("対応中（回答待ち）")
    ANSWERED = "answered", _("回答済み（完了待ち）")
    CLOSED = "closed", _("完了")
    WITHDRAWN = "withdrawn", _("取下げ")


class AnswerHow(models.TextChoices):
    """How the answer reached the complainant; NONE when there was nobody to send it to."""

    LETTER = "letter", _("書面")
    PHONE = "phone", _("電話")
    MAIL = "mail", _("電子メール")
    COUNTER = "counter", _("窓口")
    NONE = "none", _("回答不能（匿名・連絡先なし）：対応内容の記録のみ")


# Waiting for an answer: the target day applies; overdue once it has passed.
OPEN_STATES = (State.RECEIVED, State.ASSIGNED)
DONE_STATES = (State.CLOSED, State.WITHDRAWN)


class Complaint(models.Model):
    """One complaint (R-701) with who made it, what about, where it is routed, its target day
    and its answer."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                     related_name="complaints")
    # The department that answers: named by the privacy officer or the handler entering it.
    department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="complaints",
                                   verbose_name=_("担当する所属"))
    number = models.CharField(_("受付番号"), max_length=20)
    received_via = models.CharField(_("受付方法"), max_length=10, choices=Via.choices)
    received_at = models.DateTimeField(_("登録日時"))
    received_on = models.DateField(_("受付日"))
    entered_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    state = models.CharField(_("状態"), max_length=20, choices=State.choices,
                             default=State.RECEIVED)
    # Who complains: both may stay empty (anonymous), then no answer can be sent.
    complainant_name = models.CharField(_("申出人の氏名"), max_length=200, blank=True)
    complainant_contact = models.CharField(_("申出人の連絡先"), max_length=300, blank=True)
    # What about.
    category = models.CharField(_("苦情の区分"), max_length=20, choices=Category.choices)
    text = models.TextField(_("苦情の内容"))
    vehicle_text = models.CharField(_("車両"), max_length=200, blank=True)
    place = models.CharField(_("場所"), max_length=300, blank=True)
    occurred_at = models.DateTimeField(_("日時"), null=True, blank=True)
    due_on = models.DateField(_("回答の目安日"))
    assigned_at = models.DateTimeField(null=True, blank=True)
    assigned_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    answer = models.TextField(_("回答の内容"), blank=True)
    answer_how = models.CharField(_("回答の方法"), max_length=10, choices=AnswerHow.choices,
                                  blank=True)
    answered_at = models.DateTimeField(_("回答日時"), null=True, blank=True)
    answered_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    closed_at = models.DateTimeField(_("完了日時"), null=True, blank=True)
    closed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    close_note = models.TextField(_("完了・取下げの記録"), blank=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [models.UniqueConstraint(fields=["organisation", "number"],
                                               name="complaint_number_unique")]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        """The complaint's staff page."""
        return reverse("complaints:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        """Waiting for its answer."""
        return self.state in OPEN_STATES

    @property
    def is_anonymous(self) -> bool:
        """No name given (no answer can be sent)."""
        return not self.complainant_name.strip()

    @property
    def can_reply(self) -> bool:
        """An answer can be sent only to a named complainant with a way to reach them."""
        return bool(self.complainant_name.strip() and self.complainant_contact.strip())

    @property
    def can_be_assigned(self) -> bool:
        """Routing (or re-routing) is possible until it is answered."""
        return self.state in OPEN_STATES

    @property
    def can_be_answered(self) -> bool:
        """An answer is recorded once, while it is open."""
        return self.state in OPEN_STATES

    @property
    def can_be_closed(self) -> bool:
        """Closing needs the answer first."""
        return self.state == State.ANSWERED

    @property
    def can_be_withdrawn(self) -> bool:
        """Withdrawal is possible until it is answered."""
        return self.state in OPEN_STATES

    def overdue_on(self, today: dt.date) -> bool:
        """Still waiting for its answer after the target day."""
        return self.is_open and self.due_on < today

    @property
    def answered_on(self) -> dt.date | None:
        """The Japanese date of the answer (None while unanswered)."""
        return clock.jst_date(self.answered_at) if self.answered_at else None

    @property
    def within_target(self) -> bool | None:
        """Answered by the target day (None while unanswered)."""
        day = self.answered_on
        return None if day is None else day <= self.due_on


class Event(models.Model):
    """One line of the complaint's 経過: `action` is a code the page words, `detail` its
    values (plain strings, numbers, ISO dates)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    actor_text = models.CharField(max_length=200, blank=True)  # the complainant, the system
    action = models.CharField(max_length=40)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.complaint.number} {self.action}"
