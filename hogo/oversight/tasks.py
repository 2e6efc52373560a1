"""Background jobs watching the audit chain, run by the worker (django-tasks): the chain's
daily verification and the nightly access-log analysis."""

from __future__ import annotations

import logging
from dataclasses import replace

from django_tasks import task

from hogo.accounts import lockout
from hogo.audit import services, verification
from hogo.oversight import flags, reporting

log = logging.getLogger("hogo.audit")


@task()
def verify_chain_task() -> dict:
    """Verify the whole chain (see verification.py) against the head kept last time.

    The anchor file catches entries cut from the end, which the chain alone cannot show; it
    is only moved on while everything holds, and `audit.verified` is recorded only once it
    is written (from then on a missing anchor is a failure). A failure is recorded in the
    chain, logged, and alerted and mailed to the privacy officers and system
    administrators. Finished windows of failed log-ins are summarised first, so they are
    under today's anchor.
    """
    lockout.summarise_closed_windows()
    result = verification.verify_all()
    if result.ok and (unwritten := verification.write_daily_anchor()):
        result = replace(result, problems=(unwritten,))
    if result.ok:
        services.record(verification.VERIFIED, actor="system",
                        detail={"count": result.count, "head": result.head_hash})
    else:
        reporting.report_failure(result, source="daily verification")
    return {"ok": result.ok, "count": result.count, "problems": list(result.problems)}


@task()
def analyse_access_task() -> dict:
    """Nightly: flag yesterday's (Japan time) access patterns for the privacy officer
    (R-903). Idempotent: a re-run over the same day makes no second flag."""
    made = flags.analyse_day()
    return {"flags": [flag.pk for flag in made]}
