"""Watching the audit chain and analysing access, on a schedule (found by hogo.jobs)."""

import datetime as dt

from hogo.jobs import Job
from hogo.oversight.tasks import analyse_access_task, verify_chain_task

JOBS = (
    Job("oversight.verify_chain", verify_chain_task, dt.timedelta(days=1),
        "verify the whole audit chain against the anchor; alert on failure"),
    Job("oversight.analyse_access", analyse_access_task, dt.timedelta(days=1),
        "flag yesterday's access patterns (night viewing, other departments, refusals...)"),
)
