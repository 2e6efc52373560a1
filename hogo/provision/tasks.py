"""Scheduled work of provision: unused download links expire (their packages shredded), the
recipients' erasure confirmations are chased, and provision and receipt records past their
keep-until day are erased."""

from django_tasks import task

from hogo.provision import handover, links, records


@task()
def expire_links_task() -> int:
    """Hourly: links past their expiry have their package crypto-shredded."""
    return links.expire_links()


@task()
def chase_erasures_task() -> int:
    """Daily: alerts for erasure confirmations due within a week or overdue."""
    return handover.chase_erasures()


@task()
def records_retention_task() -> int:
    """Daily: records kept past their keep-until day (Rules Arts. 21, 25) are erased."""
    return records.erase_expired()
