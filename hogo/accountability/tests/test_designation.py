"""An operator's designation warns when their training is out of date, and is refused with a
Japanese reason when the profile's training.block_designation is set (R-905)."""

import json

import pytest

from hogo.accounts.services import AccountError, designate_operator
from hogo.audit.models import AuditEntry


def test_designation_warns_when_training_lapsed(demo, user, course, took, joined_days_ago):
    staff = joined_days_ago(user("staff"), 500)
    took(staff, course, 400)
    designation = designate_operator(user("manager"), staff)
    assert designation.pk is not None
    assert len(designation.warnings) == 1
    assert "個人情報保護研修" in designation.warnings[0]
    assert "期限切れ" in designation.warnings[0]
    entry = AuditEntry.objects.filter(action="operator.designated").latest("seq")
    assert json.loads(entry.detail)["warnings"] == designation.warnings


def test_current_training_designates_without_warning(demo, user, course, took):
    staff = user("staff")
    took(staff, course, 10)
    assert designate_operator(user("manager"), staff).warnings == []


def test_profile_blocks_designation_of_untrained(demo, user, course, took, joined_days_ago):
    demo.policy_overrides = {**demo.policy_overrides, "training.block_designation": True}
    demo.save(update_fields=["policy_overrides"])
    staff = joined_days_ago(user("staff"), 500)
    with pytest.raises(AccountError) as refused:
        designate_operator(user("manager"), staff)
    assert "操作取扱者に指定できません" in str(refused.value)
    assert "未受講" in str(refused.value)
    assert not user("staff").is_operator
    took(staff, course, 1)
    assert designate_operator(user("manager"), user("staff")).warnings == []
