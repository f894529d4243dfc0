from __future__ import annotations

from celery import shared_task


@shared_task(ignore_result=False, soft_time_limit=10, time_limit=20)
def ping() -> str:
    """Answers ``pong``: lets tests and operators see that a worker takes jobs."""
    return "pong"


@shared_task(acks_late=True, soft_time_limit=540, time_limit=600)
def run_import(job_id: int, apply: bool, then_apply: bool = False) -> None:
    """Check or apply a spreadsheet import; the ImportJob row holds the outcome."""
    from actionplan.imports import import_run

    try:
        job = import_run(job_id, apply=apply)
        if then_apply and job.can_apply:
            import_run(job_id, apply=True)
    except Exception:
        # The reason is on the row (status failed); no automatic retry of a write.
        return
