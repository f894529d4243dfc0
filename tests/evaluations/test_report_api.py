"""The reports resource of the API: ask for a report, follow it, download it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import FileResponse
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from evaluations.models import EvaluationReport, ReportKind, ReportStatus
from evaluations.reports import build, services
from tests.factories import ActionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def queued(plan, user=None) -> EvaluationReport:
    return services.report_request(
        plan=plan, kind=ReportKind.INTERIM, year=2027, user=user, enqueue=False
    )


def test_a_coordinator_asks_for_a_report_and_gets_202_with_its_location(
    plan, coordinator, published_jobs
):
    response = api(coordinator).post(
        "/api/v1/reports/", {"kind": "interim", "year": 2027}, format="json"
    )

    assert response.status_code == 202
    report = EvaluationReport.objects.get()
    body = response.json()
    assert body["id"] == report.pk
    assert (body["kind"], body["year"], body["status"], body["progress"]) == (
        "interim",
        2027,
        "queued",
        0,
    )
    assert body["requested_by"] == coordinator.username
    assert body["download_url"] is None
    assert response["Location"] == f"http://testserver/api/v1/reports/{report.pk}/"
    # The job went to the queue, once, with the report and its attempt.
    assert published_jobs() == [("evaluations.tasks.build_report", [report.pk, 1])]


def test_a_reader_cannot_ask_for_a_report(plan, reader):
    response = api(reader).post(
        "/api/v1/reports/", {"kind": "interim", "year": 2027}, format="json"
    )

    assert response.status_code == 403
    assert "coördinator" in response.json()["detail"]
    assert not EvaluationReport.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        (
            {"kind": "interim", "year": 2031},
            "year",
            "Kies een jaar binnen de looptijd van het plan (2025–2029).",
        ),
        ({"kind": "interim", "year": "volgend jaar"}, "year", "Een geldig getal is vereist."),
        ({"kind": "weekrapport", "year": 2027}, "kind", '"weekrapport" is een ongeldige keuze.'),
        # A fiche PDF is asked for on the fiche, not here.
        ({"kind": "fiche", "year": 2027}, "kind", '"fiche" is een ongeldige keuze.'),
        ({"year": 2027}, "kind", "Dit veld is vereist."),
    ],
)
def test_bad_input_gets_400_with_a_dutch_message(plan, coordinator, payload, field, message):
    response = api(coordinator).post("/api/v1/reports/", payload, format="json")

    assert response.status_code == 400
    assert message in " ".join(response.json()[field])
    assert not EvaluationReport.objects.exists()


def test_the_report_shows_its_status_and_progress(plan, coordinator, reader):
    report = queued(plan, coordinator)
    EvaluationReport.objects.filter(pk=report.pk).update(
        status=ReportStatus.RUNNING, progress=40, step="PDF opmaken"
    )

    response = api(reader).get(f"/api/v1/reports/{report.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["progress"], body["step"]) == ("running", 40, "PDF opmaken")
    assert body["download_url"] is None


def test_a_report_that_is_not_done_cannot_be_downloaded(plan, reader):
    report = queued(plan)

    response = api(reader).get(f"/api/v1/reports/{report.pk}/download/")

    assert response.status_code == 404
    # The error is JSON, not a "PDF" holding the word "detail".
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Dit rapport is (nog) niet klaar."}
    assert api(reader).get("/api/v1/reports/999999/download/").json()["detail"]


def test_a_finished_report_downloads_as_pdf(plan, coordinator, reader):
    ActionFactory(title="Actie in het API-rapport")
    report = build.report_build(queued(plan, coordinator).pk)
    assert report.status == ReportStatus.DONE, report.error

    detail = api(reader).get(f"/api/v1/reports/{report.pk}/").json()
    response = api(reader).get(f"/api/v1/reports/{report.pk}/download/")

    assert detail["status"] == "done"
    assert detail["progress"] == 100
    assert detail["sha256"] == report.sha256
    assert detail["page_count"] == report.page_count
    assert detail["download_url"] == f"http://testserver/api/v1/reports/{report.pk}/download/"
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert isinstance(response, FileResponse)
    data = b"".join(response.streaming_content)
    assert data.startswith(b"%PDF-")
    assert len(data) == report.size


def test_anonymous_callers_get_401(plan):
    report = queued(plan)
    client = APIClient()

    for response in (
        client.post("/api/v1/reports/", {"kind": "interim", "year": 2027}, format="json"),
        client.get("/api/v1/reports/"),
        client.get(f"/api/v1/reports/{report.pk}/"),
        client.get(f"/api/v1/reports/{report.pk}/download/"),
    ):
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"
        assert response["Content-Type"] == "application/json"
    assert EvaluationReport.objects.count() == 1


def test_a_token_holder_follows_a_report(plan, coordinator):
    """The way a script uses the API: a token, then the Location it was given."""
    _token, key = AuthToken.objects.create(user=coordinator)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    created = client.post("/api/v1/reports/", {"kind": "final", "year": 2029}, format="json")
    followed = client.get(created["Location"])

    assert created.status_code == 202
    assert followed.status_code == 200
    assert followed.json()["kind"] == "final"
    assert followed.json()["status"] == "queued"


def test_a_report_whose_worker_died_reads_as_failed_without_a_write(plan, reader, settings) -> None:
    report = queued(plan)
    EvaluationReport.objects.filter(pk=report.pk).update(
        queued_at=timezone.now() - dt.timedelta(seconds=settings.REPORT_QUEUE_TIMEOUT + 5)
    )

    listed = api(reader).get("/api/v1/reports/").json()["results"][0]
    detail = api(reader).get(f"/api/v1/reports/{report.pk}/").json()

    for body in (listed, detail):
        assert body["status"] == "failed"
        assert body["error"].startswith("Geen worker nam dit rapport op binnen 60 minuten.")
    report.refresh_from_db()
    assert (report.status, report.error) == (ReportStatus.QUEUED, "")


def test_a_failed_report_is_queued_again_through_the_api(plan, coordinator, reader):
    report = queued(plan, coordinator)
    services.report_fail(report, "Het opmaken mislukte: de renderer crashte")
    # A reader who did not ask for it may not; the coordinator may.
    refused = api(reader).post(f"/api/v1/reports/{report.pk}/retry/")
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Je mag dit rapport niet opnieuw starten."
    response = api(coordinator).post(f"/api/v1/reports/{report.pk}/retry/")
    assert response.status_code == 202
    assert (response.json()["status"], response.json()["error"]) == ("queued", "")
    report.refresh_from_db()
    assert report.history.latest().history_change_reason == "opnieuw gestart"


def test_only_a_failed_report_can_be_retried_through_the_api(plan, coordinator):
    report = queued(plan, coordinator)
    response = api(coordinator).post(f"/api/v1/reports/{report.pk}/retry/")
    assert response.status_code == 409
    assert response.json()["detail"] == "Alleen een mislukt rapport kan opnieuw gestart worden."
    assert api(coordinator).post("/api/v1/reports/999999/retry/").status_code == 404
