"""Import jobs when the broker does not answer: 503 with the reason, the job failed with
it, retried at once; and a check the broker delivers again after the job moved on."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from actionplan.jobs import JobUnavailable
from actionplan.models import User
from exchange import run, services
from exchange.models import ImportJob, ImportStatus
from tests.factories import ActionFactory

pytestmark = pytest.mark.django_db
RUN = "exchange.tasks.run_import"
NOT_STARTED = str(JobUnavailable())


@pytest.fixture(autouse=True)
def _large_files_only(monkeypatch, settings, tmp_path):
    """Every file goes to the worker, however small."""
    monkeypatch.setattr(services, "INLINE_MAX_BYTES", 10)
    settings.MEDIA_ROOT = tmp_path / "media"


def api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def changed_actions(client: APIClient) -> bytes:
    """The actions export with one title changed: a file with one change to apply."""
    ActionFactory(title="Oud")
    exported = client.get("/api/v1/exports/actions.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(exported), delimiter=";"))
    rows[1][1] = "Nieuw"
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def test_an_api_import_without_a_broker_is_503_and_retried_at_once(
    plan, coordinator, broker, published_jobs
):
    client = api(coordinator)
    content = changed_actions(client)
    broker.down()

    response = client.post(
        "/api/v1/imports/actions/",
        {"file": SimpleUploadedFile("groot.csv", content), "dry_run": "false"},
    )

    assert response.status_code == 503
    assert response.json() == {"detail": NOT_STARTED}
    job = ImportJob.objects.get()
    shown = client.get(f"/api/v1/import-jobs/{job.pk}/").json()
    assert (shown["status"], shown["error"]) == ("failed", NOT_STARTED)

    broker.up()
    retried = client.post(f"/api/v1/import-jobs/{job.pk}/retry/", {"dry_run": "false"})

    assert retried.status_code == 202
    assert (retried.json()["status"], retried.json()["error"]) == ("queued", "")
    # Checked, then applied at once (dry_run=false), as the upload asked.
    assert published_jobs() == [(RUN, [job.pk, False, True])]
    job.refresh_from_db()
    assert job.history.latest().history_change_reason == "opnieuw gestart"


def test_only_a_failed_import_is_retried_and_only_by_its_uploader_or_ajh(
    plan, coordinator, editor_a, published_jobs
):
    client = api(coordinator)
    response = client.post(
        "/api/v1/imports/actions/",
        {"file": SimpleUploadedFile("groot.csv", changed_actions(client))},
    )
    job = ImportJob.objects.get(pk=response.json()["id"])
    published_jobs()

    refused = client.post(f"/api/v1/import-jobs/{job.pk}/retry/")
    assert refused.status_code == 409
    assert refused.json()["detail"] == "Alleen een mislukte import kan opnieuw gestart worden."
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.FAILED)
    # An editor sees only their own imports.
    assert api(editor_a).post(f"/api/v1/import-jobs/{job.pk}/retry/").status_code == 404
    assert published_jobs() == []


def test_confirming_an_import_without_a_broker_shows_why_with_503_and_retry(
    coordinator_client, coordinator, plan, broker, published_jobs
):
    upload = coordinator_client.post(
        "/import/actions/",
        {"file": SimpleUploadedFile("groot.csv", changed_actions(api(coordinator)))},
    )
    job = ImportJob.objects.get()
    assert upload["Location"] == f"/imports/{job.pk}/"
    assert published_jobs() == [(RUN, [job.pk, False, False])]
    run.import_run(job.pk, apply=False)  # the worker's check
    broker.down()

    response = coordinator_client.post(f"/imports/{job.pk}/bevestigen/")

    assert response.status_code == 503
    assert NOT_STARTED in response.text
    assert f'href="/imports/{job.pk}/"' in response.text
    job.refresh_from_db()
    assert (job.status, job.error) == (ImportStatus.FAILED, NOT_STARTED)

    broker.up()
    page = coordinator_client.get(f"/imports/{job.pk}/").text
    assert NOT_STARTED in page and "Opnieuw proberen" in page
    retried = coordinator_client.post(f"/imports/{job.pk}/opnieuw/")

    assert retried.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.error, job.result) == (ImportStatus.QUEUED, "", {})
    assert published_jobs() == [(RUN, [job.pk, False, False])]


def test_a_check_delivered_again_while_the_job_is_applied_leaves_it_alone(
    coordinator, plan, published_jobs
):
    client = api(coordinator)
    client.post(
        "/api/v1/imports/actions/",
        {"file": SimpleUploadedFile("groot.csv", changed_actions(client))},
    )
    job = run.import_run(ImportJob.objects.get().pk, apply=False)
    assert job.status == ImportStatus.CHECKED and job.can_apply
    # A worker applies it; meanwhile the broker hands out the check's message again.
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.APPLYING)

    again = run.import_run(job.pk, apply=False)

    assert again.status == ImportStatus.APPLYING
    job.refresh_from_db()
    assert (job.status, job.result) == (ImportStatus.APPLYING, again.result)
