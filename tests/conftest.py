"""Shared fixtures: the real plan, and one fixture per role."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from kombu.simple import SimpleQueue

from actionplan.celery import app
from actionplan.models import Plan, Role
from actionplan.services import plan_load
from tests.factories import AdministrationFactory, UserFactory

pytest_plugins = ["tests.browser"]

PLAN_FILE = Path(__file__).resolve().parent.parent / "actionplan" / "data" / "plan.json"


# The rules depend on the day (a deadline may not lie in the past, a fiche is late after
# its deadline, a round opens on the day it is opened), so every test starts on the same
# day, with the clock ticking from there: the suite gives the same answer on any day it
# runs. A test about another day moves the clock itself (`time_machine.move_to(...)`).
# Workers started by tests run in this process and see the same clock.
TODAY = dt.datetime(2026, 6, 15, 10, 0, tzinfo=ZoneInfo("Europe/Brussels"))


@pytest.fixture(autouse=True)
def _fixed_clock(time_machine):
    time_machine.move_to(TODAY, tick=True)
    return TODAY


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    # A cache namespace per test (Redis in CI): ids restart after each test's rollback, so
    # a key built from them must not meet an entry a previous test left behind.
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    }


@pytest.fixture
def plan_data() -> dict:
    return json.loads(PLAN_FILE.read_text(encoding="utf-8"))


@pytest.fixture
def plan(db, plan_data) -> Plan:
    plan_load(data=plan_data)
    return Plan.objects.get()


@pytest.fixture
def admin_a(db):
    return AdministrationFactory(code="OV", name="Departement Onderwijs en Vorming")


@pytest.fixture
def admin_b(db):
    return AdministrationFactory(code="ZW", name="Departement Zorg en Welzijn")


@pytest.fixture
def coordinator(db):
    return UserFactory(username="coord", role=Role.COORDINATOR, is_staff=True)


@pytest.fixture
def editor_a(db, admin_a):
    return UserFactory(username="editor-a", role=Role.EDITOR, administrations=[admin_a])


@pytest.fixture
def editor_b(db, admin_b):
    return UserFactory(username="editor-b", role=Role.EDITOR, administrations=[admin_b])


@pytest.fixture
def reader(db):
    return UserFactory(username="reader", role=Role.READER)


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def reader_client(client, reader):
    client.force_login(reader)
    return client


# --- Jobs ------------------------------------------------------------------------------
# The services publish their jobs to the real broker. In tests they go to a queue of this
# test process that no worker reads: a worker started by another test must not pick up a
# job whose row exists only in this test's database, and a test can see what was sent.
# (A test that starts a worker routes the job to the worker's own queue meanwhile.)
JOB_QUEUE = f"tests-jobs-{uuid.uuid4().hex[:12]}"
JOB_TASKS = (
    "evaluations.tasks.*",
    "exchange.tasks.*",
    "fiches.tasks.*",
    "notifications.tasks.*",
)


def _drain_jobs() -> list[tuple[str, list]]:
    """The jobs waiting in the tests' queue, taken out of it: (task name, args)."""
    taken = []
    with app.connection_for_write() as connection:
        queue = SimpleQueue(connection, JOB_QUEUE, no_ack=True)
        try:
            while True:
                try:
                    message = queue.get(block=False)
                except queue.Empty:
                    break
                taken.append((message.headers["task"], message.decode()[0]))
        finally:
            queue.close()
    return taken


@pytest.fixture(autouse=True, scope="session")
def _job_queue():
    # ``conf.update`` (not assignment) makes Celery rebuild its router.
    previous = app.conf.task_routes
    app.conf.update(task_routes={name: {"queue": JOB_QUEUE} for name in JOB_TASKS})
    yield
    app.conf.update(task_routes=previous)
    _drain_jobs()


@pytest.fixture
def published_jobs():
    """Call it to get the jobs the test published since it started, oldest first."""
    _drain_jobs()
    return _drain_jobs


class Broker:
    """Takes the broker away from the application and gives it back."""

    def __init__(self) -> None:
        self.url = app.conf.broker_url

    def down(self) -> None:
        app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1

    def up(self) -> None:
        app.conf.broker_url = self.url


@pytest.fixture
def broker():
    broker = Broker()
    yield broker
    broker.up()
