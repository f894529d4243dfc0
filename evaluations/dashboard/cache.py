"""The dashboard's rendered panels, cached on the data they show."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Model
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from redis.exceptions import RedisError
from simple_history.utils import get_history_manager_for_model

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
from evaluations.dashboard.figures import Dashboard
from fiches.models import Fiche, ReportingRound, ReviewEvent
from indicators.models import Indicator, IndicatorValue

logger = logging.getLogger(__name__)


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
    return [(m._meta.db_table, str(m._meta.pk.column)) for m in models]


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
    package = Path(__file__).resolve().parent
    charts = Path(settings.BASE_DIR) / "actionplan" / "charts.py"
    templates = Path(settings.BASE_DIR) / "templates" / "evaluations"
    for path in sorted([*package.glob("*.py"), charts, *templates.rglob("*.html")]):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def panels_key(dashboard: Dashboard, section: str) -> str:
    """What a section's panels depend on: the section, the data, today (lateness), the code,
    the language and the parameters the dashboard reads."""
    query = dashboard.query.copy()
    if dashboard.page_number:
        query["page"] = dashboard.page_number
    parts = [
        section,
        data_version(),
        timezone.localdate().isoformat(),
        _code_version(),
        get_language() or "",
        urlencode(sorted((k, v) for k, values in query.lists() for v in values)),
    ]
    return "dashboard-panels:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


def cached_panels(dashboard: Dashboard, section: str, render: Callable[[], str]) -> SafeString:
    """A section's rendered panels: from the cache while no source row changed, else ``render()``
    (which computes the figures) and stored. The panels are the same for every signed-in
    user; nothing user-specific may go into them."""
    if settings.DASHBOARD_CACHE_SECONDS <= 0 or not dashboard.cacheable:
        return mark_safe(render())  # rendered by our template, escaped there
    key = panels_key(dashboard, section)
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
