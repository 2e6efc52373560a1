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

from hogo.audit import services as audit
from hogo.audit.models import AuditEntry
from hogo.rules.profile import FIELD_BY_PATH, FIELDS, PolicyProfile, ProfileError, load_profiles


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


def parse_value(text: str) -> object:
    """'true'/'false' and numbers as typed; anything else stays text and fails validation."""
    try:
        return json.loads(text.strip().lower())
    except ValueError:
        return text


def shown_value(value: object) -> str:
    if isinstance(value, bool):
        return _("する") if value else _("しない")
    return f"{value:,}" if isinstance(value, int) else str(value)


def profile_rows(organisation: Any) -> list[dict[str, Any]]:
    """Each overridable setting with its effective and shipped value."""
    profile = effective_profile(organisation)
    base = shipped_profiles()[organisation.profile_key]
    overrides = organisation.policy_overrides or {}
    return [{"field": f, "value_text": shown_value(profile.value(f.path)),
             "base_text": shown_value(base.value(f.path)),
             "value_input": str(profile.value(f.path)).lower(),
             "overridden": f.path in overrides} for f in FIELDS]


def override_history(limit: int = 20) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(action="policy.override").order_by("-seq")[:limit]
