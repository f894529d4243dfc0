"""The AJH monitoring dashboard, one section per page, and its CSV downloads."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from actionplan.http import AuthenticatedHttpRequest
from actionplan.selectors import plan_current
from evaluations.dashboard.cache import cached_panels
from evaluations.dashboard.figures import build
from evaluations.dashboard.sections import INDICATORS, SECTIONS
from evaluations.dashboard.selectors import (
    NO_LEAD_NOTES,
    PROGRESS_COLUMNS,
    STATE_COLUMNS,
    draft_coverage,
)
from evaluations.dashboard.tables import TABLES, table_rows, to_csv


@require_GET
def dashboard(request: AuthenticatedHttpRequest, section: str) -> HttpResponse:
    """One section of the dashboard (``/dashboard/`` is the overview). Every signed-in user
    sees the same figures; the section's template reads only its own panel's."""
    current = SECTIONS[section]
    data = build(request.GET)
    context = {
        "d": data,
        "plan": data.plan,
        "section": current,
        "sections": list(SECTIONS.values()),
        "no_lead_notes": NO_LEAD_NOTES,
        "progress_labels": {key: str(label) for key, label in PROGRESS_COLUMNS},
        "state_columns": STATE_COLUMNS,
        "progress_columns": PROGRESS_COLUMNS,
        "query": data.query.urlencode(),
    }
    template = "evaluations/dashboard.html"
    if section == INDICATORS and request.htmx and request.htmx.target == "trends":
        # Another page of indicators: only that list is computed.
        return render(request, f"{current.template}#trends", context)
    panels = cached_panels(
        data, section, lambda: render_to_string(f"{template}#panels", context, request)
    )
    if request.htmx:
        # New filters: the panels, and the sub-navigation whose links carry the filters.
        return render(request, f"{template}#filtered", {**context, "panels": panels})
    return render(request, template, {**context, "panels": panels})


@require_GET
def dashboard_csv(request: AuthenticatedHttpRequest, table: str) -> HttpResponse:
    if table not in TABLES:
        raise Http404("Onbekende tabel")
    data = build(request.GET)
    content = to_csv(table_rows(data, table))
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    filename = f"{slugify(str(TABLES[table]))}-{data.as_of.year}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def draft_coverage_partial(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Gaps and possible overlap of the draft plan: an htmx partial of /ontwerp/ (the
    planning floor sits below evaluations and cannot compute the dashboard's matrices)."""
    if not request.user.is_coordinator:
        raise PermissionDenied(_("De dekking van het ontwerpplan is voor AJH."))
    plan = plan_current(request.GET.get("plan"))
    return render(
        request,
        "evaluations/partials/draft_coverage.html",
        {"plan": plan, "draft": draft_coverage(plan)},
    )
