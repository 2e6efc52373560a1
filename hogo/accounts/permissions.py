"""The one permission layer: every access decision is role × department × object.

Views and API endpoints never test roles themselves; they ask `allows(user, perm, obj)`
(through `user.has_perm`, the `permission_required` decorator or `authorize`). With obj=None a
rule answers "may this user do this for some object" — what menus need.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from hogo.accounts.models import Department, MachineToken, Role, User

Rule = Callable[[User, Any], bool]


def _role(*roles: str) -> Rule:
    return lambda user, obj: user.role in roles


def _department_of(obj: Any) -> int | None:
    if isinstance(obj, Department):
        return obj.pk
    if isinstance(obj, User):
        return obj.department_id
    return getattr(obj, "department_id", None)


def _own_department(*roles: str, operators: bool = False) -> Rule:
    """Managers (and, if asked, operators) of the object's department."""

    def rule(user: User, obj: Any) -> bool:
        entitled = user.role in roles or (operators and user.is_operator)
        if not entitled:
            return False
        return obj is None or _department_of(obj) == user.department_id

    return rule


def _any(user: User, obj: Any) -> bool:
    return True


def _manager_designating(user: User, obj: Any) -> bool:
    """A manager designates operators among the staff of their own department (Art. 4(3))."""
    if user.role != Role.MANAGER:
        return False
    if obj is None:
        return True
    return (_department_of(obj) == user.department_id
            and (not isinstance(obj, User) or obj.role == Role.STAFF))


def _privacy_officer_or_own_manager(user: User, obj: Any) -> bool:
    return user.role == Role.PRIVACY_OFFICER or _own_department(Role.MANAGER)(user, obj)


def _quarantine_resolver(user: User, obj: Any) -> bool:
    """The privacy officer, or the manager of the department whose vehicle's recorder sent
    the file (a quarantined upload is judged by its recorder's department)."""
    return _privacy_officer_or_own_manager(user, getattr(obj, "recorder", obj))


def _quarantine_reader(user: User, obj: Any) -> bool:
    return user.role == Role.PRIVACY_OFFICER or _own_department(
        Role.MANAGER, operators=True)(user, getattr(obj, "recorder", obj))


def _processing_approver(user: User, obj: Any) -> bool:
    from hogo.accounts.policy import effective_profile

    if user.organisation_id is None:
        return False
    role = effective_profile(user.organisation).value("copies.processing_approver")
    if user.role != role:
        return False
    return role == Role.PRIVACY_OFFICER or obj is None or (
        _department_of(obj) == user.department_id)



def _provision_handler(user: User, request: Any) -> bool:
    """The privacy officer; the managers and operators of the request's department; for a
    request no department has yet (from the public form), every manager and operator of the
    organisation, one of whom routes it by naming its vehicle."""
    if request is not None and getattr(request, "organisation_id", None) not in (
            None, user.organisation_id):
        return False
    if user.role == Role.PRIVACY_OFFICER:
        return True
    if not (user.role == Role.MANAGER or user.is_operator):
        return False
    department = None if request is None else _department_of(request)
    return department is None or department == user.department_id


def _own_department_set(*roles: str, operators: bool = False) -> Rule:
    """Like _own_department, but an object without a department yet is nobody's."""
    own = _own_department(*roles, operators=operators)
    return lambda user, obj: own(user, obj) and (obj is None or _department_of(obj) is not None)


RULES: dict[str, Rule] = {
    "web.view_dashboard": _any,
    "accounts.view_own_department": _own_department(Role.MANAGER),
    "accounts.designate_operator": _manager_designating,
    "accounts.manage_users": _role(Role.SYSADMIN),
    "accounts.issue_token": _role(Role.SYSADMIN),
    # Every person can reach personal data (footage, copies, records, incident reports) or,
    # as system administrator, the accounts that guard it: each may protect their log-in.
    "accounts.use_totp": _any,
    "admin.use": _role(Role.SYSADMIN),
    "audit.view_log": _role(Role.AUDITOR, Role.PRIVACY_OFFICER),
    "policy.view": _role(Role.PRIVACY_OFFICER, Role.AUDITOR),
    "policy.change": _role(Role.PRIVACY_OFFICER),
    "registry.view_vehicles": _own_department(Role.MANAGER, operators=True),
    # Vehicles and recorders (master data, no personal data): the system administrator, or a
    # department's manager for the vehicles of their own department.
    "registry.register": lambda user, obj: user.role == Role.SYSADMIN or _own_department(
        Role.MANAGER)(user, obj),
    # Footage: only the department's manager and operators, for their own vehicles
    # (Ashiya rule Art. 4-5); auditors read records, never footage.
    "footage.search": _own_department(Role.MANAGER, operators=True),
    "footage.view": _own_department(Role.MANAGER, operators=True),
    # Quarantined files: listed for the department and the privacy officer (file
    # names and reasons, never the footage); released into the footage or erased early only
    # by the department's manager or the privacy officer.
    "footage.view_quarantine": _quarantine_reader,
    "footage.resolve_quarantine": _quarantine_resolver,
    # Copies (Ashiya rule Arts. 5-8): requested by the department's manager or operators,
    # decided by its manager; the register is a record, so auditors and the privacy
    # officer read it too; a legal hold is released only by the privacy officer.
    "copies.request": _own_department(Role.MANAGER, operators=True),
    "copies.decide": _own_department(Role.MANAGER),
    "copies.view_register": lambda user, obj: user.role in ORGANISATION_WIDE_READERS or (
        _own_department(
        Role.MANAGER, operators=True)(user, obj)),
    "copies.extend": _privacy_officer_or_own_manager,
    "copies.hold": _privacy_officer_or_own_manager,
    "copies.release_hold": _role(Role.PRIVACY_OFFICER),
    # Processing a copy for privacy (Art. 7(3)): asked for by the department, approved by
    # the role the policy profile names (acting for the head), reviewed by the department.
    "copies.request_processing": _own_department(Role.MANAGER, operators=True),
    "copies.approve_processing": lambda user, obj: _processing_approver(user, obj),
    "copies.review_processing": _own_department(Role.MANAGER, operators=True),
    # Media (R-102: every staff member can borrow and return a medium of their department);
    # the board is a record the privacy officer and auditors read too.
    "media.use": lambda user, obj: obj is None or _department_of(obj) == user.department_id,
    "media.manage": _own_department(Role.MANAGER),
    # The board in the menu: for whoever keeps or reads media, not the system administrator
    # (no department's media are theirs to hold; the menu would open an empty board).
    "media.view_board": lambda user, obj: user.role in ORGANISATION_WIDE_READERS or (
        user.role != Role.SYSADMIN and user.department_id is not None),
    "media.view": lambda user, obj: user.role in ORGANISATION_WIDE_READERS or (
        obj is None or _department_of(obj) == user.department_id),
    # Alerts: the privacy officer sees and acknowledges all, a manager their department's.
    # Incidents: anyone reports at once; the department's manager and the privacy
    # officer handle it; only the privacy officer files reports, issues documents and closes.
    "incidents.report": lambda user, obj: user.organisation_id is not None,
    # The list in the menu: everyone who reports or handles incidents; the system
    # administrator reports with the 「事故を報告」 button like anyone, without an empty list.
    "incidents.list": lambda user, obj: user.organisation_id is not None and (
        user.role != Role.SYSADMIN),
    "incidents.view": lambda user, incident: user.role in ORGANISATION_WIDE_READERS or (
        incident is None or incident.reported_by_id == user.pk
        or (user.role == Role.MANAGER and incident.department_id == user.department_id)),
    "incidents.manage": lambda user, incident: user.role == Role.PRIVACY_OFFICER or (
        user.role == Role.MANAGER and (
            incident is None or incident.department_id == user.department_id)),
    "incidents.file": _role(Role.PRIVACY_OFFICER),
    "incidents.summary": _role(Role.PRIVACY_OFFICER, Role.AUDITOR),
    # An alert with a recipient is theirs alone to acknowledge.
    "alerts.acknowledge": lambda user, alert: (
        alert.recipient_id == user.pk if alert is not None and alert.recipient_id else
        user.role == Role.PRIVACY_OFFICER or (user.role == Role.MANAGER and (
            alert is None or alert.department_id == user.department_id))),
    # Who is told of an incident: at once (and of its report deadlines), the
    # reporting department's manager and every privacy officer; when nobody acknowledged in
    # time, every manager and privacy officer of the organisation.
    "incidents.told_at_once": _privacy_officer_or_own_manager,
    "incidents.told_on_escalation": _role(Role.PRIVACY_OFFICER, Role.MANAGER),
    # Third-party provision (R-501-R-505): any member of staff enters a request from the
    # letter received; the privacy officer and the department's managers and operators take
    # it in; the department's manager decides (the privacy officer second, by the profile);
    # its managers and operators hand the copy over and record the recipient's erasure.
    "provision.enter": lambda user, obj: user.organisation_id is not None and user.role in (
        Role.PRIVACY_OFFICER, Role.MANAGER, Role.STAFF),
    # The inbox: readers and handlers see requests; other staff see the ones they entered.
    "provision.list": lambda user, obj: user.organisation_id is not None and user.role in (
        Role.PRIVACY_OFFICER, Role.AUDITOR, Role.MANAGER, Role.STAFF),
    "provision.view": lambda user, request: user.role in ORGANISATION_WIDE_READERS or (
        _provision_handler(user, request)
        or (request is not None and request.entered_by_id == user.pk)),
    "provision.accept": _provision_handler,
    "provision.decide": _own_department_set(Role.MANAGER),
    "provision.second_approve": lambda user, obj: user.role == Role.PRIVACY_OFFICER and (
        obj is None or getattr(obj, "organisation_id", None) in (None, user.organisation_id)),
    "provision.hand_over": _own_department_set(Role.MANAGER, operators=True),
    "provision.confirm_erasure": lambda user, obj: user.role == Role.PRIVACY_OFFICER or (
        _own_department_set(Role.MANAGER, operators=True)(user, obj)),
    "provision.close": _privacy_officer_or_own_manager,
    "provision.view_records": _role(Role.PRIVACY_OFFICER, Role.AUDITOR, Role.MANAGER),
    "provision.manage_records": _role(Role.PRIVACY_OFFICER, Role.MANAGER),
    # Records of any department (a manager records their own department's only).
    "provision.manage_all_records": _role(Role.PRIVACY_OFFICER),
    # A person's own requests (本人からの請求, R-601-R-608): any member of staff takes one in
    # at the counter or from the post; the privacy officer and the department's managers and
    # operators check identity, fees and the data; the privacy officer or the department's
    # manager decides; only the privacy officer releases a copy left unmasked to the person.
    "requests.enter": lambda user, obj: user.organisation_id is not None and user.role in (
        Role.PRIVACY_OFFICER, Role.MANAGER, Role.STAFF),
    "requests.list": lambda user, obj: user.organisation_id is not None and user.role in (
        Role.PRIVACY_OFFICER, Role.AUDITOR, Role.MANAGER, Role.STAFF),
    "requests.view": lambda user, request: user.role in ORGANISATION_WIDE_READERS or (
        _provision_handler(user, request)
        or (request is not None and request.entered_by_id == user.pk)),
    "requests.handle": _provision_handler,
    # ID images are seen only by who checks identity (never the auditor, never the entrant).
    "requests.view_identity": _provision_handler,
    # Deciding needs a routed request: its department's manager (or the privacy officer)
    # decides what that department searched; a request with no department is nobody's yet.
    "requests.decide": lambda user, request: _provision_handler(user, request) and (
        user.role in (Role.PRIVACY_OFFICER, Role.MANAGER)) and (
        request is None or _department_of(request) is not None),
    "requests.prepare_footage": _own_department_set(Role.MANAGER, operators=True),
    "requests.release_unmasked": lambda user, obj: user.role == Role.PRIVACY_OFFICER and (
        obj is None or getattr(obj, "organisation_id", None) in (None, user.organisation_id)),
    "requests.close": _privacy_officer_or_own_manager,
    # Complaints (苦情, R-701): anyone takes one in; the privacy officer routes it to a
    # department, whose manager and operators answer; the yearly list is a record.
    "complaints.enter": lambda user, obj: user.organisation_id is not None and user.role in (
        Role.PRIVACY_OFFICER, Role.MANAGER, Role.STAFF),
    "complaints.list": lambda user, obj: user.organisation_id is not None and user.role in (
        Role.PRIVACY_OFFICER, Role.AUDITOR, Role.MANAGER, Role.STAFF),
    "complaints.view": lambda user, complaint: user.role in ORGANISATION_WIDE_READERS or (
        _provision_handler(user, complaint)
        or (complaint is not None and complaint.entered_by_id == user.pk)),
    "complaints.assign": lambda user, complaint: user.role == Role.PRIVACY_OFFICER or (
        _provision_handler(user, complaint) and user.role == Role.MANAGER),
    "complaints.answer": lambda user, complaint: user.role == Role.PRIVACY_OFFICER or (
        _own_department_set(Role.MANAGER, operators=True)(user, complaint)),
    "complaints.close": _privacy_officer_or_own_manager,
    "complaints.yearly_list": _role(Role.PRIVACY_OFFICER, Role.AUDITOR, Role.MANAGER),
    # The public notice (公表事項, R-601): kept by the privacy officer, its history a record.
    "notice.edit": _role(Role.PRIVACY_OFFICER),
    "notice.view_history": _role(Role.PRIVACY_OFFICER, Role.AUDITOR),
    # Access-log analysis: the flags are for the privacy officer (and auditors to
    # read); only the privacy officer dismisses one, with a reason. The monthly access report
    # of a department: the privacy officer, auditors and that department's manager.
    "oversight.view_flags": _role(Role.PRIVACY_OFFICER, Role.AUDITOR),
    "oversight.dismiss_flag": _role(Role.PRIVACY_OFFICER),
    "oversight.access_report": lambda user, department: user.role in (
        ORGANISATION_WIDE_READERS) or (user.role == Role.MANAGER and (
            department is None or _department_of(department) == user.department_id)),
    # Training and contractors: the privacy officer keeps the courses and the
    # contractors; a manager records the training of their own department's people; auditors
    # read all.
    "accountability.view_training": lambda user, obj: user.role in ORGANISATION_WIDE_READERS
    or (user.role == Role.MANAGER and (obj is None or _department_of(obj) in (
        None, user.department_id))),
    "accountability.manage_courses": _role(Role.PRIVACY_OFFICER),
    "accountability.record_training": _privacy_officer_or_own_manager,
    "accountability.view_contractors": _role(Role.PRIVACY_OFFICER, Role.AUDITOR, Role.MANAGER),
    "accountability.manage_contractors": _role(Role.PRIVACY_OFFICER),
    # The register of what personal information is held: kept by the privacy
    # officer, read by auditors and managers.
    "holdings.view": _role(Role.PRIVACY_OFFICER, Role.AUDITOR, Role.MANAGER),
    "holdings.manage": _role(Role.PRIVACY_OFFICER),
    # Self-inspection (自己点検, R-904): the privacy officer or an auditor inspects a
    # department and raises findings; the department's manager reads its own inspections;
    # whoever owns a finding answers it; whoever may inspect confirms and closes it. The
    # annual summary (年次報告) is read by the privacy officer, auditors and managers.
    "accountability.view_inspections": lambda user, obj: user.role in (
        ORGANISATION_WIDE_READERS) or (user.role == Role.MANAGER and (obj is None or (
            _department_of(obj) in (None, user.department_id)))),
    "accountability.inspect": _role(Role.PRIVACY_OFFICER, Role.AUDITOR),
    "accountability.answer_finding": lambda user, finding: finding is not None and (
        finding.owner_id == user.pk),
    "accountability.annual_summary": _role(Role.PRIVACY_OFFICER, Role.AUDITOR, Role.MANAGER),
}

# Machine tokens (depot and recorder agents) act only through the API, only on recorders of
# their own department (or of the whole organisation when the token has no department).
TOKEN_RULES: dict[str, Rule] = {
    # A what-if assessment from facts alone: no personal data in or out.
    "incidents.assess": lambda token, obj: True,
    "provision.assess": lambda token, obj: True,
    "requests.assess": lambda token, obj: True,
    "footage.upload": lambda token, recorder: recorder is None or (
        recorder.vehicle.department.organisation_id == token.organisation_id
        and (token.department_id is None
             or token.department_id == recorder.vehicle.department_id)),
}

# The Django admin edits only these master tables, which hold no personal data, and only the
# system administrator may use it. Nothing is deleted through it.
ADMIN_MODELS = {"registry.vehicle", "registry.recorder", "accounts.department"}


def _is_admin_model_perm(perm: str) -> bool:
    app, _, codename = perm.partition(".")
    action, _, model = codename.partition("_")
    return action in {"add", "change", "view"} and f"{app}.{model}" in ADMIN_MODELS


def allows_admin_module(user: Any, app_label: str) -> bool:
    """Whether the Django admin shows this app to the user at all."""
    return any(allows(user, f"{app}.view_{model}")
               for app, model in (label.split(".") for label in ADMIN_MODELS)
               if app == app_label)


def allows(user: Any, perm: str, obj: Any = None) -> bool:
    """True when an active user's role and department allow `perm` on `obj`."""
    if isinstance(user, MachineToken):
        token_rule = TOKEN_RULES.get(perm)
        return user.revoked_at is None and token_rule is not None and token_rule(user, obj)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if _is_admin_model_perm(perm):
        return user.role == Role.SYSADMIN
    rule = RULES.get(perm)
    if rule is None:
        return False
    return rule(user, obj)


class Refused(PermissionError):
    """`require` said no: the permission and the object it was asked for travel with it, so
    the refusal middleware audits exactly what was refused (other PermissionErrors are not
    refusals: a held original, a file the operating system will not open)."""

    def __init__(self, user: Any, perm: str, obj: Any = None) -> None:
        super().__init__(f"{perm} is not allowed for {user}")
        self.perm = perm
        self.obj = obj


def require(user: Any, perm: str, obj: Any = None) -> None:
    """For services: raise Refused unless `perm` is allowed (views use `authorize`)."""
    if not allows(user, perm, obj):
        raise Refused(user, perm, obj)


# Roles that read the records of every department (never the footage itself).
ORGANISATION_WIDE_READERS = (Role.PRIVACY_OFFICER, Role.AUDITOR)


def department_scope(user: Any, queryset: Any, department_field: str = "department") -> Any:
    """The rows of a register this user may list: all for the privacy officer and auditors,
    their own department's for everyone else."""
    if user.role in ORGANISATION_WIDE_READERS:
        return queryset
    return queryset.filter(**{department_field: user.department_id})


def quarantine_scope(user: Any, queryset: Any) -> Any:
    """The uploads a person may list under 受信記録, as "footage.view_quarantine" decides one
    by one: every department's for the privacy officer, their own for everyone else."""
    if user.role == Role.PRIVACY_OFFICER:
        return queryset
    return queryset.filter(recorder__vehicle__department=user.department_id)


def incident_scope(user: Any, queryset: Any) -> Any:
    """The incidents a person may list, as the "incidents.view" rule decides one by one: all
    for the privacy officer and auditors, their department's for a manager, and everyone's
    own reports."""
    from django.db.models import Q

    if user.role in ORGANISATION_WIDE_READERS:
        return queryset
    own = Q(reported_by=user.pk)
    if user.role == Role.MANAGER:
        return queryset.filter(own | Q(department=user.department_id))
    return queryset.filter(own)


def authorize(request: HttpRequest, perm: str, obj: Any = None) -> None:
    """Raise PermissionDenied (a Japanese 403 page) unless allowed; refusals are audited."""
    if not allows(request.user, perm, obj):
        refuse(request, perm, obj)


def refuse(request: HttpRequest, perm: str, obj: Any = None) -> None:
    """Record the refusal in the audit chain and answer 403."""
    from hogo.audit import services as audit

    audit.record("access.denied", user=request.user, obj=obj if hasattr(obj, "_meta") else None,
                 detail={"permission": perm, "path": request.path})
    raise PermissionDenied(perm)


def permission_required(perm: str) -> Callable[[Callable[..., HttpResponse]],
                                               Callable[..., HttpResponse]]:
    """Log in first, then `authorize` for `perm` without an object."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        @login_required
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            authorize(request, perm)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
