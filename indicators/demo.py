"""Demo rows of this floor. Action indicators are written by ``fiches.demo`` with the
fiches; impact indicators of the demo plan are written here (``demo_impact_load``).
``demo_indicators_purge`` removes both."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from actionplan.demo import DemoRefused, demo_actions, demo_plans
from actionplan.history import delete_with_history
from actionplan.models import Plan
from indicators.models import (
    IMPACT_CATEGORIES,
    ImpactDimension,
    ImpactIndicator,
    ImpactKind,
    ImpactValue,
    Indicator,
    IndicatorValue,
    Periodicity,
    ValueKind,
    disaggregation_key,
)

DEMO_IMPACT_MARK = "(demo, synthetisch)"
DEMO_IMPACT_YEARS = range(2022, 2027)
DEMO_SOURCE_NOTE = "Synthetisch demogegeven, geen echte cijfers."

# (name, kind, goal number or None, unit, value kind, source, first total, yearly change,
#  dimensions, baseline year, target)
DEMO_IMPACT_INDICATORS: list[
    tuple[str, str, int | None, str, str, str, int, float, list[str], int | None]
] = [
    (
        "Prevalentie van partnergeweld in de voorbije 12 maanden",
        ImpactKind.CONTEXT,
        None,
        "%",
        ValueKind.PERCENTAGE,
        "Demobron: bevolkingsenquête",
        12,
        -0.4,
        [ImpactDimension.SEX, ImpactDimension.AGE_GROUP],
        10,
    ),
    (
        "Politieregistraties van seksueel geweld",
        ImpactKind.OUTCOME,
        2,
        "registraties",
        ValueKind.COUNT,
        "Demobron: politiestatistieken",
        4200,
        180,
        [ImpactDimension.SEX, ImpactDimension.REGION],
        None,
    ),
    (
        "Oproepen naar hulplijn 1712 over partnergeweld",
        ImpactKind.OUTCOME,
        2,
        "oproepen",
        ValueKind.COUNT,
        "Demobron: jaarverslag hulplijn",
        8000,
        350,
        [ImpactDimension.RELATIONSHIP],
        None,
    ),
    (
        "Leerlingen die les kregen over grensoverschrijdend gedrag",
        ImpactKind.OUTCOME,
        1,
        "%",
        ValueKind.PERCENTAGE,
        "Demobron: schoolbevraging",
        35,
        4,
        [ImpactDimension.SEX, ImpactDimension.REGION],
        60,
    ),
    (
        "Meldingen van vrouwelijke genitale verminking bij zorgverleners",
        ImpactKind.CONTEXT,
        3,
        "meldingen",
        ValueKind.COUNT,
        "Demobron: registratie zorgverleners",
        140,
        9,
        [ImpactDimension.AGE_GROUP],
        None,
    ),
]


def _shares(rng: random.Random, count: int) -> list[float]:
    weights = [rng.uniform(0.5, 1.5) for _ in range(count)]
    total = sum(weights)
    return [w / total for w in weights]


def demo_impact_load(plan: Plan, seed: int) -> dict[str, int]:
    """Synthetic impact indicators of the demo ``plan``, marked "(demo, synthetisch)", with
    totals for 2022–2026 and breakdowns by each declared dimension. Deterministic for a
    seed; refuses a real plan; adds nothing when the plan already has impact indicators."""
    if not plan.is_demo:
        raise DemoRefused(f"{plan} is geen demoplan: geen demo-impactindicatoren toegevoegd.")
    if ImpactIndicator.objects.filter(plan=plan).exists():
        return {"impact_indicators": 0, "impact_values": 0}
    rng = random.Random(seed)
    goals = {goal.number: goal for goal in plan.goals.all()}
    with transaction.atomic():
        indicators = bulk_create_with_history(
            [
                ImpactIndicator(
                    plan=plan,
                    strategic_goal=goals.get(goal) if goal else None,
                    kind=kind,
                    name=f"{name} {DEMO_IMPACT_MARK}",
                    definition=DEMO_SOURCE_NOTE,
                    unit=unit,
                    value_kind=value_kind,
                    source=source,
                    periodicity=Periodicity.YEARLY,
                    baseline_value=Decimal(start),
                    baseline_year=DEMO_IMPACT_YEARS[0],
                    target_value=Decimal(target) if target is not None else None,
                    target_year=2029 if target is not None else None,
                    dimensions=dimensions,
                    position=position,
                )
                for position, (
                    name,
                    kind,
                    goal,
                    unit,
                    value_kind,
                    source,
                    start,
                    change,
                    dimensions,
                    target,
                ) in enumerate(DEMO_IMPACT_INDICATORS)
            ],
            ImpactIndicator,
            default_change_reason="load_demo",
        )
        values: list[ImpactValue] = []
        for indicator, spec in zip(indicators, DEMO_IMPACT_INDICATORS, strict=True):
            start, change = spec[6], spec[7]
            is_count = indicator.value_kind == ValueKind.COUNT
            for i, year in enumerate(DEMO_IMPACT_YEARS):
                raw = start + change * i + rng.uniform(-0.05, 0.05) * start
                total = Decimal(round(raw) if is_count else round(raw, 1))
                published = dt.date(year + 1, 3, 1 + rng.randrange(28))
                cells: list[tuple[dict[str, str], Decimal]] = [({}, total)]
                for dimension in indicator.dimensions:
                    categories = [key for key, _label in IMPACT_CATEGORIES[dimension]]
                    shares = _shares(rng, len(categories))
                    for category, share in zip(categories, shares, strict=True):
                        # A percentage holds per group; a count splits the total.
                        part = (
                            round(float(total) * share)
                            if is_count
                            else round(min(100.0, float(total) * rng.uniform(0.6, 1.4)), 1)
                        )
                        cells.append(({dimension: category}, Decimal(part)))
                values.extend(
                    ImpactValue(
                        indicator=indicator,
                        year=year,
                        value=number,
                        disaggregation=breakdown,
                        disaggregation_key=disaggregation_key(breakdown),
                        source=indicator.source,
                        source_date=published,
                        note=DEMO_SOURCE_NOTE if not breakdown else "",
                    )
                    for breakdown, number in cells
                )
        bulk_create_with_history(
            values, ImpactValue, batch_size=500, default_change_reason="load_demo"
        )
    return {"impact_indicators": len(indicators), "impact_values": len(values)}


def demo_indicators_purge() -> dict[str, int]:
    """Delete the indicators of demo actions and their values, and the impact indicators
    of demo plans with their values, with their history."""
    indicators = Indicator.objects.filter(action__in=demo_actions())
    impact = ImpactIndicator.objects.filter(plan__in=demo_plans())
    with transaction.atomic():
        values = delete_with_history(IndicatorValue.objects.filter(indicator__in=indicators))
        impact_values = delete_with_history(ImpactValue.objects.filter(indicator__in=impact))
        return {
            "indicators": delete_with_history(indicators),
            "values": values,
            "impact_indicators": delete_with_history(impact),
            "impact_values": impact_values,
        }
