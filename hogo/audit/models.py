"""One link of the audit chain (監査ログ).

Each entry carries the hash of the one before it, and its own hash over a canonical JSON of its
fields, so a changed, removed or reordered row breaks the chain at that row. The table is
append-only in the database itself (triggers, see triggers.py), not just by convention.
"""

from __future__ import annotations

from django.db import models


class AuditEntry(models.Model):
    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField()
    actor = models.CharField(max_length=150)  # "user:alice", "token:depot-1", "system"
    actor_user_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=80, blank=True)
    purpose = models.TextField(blank=True)
    detail = models.TextField(blank=True)  # canonical JSON text, hashed as stored
    request_id = models.CharField(max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["at"])]
        verbose_name = "監査ログ"

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.actor}"
