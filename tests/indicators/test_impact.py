"""Impact indicators: validation of values and their breakdowns, who maintains them,
history with author, and the selector the reports use."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from actionplan.models import Plan, StrategicGoal
from indicators.impact.services import impact_indicator_save, impact_value_save
from indicators.models import ImpactIndicator, ImpactValue
from indicators.selectors import impact_tables

pytestmark = pytest.mark.django_db

SOURCE_DATE = dt.date(2026, 3, 1)


def make_indicator(plan: Plan, user, **data) -> ImpactIndicator:
    fields = {
        "kind": "context",
        "name": "Politieregistraties van partnergeweld",
        "unit": "registraties",
        "value_kind": "count",
        "source": "Politiestatistieken",
        "periodicity": "yearly",
        "baseline_value": Decimal(1000),
        "baseline_year": 2024,
        "dimensions": ["sex", "age_group"],
        **data,
    }
    return impact_indicator_save(plan=plan, user=user, data=fields)


def add_value(indicator, user, year=2025, value="1200", disaggregation=None, **data):
    return impact_value_save(
        indicator=indicator,
        user=user,
        data={
            "year": year,
            "value": Decimal(value),
            "disaggregation": disaggregation or {},
            "source": "",
            "source_date": SOURCE_DATE,
            **data,
        },
    )


def _messages(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def test_a_value_of_an_undeclared_dimension_is_refused(plan, coordinator):
    indicator = make_indicator(plan, coordinator, dimensions=["sex"])
    with pytest.raises(ValidationError) as exc:
        add_value(indicator, coordinator, disaggregation={"region": "limburg"})
    assert "niet uitgesplitst naar regio" in _messages(exc.value)
    assert not ImpactValue.objects.exists()


def test_an_unknown_dimension_is_refused(plan, coordinator):
    indicator = make_indicator(plan, coordinator)
    with pytest.raises(ValidationError) as exc:
        add_value(indicator, coordinator, disaggregation={"religion": "x"})
    assert "‘religion’ is geen uitsplitsing" in _messages(exc.value)


def test_an_unknown_category_is_refused(plan, coordinator):
    indicator = make_indicator(plan, coordinator)
    with pytest.raises(ValidationError) as exc:
        add_value(indicator, coordinator, disaggregation={"age_group": "18-30"})
    message = _messages(exc.value)
    assert "‘18-30’ is geen categorie van leeftijdsgroep" in message
    assert "25-34" in message
    assert not ImpactValue.objects.exists()


def test_declared_dimensions_and_categories_are_accepted(plan, coordinator):
    indicator = make_indicator(plan, coordinator)
    value = add_value(indicator, coordinator, disaggregation={"sex": "vrouw", "age_group": "65+"})
    assert value.disaggregation_key == "sex=vrouw;age_group=65+"
    assert value.source == "Politiestatistieken"  # the indicator's, when left empty


def test_the_same_year_and_breakdown_twice_is_refused_in_any_key_order(plan, coordinator):
    indicator = make_indicator(plan, coordinator)
    add_value(indicator, coordinator, disaggregation={"sex": "vrouw", "age_group": "18-24"})
    with pytest.raises(ValidationError) as exc:
        add_value(indicator, coordinator, disaggregation={"age_group": "18-24", "sex": "vrouw"})
    assert (
        "Er is al een waarde van deze indicator voor dit jaar en deze uitsplitsing."
        in _messages(exc.value)
    )
    assert ImpactValue.objects.count() == 1


def test_a_count_must_be_a_whole_number(plan, coordinator):
    indicator = make_indicator(plan, coordinator)
    with pytest.raises(ValidationError) as exc:
        add_value(indicator, coordinator, value="12.5")
    assert "Een aantal is een geheel getal vanaf 0." in _messages(exc.value)


def test_a_used_dimension_cannot_be_dropped(plan, coordinator):
    indicator = make_indicator(plan, coordinator)
    add_value(indicator, coordinator, disaggregation={"age_group": "0-17"})
    with pytest.raises(ValidationError) as exc:
        impact_indicator_save(
            plan=plan, user=coordinator, indicator=indicator, data={"dimensions": ["sex"]}
        )
    assert "uitgesplitst naar leeftijdsgroep" in _messages(exc.value)
    indicator.refresh_from_db()
    assert indicator.dimensions == ["sex", "age_group"]


def test_a_goal_of_another_plan_is_refused(plan, coordinator):
    other = Plan.objects.create(code="ander", title="Ander plan", start_year=2020, end_year=2024)
    goal = StrategicGoal.objects.create(plan=other, number=1, title="SD", policy_level="reaction")
    with pytest.raises(ValidationError) as exc:
        make_indicator(plan, coordinator, strategic_goal=goal)
    assert "hoort niet bij dit actieplan" in _messages(exc.value)


@pytest.mark.parametrize("role", ["editor_a", "reader"])
def test_only_ajh_writes(plan, coordinator, role, request):
    user = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        make_indicator(plan, user)
    indicator = make_indicator(plan, coordinator)
    with pytest.raises(PermissionDenied):
        add_value(indicator, user)


def test_history_records_the_author_and_the_change(plan, coordinator):
    indicator = make_indicator(plan, coordinator)
    value = add_value(indicator, coordinator)
    impact_value_save(
        indicator=indicator, user=coordinator, value=value, data={"value": Decimal(1300)}
    )
    records = list(value.history.order_by("history_date"))
    assert [(r.history_type, r.value, r.history_user) for r in records] == [
        ("+", Decimal(1200), coordinator),
        ("~", Decimal(1300), coordinator),
    ]
    assert indicator.history.get().history_user == coordinator


def test_impact_tables_give_totals_latest_breakdowns_and_a_chart(
    plan, coordinator, django_assert_num_queries
):
    goal = plan.goals.get(number=2)
    with pytest.raises(ValidationError, match="Geef het jaar van de streefwaarde op."):
        make_indicator(plan, coordinator, target_value=Decimal(800))
    indicator = make_indicator(
        plan, coordinator, strategic_goal=goal, target_value=Decimal(800), target_year=2029
    )
    plan_level = make_indicator(plan, coordinator, name="Oproepen 1712", dimensions=[])
    for year, total in [(2024, "1000"), (2025, "1100"), (2026, "1250"), (2027, "1400")]:
        add_value(indicator, coordinator, year=year, value=total)
    for year in (2024, 2025):
        add_value(indicator, coordinator, year=year, value="700", disaggregation={"sex": "vrouw"})
        add_value(indicator, coordinator, year=year, value="300", disaggregation={"sex": "man"})
    add_value(indicator, coordinator, year=2026, value="90", disaggregation={"age_group": "0-17"})
    add_value(indicator, coordinator, year=2027, value="95", disaggregation={"age_group": "0-17"})

    # impact indicators with their goal; values up to the year
    with django_assert_num_queries(2):
        tables = impact_tables(plan, as_of_year=2026)

    assert [t.indicator for t in tables] == [plan_level, indicator]  # plan level first
    table = tables[1]
    assert [(p.year, p.value) for p in table.series] == [
        (2024, 1000),
        (2025, 1100),
        (2026, 1250),
    ]
    assert table.latest is not None and table.latest.year == 2026
    sexes, ages = table.breakdowns
    assert (sexes.dimensions, sexes.year) == (["geslacht"], 2025)
    assert [(r.categories, r.value) for r in sexes.rows] == [(["vrouw"], 700), (["man"], 300)]
    assert (ages.dimensions, ages.year, ages.rows[0].value) == (["leeftijdsgroep"], 2026, 90)
    assert sexes.source == "Politiestatistieken"
    # The chart: a title, a legend, and the table that goes with it.
    title = "Politieregistraties van partnergeweld (registraties)"
    assert f'<title id="impact-{indicator.pk}-t">{title}</title>' in table.chart
    assert 'class="legend"' in table.chart
    assert table.legend == ["Meting", "Nulmeting", "Streefwaarde"]
    assert [(r.year, r.label, r.value) for r in table.table] == [
        (2024, "nulmeting", 1000),
        (2024, "meting", 1000),
        (2025, "meting", 1100),
        (2026, "meting", 1250),
        (2029, "streefwaarde", 800),
    ]
    # Without values, the chart shows the baseline alone.
    assert (tables[0].series, tables[0].legend) == ([], ["Nulmeting"])
