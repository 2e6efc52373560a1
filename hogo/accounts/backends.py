"""Authentication by username and password with lock-out; authorisation by hogo's rules.

Django's `user.has_perm` (used by the admin and templates) is answered by the one permission
layer in permissions.py, never by Django's per-user permission tables.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from hogo.accounts import lockout
from hogo.accounts.models import User
from hogo.accounts.permissions import allows, allows_admin_module


class RoleBackend(ModelBackend):
    def authenticate(self, request: Any, username: str | None = None,
                     password: str | None = None, **kwargs: Any) -> User | None:
        if username is None or password is None:
            return None
        user = User.objects.filter(username=username).first()
        if user is not None and user.is_locked:
            lockout.refuse_locked(user)
            return None
        authenticated = super().authenticate(request, username=username, password=password)
        if authenticated is None:
            lockout.count_failure(user, username)
            return None
        if not authenticated.totp_enabled:  # with TOTP, only a good code resets the count
            lockout.reset(authenticated)
        return authenticated

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return allows(user_obj, perm, obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return allows_admin_module(user_obj, app_label)

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()
