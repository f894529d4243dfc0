"""The dashboard as one object: filters from the query string, then every panel's figures.

Pages, CSV downloads and the stats API all build it here, so they show the same numbers.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import hashlib
import io
import logging
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Model, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from redis.exceptions import RedisError
from simple_history.utils import get_history_manager_for_model

from actionplan.charts import bar_chart
from actionplan.filters import ActionFilter
from actionplan.models import (
    Action,
    Administration,
    Minister,
    OperationalGoal,
    Plan,
    StrategicGoal,
    TargetGroup,
    ViolenceForm,
)
from actionplan.selectors import plan_current
from evaluations import selectors
from evaluations.selectors import PROGRESS_COLUMNS, STATE_COLUMNS, AsOf
from fiches.models import Fiche, ReportingRound, ReviewEvent
from indicators.models import Indicator, IndicatorValue
from indicators.selectors import IndicatorTrend, indicator_trends

INDICATORS_PER_PAGE = 12
PAGE_NUMBERS = frozenset(str(n) for n in range(1, 101))

logger = logging.getLogger(__name__)


class Dashboard:
    """Filters and year from the query string; each panel's figures are computed when first
    read, so a page, a CSV download or an htmx update pays only for what it shows."""

    def __init__(self, params: QueryDict) -> None:
        self.plan: Plan = plan_current(params.get("plan"))
        today = timezone.localdate()
        default_year = min(max(today.year, self.plan.start_year), self.plan.end_year)
        try:
            year = int(params.get("year", default_year))
        except ValueError:
            year = default_year
        if year not in self.plan.years:
            year = default_year
        self.as_of = AsOf.for_year(year, today)
        self.years = list(self.plan.years)
        plan_actions = Action.objects.for_plan(self.plan)
        self.filter = ActionFilter(params or None, queryset=plan_actions)
        valid = not self.filter.is_bound or self.filter.is_valid()
        self.actions: QuerySet[Action] = (
            self.filter.qs if self.filter.is_bound and valid else plan_actions
        )
        self.filtered = any(params.get(name) for name in self.filter.form.fields)
        self.page_number = params.get("page")
        # The parameters the dashboard reads, for its own links and its cache key; anything
        # else in the query string is dropped.
        self.query = QueryDict(mutable=True)
        for name in ("plan", "year", *self.filter.form.fields):
            values = [value for value in params.getlist(name) if value]
            if values:
                self.query.setlist(name, values)
        # Free-text searches and invalid filters are computed each time rather than filling
        # the cache with one entry per string typed.
        self.cacheable = (
            valid
            and not params.get("q")
            and (self.page_number is None or self.page_number in PAGE_NUMBERS)
        )

    @cached_property
    def actions_count(self) -> int:
        return self.actions.count()

    @cached_property
    def completion(self) -> selectors.Completion:
        return selectors.completion(self.plan, self.actions, self.as_of)

    @cached_property
    def progress(self) -> selectors.Progress:
        return selectors.progress(self.actions, self.as_of)

    @cached_property
    def progress_chart(self) -> SafeString:
        totals = self.progress.totals.counts
        return bar_chart(
            chart_id="progress-total",
            title=_("Acties per voortgangsstatus"),
            rows=[(str(label), totals[key]) for key, label in PROGRESS_COLUMNS],
            unit=_("acties"),
        )

    @cached_property
    def coverage(self) -> selectors.Coverage:
        return selectors.coverage(self.plan, self.actions)

    @cached_property
    def trends_page(self) -> Page:
        indicators = selectors.quantitative_indicators(self.actions)
        return Paginator(indicators, INDICATORS_PER_PAGE).get_page(self.page_number)

    @cached_property
    def trends(self) -> list[IndicatorTrend]:
        return indicator_trends(list(self.trends_page.object_list), self.as_of.year)


def build(params: QueryDict) -> Dashboard:
    return Dashboard(params)


# --- Rendered panels, cached on the data they show ------------------------------------

# The models whose changes can alter a figure; each write to them leaves a history row
# (simple_history, bulk loads and imports included), so their newest history ids tell.
HISTORY_SOURCES: tuple[type[Model], ...] = (
    Plan,
    StrategicGoal,
    OperationalGoal,
    Action,
    Minister,
    Administration,
    ViolenceForm,
    TargetGroup,
    ReportingRound,
    Indicator,
    IndicatorValue,
)
# Fiches change all day while editors write their drafts, which no panel shows. A panel
# changes with a new fiche or a step in the review workflow, and every step writes a review
# event (fiches.services._transition); neither row is ever updated or deleted, so the
# newest ids of these two tables stand for the fiches.
ROW_SOURCES: tuple[type[Model], ...] = (Fiche, ReviewEvent)


def _version_tables() -> list[tuple[str, str]]:
    models: list[type[Model]] = []
    for model in HISTORY_SOURCES:
        history = get_history_manager_for_model(model).model
        models += [history] + [
            getattr(history, field.name).model
            for field in getattr(history, "_history_m2m_fields", [])
        ]
    models += ROW_SOURCES
    return [(m._meta.db_table, m._meta.pk.column) for m in models]


# Ids are handed out before commit, so a transaction may commit a row below the newest id
# after that id was read. Counting the rows among the newest ids catches that
# late commit, as long as fewer than this many rows were written meanwhile.
VERSION_WINDOW = 1000


@functools.cache
def _version_sql() -> str:
    quote = connection.ops.quote_name
    columns = []
    for table, pk in _version_tables():
        t, c = quote(table), quote(pk)
        newest = f"(SELECT MAX({c}) FROM {t})"
        columns += [
            newest,
            f"(SELECT COUNT(*) FROM {t} WHERE {c} > {newest} - {VERSION_WINDOW})",
        ]
    return "SELECT " + ", ".join(columns)


def data_version() -> str:
    """Per source table the newest id and the number of rows among the newest
    ``VERSION_WINDOW`` ids, in one query of index lookups."""
    with connection.cursor() as cursor:
        cursor.execute(_version_sql())
        row = cursor.fetchone()
    return ".".join(str(value or 0) for value in row)


@functools.cache
def _code_version() -> str:
    """The code and templates that render the panels: a deploy that changes them starts
    with fresh entries instead of serving the old HTML until it expires."""
    digest = hashlib.sha256()
    app = Path(__file__).resolve().parent
    templates = Path(settings.BASE_DIR) / "templates" / "evaluations"
    for path in sorted([*app.glob("*.py"), *templates.rglob("*.html")]):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def panels_key(dashboard: Dashboard) -> str:
    """What the panels depend on: the data, today (lateness), the code, the language and
    the parameters the dashboard reads."""
    query = dashboard.query.copy()
    if dashboard.page_number:
        query["page"] = dashboard.page_number
    parts = [
        data_version(),
        timezone.localdate().isoformat(),
        _code_version(),
        get_language() or "",
        urlencode(sorted((k, v) for k, values in query.lists() for v in values)),
    ]
    return "dashboard-panels:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


def cached_panels(dashboard: Dashboard, render: Callable[[], str]) -> SafeString:
    """The rendered panels: from the cache while no source row changed, else ``render()``
    (which computes the figures) and stored. The panels are the same for every signed-in
    user; nothing user-specific may go into them."""
    if settings.DASHBOARD_CACHE_SECONDS <= 0 or not dashboard.cacheable:
        return mark_safe(render())  # rendered by our template, escaped there
    key = panels_key(dashboard)
    try:
        html = cache.get(key)
    except RedisError:
        # The cache only saves time: with Redis down the panels are computed as usual.
        logger.warning("Dashboard cache unavailable; panels computed", exc_info=True)
        return mark_safe(render())  # rendered by our template, escaped there
    if html is None:
        html = render()
        with contextlib.suppress(RedisError):
            cache.set(key, str(html), settings.DASHBOARD_CACHE_SECONDS)
    return mark_safe(html)  # rendered by our template, escaped there


# --- Tables as rows, for CSV and the API -------------------------------------------------

TABLES = {
    "completion-administration": _("Rondevoltooiing per administratie"),
    "completion-minister": _("Rondevoltooiing per minister"),
    "outstanding": _("Ontbrekende en te late fiches"),
    **{f"progress-{key}": title for key, title, _g, _l in selectors.PROGRESS_DIMENSIONS},
    "late": _("Acties met vertraging"),
    "incomplete": _("Acties die niet SMART-volledig zijn"),
    "coverage-violence-forms": _("Dekking vormen van geweld"),
    "coverage-target-groups": _("Dekking doelgroepen"),
    "overlaps": _("Mogelijke overlap"),
    "indicators": _("Indicatoren"),
}


def table_rows(dashboard: Dashboard, name: str) -> list[list[Any]]:
    """A header row and data rows for table ``name``; KeyError when unknown."""
    d = dashboard
    if name.startswith("completion-"):
        rows = (
            d.completion.by_administration
            if name.endswith("administration")
            else d.completion.by_minister
        )
        header = [
            _("Naam"),
            *[str(label) for _s, label in STATE_COLUMNS],
            _("Totaal"),
            _("% ingediend"),
            _("% goedgekeurd"),
        ]
        return [header] + [
            [
                r.label,
                *[r.counts[s] for s, _l in STATE_COLUMNS],
                r.total,
                r.submitted_pct,
                r.approved_pct,
            ]
            for r in rows
        ]
    if name == "outstanding":
        return [[_("Actie"), _("Titel"), _("Trekker"), _("Status"), _("Deadline")]] + [
            [
                f.action.code,
                f.action.title,
                getattr(f.action.lead_administration, "name", ""),
                f.get_state_display(),
                f.round.deadline.isoformat(),
            ]
            for f in d.completion.outstanding_all
        ]
    if name.startswith("progress-"):
        key = name.removeprefix("progress-")
        table = next(t for t in d.progress.tables if t.key == key)
        header = [
            table.title,
            *[str(label) for _s, label in PROGRESS_COLUMNS],
            _("Totaal"),
            _("% afgerond"),
        ]
        return [header] + [
            [r.label, *[r.counts[s] for s, _l in PROGRESS_COLUMNS], r.total, r.completed_pct]
            for r in table.rows
        ]
    if name in ("late", "incomplete"):
        actions = d.progress.late_all if name == "late" else d.progress.incomplete_all
        return [[_("Actie"), _("Titel"), _("Trekker"), _("Einde"), _("Voortgang")]] + [
            [
                a.code,
                a.title,
                getattr(a.lead_administration, "name", ""),
                f"Q{a.end_quarter} {a.end_year}",
                dict(PROGRESS_COLUMNS).get(a.progress, ""),
            ]
            for a in actions
        ]
    if name.startswith("coverage-"):
        matrix = d.coverage.violence_forms if name.endswith("forms") else d.coverage.target_groups
        return [[matrix.row_header, *[f"SD{g.number}" for g in matrix.columns]]] + [
            [str(item), *cells] for item, cells in matrix.rows
        ]
    if name == "overlaps":
        return [[_("OD"), _("Trekker"), _("Vormen"), _("Doelgroepen"), _("Acties")]] + [
            [
                g.operational_goal,
                g.administration,
                g.forms,
                g.groups,
                ", ".join(a.code for a in g.actions),
            ]
            for g in d.coverage.overlaps
        ]
    if name == "indicators":
        years = d.years
        trends = indicator_trends(list(selectors.quantitative_indicators(d.actions)), d.as_of.year)
        return [
            [
                _("Actie"),
                _("Indicator"),
                _("Eenheid"),
                _("Nulmeting"),
                _("Streefwaarde"),
                *years,
                _("% van doel"),
            ]
        ] + [
            [
                t.indicator.action.code,
                t.indicator.name,
                t.indicator.unit,
                t.indicator.baseline_value,
                t.indicator.target_value,
                *[next((v.value for v in t.values if v.year == y), "") for y in years],
                t.progress if t.progress is not None else "",
            ]
            for t in trends
        ]
    raise KeyError(name)


def to_csv(rows: list[list[Any]]) -> str:
    """CSV with a BOM so spreadsheet programs read UTF-8; formulas neutralised."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";")
    for row in rows:
        writer.writerow([_neutralise(cell) for cell in row])
    return buffer.getvalue()


def _neutralise(cell: Any) -> Any:
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + cell
    return "" if cell is None else cell
