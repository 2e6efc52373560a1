"""What happens when the audit chain does not verify: the privacy officers and system
administrators are alerted and mailed at once (the chain cannot tell them itself: it sits
below accounts and alerts)."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from hogo.accounts.models import Role
from hogo.alerts.services import alert_roles, mail_people
from hogo.audit import services
from hogo.audit.verification import Verification

log = logging.getLogger("hogo.audit")
ALERTED_ROLES = (Role.PRIVACY_OFFICER, Role.SYSADMIN)
ALERT_KIND = "audit.chain_broken"


def report_failure(verification: Verification, *, source: str) -> list[Any]:
    """Log, record in the chain, alert and mail each privacy officer and system administrator.

    One alert per person per distinct failure: the same problems found again while the
    alert is open alert (and mail) nobody twice. Returns the alerts raised now.
    """
    for problem in verification.problems:
        log.error("audit chain BROKEN (%s): %s", source, problem)
    services.record("audit.chain_broken", actor="system",
                    detail={"source": source, "problems": list(verification.problems)})
    listed = "\n".join(f"- {problem}" for problem in verification.problems)
    digest = hashlib.sha256(listed.encode()).hexdigest()[:16]
    message = _("監査ログの検証で異常が見つかりました。改ざん、削除または保護の解除のおそれが"
                "あります。\n%(problems)s") % {"problems": listed}
    raised = alert_roles(ALERTED_ROLES, ALERT_KIND, message=message,
                         key=f"{ALERT_KIND}:{digest}", link=reverse("audit:list"))
    mail_people([alert.recipient for alert in raised],
                _("[hogo] 監査ログの検証に失敗しました"),
                f"{message}\n\n`hogo audit verify` ({source})\n\n（hogo から自動送信）")
    return raised
