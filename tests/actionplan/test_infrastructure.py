"""Health check, the Celery worker and the production settings."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from actionplan.celery import app
from actionplan.jobs import JobUnavailable, enqueue
from actionplan.tasks import ping

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True, "broker": True}


@pytest.mark.django_db
def test_healthz_is_503_when_the_broker_does_not_answer(client, broker):
    broker.down()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": True, "broker": False}


@contextmanager
def silent_broker() -> Iterator[str]:
    """A broker that takes the connection and never says a word; it hangs up after 15 s,
    so that a check without a timeout shows as slow instead of hanging the suite."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    hang_up = threading.Timer(15, server.close)
    hang_up.start()
    previous = app.conf.broker_url
    app.conf.broker_url = f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    try:
        yield app.conf.broker_url
    finally:
        app.conf.broker_url = previous
        hang_up.cancel()
        server.close()


@pytest.mark.django_db
def test_healthz_gives_up_on_a_broker_that_never_answers_after_its_timeout(client, settings):
    settings.BROKER_TIMEOUT = 0.2
    with silent_broker():
        started = time.monotonic()
        response = client.get("/healthz")
        elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": True, "broker": False}
    # The timeout, not the 15 s until the broker hangs up (generous for a busy machine).
    assert elapsed < 5


def test_a_job_for_a_broker_that_never_answers_is_refused_after_its_timeout(settings):
    settings.BROKER_TIMEOUT = 0.2
    with silent_broker():
        started = time.monotonic()
        with pytest.raises(JobUnavailable) as refused:
            enqueue("actionplan.tasks.ping", [])
        elapsed = time.monotonic() - started
    assert str(refused.value).startswith("De wachtrij voor achtergrondtaken is nu niet")
    assert refused.value.api_status == 503
    assert elapsed < 5


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_task_through_the_broker():
    from celery.contrib.testing.worker import start_worker

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        result = ping.delay()
        assert result.get(timeout=20) == "pong"
    if os.environ.get("REDIS_URL"):
        assert app.conf.broker_url.startswith("redis://")


def test_check_deploy_is_clean_with_production_values():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "actionplan.settings",
        "DEBUG": "0",
        "SECURE": "1",
        "SECRET_KEY": "a-long-random-production-secret-" + "x7Q9#kLm2$pR8vW4" * 3,
        "ALLOWED_HOSTS": "actieplanmonitor.example",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_settings_refuse_to_start_without_a_secret_in_production():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update({"DEBUG": "0", "DJANGO_SETTINGS_MODULE": "actionplan.settings"})
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
