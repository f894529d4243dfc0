"""Celery jobs of the evaluation reports: thin, idempotent, with time limits.

The requesting services send ``evaluations.tasks.build_report`` by name; the work itself is
``evaluations.reports.build``.
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from evaluations.reports import build, services


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.REPORT_SOFT_TIME_LIMIT,
    time_limit=settings.REPORT_TIME_LIMIT,
)
def build_report(report_id: int, attempt: int | None = None) -> None:
    """Build one attempt of a report; its row says how it went (status, progress, file or
    error). A message of an attempt that is no longer the report's current one (delivered
    again by the broker) builds nothing."""
    try:
        build.report_build(report_id, attempt)
    except Exception:
        # The reason is on the row; an error is not retried automatically (the same data
        # fails again): the coordinator decides with the retry button. Only a worker that
        # died is retried by itself, once (services.reports_mark_stale).
        return


@shared_task(soft_time_limit=60, time_limit=120)
def mark_stale_reports() -> int:
    return services.reports_mark_stale()
