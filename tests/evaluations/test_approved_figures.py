"""Only values of approved fiches count in AJH's figures (issue 11, point 1).

A value of indicator I for year Y counts when the fiche of I's action for Y is the current
approved fiche as of Y. Drafts stay visible on the fiche and the action's indicator page,
labelled "niet goedgekeurd".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from actionplan.models import Action, Administration, Plan, User
from evaluations.models import EvaluationReport, ReportKind
from evaluations.reports.content import fiche_content, report_content
from fiches import services
from fiches.models import Fiche
from fiches.selectors import counted_values
from fiches.services import IndicatorValueInput
from indicators.models import Indicator, IndicatorValue
from tests.factories import ActionFactory, IndicatorFactory, round_opened

pytestmark = pytest.mark.django_db


@dataclass
class Figures:
    plan: Plan
    action: Action
    indicator: Indicator
    fiche: Fiche  # the 2026 fiche, a draft holding the value 999


def _save(fiche: Fiche, user: User, value: str) -> Fiche:
    return services.fiche_save(
        fiche=fiche,
        user=user,
        expected_version=Fiche.objects.get(pk=fiche.pk).version,
        data={"status_update": "Stand van zaken", "progress_status": "on_track"},
        values=[
            IndicatorValueInput(indicator_id=fiche.action.indicators.get().pk, value=Decimal(value))
        ],
    )


def _approve(fiche: Fiche, coordinator: User) -> Fiche:
    fiche = services.fiche_submit(fiche=Fiche.objects.get(pk=fiche.pk), user=coordinator)
    return services.fiche_approve(fiche=fiche, user=coordinator)


@pytest.fixture
def figures(plan: Plan, coordinator: User, admin_a: Administration) -> Figures:
    return make_figures(plan, coordinator, admin_a)


def make_figures(plan: Plan, coordinator: User, admin_a: Administration) -> Figures:
    """Baseline 100 (2025), target 200 (2029); 150 approved in 2025, 999 drafted in 2026."""
    action = ActionFactory(lead_administration=admin_a, start_year=2025, end_year=2029)
    indicator = IndicatorFactory(
        action=action,
        name="Opgeleide hulpverleners",
        baseline_value=Decimal(100),
        baseline_year=2025,
        target_value=Decimal(200),
        target_year=2029,
    )
    round_opened(plan=plan, year=2025, deadline=dt.date(2025, 12, 31), user=coordinator)
    round_opened(plan=plan, year=2026, deadline=dt.date(2026, 12, 31), user=coordinator)
    earlier = Fiche.objects.get(action=action, year=2025)
    _approve(_save(earlier, coordinator, "150"), coordinator)
    draft = _save(Fiche.objects.get(action=action, year=2026), coordinator, "999")
    return Figures(plan, action, indicator, draft)


def _stats_values(client: Client) -> dict:
    data = client.get("/api/v1/stats/", {"year": 2026}).json()
    (row,) = [r for r in data["indicators"] if r["name"] == "Opgeleide hulpverleners"]
    return row


def test_only_values_of_the_current_approved_fiche_of_their_year_count(figures, coordinator):
    values = IndicatorValue.objects.filter(indicator=figures.indicator)
    assert [v.value for v in counted_values(values)] == [Decimal(150)]
    services.fiche_submit(fiche=figures.fiche, user=coordinator)
    assert [v.value for v in counted_values(values)] == [Decimal(150)]
    services.fiche_approve(fiche=Fiche.objects.get(pk=figures.fiche.pk), user=coordinator)
    assert [v.value for v in counted_values(values).order_by("year")] == [150, 999]
    # Reopened, the 2026 fiche is a draft again: its value no longer counts.
    services.fiche_reopen(
        fiche=Fiche.objects.get(pk=figures.fiche.pk), user=coordinator, reason="Cijfer nakijken"
    )
    assert [v.value for v in counted_values(values)] == [Decimal(150)]


def test_a_value_of_a_year_without_fiche_does_not_count(figures):
    IndicatorValue.objects.create(indicator=figures.indicator, year=2024, value=Decimal(120))
    assert not counted_values(IndicatorValue.objects.filter(year=2024)).exists()


def test_a_draft_value_is_not_on_the_dashboard_until_its_fiche_is_approved(
    figures, coordinator, coordinator_client, settings
):
    settings.DASHBOARD_CACHE_SECONDS = 600
    url = reverse("dashboard:indicators")
    # Without the filter's option ids, which a long test run can bring up to 999.
    before = re.sub(r'value="\d+"', "", coordinator_client.get(url, {"year": 2026}).text)
    assert "50,0 % van het doel bereikt" in before
    assert "999" not in before
    assert "899,0 %" not in before
    # Approval writes a review event, which the panel cache's key counts: no stale panels.
    _approve(figures.fiche, coordinator)
    after = re.sub(r'value="\d+"', "", coordinator_client.get(url, {"year": 2026}).text)
    assert "899,0 % van het doel bereikt" in after
    assert "999" in after


def test_a_draft_value_is_not_in_the_stats_api_until_its_fiche_is_approved(
    figures, coordinator, reader_client
):
    row = _stats_values(reader_client)
    assert [(v["year"], v["value"]) for v in row["values"]] == [(2025, 150.0)]
    assert row["progress_pct"] == 50.0
    _approve(figures.fiche, coordinator)
    row = _stats_values(reader_client)
    assert [(v["year"], v["value"]) for v in row["values"]] == [(2025, 150.0), (2026, 999.0)]
    assert row["progress_pct"] == 899.0


def test_the_dashboard_csv_has_only_approved_values(figures, coordinator_client):
    csv = coordinator_client.get(
        reverse("dashboard:dashboard-csv", args=["indicators"]), {"year": 2026}
    ).content.decode()
    assert "Opgeleide hulpverleners" in csv
    assert "999" not in csv


def _content_values(plan: Plan, coordinator: User) -> dict[int, Decimal | None]:
    report = EvaluationReport.objects.create(
        plan=plan, kind=ReportKind.ANNUAL, year=2026, requested_by=coordinator
    )
    content = report_content(report)
    rows = [
        row
        for s in content.strategic
        for g in s.operational_goals
        for a in g.actions
        for row in a.indicators
    ]
    (row,) = rows
    return {year: v.value for year, v in row.values.items()} | {0: row.progress}


def test_draft_and_submitted_values_are_not_in_the_report_content(figures, plan, coordinator):
    assert _content_values(plan, coordinator) == {2025: Decimal(150), 0: Decimal("50.0")}
    services.fiche_submit(fiche=figures.fiche, user=coordinator)
    assert _content_values(plan, coordinator) == {2025: Decimal(150), 0: Decimal("50.0")}
    services.fiche_approve(fiche=Fiche.objects.get(pk=figures.fiche.pk), user=coordinator)
    assert _content_values(plan, coordinator) == {
        2025: Decimal(150),
        2026: Decimal(999),
        0: Decimal("899.0"),
    }


def test_the_fiche_pdf_lists_its_draft_value_labelled_but_charts_only_approved_ones(
    figures, plan, coordinator
):
    report = EvaluationReport.objects.create(
        plan=plan, kind=ReportKind.FICHE, year=2026, fiche=figures.fiche, requested_by=coordinator
    )
    content = fiche_content(report)
    (row,) = content["rows"]
    assert row.values[2026].value == 999 and not row.values[2026].counts
    assert row.progress == Decimal("50.0")
    assert "2026: 999" not in str(content["charts"][0])


def test_the_indicator_page_shows_the_draft_value_labelled(figures, reader_client):
    page = reader_client.get(reverse("indicators:list", args=[figures.action.pk])).text
    row_2026 = page[page.index("<td>2026</td>") :].split("</tr>")[0]
    assert "niet goedgekeurd" in row_2026
    assert "999" in row_2026
    row_2025 = page[page.index("<td>2025</td>") :].split("</tr>")[0]
    assert "niet goedgekeurd" not in row_2025
    assert "50,0 % van het doel bereikt" in page


def test_the_fiche_page_labels_values_of_a_fiche_that_is_not_approved(
    figures, coordinator, reader_client
):
    url = reverse("fiches:detail", args=[figures.fiche.pk])
    assert "niet goedgekeurd" in reader_client.get(url).text
    _approve(figures.fiche, coordinator)
    assert "niet goedgekeurd" not in reader_client.get(url).text
