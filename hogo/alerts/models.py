"""In-app alerts: problems a person must see and acknowledge (integrity, capacity, overdue).

An alert belongs to one person (its recipient), to a department (its manager sees it) or to
the whole organisation (the privacy officer sees every alert without a recipient). An open
alert with the same key is not raised twice.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from hogo.accounts.models import Department, User


class Alert(models.Model):
    kind = models.CharField(max_length=60)
    key = models.CharField(max_length=200, db_index=True)
    message = models.TextField(_("内容"))  # as written (Japanese), for old rows and logs
    # Set when raised with an AlertText: rendered at display in the reader's language.
    message_id = models.TextField(blank=True, default="")
    params = models.JSONField(default=dict, blank=True)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True, blank=True)
    # An alert for one person (an incident report to a section head) shows only to them.
    recipient = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="alerts")
    link = models.CharField(max_length=200, blank=True)  # where to act on it
    created_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        db_table = "web_alert"  # created by the web app before alerts had an app of their own

    def __str__(self) -> str:
        return self.message[:60]

    @property
    def text(self) -> str:
        """The message in the reader's language: rendered from its id when it has one; a
        stored Japanese text otherwise (its ISO dates in the Japanese era on Japanese pages)."""
        from django.utils import translation

        from hogo.alerts.text import AlertText, era_dates

        if self.message_id:
            return AlertText.stored(self.message_id, self.params).render()
        return self.message if translation.get_language() == "en" else era_dates(self.message)

    @property
    def kind_label(self) -> str:
        from hogo.alerts.text import kind_label

        return kind_label(self.kind)

    @property
    def translated(self) -> bool:
        """False when only the Japanese text written at the time exists."""
        return bool(self.message_id)
