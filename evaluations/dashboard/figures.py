"""The dashboard as one object: filters from the query string, then every panel's figures.

Pages, CSV downloads and the stats API all build it here, so they show the same numbers.
Each figure is computed when first read: a section of the dashboard reads only its own
(``sections.py``), the stats API reads them all.
"""

from __future__ import annotations

from functools import cached_property

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from actionplan.charts import Bar, bar_chart, bars
from actionplan.filters import ActionFilter
from actionplan.models import Action, Plan
from actionplan.params import QueryParams
from actionplan.selectors import plan_current
from evaluations.dashboard import selectors
from evaluations.dashboard.selectors import PROGRESS_COLUMNS, AsOf
from fiches.selectors import value_counts_condition
from indicators.selectors import IndicatorTrend, indicator_trends

INDICATORS_PER_PAGE = 12
PAGE_NUMBERS = frozenset(str(n) for n in range(1, 101))


class Dashboard:
    """Filters and year from the query string; each panel's figures are computed when first
    read, so a page, a CSV download or an htmx update pays only for what it shows."""

    def __init__(self, params: QueryDict) -> None:
        self.plan: Plan = plan_current(params.get("plan"))
        today = timezone.localdate()
        default_year = min(max(today.year, self.plan.start_year), self.plan.end_year)
        # A year outside the plan or a filter value that matches nothing is refused (400),
        # never replaced by the default: the figures would answer another question.
        query = QueryParams(params)
        year = query.year(self.plan) or default_year
        plan_actions = Action.objects.for_plan(self.plan)
        self.filter = query.filter(ActionFilter(params or None, queryset=plan_actions))
        query.check()
        self.as_of = AsOf.for_year(year, today)
        self.years = list(self.plan.years)
        self.actions: QuerySet[Action] = self.filter.qs if self.filter.is_bound else plan_actions
        self.filtered = any(params.get(name) for name in self.filter.form.fields)
        self.page_number = params.get("page")
        # The parameters the dashboard reads, for its own links and its cache key; anything
        # else in the query string is dropped.
        self.query = QueryDict(mutable=True)
        for name in ("plan", "year", *self.filter.form.fields):
            values = [value for value in params.getlist(name) if value]
            if values:
                self.query.setlist(name, values)
        # Free-text searches are computed each time rather than filling the cache with one
        # entry per string typed.
        self.cacheable = not params.get("q") and (
            self.page_number is None or self.page_number in PAGE_NUMBERS
        )

    @cached_property
    def actions_count(self) -> int:
        return self.actions.count()

    @cached_property
    def completion_summary(self) -> selectors.CompletionSummary:
        return selectors.completion_summary(self.plan, self.actions, self.as_of)

    @cached_property
    def completion(self) -> selectors.Completion:
        return selectors.completion(
            self.plan, self.actions, self.as_of, summary=self.completion_summary
        )

    @cached_property
    def progress_summary(self) -> selectors.ProgressSummary:
        return selectors.progress_summary(self.actions, self.as_of)

    @cached_property
    def progress_tables(self) -> list[selectors.ProgressTable]:
        """Per strategic and operational goal (from the summary), then per minister,
        administration, form of violence and target group."""
        summary = self.progress_summary
        return [
            summary.strategic_goals,
            summary.operational_goals,
            *selectors.progress_groupings(self.actions, self.as_of),
        ]

    @cached_property
    def bottlenecks(self) -> selectors.Bottlenecks:
        return selectors.bottlenecks(self.actions, self.as_of, summary=self.progress_summary)

    @cached_property
    def progress(self) -> selectors.Progress:
        return selectors.progress_of(
            self.progress_summary, self.progress_tables[2:], self.bottlenecks
        )

    @cached_property
    def progress_rows(self) -> list[tuple[str, int]]:
        totals = self.progress_summary.totals.counts
        return [(str(label), totals[key]) for key, label in PROGRESS_COLUMNS]

    @cached_property
    def progress_chart(self) -> SafeString:
        return bar_chart(
            chart_id="progress-total",
            title=_("Acties per voortgangsstatus"),
            rows=self.progress_rows,
            unit=_("acties"),
        )

    @cached_property
    def progress_bars(self) -> list[Bar]:
        """The chart's numbers, for the table beside it."""
        return bars(self.progress_rows)

    @cached_property
    def coverage_matrices(self) -> selectors.CoverageMatrices:
        return selectors.coverage_matrices(self.plan, self.actions)

    @cached_property
    def overlaps(self) -> list[selectors.OverlapGroup]:
        return selectors.overlaps(self.actions)

    @cached_property
    def coverage(self) -> selectors.Coverage:
        matrices = self.coverage_matrices
        return selectors.Coverage(matrices.violence_forms, matrices.target_groups, self.overlaps)

    @cached_property
    def trends_page(self) -> Page:
        indicators = selectors.quantitative_indicators(self.actions)
        return Paginator(indicators, INDICATORS_PER_PAGE).get_page(self.page_number)

    @cached_property
    def trends(self) -> list[IndicatorTrend]:
        return indicator_trends(
            list(self.trends_page.object_list), self.as_of.year, counts=value_counts_condition()
        )

    @cached_property
    def all_trends(self) -> list[IndicatorTrend]:
        """Every quantitative indicator of the selection, for the CSV and the stats API."""
        return indicator_trends(
            list(selectors.quantitative_indicators(self.actions)),
            self.as_of.year,
            counts=value_counts_condition(),
        )


def build(params: QueryDict) -> Dashboard:
    return Dashboard(params)
