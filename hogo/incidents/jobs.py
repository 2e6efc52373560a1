"""The incidents app's scheduled jobs (found by hogo.jobs)."""

import datetime as dt

from hogo.incidents.tasks import escalate_incidents_task, incident_deadlines_task
from hogo.jobs import Job

JOBS = (
    # the limit is counted in office hours: a minute's lag is the most this adds
    Job("incidents.escalate", escalate_incidents_task, dt.timedelta(minutes=1),
        "escalate incident reports nobody acknowledged in time"),
    # alerts are keyed by day: one per report and day
    Job("incidents.deadlines", incident_deadlines_task, dt.timedelta(hours=1),
        "chase PPC report deadlines"),
)
