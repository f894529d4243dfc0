"""Beat and a real worker: beat's schedule publishes ``send_reminders`` through the broker,
a worker runs it, and the opening mails go out once, however often beat fires."""

from __future__ import annotations

import time
import uuid

import pytest
from celery.beat import Scheduler
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail

from actionplan.celery import app
from fiches.models import Reminder

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_beat_publishes_the_daily_run_and_a_real_worker_sends_each_mail_once(
    fiches, editor_a, editor_b
):
    for user in (editor_a, editor_b):
        user.email = f"{user.username}@example.invalid"
        user.save()
    entry = settings.CELERY_BEAT_SCHEDULE["send-reminders"]
    assert entry["task"] == "fiches.tasks.send_reminders"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({7}, {0})  # REMINDERS_AT

    queue = f"test-reminders-{uuid.uuid4().hex[:12]}"
    previous = (app.conf.task_routes, app.conf.beat_schedule, app.amqp.queues._consume_from)
    app.conf.update(
        task_routes={
            name: {"queue": queue} for name in ("fiches.tasks.*", "notifications.tasks.*")
        },
        # The same entry, due every half second instead of once a day at REMINDERS_AT.
        beat_schedule={"send-reminders": {**entry, "schedule": 0.5}},
    )
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=30, queues=[queue]
        ):
            beat = Scheduler(app, lazy=False)
            deadline = time.monotonic() + 60
            runs = 0
            while time.monotonic() < deadline and (runs < 3 or len(mail.outbox) < 2):
                beat.tick()
                runs += 1
                time.sleep(0.5)
            time.sleep(2)  # let the last runs finish: they must send nothing more
    finally:
        app.conf.update(task_routes=previous[0], beat_schedule=previous[1])
        app.amqp.queues._consume_from = previous[2]

    assert runs >= 3
    assert sorted(m.to[0] for m in mail.outbox) == [
        "editor-a@example.invalid",
        "editor-b@example.invalid",
    ]
    assert Reminder.objects.filter(kind="opened").count() == 4  # A: 2 fiches, B: 2 fiches
