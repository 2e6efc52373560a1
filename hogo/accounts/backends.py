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
        address = lockout.client_address(request)
        if lockout.throttled(address):
            lockout.refuse_throttled(address, username)
            return None
        user = User.objects.filter(username=username, is_active=True).first()
        attempt = None
        if user is not None:
            attempt = lockout.begin_attempt(user)  # before the slow hash: see lockout.py
            if attempt is None:
                lockout.refuse_locked(user)
                return None
        authenticated = super().authenticate(request, username=username, password=password)
        if authenticated is None:
            if attempt is None:
                lockout.count_unknown(address, username)
            else:
                lockout.fail_attempt(attempt, username, address)
            return None
        if authenticated.totp_enabled and attempt is not None:
            lockout.give_back(attempt)  # with TOTP, only a good code resets the count
        else:
            lockout.reset(authenticated)
        return authenticated

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return allows(user_obj, perm, obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return allows_admin_module(user_obj, app_label)

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()
