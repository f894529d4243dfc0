"""Fiche jobs: the daily reminders (beat, ``REMINDERS_AT``)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from fiches.reminders import day_send


@shared_task(soft_time_limit=300, time_limit=360)
def send_reminders() -> str:
    result = day_send(today=timezone.localdate())
    return str(result.sent)
