"""Organisation, departments and people (R-101–R-104).

A user has one role. An operator (操作取扱者) is a staff member whom the manager of the
user's department has designated (Ashiya rule Art. 4(3)); the designation is its own record so
its history survives revocation. People who leave are disabled, never deleted (R-103).
"""

from __future__ import annotations

from django.contrib.auth.models import (
    AbstractUser,
    UserManager,
    _user_has_module_perms,
    _user_has_perm,
)
from django.db import models
from django.db.models import ProtectedError
from django.utils.translation import gettext_lazy as _

from hogo import clock


class Organisation(models.Model):
    """The body using hogo. Its policy profile selects the rule set (R-101)."""

    name = models.CharField(_("名称"), max_length=200)
    profile_key = models.CharField(_("運用ポリシー"), max_length=50)
    # Profile values the privacy officer changed, by dotted path:
    # {"incidents.preliminary_report_days": 5}
    policy_overrides = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """A section (課). One that manages vehicles has a manager = its section head."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                     related_name="departments")
    name = models.CharField(_("名称"), max_length=200)
    code = models.SlugField(_("コード"), max_length=50)
    manages_vehicles = models.BooleanField(_("車両を管理する"), default=False)

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["organisation", "code"],
                                               name="department_code_unique")]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    PRIVACY_OFFICER = "privacy_officer", _("個人情報保護管理者")
    MANAGER = "manager", _("管理責任者")
    STAFF = "staff", _("職員")
    AUDITOR = "auditor", _("監査担当")
    SYSADMIN = "sysadmin", _("システム管理者")


class HogoUserManager(UserManager["User"]):
    def create_superuser(self, *args, **kwargs):  # type: ignore[override]
        raise ValueError("hogo has no superusers: every account has a role. "
                         "Use `hogo setup` for the first system administrator.")


class User(AbstractUser):
    """A person with one role in one department. Never deleted: leavers are disabled."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                     related_name="users", null=True)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="users",
                                   null=True, blank=True)
    role = models.CharField(_("役割"), max_length=20, choices=Role.choices, default=Role.STAFF)
    display_name = models.CharField(_("氏名"), max_length=100, blank=True)
    failed_logins = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    left_on = models.DateField(_("退職日"), null=True, blank=True)
    totp_secret = models.CharField(max_length=64, blank=True)
    totp_enabled = models.BooleanField(default=False)
    totp_last_step = models.BigIntegerField(default=0)  # refuses a code used before

    objects = HogoUserManager()

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name or self.username

    def has_perm(self, perm: str, obj: object = None) -> bool:
        """Always the one permission layer, asked through the authentication backend
        (backends.RoleBackend -> permissions.allows): no superuser shortcut."""
        return _user_has_perm(self, perm, obj)

    def has_module_perms(self, app_label: str) -> bool:
        return _user_has_module_perms(self, app_label)

    def delete(self, *args, **kwargs):  # type: ignore[override]
        raise ProtectedError("users are disabled when they leave, never deleted", {self})

    @property
    def is_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > clock.now()

    @property
    def is_operator(self) -> bool:
        """Designated as operator for their own department, and not revoked."""
        return self.designations.filter(department=self.department_id,
                                         revoked_at__isnull=True).exists()

    @property
    def role_label(self) -> str:
        if self.role == Role.STAFF and self.is_operator:
            return str(_("操作取扱者"))
        return str(self.get_role_display())


class OperatorDesignation(models.Model):
    """A manager's designation of a staff member as operator (操作取扱者), and its end."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="designations")
    department = models.ForeignKey(Department, on_delete=models.PROTECT,
                                   related_name="designations")
    designated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    designated_at = models.DateTimeField()
    revoked_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+",
                                   null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-designated_at"]
        constraints = [models.UniqueConstraint(
            fields=["user", "department"], condition=models.Q(revoked_at__isnull=True),
            name="one_open_designation")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.department}"


class MachineToken(models.Model):
    """A bearer token for a depot or recorder agent: machines never use human sessions.

    Only the SHA-256 of the token is stored; the token itself is shown once when issued.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT)
    name = models.CharField(_("名称"), max_length=100)
    prefix = models.CharField(max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class LoginFailureTally(models.Model):
    """Failed log-ins from one client address in one time window (R-104).

    Failures for unknown names are counted here instead of one audit entry each (one entry
    per window summarises them); all failures count towards the address's throttle. Rows are
    deleted once their window is summarised, and at most HOGO_LOGIN_TRACKED_ADDRESSES
    addresses are kept per window (the rest add up under "other"), so the table stays small
    whatever an anonymous client sends.
    """

    window_start = models.DateTimeField()
    address = models.CharField(max_length=64)  # "" when unknown, "other" past the limit
    unknown_names = models.PositiveIntegerField(default=0)
    known_names = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)  # refused unchecked: address throttled

    class Meta:
        constraints = [models.UniqueConstraint(fields=["window_start", "address"],
                                               name="login_tally_window_address")]

    def __str__(self) -> str:
        return f"{self.address or '?'} from {self.window_start:%Y-%m-%d %H:%M}"
