"""The AJH monitoring dashboard and its CSV downloads."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from evaluations import dashboard as dashboard_module
from evaluations.charts import bar_chart
from evaluations.selectors import PROGRESS_COLUMNS, STATE_COLUMNS


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    data = dashboard_module.build(request.GET)
    query = request.GET.copy()
    query.pop("page", None)
    totals = data.progress.totals.counts
    context = {
        "d": data,
        "progress_labels": {key: str(label) for key, label in PROGRESS_COLUMNS},
        "progress_chart": bar_chart(
            chart_id="progress-total",
            title=_("Acties per voortgangsstatus"),
            rows=[(str(label), totals[key]) for key, label in PROGRESS_COLUMNS],
            unit=_("acties"),
        ),
        "state_columns": STATE_COLUMNS,
        "progress_columns": PROGRESS_COLUMNS,
        "query": query.urlencode(),
    }
    template = "evaluations/dashboard.html"
    if request.htmx:
        target = request.htmx.target or ""
        template += "#trends" if target == "trends" else "#panels"
    return render(request, template, context)


@require_GET
def dashboard_csv(request: HttpRequest, table: str) -> HttpResponse:
    if table not in dashboard_module.TABLES:
        raise Http404("Onbekende tabel")
    data = dashboard_module.build(request.GET)
    content = dashboard_module.to_csv(dashboard_module.table_rows(data, table))
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    filename = f"{slugify(str(dashboard_module.TABLES[table]))}-{data.as_of.year}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
