"""The organisation's effective policy profile: the shipped file plus audited overrides."""

from __future__ import annotations

import functools
import json
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from hogo.accounts.models import Role
from hogo.audit import services as audit
from hogo.audit.models import AuditEntry
from hogo.rules.profile import (
    FIELD_BY_PATH,
    FIELDS,
    PERMITTED_USES_PATH,
    PolicyProfile,
    ProfileError,
    load_profiles,
)


@functools.cache
def shipped_profiles() -> dict[str, PolicyProfile]:
    return load_profiles(settings.HOGO_PROFILE_DIR)


def check_profiles_at_startup() -> None:
    """Refuse to start with an invalid profile file, naming the file and the field."""
    shipped_profiles.cache_clear()
    try:
        shipped_profiles()
    except ProfileError as error:
        raise ImproperlyConfigured(f"invalid policy profile: {error}") from error


def effective_profile(organisation: Any) -> PolicyProfile:
    base = shipped_profiles().get(organisation.profile_key)
    if base is None:
        raise ImproperlyConfigured(
            f"organisation {organisation.pk} names unknown policy profile "
            f"{organisation.profile_key!r}; known: {sorted(shipped_profiles())}")
    return base.with_overrides(organisation.policy_overrides or {})


def citation(organisation: Any, key: str) -> str:
    """What this organisation's own rules say on `key` (`rules.profile.CITATION_KEYS`), e.g.
    「デモ市公用車ドライブレコーダーの設置及び管理運用に関する規則第7条第4項」; "" when they say
    nothing. Screens, certificates and packages cite this, never a fixed rule name."""
    return effective_profile(organisation).citation(key, organisation.name)


def permitted_uses(organisation: Any) -> list[dict[str, Any]]:
    """The organisation's permitted uses with where its own rules list each."""
    profile = effective_profile(organisation)
    return [{"use": use, "code": use.code, "label_ja": use.label_ja, "label_en": use.label_en,
             "source": profile.use_source(use, organisation.name)}
            for use in profile.permitted_uses]


def set_override(organisation: Any, path: str, value: Any, *, by: Any, reason: str) -> None:
    """Change one profile value for this organisation; validated, then audited.

    Setting the shipped value again removes the override. Raises ProfileError when invalid.
    """
    if path not in FIELD_BY_PATH:
        raise ProfileError(path, "is not a setting a profile has", "override")
    base = shipped_profiles()[organisation.profile_key]
    overrides = dict(organisation.policy_overrides or {})
    old = effective_profile(organisation).value(path)
    if value == base.value(path):
        overrides.pop(path, None)
    else:
        overrides[path] = value
    base.with_overrides(overrides)  # raises ProfileError naming the field
    with transaction.atomic():
        organisation.policy_overrides = overrides
        organisation.save(update_fields=["policy_overrides"])
        audit.record("policy.override", user=by, obj=organisation, purpose=reason,
                     detail={"field": path, "old": old, "new": value,
                             "profile": base.key, "profile_version": base.version})


def set_permitted_uses(organisation: Any, uses: list[dict[str, str]], *, by: Any,
                       reason: str) -> None:
    """Replace the organisation's list of permitted uses (the register of uses its own rules
    list); checked as a profile file's list is, then audited like any other override.
    The shipped list again removes the override. Raises ProfileError when invalid."""
    base = shipped_profiles()[organisation.profile_key]
    overrides = dict(organisation.policy_overrides or {})
    old = effective_profile(organisation).permitted_uses_data()
    if uses == base.permitted_uses_data():
        overrides.pop(PERMITTED_USES_PATH, None)
    else:
        overrides[PERMITTED_USES_PATH] = uses
    base.with_overrides(overrides)  # raises ProfileError naming the use and the key
    with transaction.atomic():
        organisation.policy_overrides = overrides
        organisation.save(update_fields=["policy_overrides"])
        audit.record("policy.override", user=by, obj=organisation, purpose=reason,
                     detail={"field": PERMITTED_USES_PATH, "old": old, "new": uses,
                             "profile": base.key, "profile_version": base.version})


def parse_for(path: str, text: str) -> object:
    """A typed value for one setting: texts (rule names, citations) stay as typed, others
    are read as numbers or true/false (`parse_value`)."""
    base = next(iter(shipped_profiles().values()))
    current = base.values.get(path)
    if isinstance(current, str):
        return text.strip()
    if isinstance(current, list):
        try:
            return json.loads(text)
        except ValueError:
            return [item.strip() for item in text.replace("、", "\n").splitlines()
                    if item.strip()]
    return parse_value(text)


def parse_value(text: str) -> object:
    """'true'/'false' and numbers as typed; anything else stays text and fails validation."""
    try:
        return json.loads(text.strip().lower())
    except ValueError:
        return text


def shown_value(value: object, path: str = "") -> str:
    """A setting's value as people read it: a role by its name, never its code."""
    if path == "copies.processing_approver" and value in Role.values:
        return str(Role(value).label)
    if isinstance(value, bool):
        return _("する") if value else _("しない")
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or _("なし")
    if value == "":
        return _("（なし）")
    return f"{value:,}" if isinstance(value, int) else str(value)


def _input_text(value: object) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def profile_rows(organisation: Any) -> list[dict[str, Any]]:
    """Each overridable setting with its effective and shipped value; an own rule or a
    citation also as it reads filled in (「デモ市公用車…規則第8条」)."""
    profile = effective_profile(organisation)
    base = shipped_profiles()[organisation.profile_key]
    overrides = organisation.policy_overrides or {}
    rows = []
    for f in FIELDS:
        value = profile.value(f.path)
        cited = ""
        if f.path.startswith("own_rules.") and isinstance(value, str) and value:
            cited = profile.cite(value, organisation.name)
        rows.append({"field": f, "value_text": shown_value(value, f.path),
                     "base_text": shown_value(base.value(f.path), f.path), "cited": cited,
                     "value_input": _input_text(value), "overridden": f.path in overrides})
    return rows


def field_label(path: str, language: str | None) -> str:
    """A setting named in words (the dotted path only for what has no label)."""
    field = FIELD_BY_PATH.get(path.split("[")[0])
    if field is None:
        return str(_("利用目的の登録簿")) if path.startswith(PERMITTED_USES_PATH) else path
    return field.label_en if language == "en" else field.label_ja


def uses_overridden(organisation: Any) -> bool:
    return PERMITTED_USES_PATH in (organisation.policy_overrides or {})


def override_history(limit: int = 20) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(action="policy.override").order_by("-seq")[:limit]


def history_rows(language: str | None, limit: int = 20) -> list[dict[str, Any]]:
    """The latest changes with the setting named in words (「複製データの保存期間（月）」),
    not its dotted path."""
    rows = []
    for entry in override_history(limit):
        try:
            detail = json.loads(entry.detail or "{}")
        except ValueError:
            detail = {}
        path = detail.get("field", "")
        field = FIELD_BY_PATH.get(path)
        if field is not None:
            label = field.label_en if language == "en" else field.label_ja
        elif path == PERMITTED_USES_PATH:
            label = _("利用目的の登録簿")
        else:
            label = path
        rows.append({"entry": entry, "field": label,
                     "new": shown_value(detail.get("new", ""), path)
                     if path != PERMITTED_USES_PATH else ""})
    return rows
