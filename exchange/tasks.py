from __future__ import annotations

from celery import shared_task

from exchange.run import import_run


@shared_task(acks_late=True, soft_time_limit=540, time_limit=600)
def run_import(job_id: int, apply: bool, then_apply: bool = False) -> None:
    """Check or apply a spreadsheet import; the ImportJob row holds the outcome."""
    try:
        job = import_run(job_id, apply=apply)
        if then_apply and job.can_apply:
            import_run(job_id, apply=True)
    except Exception:
        # The reason is on the row (status failed); no automatic retry of a write.
        return
