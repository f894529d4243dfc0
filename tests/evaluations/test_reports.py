"""Evaluation reports: the job through a real worker, the PDF it makes, retries, stale jobs,
who may ask and who may download, fiche PDFs and the ``build_report`` command.

The PDFs are checked by what a reader finds in them (text extracted with pypdf), not by
the HTML that produced them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, StreamObject

from actionplan.celery import app
from actionplan.demo import demo_load
from actionplan.models import Action, Administration, Minister, Plan, Role, StrategicGoal, User
from consultation.demo import demo_consultation_load
from evaluations.models import EvaluationReport, ReportKind, ReportStatus, stale_after
from evaluations.reports import build as report_jobs
from evaluations.reports import narratives, services
from evaluations.reports.pdf import BlockedURL, StaticOnlyFetcher, render_pdf
from evaluations.tasks import mark_stale_reports
from fiches.models import Fiche
from fiches.services import fiche_approve, fiche_save, fiche_submit, round_open
from indicators.demo import demo_impact_load
from indicators.models import ImpactIndicator
from tests.factories import UserFactory

YEAR = 2027
SUMMARY = "Samenvatting van AJH: de uitvoering verloopt grotendeels volgens plan."
DRAFT_TEXT = "Conceptstand die nooit in een rapport mag staan."
SUBMITTED_TEXT = "Ingediende maar niet beoordeelde stand van zaken."
# User text that would do harm if it were read as HTML or fetched as a URL.
HOSTILE = (
    '<b>vet</b> <style>body{display:none}</style> <img src="file:///etc/passwd"> '
    "file:///etc/hostname http://127.0.0.1:9/x.png"
)


def finding_text(number: int) -> str:
    return f"Bevinding bij doelstelling {number}: de acties lopen."


def approved_text(code: str) -> str:
    return f"Goedgekeurd verslag over actie {code}."


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


# --- Data ------------------------------------------------------------------------------


@dataclass
class Scenario:
    plan: Plan
    coordinator: User
    codes: list[str]
    approved_codes: list[str]
    draft: Fiche
    submitted: Fiche
    hostile: Fiche


def _approve(fiche: Fiche, text: str, coordinator: User) -> Fiche:
    fiche = fiche_save(
        fiche=fiche,
        user=coordinator,
        expected_version=fiche.version,
        data={"status_update": text, "progress_status": "on_track"},
    )
    fiche = fiche_submit(fiche=fiche, user=coordinator)
    return fiche_approve(fiche=fiche, user=coordinator)


@pytest.fixture
def scenario(plan, coordinator) -> Scenario:
    """Ten demo actions, the 2027 round: one draft, one submitted, the rest approved (one of
    them with hostile text), and AJH's narrative for the interim evaluation (in the demo
    plan, where load_demo puts them)."""
    plan = demo_load(actions=10, seed=5).plan
    assert plan is not None
    round_open(plan=plan, year=YEAR, deadline=dt.date(YEAR, 3, 31), user=coordinator)
    fiches = list(Fiche.objects.filter(year=YEAR).select_related("action").order_by("pk"))
    assert len(fiches) >= 5, "the seed must give enough actions running in 2027"
    draft, submitted, hostile, *others = fiches
    fiche_save(
        fiche=draft,
        user=coordinator,
        expected_version=draft.version,
        data={"status_update": DRAFT_TEXT, "progress_status": "delayed"},
    )
    submitted = fiche_save(
        fiche=submitted,
        user=coordinator,
        expected_version=submitted.version,
        data={"status_update": SUBMITTED_TEXT, "progress_status": "on_track"},
    )
    fiche_submit(fiche=submitted, user=coordinator)
    _approve(hostile, HOSTILE, coordinator)
    for fiche in others:
        _approve(fiche, approved_text(fiche.action.code), coordinator)
    goals = StrategicGoal.objects.filter(plan=plan).order_by("number")
    narratives.narrative_save(
        plan=plan,
        kind=ReportKind.INTERIM,
        year=YEAR,
        user=coordinator,
        expected_version=1,
        fields={"summary": SUMMARY},
        findings={g.pk: {"text": finding_text(g.number)} for g in goals},
    )
    return Scenario(
        plan=plan,
        coordinator=coordinator,
        codes=list(Action.objects.for_plan(plan).values_list("code", flat=True)),
        approved_codes=[f.action.code for f in others],
        draft=draft,
        submitted=submitted,
        hostile=hostile,
    )


# --- Reading PDFs ----------------------------------------------------------------------


def normalise(text: str) -> str:
    """Undo what layout does to text: soft and hard hyphenation, line breaks."""
    text = text.replace("\u00ad", "")
    text = re.sub(r"(\w)-\n(\w)", r"\1\2", text)
    return re.sub(r"\s+", " ", text)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@dataclass
class PdfText:
    reader: PdfReader
    pages: list[str]

    @property
    def all(self) -> str:
        return normalise("\n".join(self.pages))

    @property
    def title(self) -> str:
        metadata = self.reader.metadata
        assert metadata is not None, "the PDF has no document information"
        assert metadata.title is not None, "the PDF has no title"
        return metadata.title

    def outline_titles(self) -> list[str]:
        def walk(items: list) -> Iterator[str]:
            for item in items:
                if isinstance(item, list):
                    yield from walk(item)
                else:
                    yield item.title

        return list(walk(self.reader.outline))


def read_pdf(data: bytes) -> PdfText:
    reader = PdfReader(io.BytesIO(data))
    return PdfText(reader, [page.extract_text() or "" for page in reader.pages])


def pdf_bytes(report: EvaluationReport) -> bytes:
    with report.file.open("rb") as handle:
        return handle.read()


# --- The worker ------------------------------------------------------------------------


@contextmanager
def worker() -> Iterator[None]:
    """A real Celery worker in a thread, consuming through the configured broker.

    Report jobs go to a queue of their own for the duration: other test runs may share the
    broker (the filesystem queue under var/test, or one Redis database) and their workers
    must not pick up jobs whose rows only exist in this test's database.
    """
    from celery.contrib.testing.worker import start_worker

    queue = f"test-reports-{uuid.uuid4().hex[:12]}"
    previous = app.conf.task_routes
    previous_selection = app.amqp.queues._consume_from
    app.conf.update(task_routes={"evaluations.tasks.build_report": {"queue": queue}})
    # SQLite's test database lives in memory with a shared cache, where a reader holds a
    # table lock that makes the worker's progress update fail at once ("database table is
    # locked") instead of waiting as it does on a database file. Polling the row without
    # read locks keeps the test's reads out of the worker's way.
    sqlite = connection.vendor == "sqlite"
    if sqlite:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA read_uncommitted = 1")
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=30, queues=[queue]
        ):
            yield
    finally:
        app.conf.update(task_routes=previous)
        # The worker selected its queue on the application; a later worker in this process
        # must start from the default selection again.
        app.amqp.queues._consume_from = previous_selection
        if sqlite:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA read_uncommitted = 0")


def wait_for(report: EvaluationReport, timeout: float = 90) -> EvaluationReport:
    """Poll the row, as the browser does, until the job has finished."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        report.refresh_from_db()
        if report.is_finished:
            return report
        time.sleep(0.2)
    pytest.fail(f"report {report.pk} still {report.status} ({report.step}) after {timeout} s")


def request(scenario: Scenario, kind: str = ReportKind.INTERIM) -> EvaluationReport:
    return services.report_request(
        plan=scenario.plan, kind=kind, year=YEAR, user=scenario.coordinator
    )


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_builds_the_interim_and_final_report_end_to_end(scenario):
    # The demo's consultation moments, stakeholder input and impact indicators too.
    demo_consultation_load(scenario.plan, 5)
    demo_impact_load(scenario.plan, 5)
    with worker():
        report = wait_for(request(scenario))
        final = wait_for(request(scenario, ReportKind.FINAL))

    assert report.status == ReportStatus.DONE, report.error
    assert (report.progress, report.attempts, report.error) == (100, 1, "")
    assert report.started_at and report.finished_at and report.finished_at >= report.started_at
    data = pdf_bytes(report)
    assert data.startswith(b"%PDF-")
    assert report.sha256 == hashlib.sha256(data).hexdigest()
    assert report.size == len(data)

    pdf = read_pdf(data)
    text = pdf.all
    n = len(pdf.reader.pages)
    assert report.page_count == n
    assert n > 3
    # The cover has no running header or footer; every other page says where it is.
    for number, page in enumerate(pdf.pages[1:], start=2):
        assert f"Pagina {number} van {n}" in normalise(page)
    assert "Pagina 1 van" not in text
    # A4 portrait, in points.
    box = pdf.reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)

    for code in scenario.codes:
        assert code in text
    assert SUMMARY in text
    for number in (1, 2, 3):
        assert finding_text(number) in text
    for code in scenario.approved_codes:
        assert approved_text(code) in text
    assert DRAFT_TEXT not in text
    assert SUBMITTED_TEXT not in text
    assert report.unapproved_fiches == 2
    assert "2 fiches tot en met 2027 zijn nog niet goedgekeurd en tellen niet mee." in text

    # Hostile user text is printed, not interpreted: the style did not hide the body
    # (the text is there) and the tags are visible as characters. Line breaks may fall
    # inside the URLs, hence the comparison without white space.
    assert "<b>vet</b>" in text
    assert squeeze(HOSTILE) in squeeze(text)

    metadata = pdf.reader.metadata
    assert metadata is not None
    assert metadata.title == (
        "Tussentijdse evaluatie 2027 — Vlaams actieplan ter bestrijding van "
        "gendergerelateerd geweld 2025-2029 (demo)"
    )
    assert metadata.author == "Agentschap Justitie en Handhaving"
    root = cast(DictionaryObject, pdf.reader.trailer["/Root"])
    assert root["/Lang"] == "nl"
    mark_info = cast(DictionaryObject, root["/MarkInfo"])
    assert bool(mark_info["/Marked"])  # tagged, with a structure tree
    assert "/StructTreeRoot" in root
    xmp = cast(StreamObject, root["/Metadata"].get_object()).get_data()
    assert re.search(rb"pdfuaid:part[^0-9]{0,3}1", xmp)  # declares PDF/UA-1
    titles = pdf.outline_titles()
    assert "Samenvatting en cijfers" in titles
    assert any(t.startswith("SD1.") for t in titles)
    assert "Impactanalyse" not in titles
    # It reads as an evaluation: a colophon, the adjustments, every fiche as an annex.
    assert "Colofon" in normalise(pdf.pages[1])
    assert f"rapport nr. {report.pk}" in text
    for chapter in ("Bijsturingen ten opzichte van de basisversie", "Bijlage B. Actiefiches"):
        assert chapter in titles
    for code in scenario.codes:
        assert any(t.startswith(f"Actiefiche {code} ") for t in titles), code
    consultation = "Overleg met de administraties en inbreng van het middenveld"
    assert consultation in titles

    # The final evaluation, by the same worker: consultation and the impact analysis with
    # the plan's context and outcome indicators.
    assert final.status == ReportStatus.DONE, final.error
    final_pdf = read_pdf(pdf_bytes(final))
    final_titles = final_pdf.outline_titles()
    assert consultation in final_titles and "Impactanalyse" in final_titles
    assert "Context- en effectindicatoren" in final_pdf.all
    impact = ImpactIndicator.objects.filter(plan=scenario.plan).first()
    assert impact is not None and normalise(impact.name) in final_pdf.all
    assert "/StructTreeRoot" in cast(DictionaryObject, final_pdf.reader.trailer["/Root"])


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_failed_report_says_why_and_succeeds_when_retried(scenario, client, monkeypatch):
    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("de renderer crashte")

    with worker():
        # The edge: WeasyPrint itself falls over.
        monkeypatch.setattr(report_jobs, "render_pdf", crash)
        first = wait_for(request(scenario))
        second = wait_for(request(scenario))
        monkeypatch.undo()

        for report in (first, second):
            assert report.status == ReportStatus.FAILED
            assert report.error == "Het opmaken mislukte: de renderer crashte"
            assert not report.file and not report.sha256 and report.page_count is None

        # Retry through the service...
        services.report_retry(report=first, user=scenario.coordinator)
        first.refresh_from_db()
        assert first.status in (ReportStatus.QUEUED, ReportStatus.RUNNING, ReportStatus.DONE)
        assert first.error == ""
        first = wait_for(first)

        # ...and through the button on the reports page.
        client.force_login(scenario.coordinator)
        response = client.post(f"/reports/{second.pk}/opnieuw/")
        assert response.status_code == 302
        assert response["Location"] == "/reports/"
        second = wait_for(second)

    for report in (first, second):
        assert report.status == ReportStatus.DONE, report.error
        assert report.attempts == 2
        assert report.sha256 == hashlib.sha256(pdf_bytes(report)).hexdigest()
        reasons = [h.history_change_reason for h in report.history.order_by("history_date")]
        assert "opnieuw gestart" in reasons


# --- Built in-process (the job's own code, without the broker) -------------------------


def build(scenario: Scenario, kind: str = ReportKind.INTERIM) -> EvaluationReport:
    report = services.report_request(
        plan=scenario.plan, kind=kind, year=YEAR, user=scenario.coordinator, enqueue=False
    )
    return report_jobs.report_build(report.pk)


@pytest.mark.django_db
def test_only_the_final_report_has_an_impact_analysis(scenario):
    goal = StrategicGoal.objects.get(plan=scenario.plan, number=2)
    narratives.narrative_save(
        plan=scenario.plan,
        kind=ReportKind.FINAL,
        year=YEAR,
        user=scenario.coordinator,
        expected_version=1,
        fields={"impact_analysis": "De impact is merkbaar in alle sectoren."},
        findings={goal.pk: {"text": "", "impact": "Meer professionals bereikt."}},
    )
    interim, final = build(scenario), build(scenario, ReportKind.FINAL)
    interim_pdf, final_pdf = read_pdf(pdf_bytes(interim)), read_pdf(pdf_bytes(final))

    assert "Impactanalyse" in final_pdf.outline_titles()
    assert "Impactanalyse" in final_pdf.all
    assert "De impact is merkbaar in alle sectoren." in final_pdf.all
    assert "Meer professionals bereikt." in final_pdf.all
    assert final_pdf.title.startswith("Eindevaluatie 2027")
    assert "Impactanalyse" not in interim_pdf.outline_titles()
    assert "Impactanalyse" not in interim_pdf.all


@pytest.mark.django_db
def test_user_text_is_escaped_and_the_renderer_fetches_nothing_from_it(scenario):
    report = services.report_request(
        plan=scenario.plan, kind=ReportKind.INTERIM, year=YEAR, user=None, enqueue=False
    )
    html = report_jobs.render_report_html(report)
    assert "&lt;b&gt;vet&lt;/b&gt;" in html
    assert "<style>body{display:none}</style>" not in html
    assert '<img src="file:///etc/passwd">' not in html

    result = render_pdf(html)

    # Escaped text is not markup, so the fetcher was not even asked for those URLs.
    assert result.blocked == []
    assert "<b>vet</b>" in read_pdf(result.pdf).all


def test_the_fetcher_serves_the_static_stylesheet_only():
    fetcher = StaticOnlyFetcher()
    response = fetcher.fetch("appstatic:css/pdf.css")
    assert b"@page" in response.read()
    assert response.headers.get_content_type() == "text/css"

    refused = [
        "file:///etc/passwd",
        "http://127.0.0.1:9/x.png",
        "https://example.org/font.woff2",
        "data:text/css,body{display:none}",
        "appstatic:../../actionplan/settings.py",
        "appstatic:css/../../../actionplan/settings.py",
    ]
    for url in refused:
        with pytest.raises(BlockedURL):
            fetcher.fetch(url)
    assert fetcher.blocked == refused
    with pytest.raises(BlockedURL):
        fetcher.fetch("appstatic:/etc/passwd")  # absolute: looked up as a static name only


@pytest.mark.django_db
def test_progress_is_written_when_it_changes_not_for_every_page(scenario):
    report = services.report_request(
        plan=scenario.plan,
        kind=ReportKind.INTERIM,
        year=YEAR,
        user=scenario.coordinator,
        enqueue=False,
    )
    steps: list[str] = []
    with CaptureQueriesContext(connection) as queries:
        built = report_jobs.report_build(report.pk)
    assert built.status == ReportStatus.DONE, built.error
    table = EvaluationReport._meta.db_table
    for query in queries.captured_queries:
        if query["sql"].startswith(f'UPDATE "{table}"') and '"progress"' in query["sql"]:
            steps.append(query["sql"])
    # Loading, preparing, WeasyPrint's six steps and saving; not one per page.
    assert 3 <= len(steps) <= 12, len(steps)


@pytest.mark.django_db
def test_building_a_finished_report_again_changes_nothing(scenario):
    report = build(scenario)
    before = (report.file.name, report.sha256, report.finished_at, report.attempts)
    data = pdf_bytes(report)

    again = report_jobs.report_build(report.pk)

    again.refresh_from_db()
    assert (again.file.name, again.sha256, again.finished_at, again.attempts) == before
    assert pdf_bytes(again) == data
    assert len(list(Path(report.file.path).parent.iterdir())) == 1


def _started(*reports: EvaluationReport) -> None:
    """As a worker leaves the row when it starts building (and then dies, or not)."""
    EvaluationReport.objects.filter(pk__in=[r.pk for r in reports]).update(
        status=ReportStatus.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now()
    )


@pytest.mark.django_db
def test_a_report_whose_worker_died_is_failed_and_queued_again_once(
    scenario, client, settings, time_machine, published_jobs
):
    dead, alive = (
        services.report_request(
            plan=scenario.plan,
            kind=ReportKind.INTERIM,
            year=YEAR,
            user=scenario.coordinator,
            enqueue=False,
        )
        for _ in range(2)
    )
    _started(dead, alive)
    silence = dt.timedelta(seconds=settings.REPORT_HEARTBEAT_TIMEOUT + 5)
    time_machine.move_to(timezone.now() + silence)
    EvaluationReport.objects.filter(pk=alive.pk).update(heartbeat_at=timezone.now())
    client.force_login(UserFactory(role=Role.READER))

    response = client.get("/reports/")

    assert response.status_code == 200
    assert "De worker stopte tijdens het opmaken" in response.text
    assert "Het rapport wordt automatisch opnieuw gestart." in response.text
    dead.refresh_from_db()
    assert dead.status == ReportStatus.RUNNING  # reading the list writes nothing

    assert mark_stale_reports() == 1  # the beat task

    dead.refresh_from_db()
    alive.refresh_from_db()
    assert alive.status == ReportStatus.RUNNING
    # Failed with the reason in its history, then queued again by itself as attempt 2.
    assert (dead.status, dead.attempts, dead.auto_retried, dead.error) == (
        ReportStatus.QUEUED,
        2,
        True,
        "",
    )
    reasons = [h.history_change_reason or "" for h in dead.history.order_by("history_date")]
    assert reasons[-2].startswith("De worker stopte tijdens het opmaken")
    assert reasons[-1] == "automatisch opnieuw gestart"
    assert published_jobs() == [("evaluations.tasks.build_report", [dead.pk, 2])]

    # The second attempt dies too: failed for good, with the reason, for a person to decide.
    _started(dead)
    time_machine.move_to(timezone.now() + silence)
    EvaluationReport.objects.filter(pk=alive.pk).update(heartbeat_at=timezone.now())
    assert mark_stale_reports() == 1
    dead.refresh_from_db()
    assert (dead.status, dead.attempts) == (ReportStatus.FAILED, 2)
    assert dead.error.startswith("De worker stopte tijdens het opmaken")
    assert dead.error.endswith("ook na een automatische nieuwe start. Start het rapport opnieuw.")
    assert dead.finished_at is not None
    assert published_jobs() == []
    assert "Opnieuw proberen" in client.get("/reports/").text


def test_a_report_no_worker_picked_up_is_marked_failed(scenario, client, settings):
    waiting, fresh = (
        services.report_request(
            plan=scenario.plan,
            kind=ReportKind.INTERIM,
            year=YEAR,
            user=scenario.coordinator,
            enqueue=False,
        )
        for _ in range(2)
    )
    EvaluationReport.objects.filter(pk=waiting.pk).update(
        queued_at=timezone.now() - dt.timedelta(seconds=settings.REPORT_QUEUE_TIMEOUT + 5)
    )
    client.force_login(UserFactory(role=Role.READER))
    response = client.get("/reports/")
    assert "Opnieuw proberen" in response.text
    assert "Geen worker nam dit rapport op binnen 60 minuten." in response.text
    assert EvaluationReport.objects.get(pk=waiting.pk).status == ReportStatus.QUEUED

    mark_stale_reports()

    waiting.refresh_from_db()
    fresh.refresh_from_db()
    assert waiting.status == ReportStatus.FAILED
    assert waiting.error.startswith("Geen worker nam dit rapport op binnen 60 minuten.")
    assert fresh.status == ReportStatus.QUEUED
    assert "Opnieuw proberen" in response.text


@pytest.mark.django_db
def test_the_list_shows_a_report_made_on_the_command_line(reader_client, plan):
    services.report_request(plan=plan, kind=ReportKind.INTERIM, year=YEAR, user=None, enqueue=False)

    response = reader_client.get("/reports/")

    assert response.status_code == 200
    assert "systeem" in response.text


# --- Who may ask, who may download -----------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.EDITOR, Role.READER])
def test_only_coordinators_request_reports(client, plan, admin_a, role):
    user = UserFactory(role=role, administrations=[admin_a] if role == Role.EDITOR else [])
    client.force_login(user)

    response = client.post("/reports/", {"kind": "interim", "year": YEAR})

    assert response.status_code == 403
    assert not EvaluationReport.objects.exists()


@pytest.mark.django_db
def test_a_coordinator_requests_a_report_in_the_browser(coordinator_client, plan, published_jobs):
    response = coordinator_client.post("/reports/", {"kind": "interim", "year": YEAR})

    assert response.status_code == 302
    report = EvaluationReport.objects.get()
    assert (report.kind, report.year, report.status) == ("interim", YEAR, ReportStatus.QUEUED)
    assert published_jobs() == [("evaluations.tasks.build_report", [report.pk, 1])]


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.EDITOR, Role.READER, Role.COORDINATOR])
def test_every_internal_role_downloads_a_finished_report(client, scenario, admin_a, role):
    report = build(scenario)
    user = UserFactory(role=role, administrations=[admin_a] if role == Role.EDITOR else [])
    client.force_login(user)

    response = client.get(f"/reports/{report.pk}/download/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="tussentijdse-evaluatie-2027.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == pdf_bytes(report)


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_login_page(client, plan):
    report = services.report_request(
        plan=plan, kind=ReportKind.INTERIM, year=YEAR, user=None, enqueue=False
    )
    for url in ("/reports/", f"/reports/{report.pk}/download/", "/reports/teksten/interim/2027/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    response = client.post("/reports/", {"kind": "interim", "year": YEAR})
    assert response.status_code == 302
    assert EvaluationReport.objects.count() == 1


@pytest.mark.django_db
def test_a_report_that_is_not_finished_cannot_be_downloaded(reader_client, plan):
    report = services.report_request(
        plan=plan, kind=ReportKind.INTERIM, year=YEAR, user=None, enqueue=False
    )
    assert reader_client.get(f"/reports/{report.pk}/download/").status_code == 404


# --- Fiche PDFs ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_lead_editor_makes_a_pdf_of_a_fiche(client, scenario):
    fiche = scenario.hostile
    editor = UserFactory(role=Role.EDITOR, administrations=[fiche.action.lead_administration])
    client.force_login(editor)

    response = client.post(f"/fiches/{fiche.pk}/pdf/")

    assert response.status_code == 302
    report = EvaluationReport.objects.get()
    assert (report.kind, report.fiche_id, report.requested_by) == ("fiche", fiche.pk, editor)
    report = report_jobs.report_build(report.pk)
    assert report.status == ReportStatus.DONE, report.error
    pdf = read_pdf(pdf_bytes(report))
    assert f"Actiefiche {fiche.action.code} · {YEAR}" in pdf.all
    assert "<b>vet</b>" in pdf.all
    assert pdf.title.startswith(f"Actiefiche {fiche.action.code} {YEAR}")
    assert report.filename == f"actiefiche-{fiche.pk}-{YEAR}.pdf"


@pytest.mark.django_db
def test_an_editor_of_another_administration_cannot_make_a_fiche_pdf(client, scenario):
    fiche = scenario.hostile
    other = Administration.objects.exclude(pk=fiche.action.lead_administration_id).first()
    editor = UserFactory(role=Role.EDITOR, administrations=[other])
    client.force_login(editor)

    response = client.post(f"/fiches/{fiche.pk}/pdf/")

    assert response.status_code == 403
    assert not EvaluationReport.objects.exists()


# --- Command line ----------------------------------------------------------------------


@pytest.mark.django_db
def test_build_report_writes_the_pdf_and_prints_its_pages(scenario, tmp_path):
    output = tmp_path / "out" / "tussentijds.pdf"
    stdout = io.StringIO()

    call_command(
        "build_report",
        "--kind",
        "interim",
        "--year",
        str(YEAR),
        "--output",
        str(output),
        stdout=stdout,
    )

    data = output.read_bytes()
    pages = len(PdfReader(io.BytesIO(data)).pages)
    assert f"{output}: {pages} pagina's" in stdout.getvalue()
    assert hashlib.sha256(data).hexdigest() in stdout.getvalue()
    report = EvaluationReport.objects.get()
    assert (report.status, report.page_count, report.requested_by) == ("done", pages, None)


@pytest.mark.django_db
def test_a_dead_report_is_retried_before_the_beat_task_marks_it(
    scenario, client, published_jobs
) -> None:
    dead = services.report_request(
        plan=scenario.plan, kind=ReportKind.INTERIM, year=YEAR, user=None, enqueue=False
    )
    EvaluationReport.objects.filter(pk=dead.pk).update(
        status=ReportStatus.RUNNING,
        heartbeat_at=timezone.now() - stale_after() - dt.timedelta(seconds=5),
    )
    client.force_login(scenario.coordinator)

    response = client.post(f"/reports/{dead.pk}/opnieuw/")

    assert response.status_code == 302
    dead.refresh_from_db()
    assert (dead.status, dead.error) == (ReportStatus.QUEUED, "")
    reasons = [h.history_change_reason or "" for h in dead.history.order_by("history_date")]
    assert any(r.startswith("De worker stopte") for r in reasons)
    assert published_jobs() == [("evaluations.tasks.build_report", [dead.pk, 2])]


def test_the_beat_marks_dead_reports_within_two_minutes(settings) -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["mark-stale-reports"]
    assert entry["task"] == "evaluations.tasks.mark_stale_reports"
    # A heartbeat silent for the timeout, then at most one beat period until it is marked.
    assert settings.REPORT_HEARTBEAT_TIMEOUT + entry["schedule"] <= 120
    assert stale_after() == dt.timedelta(seconds=settings.REPORT_HEARTBEAT_TIMEOUT)


@pytest.mark.django_db
def test_a_draft_fiche_pdf_says_ontwerp_and_is_superseded_once_the_fiche_changes(client, scenario):
    coordinator = scenario.coordinator
    draft = Fiche.objects.get(pk=scenario.draft.pk)
    made = report_jobs.report_build(services.fiche_pdf_request(fiche=draft, user=coordinator).pk)
    assert (made.fiche_state, made.fiche_version) == ("draft", draft.version)
    text = read_pdf(pdf_bytes(made)).all
    assert "ONTWERP" in text
    assert "nog niet goedgekeurd" in text

    approved = _approve(draft, "Goedgekeurde stand.", coordinator)
    again = report_jobs.report_build(
        services.fiche_pdf_request(fiche=approved, user=coordinator).pk
    )
    assert (again.fiche_state, again.fiche_version) == ("approved", approved.version)
    text = read_pdf(pdf_bytes(again)).all
    assert "ONTWERP" not in text
    assert f"goedgekeurde fiche, versie {approved.version}" in text

    client.force_login(coordinator)
    rows = client.get(f"/reports/fiches/{draft.pk}/pdfs/").text.split('<tr id="report-')[1:]
    by_id = {int(row.split('"', 1)[0]): row for row in rows}
    assert "Vervangen: de fiche is sindsdien gewijzigd" in by_id[made.pk]
    assert f"uit ontwerp versie {made.fiche_version}" in by_id[made.pk]
    assert "Vervangen" not in by_id[again.pk]
    assert f"uit goedgekeurd versie {approved.version}" in by_id[again.pk]


@pytest.mark.django_db
def test_the_fiche_pdf_keeps_each_label_beside_its_value_and_names_co_lead_ministers(
    scenario,
):
    fiche = scenario.hostile
    action = fiche.action
    ministers = list(Minister.objects.exclude(led_actions=action).order_by("name")[:2])
    action.co_lead_ministers.set(ministers)
    report = services.fiche_pdf_request(fiche=fiche, user=scenario.coordinator)
    html = report_jobs.render_report_html(report)
    assert f'<th scope="row">Trekkende minister</th><td>{action.lead_minister or "—"}</td>' in html
    names = ", ".join(str(m) for m in ministers)
    assert f'<th scope="row">Meewerkende ministers</th><td>{names}</td>' in html
    report = report_jobs.report_build(report.pk)
    assert all(m.name in read_pdf(pdf_bytes(report)).all for m in ministers)


@pytest.mark.django_db
def test_the_evaluation_report_names_co_lead_ministers(scenario):
    action = Action.objects.get(code=scenario.approved_codes[0])
    minister = Minister.objects.exclude(led_actions=action).first()
    assert minister is not None
    action.co_lead_ministers.set([minister])
    html = report_jobs.render_report_html(request(scenario))
    assert f"<dt>Meewerkende ministers</dt><dd>{minister}</dd>" in html
