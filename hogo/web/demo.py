"""Demo data for a first look: the city 「デモ市」 with departments, vehicles and one user per role.

Idempotent: running it again changes nothing and prints the same log-ins. The passwords are
demo passwords, printed on purpose; a real installation creates its own accounts.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from hogo.accounts import services as accounts
from hogo.accounts.models import Department, Organisation, Role, User
from hogo.registry.models import Vehicle, VehicleKind

ORGANISATION = "デモ市"
DEPARTMENTS = [
    ("kanzai", "総務部 管財課", True),
    ("seiso", "環境部 清掃課", True),
    ("joho", "総務部 情報政策課", False),
    ("kansa", "監査委員事務局", False),
]
VEHICLES = [
    ("kanzai", "デモ 300 さ 10-01", VehicleKind.OFFICIAL_CAR, "公用車1号"),
    ("kanzai", "デモ 300 さ 10-02", VehicleKind.OFFICIAL_CAR, "公用車2号"),
    ("seiso", "デモ 800 す 20-11", VehicleKind.OFFICIAL_CAR, "収集車1号"),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    role: str
    department: str
    operator: bool = False

    @property
    def password(self) -> str:
        return f"demo-{self.username}-2026"


USERS = [
    DemoUser("privacy", "保護 花子", Role.PRIVACY_OFFICER, "joho"),
    DemoUser("manager", "管財 一郎", Role.MANAGER, "kanzai"),
    DemoUser("operator", "操作 次郎", Role.STAFF, "kanzai", operator=True),
    DemoUser("staff", "職員 三郎", Role.STAFF, "kanzai"),
    DemoUser("auditor", "監査 四郎", Role.AUDITOR, "kansa"),
    DemoUser("sysadmin", "情報 五郎", Role.SYSADMIN, "joho"),
    DemoUser("seiso-manager", "清掃 六子", Role.MANAGER, "seiso"),
]


@transaction.atomic
def load_demo() -> tuple[Organisation, bool]:
    """Create the demo organisation unless it exists; returns it and whether it was new."""
    existing = Organisation.objects.filter(name=ORGANISATION).first()
    if existing is not None:
        return existing, False
    org = Organisation.objects.create(name=ORGANISATION, profile_key="city")
    departments = {code: Department.objects.create(organisation=org, code=code, name=name,
                                                   manages_vehicles=manages)
                   for code, name, manages in DEPARTMENTS}
    for code, plate, kind, label in VEHICLES:
        Vehicle.objects.create(department=departments[code], registration=plate, kind=kind,
                               label=label)
    made = {u.username: accounts.create_user(org, u.username, u.password, role=u.role,
                                             department=departments[u.department],
                                             display_name=u.display_name)
            for u in USERS}
    for u in USERS:
        if u.operator:
            manager = User.objects.get(role=Role.MANAGER, department=made[u.username].department)
            accounts.designate_operator(manager, made[u.username])
    return org, True


def login_table() -> str:
    rows = [f"  {'login':<15} {'password':<28} role", f"  {'-' * 15} {'-' * 28} {'-' * 20}"]
    for u in USERS:
        role = "operator" if u.operator else u.role
        rows.append(f"  {u.username:<15} {u.password:<28} {role} ({u.department})")
    return "\n".join(rows)
