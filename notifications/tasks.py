"""Mail jobs: sent after a commit and swept by beat every minute (``deliver_mail``)."""

from __future__ import annotations

from celery import shared_task

from notifications import services


@shared_task(soft_time_limit=120, time_limit=180)
def deliver_mail() -> int:
    return services.mail_deliver()
