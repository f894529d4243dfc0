"""Report jobs when things break: a broker that does not answer (503, the report failed
with the reason, retried at once), a worker that dies mid-report (failed by the beat task,
queued again once, built once), and a job message the broker delivers again later."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from actionplan.celery import app
from actionplan.jobs import JobUnavailable
from actionplan.models import Plan, User
from evaluations.models import EvaluationReport, ReportKind, ReportStatus
from evaluations.reports import build, pdf, services
from evaluations.tasks import mark_stale_reports
from fiches.models import Fiche
from fiches.services import round_open
from tests.factories import ActionFactory

ROOT = Path(__file__).resolve().parents[2]
YEAR = 2027
BUILD = "evaluations.tasks.build_report"
NOT_STARTED = str(JobUnavailable())


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def queued(plan: Plan, user: User | None = None) -> EvaluationReport:
    """A report as the coordinator asks for it, its job not sent (built here, in-process)."""
    return services.report_request(
        plan=plan, kind=ReportKind.INTERIM, year=YEAR, user=user, enqueue=False
    )


# --- The broker does not answer --------------------------------------------------------


@pytest.mark.django_db
def test_a_report_asked_for_through_the_api_without_a_broker_is_503_and_retried_at_once(
    plan, coordinator, broker, published_jobs
):
    broker.down()

    response = api(coordinator).post(
        "/api/v1/reports/", {"kind": "interim", "year": YEAR}, format="json"
    )

    assert response.status_code == 503
    assert response.json() == {"detail": NOT_STARTED}
    assert NOT_STARTED.startswith("De wachtrij voor achtergrondtaken is nu niet bereikbaar")
    assert response["Retry-After"] == "60"
    report = EvaluationReport.objects.get()
    # Not a queued row that nothing picks up: failed, with the reason, for everyone to see.
    assert (report.status, report.error) == (ReportStatus.FAILED, NOT_STARTED)
    shown = api(coordinator).get(f"/api/v1/reports/{report.pk}/").json()
    assert (shown["status"], shown["error"]) == ("failed", NOT_STARTED)

    broker.up()
    retried = api(coordinator).post(f"/api/v1/reports/{report.pk}/retry/")

    assert retried.status_code == 202
    assert (retried.json()["status"], retried.json()["error"]) == ("queued", "")
    assert published_jobs() == [(BUILD, [report.pk, 2])]


@pytest.mark.django_db
def test_a_retry_without_a_broker_is_503_and_the_report_stays_failed(
    plan, coordinator, broker, published_jobs
):
    report = queued(plan, coordinator)
    services.report_fail(report, "Het opmaken mislukte: de renderer crashte")
    broker.down()

    response = api(coordinator).post(f"/api/v1/reports/{report.pk}/retry/")

    assert response.status_code == 503
    assert response.json()["detail"] == NOT_STARTED
    report.refresh_from_db()
    assert (report.status, report.error) == (ReportStatus.FAILED, NOT_STARTED)
    broker.up()
    assert published_jobs() == []


@pytest.mark.django_db
def test_a_report_asked_for_on_the_page_without_a_broker_shows_why_with_503(
    coordinator_client, plan, broker
):
    broker.down()

    response = coordinator_client.post("/reports/", {"kind": "interim", "year": YEAR})

    assert response.status_code == 503
    assert NOT_STARTED in response.text
    assert 'href="/reports/"' in response.text
    report = EvaluationReport.objects.get()
    assert report.status == ReportStatus.FAILED
    broker.up()
    listed = coordinator_client.get("/reports/").text
    assert NOT_STARTED in listed and "Opnieuw proberen" in listed


@pytest.fixture
def fiche(plan, admin_a, coordinator) -> Fiche:
    action = ActionFactory(lead_administration=admin_a, title="Actie van A")
    round_open(plan=plan, year=2026, deadline=dt.date(2026, 12, 31), user=coordinator)
    return Fiche.objects.get(action=action, year=2026)


@pytest.mark.django_db
def test_a_fiche_pdf_without_a_broker_shows_why_with_503_and_the_way_back(
    client, fiche, editor_a, broker, published_jobs
):
    client.force_login(editor_a)
    broker.down()

    response = client.post(f"/fiches/{fiche.pk}/pdf/")

    assert response.status_code == 503
    assert NOT_STARTED in response.text
    assert f'href="/fiches/{fiche.pk}/"' in response.text
    report = EvaluationReport.objects.get()
    assert (report.kind, report.status, report.error) == ("fiche", "failed", NOT_STARTED)

    broker.up()
    response = client.post(f"/reports/{report.pk}/opnieuw/")

    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.attempts) == (ReportStatus.QUEUED, 2)
    assert published_jobs() == [(BUILD, [report.pk, 2])]


# --- One build per report: attempts ----------------------------------------------------


@pytest.mark.django_db
def test_a_report_retried_long_after_it_was_asked_for_waits_its_own_queue_timeout(
    plan, coordinator, settings, time_machine, published_jobs
):
    report = queued(plan, coordinator)
    services.report_fail(report, "Het opmaken mislukte: de renderer crashte")
    time_machine.move_to(
        timezone.now() + dt.timedelta(seconds=settings.REPORT_QUEUE_TIMEOUT + 3600)
    )

    services.report_retry(report=report, user=coordinator)

    assert mark_stale_reports() == 0  # not "no worker picked it up within 60 minutes"
    report.refresh_from_db()
    assert (report.status, report.shown_status) == (ReportStatus.QUEUED, ReportStatus.QUEUED)
    assert published_jobs() == [(BUILD, [report.pk, 2])]


@pytest.mark.django_db
def test_a_job_of_an_earlier_attempt_delivered_again_builds_nothing(plan, coordinator):
    report = queued(plan, coordinator)
    services.report_fail(report, "Het opmaken mislukte: de renderer crashte")
    services.report_retry(report=report, user=coordinator)  # attempt 2, its job sent

    # The broker hands out attempt 1's message again (its visibility timeout passed).
    old = build.report_build(report.pk, 1)

    report.refresh_from_db()
    assert (old.status, report.status, report.attempts) == ("queued", "queued", 2)
    assert not report.file and report.started_at is None

    built = build.report_build(report.pk, 2)
    assert built.status == ReportStatus.DONE, built.error
    # And attempt 2's message once more, after it was built: the PDF stays as it is.
    again = build.report_build(report.pk, 2)
    assert (again.sha256, again.finished_at, again.file.name) == (
        built.sha256,
        built.finished_at,
        built.file.name,
    )
    assert len(list(Path(built.file.path).parent.iterdir())) == 1


@pytest.mark.django_db
def test_a_report_that_a_live_worker_builds_is_not_built_by_a_second_message(plan, coordinator):
    report = queued(plan, coordinator)
    EvaluationReport.objects.filter(pk=report.pk).update(
        status=ReportStatus.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now()
    )

    second = build.report_build(report.pk, 1)

    assert (second.status, second.progress) == (ReportStatus.RUNNING, 0)
    assert not second.file


@pytest.mark.django_db
def test_a_build_given_up_on_while_it_ran_keeps_nothing(
    plan, coordinator, settings, time_machine, monkeypatch, published_jobs
):
    """The worker was only slow, not dead: by the time it finishes the beat task failed
    the report and queued attempt 2. The late PDF is not kept; attempt 2 builds it."""
    report = queued(plan, coordinator)
    render = pdf.render_pdf

    def slow_render(html: str, **kwargs: object) -> pdf.RenderResult:
        # Silent longer than the heartbeat timeout (the clock jumps), then the beat task.
        time_machine.move_to(
            timezone.now() + dt.timedelta(seconds=settings.REPORT_HEARTBEAT_TIMEOUT + 5)
        )
        assert mark_stale_reports() == 1
        return render(html, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(build, "render_pdf", slow_render)
    late = build.report_build(report.pk, 1)

    assert (late.status, late.attempts, late.auto_retried) == (ReportStatus.QUEUED, 2, True)
    assert not late.file and not late.sha256
    assert published_jobs() == [(BUILD, [report.pk, 2])]
    monkeypatch.undo()
    assert build.report_build(report.pk, 2).status == ReportStatus.DONE


@pytest.mark.realtime
@pytest.mark.django_db(transaction=True)
def test_a_long_step_keeps_writing_the_heartbeat(plan, coordinator, settings, monkeypatch):
    settings.REPORT_HEARTBEAT_TIMEOUT = 1  # a sign of life every 0.2 s
    report = queued(plan, coordinator)
    render = pdf.render_pdf
    beats: list[dt.datetime | None] = []

    def slow_render(html: str, **kwargs: object) -> pdf.RenderResult:
        # A layout step longer than the timeout, without a progress callback.
        for _ in range(3):
            time.sleep(0.6)
            beats.append(EvaluationReport.objects.get(pk=report.pk).heartbeat_at)
        return render(html, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(build, "render_pdf", slow_render)
    built = build.report_build(report.pk, 1)

    assert built.status == ReportStatus.DONE, built.error
    assert all(beat is not None for beat in beats)
    assert beats[0] < beats[1] < beats[2]  # type: ignore[operator]


# --- A real worker killed mid-report ---------------------------------------------------

# A worker of its own, in a process group of its own (so that it can be killed whole),
# on this test's database and clock; ``visibility_timeout`` as given, so that the broker
# hands out a dead worker's message again now instead of in an hour.
LAUNCH = """
import datetime as dt, sys
import time_machine
time_machine.travel(dt.datetime.fromisoformat(sys.argv[1]), tick=True).start()
from django.conf import settings
from actionplan.celery import app
settings.MEDIA_ROOT = sys.argv[3]
app.conf.broker_transport_options = {
    **app.conf.broker_transport_options, "visibility_timeout": float(sys.argv[4])
}
app.worker_main(["worker", "--pool=solo", "--queues", sys.argv[2], "--loglevel=INFO",
                 "--without-mingle", "--without-gossip", "--without-heartbeat"])
"""


def _database_url() -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextmanager
def worker_process(
    queue: str, log: Path, visibility_timeout: float
) -> Iterator[subprocess.Popen[bytes]]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": _database_url(),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    args = [
        sys.executable,
        "-c",
        LAUNCH,
        timezone.now().isoformat(),
        queue,
        str(django_settings.MEDIA_ROOT),
        str(visibility_timeout),
    ]
    with log.open("ab") as output:
        process = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)  # warm shutdown
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def poll(condition: Callable[[], bool], what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    pytest.fail(f"still not {what} after {timeout} s")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="a worker process needs a database it shares with the test (the SQLite test "
    "database lives in this process's memory); CI runs it on PostgreSQL",
)
def test_a_report_whose_worker_was_killed_is_failed_then_built_once_by_the_next_worker(
    plan, coordinator, settings, time_machine, tmp_path
):
    queue = f"test-killed-{uuid.uuid4().hex[:12]}"
    log = tmp_path / "workers.log"
    previous = app.conf.task_routes
    app.conf.update(task_routes={BUILD: {"queue": queue}})
    try:
        with worker_process(queue, log, visibility_timeout=3600) as first:
            report = services.report_request(
                plan=plan, kind=ReportKind.INTERIM, year=YEAR, user=coordinator
            )

            def laying_out() -> bool:
                report.refresh_from_db()
                return report.status == ReportStatus.RUNNING and report.progress >= 20

            poll(laying_out, "laying out the PDF")
            os.killpg(first.pid, signal.SIGKILL)  # the whole worker, mid-report
            first.wait()
        report.refresh_from_db()
        assert report.status == ReportStatus.RUNNING, "the report must be killed mid-build"
        assert report.heartbeat_at is not None

        # Nothing writes a sign of life any more; the beat task finds the report dead.
        time_machine.move_to(
            report.heartbeat_at + dt.timedelta(seconds=settings.REPORT_HEARTBEAT_TIMEOUT + 5)
        )
        assert mark_stale_reports() == 1
        report.refresh_from_db()
        assert (report.status, report.attempts) == (ReportStatus.QUEUED, 2)

        # The next worker: attempt 2's job, and the dead worker's unacknowledged attempt 1,
        # which the broker hands out again (here at once, in production after an hour).
        with worker_process(queue, log, visibility_timeout=1):

            def finished() -> bool:
                report.refresh_from_db()
                return report.status in (ReportStatus.DONE, ReportStatus.FAILED)

            poll(finished, "finished")
            if app.conf.broker_url.startswith("redis://"):  # the filesystem queue has no
                # unacknowledged messages to hand out again
                skipped = f"report {report.pk} attempt 1 skipped"
                poll(lambda: skipped in log.read_text(errors="replace"), "skipped")
    finally:
        app.conf.update(task_routes=previous)

    assert report.status == ReportStatus.DONE, report.error
    assert (report.attempts, report.auto_retried) == (2, True)
    assert len(list(Path(report.file.path).parent.iterdir())) == 1  # built once
    statuses = [h.status for h in report.history.order_by("history_date")]
    assert statuses.count(ReportStatus.DONE) == 1
    reasons = [h.history_change_reason or "" for h in report.history.order_by("history_date")]
    assert any(r.startswith("De worker stopte tijdens het opmaken") for r in reasons)
    assert "automatisch opnieuw gestart" in reasons
