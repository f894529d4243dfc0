"""Reads of plan versions and change requests, each in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from actionplan.models import Plan, User
from planning.models import (
    ChangeRequest,
    ChangeRequestQuerySet,
    PlanVersion,
    PlanVersionQuerySet,
    RequestState,
)


def version_list(plan: Plan) -> PlanVersionQuerySet:
    """The versions of ``plan``, newest first, with their number of change requests.
    One query (per page: a count and the rows)."""
    return (
        PlanVersion.objects.for_plan(plan)
        .select_related("plan", "approved_by")
        .defer("content")
        .annotate(
            request_count=Count("change_requests", filter=Q(change_requests__state="approved"))
        )
        .order_by("-number")
    )


def version_detail(pk: int) -> PlanVersion:
    try:
        return PlanVersion.objects.select_related(
            "plan", "created_by", "submitted_by", "approved_by"
        ).get(pk=pk)
    except PlanVersion.DoesNotExist as exc:
        raise Http404("Planversie niet gevonden") from exc


@dataclass
class ContentSummary:
    strategic_goals: int
    operational_goals: int
    actions: int
    stopped: int
    indicators: int


def content_summary(content: dict[str, Any]) -> ContentSummary:
    actions = content.get("actions", [])
    return ContentSummary(
        strategic_goals=len(content.get("strategic_goals", [])),
        operational_goals=len(content.get("operational_goals", [])),
        actions=len(actions),
        stopped=sum(1 for a in actions if a.get("stopped")),
        indicators=sum(len(a.get("indicators", [])) for a in actions),
    )


def change_requests(user: User, *, state: str = "") -> ChangeRequestQuerySet:
    """The change requests ``user`` sees, newest first, with action, requester, decider and
    version joined: one query for the rows."""
    queryset = ChangeRequest.objects.visible_to(user).select_related(
        "action", "requested_by", "decided_by", "version"
    )
    if state in RequestState.values:
        queryset = queryset.filter(state=state)
    return queryset.order_by("-requested_at", "-id")


def change_request_detail(pk: int, user: User) -> ChangeRequest:
    try:
        return (
            ChangeRequest.objects.visible_to(user)
            .select_related(
                "action__plan",
                "action__lead_administration",
                "requested_by",
                "decided_by",
                "version",
            )
            .get(pk=pk)
        )
    except ChangeRequest.DoesNotExist as exc:
        raise Http404("Wijzigingsverzoek niet gevonden") from exc


@dataclass
class Baseline:
    """The baseline of a plan and the adjustments decided since, for the evaluations."""

    version: PlanVersion | None
    adjustments: list[ChangeRequest]


def adjustments_since_baseline(plan: Plan, action_ids: list[int] | None = None) -> Baseline:
    """The baseline version of ``plan`` and the change requests approved since, oldest
    first (all approved requests when the plan has no approved version yet). Two queries."""
    baseline = PlanVersion.objects.baseline_of(plan)
    requests: QuerySet[ChangeRequest] = ChangeRequest.objects.approved().filter(action__plan=plan)
    if action_ids is not None:
        requests = requests.filter(action_id__in=action_ids)
    if baseline is not None and baseline.approved_at is not None:
        requests = requests.filter(decided_at__gte=baseline.approved_at)
    return Baseline(
        version=baseline,
        adjustments=list(
            requests.select_related("action", "decided_by", "version").order_by("decided_at", "id")
        ),
    )
