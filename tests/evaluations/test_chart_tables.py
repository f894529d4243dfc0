"""Every chart comes with its numbers in a table beside it (issue 11, point 5)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from actionplan.charts import BAR_COLOURS
from evaluations.dashboard.selectors import PROGRESS_COLUMNS
from evaluations.models import EvaluationReport, ReportKind
from evaluations.reports.content import report_content
from tests.factories import ActionFactory, IndicatorFactory

pytestmark = pytest.mark.django_db


def test_the_dashboard_status_chart_has_its_table_with_the_same_colours(coordinator_client, plan):
    ActionFactory()
    text = coordinator_client.get(reverse("dashboard:dashboard"), {"year": 2026}).text
    block = text[text.index('<div class="chart-with-table"><svg') :]
    block = block[: block.index("</table>")]
    assert "<caption>Acties per voortgangsstatus</caption>" in block
    for _key, label in PROGRESS_COLUMNS:
        assert f"{label}</th>" in block
    # The one action has no approved fiche yet: 1 (100 %) in the last column.
    assert re.search(
        r"nog geen goedgekeurde fiche</th><td class=\"num\">1</td><td "
        r"class=\"num\">100 %</td>",
        block,
    )
    swatches = re.findall(r'<rect width="10" height="10" fill="([^"]+)"', block)
    assert swatches == BAR_COLOURS[: len(PROGRESS_COLUMNS)]


def test_the_indicator_page_table_lists_baseline_and_target_beside_the_chart(reader_client, plan):
    indicator = IndicatorFactory(
        baseline_value=Decimal(189),
        baseline_year=2025,
        target_value=Decimal(150),
        target_year=2029,
        direction="down",
    )
    text = reader_client.get(reverse("indicators:list", args=[indicator.action_id])).text
    chart_and_table = text[text.index('<svg class="chart"') :]
    chart_and_table = chart_and_table[: chart_and_table.index("</table>")]
    assert "Nog geen metingen." in chart_and_table
    assert "<tr><td>2025 (nulmeting)</td><td>189</td></tr>" in chart_and_table
    assert "<tr><td>2029 (streefwaarde)</td><td>150</td></tr>" in chart_and_table


def test_the_report_has_the_status_chart_and_its_numbers(plan, coordinator):
    ActionFactory()
    report = EvaluationReport.objects.create(
        plan=plan, kind=ReportKind.ANNUAL, year=2026, requested_by=coordinator
    )
    content = report_content(report)
    assert [(b.label, b.value) for b in content.progress_bars] == [
        (str(label), content.progress_totals[key]) for key, label in PROGRESS_COLUMNS
    ]
    assert 'class="bar"' in str(content.progress_chart)
