"""Background jobs of the audit app, run by the worker (django-tasks)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from django.conf import settings
from django_tasks import task

from hogo.audit import chain, services

log = logging.getLogger("hogo.audit")


ANCHOR_FILE = "audit-anchor.json"


@task()
def verify_chain_task() -> dict:
    """Re-verify the whole chain against the head seen last time, kept outside the table.

    The file catches entries cut from the end, which the chain alone cannot show. A break is
    logged as an error and recorded in the chain.
    """
    anchor_path = Path(settings.DATA_DIR) / ANCHOR_FILE
    report = services.verify_chain()
    if report.ok and anchor_path.exists() and (
            problem := services.check_anchor(json.loads(anchor_path.read_text()))):
        report = chain.ChainReport(report.count, report.head_hash,
                                   chain.ChainBreak(0, 0, problem))
    if report.ok:
        anchor_path.write_text(json.dumps(services.anchor()))
        services.record("audit.verified", actor="system",
                        detail={"count": report.count, "head": report.head_hash})
    else:
        log.error("audit chain broken: %s", report.first_break)
        services.record("audit.chain_broken", actor="system",
                        detail={"break": str(report.first_break)})
    return {"ok": report.ok, "count": report.count}
