"""Reads across models: each page or endpoint loads what it shows here, in a fixed number of
queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from axes.models import AccessAttempt
from django.db.models import Case, Count, Exists, F, Max, OuterRef, Prefetch, Q, QuerySet, When
from django.db.models.lookups import In
from django.http import Http404
from django.utils import timezone
from knox.models import AuthToken

from actionplan.models import (
    Action,
    ActionQuerySet,
    Administration,
    Minister,
    MinisterQuerySet,
    OperationalGoal,
    Plan,
    PortfolioHolder,
    StrategicGoal,
    TargetGroup,
    User,
    ViolenceForm,
)


def plan_current(code: str | None = None) -> Plan:
    """The plan asked for by code; without a code the one worth showing, in one query:
    the real plan when it has actions, else the demo plan when it has actions, else the
    first plan (real plans first)."""
    if code:
        plan = Plan.objects.filter(code=code).first()
    else:
        has_actions = Exists(Action.objects.filter(plan=OuterRef("pk")))
        plan = (
            Plan.objects.annotate(
                rank=Case(
                    When(has_actions & Q(is_demo=False), then=0),
                    When(has_actions, then=1),
                    default=2,
                )
            )
            .order_by("rank", *(Plan._meta.ordering or []))
            .first()
        )
    if plan is None:
        raise Http404("Geen actieplan")
    return plan


def ministers_with_holders() -> MinisterQuerySet:
    """Portfolios with all their holders (oldest first) and their administrations, in three
    queries. ``.with_holder_on(as_of)`` adds who held each one on a given day."""
    return Minister.objects.prefetch_related(
        Prefetch("holders", queryset=PortfolioHolder.objects.order_by("valid_from", "pk")),
        Prefetch("administrations", queryset=Administration.objects.only("id", "code")),
    ).order_by("name", "pk")


def administrations_with_ministers() -> QuerySet[Administration]:
    """Administrations with their policy domain and ministers, in two queries."""
    return (
        Administration.objects.select_related("policy_domain")
        .prefetch_related(Prefetch("ministers", queryset=Minister.objects.only("id", "name")))
        .order_by("code")
    )


def actions_with_relations(queryset: ActionQuerySet | None = None) -> ActionQuerySet:
    """Actions with everything a list shows: leads, co-leads and tags, in 7 queries."""
    queryset = Action.objects.all() if queryset is None else queryset
    return queryset.select_related(
        "operational_goal", "strategic_goal", "lead_minister", "lead_administration"
    ).prefetch_related(
        Prefetch("co_lead_ministers", queryset=Minister.objects.only("id", "name")),
        Prefetch(
            "co_lead_administrations", queryset=Administration.objects.only("id", "code", "name")
        ),
        Prefetch("violence_forms", queryset=ViolenceForm.objects.only("id", "code", "name")),
        Prefetch("target_groups", queryset=TargetGroup.objects.only("id", "code", "name")),
        "attention_points",
        "related_plans",
    )


# The action list of the API, the most requested list, read as plain values: model instances
# and their related managers (some 600 per page of 50 with prefetch_related) cost most of
# its time. The columns, and per many-to-many relation the related columns it shows.
ACTION_LIST_COLUMNS = (
    "id",
    "plan__code",
    "strategic_goal__number",
    "operational_goal__code",
    "code",
    "stage",
    "title",
    "description",
    "lead_minister_id",
    "lead_minister__name",
    "lead_administration_id",
    "lead_administration__code",
    "lead_administration__name",
    "partners",
    "start_year",
    "start_quarter",
    "end_year",
    "end_quarter",
    "is_demo",
)
ACTION_LIST_RELATIONS: dict[str, tuple[str, ...]] = {
    "co_lead_ministers": ("id", "name"),
    "co_lead_administrations": ("id", "name", "code"),
    "violence_forms": ("id", "name", "code"),
    "target_groups": ("id", "name"),
    "attention_points": ("code",),
    "related_plans": ("code",),
}


def action_list_values(actions: QuerySet[Action]) -> QuerySet[Action, dict[str, Any]]:
    """``ACTION_LIST_COLUMNS`` of ``actions`` (in their order), in one query."""
    return actions.values(*ACTION_LIST_COLUMNS)


def action_related_values(
    action_ids: Collection[int],
) -> dict[str, dict[int, list[dict[str, Any]]]]:
    """Per relation of ``ACTION_LIST_RELATIONS``, the related rows of each action (by id)
    as dicts of their columns, in the related model's own order as ``prefetch_related``
    gives them: one query per relation."""
    related: dict[str, dict[int, list[dict[str, Any]]]] = {
        relation: {} for relation in ACTION_LIST_RELATIONS
    }
    ids = list(action_ids)
    if not ids:
        return related
    for relation, columns in ACTION_LIST_RELATIONS.items():
        m2m = getattr(Action, relation).field
        source, target = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
        order = [
            f"-{target}__{name[1:]}" if name.startswith("-") else f"{target}__{name}"
            for name in m2m.related_model._meta.ordering
        ]
        rows = (
            # A lookup on the column itself: ``action_id__in`` would pass every id through
            # the relation's normalisation, a third of this query's time.
            m2m.remote_field.through.objects.filter(In(F(f"{source}_id"), ids))
            .order_by(*order, f"{target}_id")
            .values_list(f"{source}_id", *(f"{target}__{column}" for column in columns))
        )
        per_action: dict[int, list[dict[str, Any]]] = {}
        for action_id, *values in rows:
            per_action.setdefault(action_id, []).append(dict(zip(columns, values, strict=True)))
        related[relation] = per_action
    return related


@dataclass
class OperationalGoalNode:
    goal: OperationalGoal
    actions: list[Action] = field(default_factory=list)
    count: int = 0


@dataclass
class StrategicGoalNode:
    goal: StrategicGoal
    operational_goals: list[OperationalGoalNode] = field(default_factory=list)

    @property
    def action_count(self) -> int:
        return sum(node.count for node in self.operational_goals)


# Above this many actions the overview lists goals with counts and loads each goal's actions
# when it is opened: a page of thousands of rows helps nobody and costs seconds.
OVERVIEW_FULL_LIMIT = 300


def plan_tree(plan: Plan, actions: ActionQuerySet) -> tuple[list[StrategicGoalNode], bool]:
    """SD → OD → action for the overview, with the (filtered) actions under their goal.

    Returns the tree and whether the actions are in it (else only their counts).
    Queries: strategic goals, operational goals, counts per goal, and (when listed) the
    actions with their forms of violence and target groups.
    """
    actions = actions.for_plan(plan)
    goals = list(StrategicGoal.objects.filter(plan=plan).order_by("number"))
    nodes = {goal.pk: StrategicGoalNode(goal) for goal in goals}
    od_nodes: dict[int, OperationalGoalNode] = {}
    for od in OperationalGoal.objects.filter(strategic_goal__plan=plan).order_by(
        "strategic_goal__number", "number"
    ):
        od_nodes[od.pk] = OperationalGoalNode(od)
        nodes[od.strategic_goal_id].operational_goals.append(od_nodes[od.pk])
    counts = dict(
        actions.values("operational_goal")
        .annotate(n=Count("pk"))
        .values_list("operational_goal", "n")
        .order_by()
    )
    for pk, n in counts.items():
        od_nodes[pk].count = n
    listed = sum(counts.values()) <= OVERVIEW_FULL_LIMIT
    if listed:
        for action in goal_actions(actions):
            assert action.operational_goal_id is not None  # in the plan: clustered
            od_nodes[action.operational_goal_id].actions.append(action)
    return [nodes[goal.pk] for goal in goals], listed


def goal_actions(actions: ActionQuerySet) -> ActionQuerySet:
    """Actions as the overview lists them: leads, forms of violence and target groups."""
    return (
        actions.select_related("lead_minister", "lead_administration")
        .prefetch_related(
            Prefetch("violence_forms", queryset=ViolenceForm.objects.only("id", "code", "name")),
            Prefetch("target_groups", queryset=TargetGroup.objects.only("id", "code", "name")),
        )
        .in_plan_order()
    )


def action_detail(pk: int, user: User) -> Action:
    """One action with its relations, if ``user`` may see it (drafts are not for everyone)."""
    try:
        return actions_with_relations(
            Action.objects.visible_to(user).select_related(
                "plan", "lead_administration__policy_domain"
            )
        ).get(pk=pk)
    except Action.DoesNotExist as exc:
        raise Http404("Actie niet gevonden") from exc


# --- Logins ------------------------------------------------------------------------------


def tokens_active(user: User) -> QuerySet[AuthToken]:
    """The API tokens of ``user`` that still open the API, newest first (no key: knox keeps
    only a hash of it)."""
    return (
        AuthToken.objects.filter(user=user)
        .filter(Q(expiry__gt=timezone.now()) | Q(expiry__isnull=True))
        .only("digest", "created", "expiry", "user_id")
        .order_by("-created")
    )


def lockout_ends(
    *, username: str | None, ip_address: str | None, cool_off: dt.timedelta
) -> dt.datetime:
    """When the lockout of this user name at this address lifts: ``cool_off`` after its last
    counted failure (a failure while locked is not counted)."""
    last = AccessAttempt.objects.filter(username=username, ip_address=ip_address).aggregate(
        last=Max("attempt_time")
    )["last"]
    return (last or timezone.now()) + cool_off
