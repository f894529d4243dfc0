from __future__ import annotations

from celery import shared_task


@shared_task(ignore_result=False, soft_time_limit=10, time_limit=20)
def ping() -> str:
    """Answers ``pong``: lets tests and operators see that a worker takes jobs."""
    return "pong"
