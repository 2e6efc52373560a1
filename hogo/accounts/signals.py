"""Log-ins and log-outs go to the audit chain; users can never be deleted (R-103)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models import ProtectedError
from django.db.models.signals import pre_delete
from django.dispatch import receiver

from hogo.accounts.models import User
from hogo.audit import services as audit


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    audit.record("login.succeeded", user=user, obj=user)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        audit.record("logout", user=user, obj=user)


@receiver(pre_delete, sender=User)
def _never_delete(sender: Any, instance: User, **kwargs: Any) -> None:
    raise ProtectedError("users are disabled when they leave, never deleted", {instance})
