"""Demo data good enough to judge the product on: every demo indicator and value passes the
model's rules, and rounds follow the plan's annual cycle."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.core.management import call_command

from fiches.models import ReportingRound
from indicators.models import Indicator, IndicatorValue

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[1, 2, 7])
def demo(request: pytest.FixtureRequest, plan: object) -> None:
    call_command("load_demo", actions=40, seed=request.param, stdout=None)


def test_every_demo_indicator_passes_validation(demo: None) -> None:
    indicators = list(Indicator.objects.all())
    assert indicators
    for indicator in indicators:
        indicator.full_clean()
        if indicator.is_quantitative:
            baseline, target = indicator.baseline_year, indicator.target_year
            assert baseline is not None and target is not None
            assert 2024 <= baseline <= 2025 < 2027 <= target <= 2029


def test_no_two_demo_indicators_share_a_name_on_one_action(demo: None) -> None:
    names = Counter(Indicator.objects.values_list("action_id", "name"))
    assert max(names.values()) == 1


def test_every_demo_value_passes_validation_without_factor_ten_jumps(demo: None) -> None:
    values = list(IndicatorValue.objects.select_related("indicator").order_by("indicator", "year"))
    assert values
    previous: dict[int, IndicatorValue] = {}
    for value in values:
        value.full_clean()
        last = previous.get(value.indicator_id)
        if last is not None and last.value and value.value:
            ratio = max(last.value, value.value) / min(last.value, value.value)
            assert ratio <= 10, (value.indicator, last.value, value.value)
        if value.value is not None:
            previous[value.indicator_id] = value


def test_demo_rounds_close_after_their_reporting_year(demo: None) -> None:
    today = dt.date(2026, 6, 15)  # the frozen clock of the test suite
    for rnd in ReportingRound.objects.all():
        assert rnd.deadline == dt.date(rnd.year + 1, 3, 31)
        assert rnd.opens_on <= rnd.deadline
        if rnd.year < today.year:
            assert rnd.opens_on == dt.date(rnd.year, 12, 1)
