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
    message = models.TextField(_("内容"))
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
