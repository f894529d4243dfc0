"""Before requesting a report AJH sees which texts are still empty; an evaluation requested
before its reference year says that it is a preview."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from actionplan.models import StrategicGoal
from evaluations.models import EvaluationReport, ReportKind
from evaluations.reports.content import report_content
from evaluations.reports.narratives import narrative_save
from evaluations.reports.services import report_request

pytestmark = pytest.mark.django_db


def _texts_line(page_text: str, label: str) -> str:
    start = page_text.index(label)
    return page_text[start : page_text.index("</li>", start)]


def test_the_reports_page_says_which_texts_are_still_empty(coordinator_client, plan, coordinator):
    narrative_save(
        plan=plan,
        kind=ReportKind.INTERIM,
        year=2027,
        user=coordinator,
        expected_version=1,
        fields={"summary": "Het plan loopt.", "recommendations": ""},
        findings={StrategicGoal.objects.get(plan=plan, number=1).pk: {"text": "SD1 loopt goed."}},
    )

    page = coordinator_client.get(reverse("reports:reports"))

    interim = _texts_line(page.text, "Teksten tussentijdse evaluatie 2027")
    assert "nog leeg: bevindingen SD2, bevindingen SD3, aanbevelingen" in interim
    final = _texts_line(page.text, "Teksten eindevaluatie 2029")
    assert (
        "nog leeg: samenvatting, bevindingen SD1, bevindingen SD2, bevindingen SD3, "
        "aanbevelingen, impactanalyse"
    ) in final


def test_a_finished_text_says_so(coordinator_client, plan, coordinator):
    goals = {
        g.pk: {"text": f"Bevinding SD{g.number}"} for g in StrategicGoal.objects.filter(plan=plan)
    }
    narrative_save(
        plan=plan,
        kind=ReportKind.INTERIM,
        year=2027,
        user=coordinator,
        expected_version=1,
        fields={"summary": "Samenvatting", "recommendations": "Aanbevelingen"},
        findings=goals,
    )

    page = coordinator_client.get(reverse("reports:reports"))

    assert "alle onderdelen geschreven" in _texts_line(
        page.text, "Teksten tussentijdse evaluatie 2027"
    )


def test_the_interim_evaluation_requested_before_2027_is_a_preview(
    coordinator_client, plan, coordinator
):
    # The clock stands in 2026 (tests/conftest.py).
    response = coordinator_client.post(
        reverse("reports:reports"), {"kind": "interim", "year": "2027"}, follow=True
    )

    report = EvaluationReport.objects.get()
    assert report.is_preview
    assert "het rapport is een voorbeeld" in response.text
    assert "Voorbeeld" in response.text
    assert report_content(report).preview


def test_an_evaluation_requested_in_its_reference_year_is_no_preview(
    plan, coordinator, time_machine
):
    time_machine.move_to(dt.datetime(2027, 7, 1, 9, 0, tzinfo=ZoneInfo("Europe/Brussels")))

    report = report_request(
        plan=plan, kind=ReportKind.INTERIM, year=2027, user=coordinator, enqueue=False
    )

    assert not report.is_preview
    assert not report_content(report).preview


def test_an_annual_report_is_never_called_a_preview(plan, coordinator):
    report = report_request(
        plan=plan, kind=ReportKind.ANNUAL, year=2027, user=coordinator, enqueue=False
    )

    assert not report.is_preview
