"""Watching the audit chain, on a schedule (found by hogo.jobs)."""

import datetime as dt

from hogo.jobs import Job
from hogo.oversight.tasks import verify_chain_task

JOBS = (
    Job("oversight.verify_chain", verify_chain_task, dt.timedelta(days=1),
        "verify the whole audit chain against the anchor; alert on failure"),
)
