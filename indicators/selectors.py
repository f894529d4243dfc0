"""Reads of indicators across their values: the series behind the trend charts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, Prefetch, Subquery
from django.db.models.expressions import BaseExpression
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from actionplan.charts import TrendPoint, trend_chart
from actionplan.history import TimelineEntry, records_timeline, timeline
from actionplan.models import Plan, StrategicGoal
from indicators.models import (
    IMPACT_CATEGORIES,
    ImpactDimension,
    ImpactIndicator,
    ImpactIndicatorQuerySet,
    ImpactValue,
    Indicator,
    IndicatorValue,
    disaggregation_label,
)


@dataclass
class IndicatorTrend:
    indicator: Indicator
    values: list[IndicatorValue]
    points: list[TrendPoint]
    baseline: TrendPoint | None
    target: TrendPoint | None
    latest: IndicatorValue | None
    progress: Decimal | None

    @property
    def chart(self) -> SafeString:
        return trend_chart(
            chart_id=f"trend-{self.indicator.pk}",
            title=f"{self.indicator.action.code} {self.indicator.name}",
            unit=self.indicator.unit,
            points=self.points,
            baseline=self.baseline,
            target=self.target,
        )


def indicator_trends(
    indicators: Sequence[Indicator],
    as_of_year: int,
    *,
    counts: BaseExpression,
    show_uncounted: bool = False,
) -> list[IndicatorTrend]:
    """Series per indicator, values up to ``as_of_year``: one query for all values.

    ``counts`` is the boolean condition on a value for it to count in the figures; this
    floor cannot know it (it depends on the fiche's approval), so the caller passes it:
    ``fiches.selectors.value_counts_condition()`` for AJH's figures. The chart, the latest
    value and the progress use counted values only. ``values`` lists the counted values,
    or every value (each with its ``counts`` flag, for a "niet goedgekeurd" label) when
    ``show_uncounted``.
    """
    by_indicator: dict[int, list[IndicatorValue]] = defaultdict(list)
    for value in (
        IndicatorValue.objects.filter(
            indicator__in=[i.pk for i in indicators], year__lte=as_of_year
        )
        .with_counts(counts)
        .order_by("year")
    ):
        if value.counts or show_uncounted:
            by_indicator[value.indicator_id].append(value)
    trends = []
    for indicator in indicators:
        values = by_indicator.get(indicator.pk, [])
        numbers = [v for v in values if v.value is not None and v.counts]
        latest = numbers[-1] if numbers else None
        trends.append(
            IndicatorTrend(
                indicator=indicator,
                values=values,
                points=[TrendPoint(v.year, v.value) for v in numbers if v.value is not None],
                baseline=TrendPoint(indicator.baseline_year, indicator.baseline_value)
                if indicator.baseline_value is not None and indicator.baseline_year
                else None,
                target=TrendPoint(indicator.target_year, indicator.target_value)
                if indicator.target_value is not None and indicator.target_year
                else None,
                latest=latest,
                progress=indicator.progress(latest.value if latest else None),
            )
        )
    return trends


def value_history(*, action_id: int, year: int | None = None) -> list[TimelineEntry]:
    """Every change of the action's indicator values (of ``year``, when given), newest
    first: old → new, who, when and why. Two queries, whatever the number of changes."""
    records = IndicatorValue.history.filter(indicator__action_id=action_id)
    if year is not None:
        records = records.filter(year=year)
    names = dict(Indicator.objects.filter(action_id=action_id).order_by().values_list("id", "name"))
    label = _("Meting %(year)s: %(indicator)s")
    return records_timeline(
        IndicatorValue,
        list(records.select_related("history_user").order_by("history_date", "history_id")),
        exclude=("id", "indicator", "year", "updated_by"),
        subject=lambda record: (
            label % {"year": record.year, "indicator": names.get(record.indicator_id, "")}
        ),
    )


# --- Impact indicators -------------------------------------------------------------------

_DIMENSION_ORDER = list(ImpactDimension.values)
_CATEGORY_ORDER = {
    name: {key: i for i, (key, _label) in enumerate(categories)}
    for name, categories in IMPACT_CATEGORIES.items()
}


def _breakdown_order(disaggregation: dict[str, str]) -> tuple:
    """Totals first, then one dimension before two, in the dimensions' and categories'
    fixed order (``vrouw`` before ``man``, ``0-17`` before ``18-24``)."""
    names = sorted(disaggregation, key=_DIMENSION_ORDER.index)
    return (
        len(names),
        [_DIMENSION_ORDER.index(n) for n in names],
        [_CATEGORY_ORDER[n].get(disaggregation[n], 99) for n in names],
    )


def _dimensions_of(value: ImpactValue) -> tuple[str, ...]:
    return tuple(sorted(value.disaggregation, key=_DIMENSION_ORDER.index))


@dataclass
class ImpactTableRow:
    """One line of the table that goes with a chart: a year, what it is, the value."""

    year: int
    label: str
    value: Decimal


@dataclass
class ImpactBreakdownRow:
    categories: list[str]
    value: Decimal


@dataclass
class ImpactBreakdown:
    """The values of the latest year broken down by one set of dimensions."""

    dimensions: list[str]  # labels, the table's first columns ("geslacht", "leeftijdsgroep")
    year: int
    rows: list[ImpactBreakdownRow]
    source: str


@dataclass
class ImpactPivotRow:
    label: str
    disaggregation: dict[str, str]
    cells: list[ImpactValue | None]  # one per year of ``ImpactDetail.years``


@dataclass
class ImpactTable:
    """An impact indicator as a report or page shows it: the totals by year as a chart
    (SVG, with title, legend and the table that goes with it) and the latest breakdowns."""

    indicator: ImpactIndicator
    series: list[TrendPoint]
    baseline: TrendPoint | None
    target: TrendPoint | None
    latest: ImpactValue | None
    breakdowns: list[ImpactBreakdown]
    chart: SafeString
    chart_title: str
    legend: list[str]
    table: list[ImpactTableRow]


def _impact_table(indicator: ImpactIndicator, values: list[ImpactValue]) -> ImpactTable:
    """``values`` of one indicator, oldest first."""
    totals = [v for v in values if not v.disaggregation]
    series = [TrendPoint(v.year, v.value) for v in totals]
    baseline = (
        TrendPoint(indicator.baseline_year, indicator.baseline_value)
        if indicator.baseline_value is not None and indicator.baseline_year
        else None
    )
    target = (
        TrendPoint(indicator.target_year, indicator.target_value)
        if indicator.target_value is not None and indicator.target_year
        else None
    )
    latest_year: dict[tuple[str, ...], int] = {}
    for value in values:
        if value.disaggregation:
            latest_year[_dimensions_of(value)] = value.year  # oldest first: the last wins
    labels = dict(ImpactDimension.choices)
    breakdowns = []
    for dimensions, year in sorted(
        latest_year.items(),
        key=lambda item: (len(item[0]), [_DIMENSION_ORDER.index(d) for d in item[0]]),
    ):
        cells = sorted(
            (v for v in values if v.year == year and _dimensions_of(v) == dimensions),
            key=lambda v: _breakdown_order(v.disaggregation),
        )
        breakdowns.append(
            ImpactBreakdown(
                dimensions=[str(labels[d]) for d in dimensions],
                year=year,
                rows=[
                    ImpactBreakdownRow(
                        categories=[
                            str(dict(IMPACT_CATEGORIES[d]).get(v.disaggregation[d], ""))
                            for d in dimensions
                        ],
                        value=v.value,
                    )
                    for v in cells
                ],
                source=", ".join(sorted({v.source for v in cells})),
            )
        )
    title = f"{indicator.name} ({indicator.unit})"
    legend = [
        str(label)
        for label, shown in (
            (_("Meting"), bool(series)),
            (_("Nulmeting"), baseline is not None),
            (_("Streefwaarde"), target is not None),
        )
        if shown
    ]
    table = (
        ([ImpactTableRow(baseline.year, _("nulmeting"), baseline.value)] if baseline else [])
        + [ImpactTableRow(p.year, _("meting"), p.value) for p in series]
        + ([ImpactTableRow(target.year, _("streefwaarde"), target.value)] if target else [])
    )
    return ImpactTable(
        indicator=indicator,
        series=series,
        baseline=baseline,
        target=target,
        latest=totals[-1] if totals else None,
        breakdowns=breakdowns,
        chart=trend_chart(
            chart_id=f"impact-{indicator.pk}",
            title=title,
            unit=indicator.unit,
            points=series,
            baseline=baseline,
            target=target,
        ),
        chart_title=title,
        legend=legend,
        table=table,
    )


def impact_tables(plan: Plan, *, as_of_year: int) -> list[ImpactTable]:
    """Every impact indicator of ``plan`` (plan level first, then per strategic goal) with
    its totals up to ``as_of_year``, the latest breakdowns up to that year and its chart.
    Two queries, whatever the number of indicators and values."""
    indicators = list(
        ImpactIndicator.objects.for_plan(plan)
        .select_related("strategic_goal")
        .in_order()
        .prefetch_related(
            Prefetch(
                "values",
                queryset=ImpactValue.objects.filter(year__lte=as_of_year).order_by(
                    "year", "disaggregation_key"
                ),
                to_attr="reported_values",
            )
        )
    )
    return [_impact_table(i, i.reported_values) for i in indicators]


def impact_indicator_list(
    plan: Plan, *, goal: StrategicGoal | None = None
) -> ImpactIndicatorQuerySet:
    """The impact indicators of a plan (of one goal), each with its latest total
    (``latest_year``, ``latest_value``): one query."""
    latest = ImpactValue.objects.totals().filter(indicator=OuterRef("pk")).order_by("-year")
    return (
        ImpactIndicator.objects.for_plan(plan, goal=goal)
        .select_related("strategic_goal")
        .annotate(
            latest_year=Subquery(latest.values("year")[:1]),
            latest_value=Subquery(latest.values("value")[:1]),
        )
        .in_order()
    )


@dataclass
class ImpactDetail:
    table: ImpactTable
    values: list[ImpactValue]  # every value, for the sources and the edit links
    years: list[int]
    pivot: list[ImpactPivotRow]


def impact_indicator_detail(indicator: ImpactIndicator) -> ImpactDetail:
    """Every value of ``indicator`` (one query, with who last changed each) as a table of
    years × breakdown, its chart and its latest breakdowns."""
    values = list(
        ImpactValue.objects.filter(indicator=indicator)
        .select_related("updated_by")
        .order_by("year", "disaggregation_key")
    )
    years = sorted({v.year for v in values})
    by_breakdown: dict[str, dict[int, ImpactValue]] = defaultdict(dict)
    shapes: dict[str, dict[str, str]] = {}
    for value in values:
        by_breakdown[value.disaggregation_key][value.year] = value
        shapes[value.disaggregation_key] = value.disaggregation
    pivot = [
        ImpactPivotRow(
            label=disaggregation_label(shapes[key]),
            disaggregation=shapes[key],
            cells=[by_breakdown[key].get(year) for year in years],
        )
        for key in sorted(shapes, key=lambda k: _breakdown_order(shapes[k]))
    ]
    return ImpactDetail(
        table=_impact_table(indicator, values), values=values, years=years, pivot=pivot
    )


def impact_history(indicator: ImpactIndicator) -> list[TimelineEntry]:
    """Every change of the indicator's definition and of its values, newest first, with
    who made it: four queries, whatever the number of changes."""
    label = _("Waarde %(year)s (%(breakdown)s)")
    values = records_timeline(
        ImpactValue,
        list(
            ImpactValue.history.filter(indicator_id=indicator.pk)
            .select_related("history_user")
            .order_by("history_date", "history_id")
        ),
        exclude=("id", "indicator", "disaggregation_key", "updated_by"),
        subject=lambda record: (
            label % {"year": record.year, "breakdown": disaggregation_label(record.disaggregation)}
        ),
    )
    definition = timeline(indicator, exclude=("id", "plan"))
    for entry in definition:
        entry.subject = str(_("Definitie"))
    return sorted([*definition, *values], key=lambda entry: entry.date, reverse=True)
