"""Daily jobs for copies: erase what has expired, remind managers 30 days ahead."""

from django_tasks import task

from hogo.copies import services


@task()
def copy_retention_task() -> dict:
    erased = services.erase_expired()
    return {"erased": len(erased), "reminded": services.remind_expiring()}


@task()
def expire_exports_task() -> int:
    """Hourly: export packages nobody downloaded are removed from the server."""
    from hogo.copies.export import expire_exports

    return len(expire_exports())


@task()
def analyse_task(processing_pk: int) -> None:
    """Detection and counting for a processing request (minutes for a long copy)."""
    from hogo.copies import processing

    processing.run_analysis(processing_pk)


@task()
def render_task(processing_pk: int) -> None:
    """Rendering the reviewed, processed copy."""
    from hogo.copies import processing

    processing.run_render(processing_pk)
