"""Scheduled jobs: each app declares its own in `<app>/jobs.py`; this app finds and runs them.

A declaration is a `Job` (a name, the django-tasks task, how often). `declared()` collects
them from every installed app, so `hogo serve` schedules them, `hogo jobs list` shows them and
`hogo jobs run NAME` runs one once, without this app importing any of the apps above it.
"""

from hogo.jobs.declarations import Job, declared, find

__all__ = ["Job", "declared", "find"]
