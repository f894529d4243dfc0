"""The report's way: approved by AJH, sent to the Vlaamse Regering, then to the Vlaams
Parlement. Each step freezes the PDF with its SHA-256 and the plan version; none is ever
overwritten, and every download checks the SHA-256."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.db import IntegrityError, transaction
from django.http import FileResponse
from django.urls import reverse
from rest_framework.test import APIClient

from actionplan.models import Role
from evaluations.models import EvaluationReport, ReleaseStep, ReportKind, ReportRelease
from evaluations.reports import build, narratives, services
from fiches.services import round_open
from tests.factories import ActionFactory, UserFactory
from tests.planning.helpers import REFERENCE as PLAN_REFERENCE
from tests.planning.helpers import baseline

pytestmark = pytest.mark.django_db

YEAR = 2027
TODAY = dt.date(2026, 6, 15)  # the autouse clock of tests/conftest.py


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def built(plan, coordinator, kind: str = ReportKind.INTERIM) -> EvaluationReport:
    report = services.report_request(
        plan=plan, kind=kind, year=YEAR, user=coordinator, enqueue=False
    )
    return build.report_build(report.pk)


@pytest.fixture
def report(plan, coordinator) -> EvaluationReport:
    """A finished interim report resting on approved data only (no fiches yet)."""
    ActionFactory(title="Actie op weg naar het parlement")
    report = built(plan, coordinator)
    assert report.status == "done" and report.unapproved_fiches == 0, report.error
    return report


def read(report: EvaluationReport) -> bytes:
    with report.file.open("rb") as handle:
        return handle.read()


def steps(report: EvaluationReport) -> list[str]:
    return list(ReportRelease.objects.filter(report=report).values_list("step", flat=True))


# --- Services --------------------------------------------------------------------------


def test_the_coordinator_takes_a_report_all_the_way(report, coordinator):
    approved = services.report_approve(
        report=report, user=coordinator, date=dt.date(2026, 6, 1), reference="AJH/2026/12"
    )
    sent = services.report_send_to_government(
        report=report, user=coordinator, date=dt.date(2026, 6, 10), reference="VR 2026 1006"
    )
    tabled = services.report_send_to_parliament(
        report=report, user=coordinator, date=TODAY, reference="Stuk 123 (2025-2026) nr. 1"
    )

    assert steps(report) == ["approved", "government", "parliament"]
    assert (sent.previous, tabled.previous) == (approved, sent)
    for release in (approved, sent, tabled):
        assert release.sha256 == report.sha256 and release.decided_by == coordinator
        assert release.plan_version is None  # the plan has no approved version
    record = tabled.history.get()
    assert (record.history_user, record.history_change_reason) == (
        coordinator,
        "verzonden aan het Vlaams Parlement",
    )


def test_a_release_records_the_latest_approved_plan_version(plan, coordinator, admin_a):
    version, _action = baseline(plan, coordinator, admin_a)
    report = built(plan, coordinator)

    release = services.report_approve(report=report, user=coordinator, date=TODAY, reference="x")

    assert release.plan_version == version
    assert version.decision_reference == PLAN_REFERENCE


@pytest.mark.parametrize(
    ("step", "message"),
    [
        (
            services.report_send_to_government,
            "Deze stap kan pas nadat het rapport goedgekeurd door AJH is.",
        ),
        (
            services.report_send_to_parliament,
            "Deze stap kan pas nadat het rapport verzonden aan de Vlaamse Regering is.",
        ),
    ],
)
def test_a_step_out_of_order_is_refused(report, coordinator, step, message):
    with pytest.raises(services.ReleaseRefused, match=message):
        step(report=report, user=coordinator, date=TODAY, reference="R-1")
    assert steps(report) == []


def test_parliament_before_government_is_refused_after_approval(report, coordinator):
    services.report_approve(report=report, user=coordinator, date=TODAY, reference="A")
    with pytest.raises(services.ReleaseRefused, match="verzonden aan de Vlaamse Regering"):
        services.report_send_to_parliament(
            report=report, user=coordinator, date=TODAY, reference="P"
        )
    assert steps(report) == ["approved"]


def test_a_second_approval_of_the_same_report_is_refused(report, coordinator):
    first = services.report_approve(report=report, user=coordinator, date=TODAY, reference="A")
    with pytest.raises(services.ReleaseRefused, match="Een stap wordt nooit overschreven"):
        services.report_approve(report=report, user=coordinator, date=TODAY, reference="B")
    assert list(ReportRelease.objects.all()) == [first]
    assert ReportRelease.objects.get().reference == "A"


def test_a_report_built_while_fiches_were_unapproved_cannot_be_approved(plan, coordinator):
    ActionFactory()
    round_open(plan=plan, year=2026, deadline=dt.date(2026, 9, 30), user=coordinator)
    report = built(plan, coordinator)
    assert report.unapproved_fiches and report.unapproved_fiches > 0

    with pytest.raises(services.ReleaseRefused, match="steunt op goedgekeurde gegevens"):
        services.report_approve(report=report, user=coordinator, date=TODAY, reference="A")
    assert steps(report) == []


def test_a_failed_or_unfinished_report_cannot_be_approved(plan, coordinator):
    queued = services.report_request(
        plan=plan, kind=ReportKind.INTERIM, year=YEAR, user=coordinator, enqueue=False
    )
    with pytest.raises(services.ReleaseRefused, match="nog niet klaar"):
        services.report_approve(report=queued, user=coordinator, date=TODAY, reference="A")
    services.report_fail(queued, "kapot")
    with pytest.raises(services.ReleaseRefused, match="mislukt"):
        services.report_approve(report=queued, user=coordinator, date=TODAY, reference="A")
    assert ReportRelease.objects.count() == 0


def test_a_report_whose_texts_changed_after_the_build_cannot_be_approved(
    report, coordinator, time_machine
):
    time_machine.shift(dt.timedelta(minutes=5))
    narratives.narrative_save(
        plan=report.plan,
        kind=report.kind,
        year=report.year,
        user=coordinator,
        expected_version=1,
        fields={"summary": "Later geschreven."},
        findings={},
    )
    with pytest.raises(services.ReleaseRefused, match="gewijzigd nadat dit rapport"):
        services.report_approve(report=report, user=coordinator, date=TODAY, reference="A")


def test_a_date_in_the_future_or_before_the_previous_step_is_refused(report, coordinator):
    with pytest.raises(services.ValidationError) as future:
        services.report_approve(
            report=report, user=coordinator, date=TODAY + dt.timedelta(days=1), reference="A"
        )
    assert future.value.message_dict == {"date": ["De datum ligt in de toekomst."]}
    services.report_approve(report=report, user=coordinator, date=TODAY, reference="A")
    with pytest.raises(services.ValidationError) as earlier:
        services.report_send_to_government(
            report=report, user=coordinator, date=dt.date(2026, 6, 1), reference="VR"
        )
    assert earlier.value.message_dict == {
        "date": ["De datum ligt vóór de vorige stap (goedgekeurd door AJH op 15 jun. 2026)."]
    }
    assert steps(report) == ["approved"]


def test_a_new_build_leaves_the_released_file_alone(report, plan, coordinator):
    services.report_approve(report=report, user=coordinator, date=TODAY, reference="A")
    frozen = read(report)

    newer = built(plan, coordinator)

    report.refresh_from_db()
    assert newer.pk != report.pk and newer.file.name != report.file.name
    assert read(report) == frozen
    # The job leaves a finished report as it is, released or not.
    assert build.report_build(report.pk).file.name == report.file.name
    assert read(report) == frozen


def test_a_release_cannot_exist_without_the_step_before_it(report, coordinator):
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportRelease.objects.create(
            report=report,
            step=ReleaseStep.GOVERNMENT,
            date=TODAY,
            reference="VR",
            decided_by=coordinator,
            sha256=report.sha256,
        )


# --- Pages -----------------------------------------------------------------------------


def test_the_detail_page_shows_the_next_step_form_to_the_coordinator(report, client, coordinator):
    client.force_login(coordinator)
    text = client.get(reverse("reports:detail", args=[report.pk])).text
    assert "Goedgekeurd door AJH" in text
    assert f'action="/reports/{report.pk}/stap/approved/"' in text
    assert report.sha256 in text


def test_the_coordinator_approves_in_the_browser(report, client, coordinator):
    client.force_login(coordinator)
    url = reverse("reports:release", args=[report.pk, "approved"])
    response = client.post(url, {"date": "2026-06-14", "reference": "AJH/1", "confirm": "on"})

    assert response.status_code == 302
    release = ReportRelease.objects.get()
    assert (release.step, release.reference, release.date) == (
        "approved",
        "AJH/1",
        TODAY - dt.timedelta(days=1),
    )
    page = client.get(response["Location"]).text
    assert "De PDF is vastgelegd met zijn SHA-256." in page
    assert f'action="/reports/{report.pk}/stap/government/"' in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"date": "2026-06-16", "reference": "A", "confirm": "on"},
            "De datum ligt in de toekomst.",
        ),
        ({"date": "2026-06-14", "reference": "", "confirm": "on"}, "Vul de referentie in."),
        ({"date": "2026-06-14", "reference": "A"}, "Bevestig de stap."),
    ],
)
def test_a_step_form_with_bad_input_says_why_and_changes_nothing(
    report, client, coordinator, data, message
):
    client.force_login(coordinator)
    response = client.post(reverse("reports:release", args=[report.pk, "approved"]), data)
    assert response.status_code == 422
    assert message in response.text
    assert ReportRelease.objects.count() == 0


def test_a_refused_step_in_the_browser_shows_the_reason(report, client, coordinator):
    client.force_login(coordinator)
    url = reverse("reports:release", args=[report.pk, "parliament"])
    response = client.post(url, {"date": "2026-06-14", "reference": "P", "confirm": "on"})
    assert response.status_code == 422
    assert "Deze stap kan pas nadat het rapport verzonden aan de Vlaamse Regering is." in (
        response.text
    )


@pytest.mark.parametrize("role", [Role.EDITOR, Role.READER])
def test_editors_and_readers_cannot_release(report, client, admin_a, role):
    user = UserFactory(role=role, administrations=[admin_a] if role == Role.EDITOR else [])
    client.force_login(user)
    data = {"date": "2026-06-14", "reference": "A", "confirm": "on"}

    page = client.post(reverse("reports:release", args=[report.pk, "approved"]), data)
    detail = client.get(reverse("reports:detail", args=[report.pk]))
    response = api(user).post(f"/api/v1/reports/{report.pk}/approve/", data, format="json")

    assert (page.status_code, response.status_code) == (403, 403)
    assert detail.status_code == 200 and "stap/approved" not in detail.text
    assert ReportRelease.objects.count() == 0


@pytest.mark.parametrize("role", [Role.EDITOR, Role.READER])
def test_every_signed_in_user_downloads_a_released_pdf(report, client, coordinator, admin_a, role):
    services.report_approve(report=report, user=coordinator, date=TODAY, reference="A")
    user = UserFactory(role=role, administrations=[admin_a] if role == Role.EDITOR else [])
    client.force_login(user)

    response = client.get(reverse("reports:release-download", args=[report.pk, "approved"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == read(report)


def test_anonymous_visitors_cannot_download_a_release(report, client, coordinator):
    services.report_approve(report=report, user=coordinator, date=TODAY, reference="A")
    response = client.get(reverse("reports:release-download", args=[report.pk, "approved"]))
    assert response.status_code == 302
    assert (
        api(None).get(f"/api/v1/reports/{report.pk}/releases/approved/download/").status_code == 401
    )


def test_a_tampered_file_is_refused_with_a_clear_message(report, client, coordinator, reader):
    services.report_approve(report=report, user=coordinator, date=TODAY, reference="A")
    with open(report.file.path, "ab") as handle:
        handle.write(b"% tampered\n")
    client.force_login(reader)

    page = client.get(reverse("reports:release-download", args=[report.pk, "approved"]))
    plain = client.get(reverse("reports:report-download", args=[report.pk]))
    response = api(reader).get(f"/api/v1/reports/{report.pk}/releases/approved/download/")

    message = "Het PDF-bestand is gewijzigd sinds het werd vastgelegd: de SHA-256 klopt niet meer."
    assert page.status_code == plain.status_code == response.status_code == 409
    assert message in page.text and message in plain.text
    assert message in response.json()["detail"]


def test_a_missing_file_is_refused_with_a_clear_message(report, client, coordinator):
    services.report_approve(report=report, user=coordinator, date=TODAY, reference="A")
    Path(report.file.path).unlink()
    client.force_login(coordinator)
    page = client.get(reverse("reports:release-download", args=[report.pk, "approved"]))
    assert page.status_code == 409
    assert "Het PDF-bestand van dit rapport ontbreekt op de server." in page.text


def test_a_tampered_file_is_not_released(report, coordinator):
    with open(report.file.path, "ab") as handle:
        handle.write(b"% tampered\n")
    with pytest.raises(services.TamperedFile):
        services.report_approve(report=report, user=coordinator, date=TODAY, reference="A")
    assert ReportRelease.objects.count() == 0


# --- API -------------------------------------------------------------------------------


def test_the_api_takes_a_report_its_way_and_lists_the_releases(report, coordinator, reader):
    client = api(coordinator)
    for path, date, reference in (
        ("approve", "2026-06-01", "AJH/1"),
        ("send-to-government", "2026-06-02", "VR/2"),
        ("send-to-parliament", "2026-06-15", "VP/3"),
    ):
        response = client.post(
            f"/api/v1/reports/{report.pk}/{path}/",
            {"date": date, "reference": reference},
            format="json",
        )
        assert response.status_code == 200, response.json()

    detail = api(reader).get(f"/api/v1/reports/{report.pk}/").json()
    assert [
        (r["step"], r["date"], r["reference"], r["decided_by"]) for r in detail["releases"]
    ] == [
        ("approved", "2026-06-01", "AJH/1", "coord"),
        ("government", "2026-06-02", "VR/2", "coord"),
        ("parliament", "2026-06-15", "VP/3", "coord"),
    ]
    assert {r["sha256"] for r in detail["releases"]} == {report.sha256}
    url = detail["releases"][2]["download_url"]
    assert url.endswith(f"/api/v1/reports/{report.pk}/releases/parliament/download/")
    download = api(reader).get(url)
    assert download.status_code == 200
    assert isinstance(download, FileResponse)
    assert b"".join(download.streaming_content) == read(report)


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"date": "2026-06-16", "reference": "A"}, "date", "De datum ligt in de toekomst."),
        ({"date": "2026-06-14", "reference": ""}, "reference", "Vul de referentie in."),
        ({"reference": "A"}, "date", "Vul de datum in."),
    ],
)
def test_the_api_refuses_bad_input_with_400(report, coordinator, payload, field, message):
    response = api(coordinator).post(
        f"/api/v1/reports/{report.pk}/approve/", payload, format="json"
    )
    assert response.status_code == 400
    assert response.json()[field] == [message]
    assert ReportRelease.objects.count() == 0


def test_the_api_refuses_a_step_out_of_order_with_409(report, coordinator):
    response = api(coordinator).post(
        f"/api/v1/reports/{report.pk}/send-to-government/",
        {"date": "2026-06-14", "reference": "VR"},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "Deze stap kan pas nadat het rapport goedgekeurd door AJH is."
    )


# --- Query counts ----------------------------------------------------------------------


def _releases(plan, coordinator, n: int) -> None:
    for _ in range(n):
        report = built(plan, coordinator)
        services.report_approve(report=report, user=coordinator, date=TODAY, reference="A")
        services.report_send_to_government(
            report=report, user=coordinator, date=TODAY, reference="B"
        )


@pytest.mark.parametrize("n", [1, 3])
def test_the_report_pages_and_api_list_cost_a_fixed_number_of_queries(
    plan, coordinator, client, django_assert_num_queries, n
):
    ActionFactory()
    _releases(plan, coordinator, n)
    report = EvaluationReport.objects.first()
    assert report is not None
    client.force_login(coordinator)
    # session, user, current plan, strategic goals and narratives (which texts are empty;
    # there are none here, so no findings query), count, reports (requested_by, fiche),
    # their releases (decided_by, plan_version)
    with django_assert_num_queries(8):
        assert client.get("/reports/").status_code == 200
    # session, user, the report (plan, requested_by), its releases
    with django_assert_num_queries(4):
        assert client.get(f"/reports/{report.pk}/").status_code == 200
    client.logout()
    token_client = api(coordinator)
    # count, reports (requested_by, fiche), their releases
    with django_assert_num_queries(3):
        assert token_client.get("/api/v1/reports/").status_code == 200
