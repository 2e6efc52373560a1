"""Background jobs of the accounts app, run by the worker (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from hogo.accounts import lockout


@task()
def summarise_login_failures_task() -> int:
    """Write the audit entry of each finished window of failed log-ins (see lockout.py)."""
    return lockout.summarise_closed_windows()
