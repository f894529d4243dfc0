"""Reads of indicators across their values: the series behind the trend charts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models.expressions import BaseExpression
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from actionplan.charts import TrendPoint, trend_chart
from actionplan.history import TimelineEntry, records_timeline
from indicators.models import Indicator, IndicatorValue


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
