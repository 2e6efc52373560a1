"""Demo data for a first look: the city 「デモ市」 with departments, vehicles, recorders, one
user per role and a few minutes of generated footage per vehicle (with a visible clock).

Idempotent: running it again changes nothing and prints the same log-ins. The passwords are
demo passwords, printed on purpose; a real installation creates its own accounts.
"""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from hogo import clock
from hogo.accounts import services as accounts
from hogo.accounts.models import Department, Organisation, Role, User
from hogo.clock import JST, today_jst
from hogo.footage.ingest import ingest_file
from hogo.media.models import Cabinet, Medium, MediumKind
from hogo.registry.models import Channel, Recorder, Vehicle, VehicleKind
from hogo.video.synth import make_clip, make_nmea_track

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
CLIPS_PER_VEHICLE = 3
CLIP_SECONDS = 60


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


DEMO_ORDINANCE_ITEMS = ("生活保護の受給に関する事項", "児童虐待に関する事項")


@dataclass(frozen=True)
class DemoOrganisation:
    """What a demo organisation is made of: its name and profile, departments, vehicles,
    people (the same log-ins for every demo) and the domain of their demo mail."""

    name: str
    profile_key: str
    departments: list[tuple[str, str, bool]]
    vehicles: list[tuple[str, str, str, str]]
    users: list[DemoUser]
    mail_domain: str
    overrides: dict
    serial_prefix: str = "DEMO-"
    # What a business publishes beyond what hogo knows (Act Art. 32(1)): address,
    # representative, an association's complaints contact.
    notice_sections: tuple[tuple[str, str], ...] = ()


CITY = DemoOrganisation(
    ORGANISATION, "city", DEPARTMENTS, VEHICLES, USERS, "demo.city.example.jp", {
        "incidents.escalation_email": "soukatsu@demo.city.example.jp",
        # デモ市's own ordinance lists these as 条例要配慮個人情報 (a real city enters its own).
        "incidents.ordinance_sensitive_items": list(DEMO_ORDINANCE_ITEMS)})


@transaction.atomic
def load_demo(footage: bool = True, requests: bool = False) -> tuple[Organisation, bool]:
    """Create the demo organisation unless it exists; returns it and whether it was new.

    With `requests` (the `hogo demo` command; tests start without), a provision request and a
    person's request wait in the inboxes and the public notice is published."""
    return load_organisation(CITY, footage=footage, requests=requests)


def load_organisation(spec: DemoOrganisation, *, footage: bool,
                      requests: bool) -> tuple[Organisation, bool]:
    """Create a demo organisation from its spec unless one of that name exists."""
    existing = Organisation.objects.filter(name=spec.name).first()
    if existing is not None:
        return existing, False
    org = Organisation.objects.create(name=spec.name, profile_key=spec.profile_key,
                                      policy_overrides=dict(spec.overrides))
    departments = {code: Department.objects.create(organisation=org, code=code, name=name,
                                                   manages_vehicles=manages)
                   for code, name, manages in spec.departments}
    recorders = []
    for number, (code, plate, kind, label) in enumerate(spec.vehicles, start=1):
        vehicle = Vehicle.objects.create(department=departments[code], registration=plate,
                                         kind=kind, label=label)
        recorders.append(Recorder.objects.create(
            vehicle=vehicle, maker="デモ電機", model_name="DR-100",
            serial=f"{spec.serial_prefix}{number:04d}",
            capacity_bytes=2 << 30, channels=[Channel.FRONT], has_microphone=False,
            # the third vehicle's notice check is overdue, to show the reminder
            notice_checked_on=today_jst() - dt.timedelta(days=400 if number == 3 else 30)))
    made = {u.username: accounts.create_user(org, u.username, u.password, role=u.role,
                                             department=departments[u.department],
                                             display_name=u.display_name)
            for u in spec.users}
    for login, person in made.items():  # incident mail goes to var/mail/ in the demo
        person.email = f"{login}@{spec.mail_domain}"
        person.save(update_fields=["email"])
    for u in spec.users:
        if u.operator:
            manager = User.objects.get(role=Role.MANAGER, department=made[u.username].department)
            accounts.designate_operator(manager, made[u.username])
    for code in dict.fromkeys(code for code, _plate, _kind, _label in spec.vehicles):
        cabinet = Cabinet.objects.create(department=departments[code], name="施錠保管庫A",
                                         location=f"{departments[code].name} 事務室")
        for n in (1, 2):
            Medium.objects.create(department=departments[code], kind=MediumKind.USB,
                                  label=f"{code.upper()}-USB-{n:02d}", capacity_bytes=32 << 30,
                                  encrypted=True, cabinet=cabinet)
    if footage:
        load_demo_footage(recorders)
        if requests and spec is CITY:
            load_demo_provision(made, recorders[0].vehicle)
    if requests:  # the demo command; tests start from an empty inbox and no notice
        DEMO_REQUESTS[spec.profile_key](made)
        publish_demo_notice(made["privacy"], spec)
        sync_demo_register(made["privacy"])
        DEMO_ACCOUNTABILITY[spec.profile_key](made)
    return org, True


SCHOOL = DemoOrganisation(
    "デモ自動車学校", "driving_school",
    [("kyomu", "教務課", True), ("jimu", "事務課", False), ("kansa", "内部監査室", False)],
    [("kyomu", "デモ 500 き 30-01", VehicleKind.TRAINING_CAR, "教習車1号"),
     ("kyomu", "デモ 500 き 30-02", VehicleKind.TRAINING_CAR, "教習車2号")],
    [DemoUser("privacy", "保護 花子", Role.PRIVACY_OFFICER, "jimu"),
     DemoUser("manager", "教務 一郎", Role.MANAGER, "kyomu"),
     DemoUser("operator", "操作 次郎", Role.STAFF, "kyomu", operator=True),
     DemoUser("staff", "職員 三郎", Role.STAFF, "kyomu"),
     DemoUser("auditor", "監査 四郎", Role.AUDITOR, "kansa"),
     DemoUser("sysadmin", "情報 五郎", Role.SYSADMIN, "jimu")],
    "demo.school.example.jp", {}, serial_prefix="DEMO-DS-",
    notice_sections=(
        ("address", "デモ県デモ市緑町1番1号"),
        ("representative", "代表取締役 教習 太郎"),
        ("association_contact", "デモ県指定自動車教習所協会 個人情報相談窓口（電話 000-0000-0000、"
                                "平日9時〜17時）")))


@transaction.atomic
def load_demo_school(footage: bool = True, requests: bool = False) -> tuple[Organisation, bool]:
    """The demo driving school 「デモ自動車学校」 (a private business under the driving-school
    profile): for its own installation (`hogo demo --driving-school`, `python3 dev.py start
    --driving-school`), since one installation serves one organisation."""
    return load_organisation(SCHOOL, footage=footage, requests=requests)


def load_demo_provision(people: dict[str, User], vehicle: Vehicle) -> None:
    """A police inquiry under CCP 197(2) entered from its letter and taken in by the privacy
    officer: it waits for the manager's decision (第三者提供), its minutes of footage pinned."""
    from hogo.provision import intake

    start = footage_start() + dt.timedelta(seconds=10)
    letter = {"recipient_kind": "police", "requester_name": "デモ県デモ中央警察署",
              "requester_address": "デモ市中央一丁目1番1号", "is_organisation": True,
              "representative": "デモ中央警察署長 警察 太郎",
              "person_in_charge": "刑事課 捜査 一郎", "phone": "000-0000-0110",
              "basis": "ccp_197_2", "letter_reference": "デモ中刑第123号",
              "letter_date": clock.jst_date(start), "vehicle": vehicle,
              "purpose": "庁舎前交差点で発生した交通事故の捜査のため",
              "start_at": start, "end_at": start + dt.timedelta(minutes=3),
              "channels": [Channel.FRONT]}
    request = intake.enter(people["staff"], letter)
    intake.accept(people["privacy"], request)


def load_city_requests(people: dict[str, User]) -> None:
    """A citizen asked at the counter for the footage of herself crossing in front of the
    town hall; her identity was checked: the footage is to be found and masked, then decided
    (本人からの開示請求)."""
    from hogo.requests import identity, intake

    start = footage_start() + dt.timedelta(seconds=5)
    request = intake.enter(people["staff"], {
        "kind": "disclosure", "disclosure_of": ["footage"], "requester_type": "self",
        "requester_name": "市民 花子", "requester_kana": "シミン ハナコ",
        "requester_address": "デモ市中央二丁目3番4号", "phone": "000-0000-1234",
        "occurred_from": start, "occurred_to": start + dt.timedelta(minutes=1),
        "place": "デモ市役所前の横断歩道", "vehicle_text": "白い公用車",
        "appearance": "赤い上着、黒い自転車を押していた", "method": "electronic",
        "department": people["manager"].department, "received_via": "counter"})
    identity.record_check(people["operator"], request, documents=["driving_licence"])


def load_school_requests(people: dict[str, User]) -> None:
    """A pupil asked for her training records and the records of who received data about
    her (an insurer, with her consent): 1,000 yen per item, two items (own rules Art. 31)."""
    from hogo.provision import records
    from hogo.requests import fees, identity, intake

    provided = clock.today_jst() - dt.timedelta(days=20)
    records.enter_provision_record(people["privacy"], {
        "form": "single", "consent_on": provided - dt.timedelta(days=3),
        "provided_on": [provided], "recipient_name": "デモ損害保険株式会社",
        "recipient_address": "デモ市港町1-1", "is_organisation": True,
        "recipient_representative": "代表取締役 保険 太郎",
        "persons": "教習生 生徒 花子（教習生番号 2026-0123）",
        "data_items": "教習車1号の車内・前方の映像（接触事故の前後5分）",
        "department": people["manager"].department})
    request = intake.enter(people["staff"], {
        "kind": "disclosure", "disclosure_of": ["data", "provision_records"],
        "requester_type": "self", "requester_name": "生徒 花子",
        "requester_address": "デモ市緑町5-6", "phone": "000-0000-5678",
        "data_description": "技能教習の記録（教習原簿）と、私の映像を第三者に提供した記録",
        "method": "paper", "department": people["manager"].department,
        "received_via": "counter"})
    identity.record_check(people["manager"], request, documents=["driving_licence"])
    fees.set_fee(people["manager"], request, items=2)


def publish_demo_notice(privacy: User, spec: DemoOrganisation) -> None:
    """The public notice's first version (公表事項, /public/), drafted from what hogo knows; a
    business adds its address, representative and, for a driving school, the association's
    complaints contact before it may publish (Act Art. 32(1))."""
    from hogo.notice import publishing, services

    notice = services.ensure_draft(privacy)
    if spec.profile_key != "city":
        services.save_sections(privacy, notice, dict(spec.notice_sections))
    publishing.publish(privacy, notice)


def sync_demo_register(privacy: User) -> None:
    """The register of personal information held (個人情報ファイル簿 / 台帳), with hogo's own
    files written from what the demo holds."""
    from hogo.holdings import services

    services.sync(privacy)


DEMO_REQUESTS = {"city": load_city_requests, "driving_school": load_school_requests}


# --- accountability: training, contractors, a medium not brought back ------------------

JOINED_YEARS_AGO = 3
COURSE_NAME = "個人情報保護研修（年次）"


def months_ago(months: int) -> dt.date:
    """The same day `months` before today (JST)."""
    from hogo.accountability.training import add_months

    return add_months(today_jst(), -months)


def backdate_joining(people: dict[str, User]) -> None:
    """The demo people joined years ago, so nobody is "on joining" for their training
    (their accounts are created now; `standing` counts from the day joined)."""
    joined = clock.now() - dt.timedelta(days=365 * JOINED_YEARS_AGO)
    for person in people.values():
        person.date_joined = joined
        person.save(update_fields=["date_joined"])


def load_demo_training(people: dict[str, User], *, name: str, kind: str, description: str,
                       lapsed: tuple[str, ...] = ()) -> None:
    """A yearly course everyone who must take it took about 3 months ago, except the
    `lapsed` log-ins, whose only record is 13 months old (a year and a month: out of date)."""
    from hogo.accountability import training

    privacy = people["privacy"]
    backdate_joining(people)
    course = training.create_course(privacy, name=name, kind=kind, description=description)
    attendees = training.attendee_choices(privacy, course)
    lapsed_people = [p for p in attendees if p.username in lapsed]
    current = [p for p in attendees if p.username not in lapsed]
    training.record_training(privacy, course, current, taken_on=months_ago(3))
    if lapsed_people:
        training.record_training(privacy, course, lapsed_people, taken_on=months_ago(13))


def load_demo_contractor(privacy: User, *, name: str, address: str, handles: str,
                         contact: str, contract_months_ago: int,
                         audited_months_ago: int | None) -> None:
    """A contractor chosen after a selection check with every item met, under a contract
    holding every required clause; audited `audited_months_ago`, or never."""
    from hogo.accountability import contractors

    contractor = contractors.create_contractor(privacy, name=name, address=address,
                                               handles=handles, contact=contact)
    contractors.record_check(
        privacy, contractor, checked_on=months_ago(contract_months_ago + 1),
        answers={code: {"ok": True, "note": ""} for code, _label in contractors.CHECK_ITEMS})
    contractors.record_contract(
        privacy, contractor, starts_on=months_ago(contract_months_ago), ends_on=None,
        clauses={code: True for code, _label in contractors.CLAUSES},
        note="保守委託契約（毎年度自動更新）")
    if audited_months_ago is not None:
        contractors.record_audit(
            privacy, contractor, done_on=months_ago(audited_months_ago),
            done_by=f"{privacy.display_name}（個人情報保護管理者）",
            findings="実地で安全管理措置、従業者の教育記録、再委託がないこと及びアクセス記録"
                     "を確認した。指摘事項なし。")


def load_demo_overdue_medium(operator: User) -> None:
    """The operator took their department's second USB memory out about 10 days ago (at
    10:00 on the office day on or before), due back 3 days ago, and has not brought it back:
    the manager is to find out where it is. The clock is set back to the day it was taken,
    so the audit entry tells when (the service refuses a due day already past)."""
    from hogo.media import services as media
    from hogo.rules.office_calendar import is_closed

    due_on = today_jst() - dt.timedelta(days=3)
    taken = today_jst() - dt.timedelta(days=10)
    while is_closed(taken):
        taken -= dt.timedelta(days=1)
    medium = Medium.objects.get(department=operator.department_id,
                                label=f"{operator.department.code.upper()}-USB-02")
    with clock.frozen(dt.datetime.combine(taken, dt.time(10, 0), JST)):
        media.check_out(operator, medium, due_on=due_on,
                        purpose="課内の安全運転研修で事故防止の教材映像を再生するため")


def load_city_accountability(people: dict[str, User]) -> None:
    """デモ市: the yearly course (the staff member's training lapsed), the contractor keeping
    the dashcam system (contract 14 months old, never audited: overdue), an overdue medium."""
    from hogo.accountability.models import CourseKind

    load_demo_training(
        people, name=COURSE_NAME, kind=CourseKind.ELEARNING,
        description="個人情報の保護に関する法律、デモ市個人情報保護法施行条例及び公用車ドライブ"
                    "レコーダーの映像の取扱いについて（毎年度受講）", lapsed=("staff",))
    load_demo_contractor(
        people["privacy"], name="デモ情報システム株式会社", address="デモ市中央三丁目2番1号",
        handles="公用車ドライブレコーダー映像管理システムの保守（保守作業の際に映像データを"
                "扱うことがある）",
        contact="保守担当 情報 太郎（電話 000-0000-2222、support@demo-joho.example.jp）",
        contract_months_ago=14, audited_months_ago=None)
    load_demo_overdue_medium(people["operator"])


def load_school_accountability(people: dict[str, User]) -> None:
    """デモ自動車学校: its course (everyone current) and the contractor of its school system,
    audited 6 months ago (the next audit is half a year away)."""
    from hogo.accountability.models import CourseKind

    load_demo_training(
        people, name=COURSE_NAME, kind=CourseKind.SESSION,
        description="個人情報保護法、教習原簿及び教習車の車内カメラ映像の取扱いについて"
                    "（毎年度、職員会議で実施）")
    load_demo_contractor(
        people["privacy"], name="デモ教習システム株式会社", address="デモ市緑町2番3号",
        handles="教習原簿・予約システム及び教習車の車内カメラ映像の保管システムの保守",
        contact="サポート窓口 教習 次郎（電話 000-0000-3333、help@demo-kyoshu.example.jp）",
        contract_months_ago=18, audited_months_ago=6)


DEMO_ACCOUNTABILITY = {"city": load_city_accountability,
                       "driving_school": load_school_accountability}


@functools.cache
def _scratch() -> Path:
    """Generated clips are kept for the life of the process: loading the demo again (tests
    do) only re-ingests them. They are synthetic and hold no personal data."""
    directory = Path(tempfile.mkdtemp(prefix="hogo-demo-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    return directory


def footage_start(now: dt.datetime | None = None) -> dt.datetime:
    """09:00 (JST) of the latest day whose demo clips all lie before now: today from 09:40,
    yesterday before that. Footage is never stamped in the future (a recorder cannot have
    filmed it), so the demo looks like real footage at any hour."""
    now = now or clock.now()
    span = dt.timedelta(minutes=10 * (CLIPS_PER_VEHICLE - 1), seconds=CLIP_SECONDS)
    day = clock.jst_date(now)
    start = dt.datetime.combine(day, dt.time(9, 0), JST)
    if start + span > now:
        start = dt.datetime.combine(day - dt.timedelta(days=1), dt.time(9, 0), JST)
    return start


def load_demo_footage(recorders: list[Recorder]) -> None:
    """A few one-minute clips per recorder from 09:00 (JST) of the latest day they fit in
    before now (`footage_start`), through the real ingest."""
    day_start = footage_start()
    for recorder in recorders:
        for n in range(CLIPS_PER_VEHICLE):
            start = day_start + dt.timedelta(minutes=10 * n)
            name = f"{start:%Y%m%d_%H%M%S}_F.mp4"
            clip = _scratch() / f"{recorder.serial}-{name}"
            if not clip.exists():
                make_clip(clip, start, CLIP_SECONDS, label=recorder.vehicle.registration)
            if n == 0:
                track = _scratch() / f"{recorder.serial}-{start:%Y%m%d_%H%M%S}.nmea"
                if not track.exists():
                    make_nmea_track(track, start, CLIP_SECONDS)
                ingest_file(recorder, track, f"{start:%Y%m%d_%H%M%S}.nmea", by="system:demo")
            ingest_file(recorder, clip, name, by="system:demo")


def login_table(spec: DemoOrganisation | None = None) -> str:
    """The demo log-ins with their printed passwords, for the command's output."""
    rows = [f"  {'login':<15} {'password':<28} role", f"  {'-' * 15} {'-' * 28} {'-' * 20}"]
    for u in (spec or CITY).users:
        role = "operator" if u.operator else u.role
        rows.append(f"  {u.username:<15} {u.password:<28} {role} ({u.department})")
    return "\n".join(rows)
