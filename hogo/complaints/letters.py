"""The printable answer letter (苦情への回答書): addressed to the complainant, dated in the
Japanese era, issued by the organisation's head with space for the seal, citing the own rule
on complaints. Printing it shows the complainant, so it is an audited access."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from hogo.accounts.models import User
from hogo.accounts.permissions import require
from hogo.complaints import common
from hogo.complaints.common import ComplaintError
from hogo.complaints.models import Complaint
from hogo.requests.letters import issuer


def answer_letter(user: User, complaint: Complaint) -> dict[str, Any]:
    """What the answer letter prints; refused until the answer is recorded, and for a
    complainant without name or contact (nobody to send it to)."""
    require(user, "complaints.view", complaint)
    if complaint.answered_at is None:
        raise ComplaintError(_("回答を記録してから回答書を作成してください。"))
    if not complaint.can_reply:
        raise ComplaintError(_("申出人の氏名又は連絡先がないため、回答書は作成できません。"))
    common.record_viewed(user, complaint, "answer_letter")
    organisation = complaint.organisation
    return {"complaint": complaint, "organisation": organisation,
            "issuer": issuer(organisation), "rule": common.rule(organisation),
            "dated": complaint.answered_on}
