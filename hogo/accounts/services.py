"""Account rules: log-in with lock-out and TOTP, operator designation, leavers, machine tokens.

Every change here is written to the audit chain in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from enum import StrEnum

import pyotp
from django.contrib.auth import authenticate
from django.db import DatabaseError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from hogo import clock
from hogo.accounts import designation_checks, lockout
from hogo.accounts.models import (
    Department,
    MachineToken,
    OperatorDesignation,
    Organisation,
    Role,
    User,
)
from hogo.accounts.permissions import allows
from hogo.audit import services as audit


class LoginOutcome(StrEnum):
    OK = "ok"
    INVALID = "invalid"
    LOCKED = "locked"
    THROTTLED = "throttled"  # too many failures from this client address (lockout.py)
    TOTP_REQUIRED = "totp_required"


@dataclass(frozen=True)
class LoginResult:
    outcome: LoginOutcome
    user: User | None = None


class AccountError(ValueError):
    """A refused account change; the (translatable) message is shown to the user."""


def attempt_login(request: HttpRequest | None, username: str, password: str) -> LoginResult:
    """Check a password (the backend counts failures, locks and throttles: see lockout.py)."""
    authenticated = authenticate(request, username=username, password=password)
    if authenticated is None:
        if lockout.throttled(lockout.client_address(request)):
            return LoginResult(LoginOutcome.THROTTLED)
        user = User.objects.filter(username=username).first()
        locked = user is not None and user.is_locked
        return LoginResult(LoginOutcome.LOCKED if locked else LoginOutcome.INVALID, user)
    if authenticated.totp_enabled:
        return LoginResult(LoginOutcome.TOTP_REQUIRED, authenticated)
    return LoginResult(LoginOutcome.OK, authenticated)


def new_totp_secret(user: User) -> str:
    """Start TOTP enrolment: a secret that takes effect once a code from it is confirmed."""
    if not allows(user, "accounts.use_totp"):
        raise AccountError(_("二要素認証は管理責任者と個人情報保護管理者が利用できます。"))
    user.totp_secret = pyotp.random_base32()
    user.totp_enabled = False
    user.save(update_fields=["totp_secret", "totp_enabled"])
    return user.totp_secret


def totp_uri(user: User) -> str:
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.username, issuer_name="hogo")


def _totp_step(user: User, code: str) -> int | None:
    """The time step a code belongs to (now, or one step either side), or None."""
    if not user.totp_secret:
        return None
    totp, now = pyotp.TOTP(user.totp_secret), clock.now()
    for drift in (0, -1, 1):
        at = now.timestamp() + drift * totp.interval
        if secrets.compare_digest(totp.at(at), code.strip()):
            return int(at // totp.interval)
    return None


def check_totp(user: User, code: str) -> bool:
    return _totp_step(user, code) is not None


def accept_totp(user: User, code: str) -> bool:
    """A log-in code: valid, and from a later time step than the last one used (no replay)."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        step = _totp_step(user, code)
        if step is None or step <= user.totp_last_step:
            return False
        user.totp_last_step = step
        user.save(update_fields=["totp_last_step"])
    return True


def confirm_totp(user: User, code: str) -> None:
    if not check_totp(user, code):
        raise AccountError(_("確認コードが一致しません。"))
    with transaction.atomic():
        user.totp_enabled = True
        user.save(update_fields=["totp_enabled"])
        audit.record("account.totp_enabled", user=user, obj=user)


def disable_totp(user: User) -> None:
    with transaction.atomic():
        user.totp_enabled, user.totp_secret = False, ""
        user.save(update_fields=["totp_enabled", "totp_secret"])
        audit.record("account.totp_disabled", user=user, obj=user)


def designate_operator(manager: User, staff: User) -> OperatorDesignation:
    """The manager designates a staff member of their department as operator (Art. 4(3)); the
    checks apps above register (`designation_checks`) may warn (kept on the designation and in
    its audit entry) or refuse."""
    if not allows(manager, "accounts.designate_operator", staff):
        raise AccountError(_("操作取扱者を指定できるのは、その職員の所属の管理責任者だけです。"))
    if not staff.is_active:
        raise AccountError(_("無効化されたアカウントは指定できません。"))
    if staff.is_operator:
        raise AccountError(_("既に操作取扱者に指定されています。"))
    found = designation_checks.concerns(manager, staff)
    blocking = [c.message for c in found if c.blocks]
    if blocking:
        raise AccountError(" ".join(blocking))
    warnings = [c.message for c in found]
    detail: dict = {"department": staff.department_id}
    if warnings:
        detail["warnings"] = warnings
    with transaction.atomic():
        designation = OperatorDesignation.objects.create(
            user=staff, department=staff.department, designated_by=manager,
            designated_at=clock.now())
        audit.record("operator.designated", user=manager, obj=staff, detail=detail)
    designation.warnings = warnings  # shown beside the designation (e.g. lapsed training)
    return designation


def revoke_operator(manager: User, staff: User) -> None:
    if not allows(manager, "accounts.designate_operator", staff):
        raise AccountError(_("指定を取り消せるのは、その職員の所属の管理責任者だけです。"))
    with transaction.atomic():
        changed = OperatorDesignation.objects.filter(
            user=staff, department=staff.department, revoked_at__isnull=True,
        ).update(revoked_at=clock.now(), revoked_by=manager)
        if not changed:
            raise AccountError(_("操作取扱者に指定されていません。"))
        audit.record("operator.revoked", user=manager, obj=staff,
                     detail={"department": staff.department_id})


def disable_leaver(user: User, *, by: User, left_on: dt.date | None = None) -> None:
    """A leaver's account is disabled and their designations end; their history stays."""
    if user.pk == by.pk:
        raise AccountError(_("自分のアカウントは無効化できません。"))
    with transaction.atomic():
        user.is_active = False
        user.left_on = left_on or clock.today_jst()
        user.save(update_fields=["is_active", "left_on"])
        OperatorDesignation.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=clock.now(), revoked_by=by)
        audit.record("account.disabled", user=by, obj=user,
                     detail={"left_on": user.left_on.isoformat()})


def _token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(organisation: Organisation, name: str, *, by: User | None,
                department: Department | None = None) -> tuple[MachineToken, str]:
    """A new machine token; the raw value is returned once and never stored."""
    raw = "hogo_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = MachineToken.objects.create(
            organisation=organisation, name=name, prefix=raw[:12], token_hash=_token_digest(raw),
            department=department, created_by=by, created_at=clock.now())
        audit.record("token.issued", user=by, obj=token, detail={"name": name})
    return token, raw


def token_for(raw: str) -> MachineToken | None:
    token = MachineToken.objects.filter(token_hash=_token_digest(raw),
                                        revoked_at__isnull=True).first()
    if token is not None:
        MachineToken.objects.filter(pk=token.pk).update(last_used_at=clock.now())
    return token


def revoke_token(token: MachineToken, *, by: User | None) -> None:
    with transaction.atomic():
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])
        audit.record("token.revoked", user=by, obj=token)


def create_user(organisation: Organisation, username: str, password: str, *, role: str,
                department: Department | None, display_name: str = "",
                by: User | None = None) -> User:
    """A new account; is_staff (Django admin access) follows the sysadmin role only."""
    if role not in Role.values:
        raise AccountError(_("不明な役割です: %(role)s") % {"role": role})
    with transaction.atomic():
        user = User.objects.create_user(
            username=username, password=password, organisation=organisation,
            department=department, role=role, display_name=display_name,
            is_staff=role == Role.SYSADMIN)
        audit.record("account.created", user=by, obj=user, detail={"role": role})
    return user


def person_label(user: User) -> str:
    """A person in words for screens and documents: name and role, 「管財 一郎（管理責任者）」,
    never a login or an id."""
    return f"{user}（{user.role_label}）"


def describe(object_type: str, object_id: str) -> str | None:
    """Words for an accounts object named in a record (a person, the organisation, a
    department); None when it is not one of accounts' own objects or no longer exists."""
    models = {"accounts.user": User, "accounts.organisation": Organisation,
              "accounts.department": Department}
    model = models.get(object_type)
    if model is None or not str(object_id).isdigit():
        return None
    found = model.objects.filter(pk=int(object_id)).first()
    if found is None:
        return None
    return person_label(found) if isinstance(found, User) else str(found)


class SeveralOrganisations(Exception):
    """The database holds more than one organisation, where one installation serves one."""


def installation_organisation() -> Organisation | None:
    """The one organisation this installation serves, or None before `hogo setup` (or before
    the database exists at all: a what-if at the console needs no database). Raises
    SeveralOrganisations when it is unclear whose policy applies."""
    try:
        organisations = list(Organisation.objects.all()[:2])
    except DatabaseError:
        return None
    if len(organisations) > 1:
        raise SeveralOrganisations("this database holds several organisations; one "
                                   "installation serves one organisation")
    return organisations[0] if organisations else None
