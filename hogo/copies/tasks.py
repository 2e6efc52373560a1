"""Daily jobs for copies: erase what has expired, remind managers 30 days ahead."""

from django_tasks import task

from hogo.copies import services


@task()
def copy_retention_task() -> dict:
    erased = services.erase_expired()
    return {"erased": len(erased), "reminded": services.remind_expiring()}
