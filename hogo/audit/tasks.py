"""Background jobs of the audit app, run by the worker (django-tasks)."""

from __future__ import annotations

import logging

from django_tasks import task

from hogo.audit import services

log = logging.getLogger("hogo.audit")


@task()
def verify_chain_task() -> dict:
    """Re-verify the whole chain; a break is logged as an error and recorded in the chain."""
    report = services.verify_chain()
    if report.ok:
        services.record("audit.verified", actor="system",
                        detail={"count": report.count, "head": report.head_hash})
    else:
        log.error("audit chain broken: %s", report.first_break)
        services.record("audit.chain_broken", actor="system",
                        detail={"break": str(report.first_break)})
    return {"ok": report.ok, "count": report.count}
