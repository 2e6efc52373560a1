"""Scheduled jobs for copies: erase what has expired, remind managers 30 days ahead, and
remove export packages nobody downloaded."""

from django_tasks import task

from hogo.copies import services
from hogo.copies.packages import expire_exports


@task()
def copy_retention_task() -> dict:
    erased = services.erase_expired()
    return {"erased": len(erased), "reminded": services.remind_expiring()}


@task()
def expire_exports_task() -> int:
    """Hourly: export packages nobody downloaded are removed from the server."""
    return len(expire_exports())
