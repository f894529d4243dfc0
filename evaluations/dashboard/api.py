"""The dashboard's figures as JSON, for external BI tools: GET /api/v1/stats/."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from actionplan.schema import YEAR_SCHEMA
from evaluations.dashboard.figures import build
from evaluations.dashboard.selectors import PROGRESS_COLUMNS, STATE_COLUMNS


def _completion_rows(rows: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "id": r.key,
            "name": r.label,
            "counts": r.counts,
            "total": r.total,
            "submitted_pct": r.submitted_pct,
            "approved_pct": r.approved_pct,
        }
        for r in rows
    ]


class StatsView(APIView):
    """Round completion, progress, late and incomplete actions, indicator values (of
    approved fiches only) and progress towards their targets, coverage and overlap, as
    on the dashboard, with the same filters (year, strategic_goal, minister, administration,
    violence_form, target_group, q)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("year", YEAR_SCHEMA, description="Een jaar van het plan."),
            OpenApiParameter("strategic_goal", OpenApiTypes.INT),
            OpenApiParameter("minister", OpenApiTypes.INT),
            OpenApiParameter("administration", OpenApiTypes.INT),
            OpenApiParameter("violence_form", OpenApiTypes.INT),
            OpenApiParameter("target_group", OpenApiTypes.INT),
            OpenApiParameter("q", OpenApiTypes.STR),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        # A year outside the plan or an unknown filter value: 400 per parameter.
        d = build(request.query_params)
        return Response(
            {
                "plan": d.plan.code,
                "year": d.as_of.year,
                "as_of": d.as_of.date,
                "actions": d.actions_count,
                "states": [key for key, _label in STATE_COLUMNS],
                "progress_statuses": [key for key, _label in PROGRESS_COLUMNS],
                "completion": {
                    "round": {
                        "year": d.completion.round.year,
                        "deadline": d.completion.round.deadline,
                        "status": d.completion.round.status,
                    }
                    if d.completion.round
                    else None,
                    "totals": {
                        **d.completion.totals.counts,
                        "total": d.completion.totals.total,
                        "submitted_pct": d.completion.totals.submitted_pct,
                        "approved_pct": d.completion.totals.approved_pct,
                    },
                    "by_administration": _completion_rows(d.completion.by_administration),
                    "by_minister": _completion_rows(d.completion.by_minister),
                    "outstanding": d.completion.outstanding_count,
                    "late": d.completion.late_count,
                },
                "progress": {
                    "totals": d.progress.totals.counts,
                    "completed_pct": d.progress.totals.completed_pct,
                    "late_actions": list(d.progress.late_all.values_list("code", flat=True)),
                    "incomplete_actions": list(
                        d.progress.incomplete_all.values_list("code", flat=True)
                    ),
                    **{
                        table.key: [
                            {
                                "key": r.key,
                                "name": r.label,
                                "counts": r.counts,
                                "total": r.total,
                                "completed_pct": r.completed_pct,
                            }
                            for r in table.rows
                        ]
                        for table in d.progress.tables
                    },
                },
                # Only values of approved fiches count (fiches.selectors.value_counts_condition).
                "indicators": [
                    {
                        "id": t.indicator.pk,
                        "action": t.indicator.action.code,
                        "name": t.indicator.name,
                        "unit": t.indicator.unit,
                        "baseline": {
                            "year": t.baseline.year,
                            "value": t.baseline.value,
                        }
                        if t.baseline
                        else None,
                        "target": {"year": t.target.year, "value": t.target.value}
                        if t.target
                        else None,
                        "values": [
                            {"year": v.year, "value": v.value, "no_data": v.no_data}
                            for v in t.values
                        ],
                        "progress_pct": t.progress,
                    }
                    for t in d.all_trends
                ],
                "coverage": {
                    "strategic_goals": [g.number for g in d.coverage.violence_forms.columns],
                    "violence_forms": {
                        item.code: cells for item, cells in d.coverage.violence_forms.rows
                    },
                    "target_groups": {
                        item.code: cells for item, cells in d.coverage.target_groups.rows
                    },
                    "overlaps": [
                        {
                            "operational_goal": g.operational_goal,
                            "administration": g.administration,
                            "violence_forms": g.forms,
                            "target_groups": g.groups,
                            "actions": [a.code for a in g.actions],
                        }
                        for g in d.coverage.overlaps
                    ],
                },
            }
        )
