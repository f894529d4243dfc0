"""The dashboard and the evaluation reports in a real Chromium, with a real Celery worker."""

from __future__ import annotations

import hashlib
import io
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import connections
from django.utils import timezone
from playwright.sync_api import Page, Response, expect
from pypdf import PdfReader
from pytest_django.live_server_helper import LiveServer

from actionplan.celery import app as celery_app
from actionplan.demo import demo_load
from actionplan.models import Action, Role, ViolenceForm
from actionplan.services import plan_load
from evaluations.models import EvaluationReport, ReportStatus
from fiches.demo import demo_fiches_load
from fiches.models import Fiche, FicheState, ReviewEvent
from tests.browser import axe_violations, describe_violations, login
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser]

PASSWORD = "secret-pass-123"  # UserFactory's default
ACTIONS = 30
STATUS_LINE = re.compile(r"·\s*(\d+) acties?")
FICHES_SUBMITTED = re.compile(r"^(\d+) / (\d+)$")
# A report of 30 actions takes about ten seconds; a slow CI machine gets plenty more.
REPORT_TIMEOUT_MS = 120_000


@pytest.fixture
def demo_data(live_server: LiveServer, transactional_db: None, plan_data: dict) -> None:
    """The real plan with 30 demo actions, their indicators and fiches of every year."""
    plan_load(data=plan_data)
    demo_load(actions=ACTIONS, seed=1)
    demo_fiches_load(seed=1)
    UserFactory(username="coord", role=Role.COORDINATOR, is_staff=True)


@pytest.fixture
def coordinator_page(page: Page, live_server: LiveServer, demo_data: None) -> Page:
    login(page, live_server, "coord", PASSWORD)
    return page


def _close_connections(**_kwargs: object) -> None:
    # The worker thread opens its own database connections; close them after each task so
    # that none outlives the test database (PostgreSQL refuses to drop a database in use).
    connections.close_all()


@pytest.fixture
def report_worker(transactional_db: None) -> Iterator[str]:
    """A real Celery worker in this process, on a queue of its own.

    The broker is whatever the settings say (Redis with REDIS_URL, else the filesystem
    transport). Report jobs go to a queue named for this test, so that a worker of another
    test run on the same broker cannot take them, and this one takes nobody else's.
    """
    queue = f"browser-reports-{uuid.uuid4().hex[:12]}"
    previous_routes = celery_app.conf.task_routes
    previous_selection = celery_app.amqp.queues._consume_from
    celery_app.conf.update(task_routes={"evaluations.tasks.build_report": {"queue": queue}})
    task_postrun.connect(_close_connections, weak=False)
    try:
        with start_worker(
            celery_app,
            pool="solo",
            perform_ping_check=False,
            shutdown_timeout=60,
            queues=[queue],
        ):
            yield queue
    finally:
        task_postrun.disconnect(_close_connections)
        # Redis keeps a binding per queue; declaring it here tells kombu what to remove.
        with celery_app.connection_for_write() as connection:
            bound = celery_app.amqp.queues[queue](connection.default_channel)
            bound.declare()
            bound.delete()
        celery_app.conf.update(task_routes=previous_routes)
        # The worker selected its queue on the application; give the default back.
        celery_app.amqp.queues._consume_from = previous_selection


def actions_in_status_line(page: Page) -> int:
    line = page.locator("#panels > p.meta").first
    expect(line).to_contain_text(STATUS_LINE)
    match = STATUS_LINE.search(line.inner_text())
    assert match, line.inner_text()
    return int(match.group(1))


def fiches_kpi(page: Page) -> int:
    """The number of fiches of the year, from the overview's "n / total fiches ingediend"."""
    kpi = page.locator("#overview .kpis li").filter(has_text="fiches ingediend").locator(".kpi")
    match = FICHES_SUBMITTED.match(kpi.inner_text())
    assert match, kpi.inner_text()
    return int(match.group(2))


def test_dashboard_filters_on_a_form_of_violence_through_htmx(
    coordinator_page: Page, live_server: LiveServer, console_errors: list[str]
) -> None:
    page = coordinator_page
    page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role(
        "link", name="Dashboard", exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Monitoringdashboard")
    assert actions_in_status_line(page) == ACTIONS
    year = int(page.get_by_label("Stand van het jaar", exact=True).input_value())
    fiches_before = fiches_kpi(page)
    assert fiches_before == Fiche.objects.filter(year=year).count()

    counts = {
        form: Action.objects.filter(violence_forms=form).distinct().count()
        for form in ViolenceForm.objects.all()
    }
    form = min((f for f, n in counts.items() if n), key=counts.__getitem__)
    expected = counts[form]
    assert expected < ACTIONS, "the demo data should leave actions out of this filter"

    with page.expect_response(re.compile(r"/dashboard/\?.*violence_form=")) as answer:
        page.get_by_label("Vorm van geweld", exact=True).select_option(label=str(form))
    assert answer.value.request.headers.get("hx-request") == "true"
    status = page.locator("#panels > p.meta").first
    expect(status).to_contain_text(re.compile(rf"·\s*{expected} acties?\s+\(gefilterd\)"))
    assert actions_in_status_line(page) == expected
    fiches_after = fiches_kpi(page)
    assert fiches_after == (
        Fiche.objects.filter(year=year, action__violence_forms=form).distinct().count()
    )
    assert fiches_after < fiches_before
    expect(page).to_have_url(re.compile(rf"violence_form={form.pk}(&|$)"))
    # The filter form itself was not swapped: the choice stays selected.
    expect(page.get_by_label("Vorm van geweld", exact=True)).to_have_value(str(form.pk))
    assert not console_errors, console_errors


def test_returned_fiche_opens_from_the_dashboard_list_of_outstanding_fiches(
    coordinator_page: Page, live_server: LiveServer
) -> None:
    """The demo's review steps have no author (the system made them); the page shows them."""
    page = coordinator_page
    fiche = (
        Fiche.objects.filter(state=FicheState.RETURNED, year=timezone.localdate().year)
        .select_related("action")
        .order_by("action__code")
        .first()
    )
    assert fiche is not None
    assert ReviewEvent.objects.filter(fiche=fiche, author__isnull=True).exists()
    page.goto(f"{live_server.url}/dashboard/indieningen/")
    page.locator("#completion").get_by_role(
        "link", name=f"{fiche.action.code} {fiche.action.title}", exact=True
    ).click()
    expect(page).to_have_url(re.compile(rf"/fiches/{fiche.pk}/$"))
    expect(page.get_by_role("alert").filter(has_text="Teruggestuurd door AJH")).to_contain_text(
        fiche.review_reason
    )
    events = page.get_by_role("region", name="Verloop").locator(".timeline > li")
    expect(events).to_have_count(2)
    expect(events.first).to_contain_text("systeem")


def test_dashboard_has_no_serious_accessibility_violations(
    coordinator_page: Page, live_server: LiveServer
) -> None:
    page = coordinator_page
    page.goto(f"{live_server.url}/dashboard/")
    expect(page.locator("#panels")).to_be_visible()
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)


# (label in the sub-navigation, path, heading of the section's panel)
SECTIONS = [
    ("Indieningen", "/dashboard/indieningen/", re.compile(r"^Indieningen: rapporteringsronde")),
    ("Voortgang", "/dashboard/voortgang/", re.compile(r"^Voortgang van het plan$")),
    ("Knelpunten", "/dashboard/knelpunten/", re.compile(r"^Knelpunten: vertraging")),
    ("Dekking", "/dashboard/dekking/", re.compile(r"^Dekking: leemtes en overlap$")),
    ("Indicatoren", "/dashboard/indicatoren/", re.compile(r"^Indicatoren: evolutie")),
]


def test_sub_navigation_leads_to_each_section_with_the_filters_kept(
    coordinator_page: Page, live_server: LiveServer, console_errors: list[str]
) -> None:
    """From the overview a filter through htmx, then each section by its link: its own URL
    with that filter, its panel's heading, the link marked current, no serious or critical
    accessibility violation."""
    page = coordinator_page
    page.goto(f"{live_server.url}/dashboard/")
    expect(page.locator("#panels h2").first).to_have_text(re.compile(r"^Waar staan we in"))
    form = ViolenceForm.objects.get(code="SG")
    with page.expect_response(re.compile(r"/dashboard/\?.*violence_form=")):
        page.get_by_label("Vorm van geweld", exact=True).select_option(label=str(form))
    nav = page.get_by_role("navigation", name="Onderdelen van het dashboard")
    # The sub-navigation was swapped with the panels: its links carry the new filter.
    expect(nav.get_by_role("link", name="Dekking", exact=True)).to_have_attribute(
        "href", re.compile(rf"^/dashboard/dekking/\?(.*&)?violence_form={form.pk}(&|$)")
    )
    for label, path, heading in SECTIONS:
        nav.get_by_role("link", name=label, exact=True).click()
        expect(page).to_have_url(
            re.compile(rf"{re.escape(live_server.url + path)}\?(.*&)?violence_form={form.pk}")
        )
        expect(page.locator("#panels h2").first).to_have_text(heading)
        expect(nav.get_by_role("link", name=label, exact=True)).to_have_attribute(
            "aria-current", "page"
        )
        expect(page.get_by_label("Vorm van geweld", exact=True)).to_have_value(str(form.pk))
        assert actions_in_status_line(page) == (
            Action.objects.filter(violence_forms=form).distinct().count()
        )
        violations = axe_violations(page)
        assert not violations, f"{path}:\n{describe_violations(violations)}"
    assert not console_errors, console_errors


def test_an_old_anchor_lands_on_the_way_to_its_section(
    coordinator_page: Page, live_server: LiveServer
) -> None:
    page = coordinator_page
    page.goto(f"{live_server.url}/dashboard/#coverage")
    line = page.locator("#coverage")
    expect(line).to_be_in_viewport()
    line.get_by_role("link", name="Dekking", exact=True).click()
    expect(page).to_have_url(re.compile(r"/dashboard/dekking/"))
    expect(page.get_by_role("heading", name="Dekking: leemtes en overlap")).to_be_visible()


def write_interim_summary(page: Page, text: str) -> None:
    page.get_by_role("link", name="Teksten tussentijdse evaluatie 2027", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tussentijdse evaluatie 2027")
    page.get_by_label("Samenvatting", exact=True).fill(text)
    page.get_by_role("button", name="Bewaren", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("De evaluatieteksten zijn bewaard.")


def pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    return len(reader.pages), re.sub(r"\s+", " ", text)


def test_requested_interim_report_is_built_by_the_worker_and_downloaded(
    coordinator_page: Page,
    live_server: LiveServer,
    report_worker: str,
    tmp_path: Path,
    console_errors: list[str],
) -> None:
    page = coordinator_page
    summary = "Het actieplan ligt op koers; de preventie in het onderwijs vraagt bijsturing."
    page.goto(f"{live_server.url}/reports/")
    write_interim_summary(page, summary)

    polls: list[Response] = []

    def on_response(response: Response) -> None:
        if re.search(r"/reports/\d+/rij/$", response.url):
            polls.append(response)

    page.on("response", on_response)
    page.get_by_label("Soort rapport", exact=True).select_option(label="tussentijdse evaluatie")
    page.get_by_label("Referentiejaar", exact=True).select_option("2027")
    page.get_by_role("button", name="Aanvragen", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Tussentijdse evaluatie is aangevraagd")

    report = EvaluationReport.objects.get()
    assert (report.kind, report.year) == ("interim", 2027)
    row = page.locator(f"#report-{report.pk}")
    first_status = row.locator(".report-status").inner_text()
    expect(row.locator(".report-status")).to_have_text(
        re.compile(r"^(klaar|mislukt)$"), timeout=REPORT_TIMEOUT_MS
    )
    assert row.locator(".report-status").inner_text() == "klaar", row.inner_text()
    if first_status != "klaar":
        # The row got there by polling through htmx, not by a reload of the page.
        assert polls, "the row never polled"
        assert all(r.request.headers.get("hx-request") == "true" for r in polls)

    with page.expect_download(timeout=30_000) as download_info:
        row.get_by_role("link", name=re.compile(r"^Downloaden")).click()
    download = download_info.value
    assert download.suggested_filename == "tussentijdse-evaluatie-2027.pdf"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    data = target.read_bytes()
    assert data.startswith(b"%PDF")
    pages, text = pdf_text(data)
    assert pages > 1
    assert summary in text

    report.refresh_from_db()
    assert report.status == ReportStatus.DONE
    assert report.page_count == pages
    assert report.sha256 == hashlib.sha256(data).hexdigest()
    expect(row).to_contain_text(str(pages))
    assert not console_errors, console_errors
