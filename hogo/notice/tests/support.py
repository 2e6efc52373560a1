"""What the notice tests share: a driving school (a business with the driving_school profile)
with its privacy officer, and a published first version of an organisation's notice."""

from __future__ import annotations

from hogo.accounts import services as accounts
from hogo.accounts.models import Organisation, Role, User
from hogo.notice import publishing, services

SCHOOL_ADDRESS = "デモ県デモ市南町1-2-3"
SCHOOL_REPRESENTATIVE = "代表取締役 教習 太郎"


def driving_school() -> tuple[Organisation, dict[str, User]]:
    """「テスト自動車学校」 with a privacy officer, a manager and a staff member."""
    school = Organisation.objects.create(name="テスト自動車学校", profile_key="driving_school")
    office = school.departments.create(code="jimu", name="事務課")
    teaching = school.departments.create(code="kyomu", name="教務課", manages_vehicles=True)
    people = {
        "privacy": accounts.create_user(school, "ds-privacy", "pass-word-1234",
                                        role=Role.PRIVACY_OFFICER, department=office,
                                        display_name="保護 花子"),
        "manager": accounts.create_user(school, "ds-manager", "pass-word-1234",
                                        role=Role.MANAGER, department=teaching,
                                        display_name="教務 一郎"),
        "staff": accounts.create_user(school, "ds-staff", "pass-word-1234", role=Role.STAFF,
                                      department=teaching, display_name="職員 三郎"),
    }
    return school, people


def publish_school(officer: User):
    """The school's first version, with the address and representative Art. 32 asks for."""
    notice = services.ensure_draft(officer)
    services.save_sections(officer, notice, {"address": SCHOOL_ADDRESS,
                                             "representative": SCHOOL_REPRESENTATIVE})
    return notice, publishing.publish(officer, notice)


def publish_city(officer: User):
    """The demo city's first version, from the draft as it is."""
    notice = services.ensure_draft(officer)
    return notice, publishing.publish(officer, notice)
