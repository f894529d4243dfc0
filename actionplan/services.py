"""Writes to the plan structure. Every write goes through one of these functions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from actionplan.history import one_history_record
from actionplan.models import (
    Action,
    AttentionPoint,
    OperationalGoal,
    Plan,
    PolicyDomain,
    RelatedPlan,
    StrategicGoal,
    TargetGroup,
    ViolenceForm,
)

ACTION_M2M_FIELDS = (
    "co_lead_ministers",
    "co_lead_administrations",
    "violence_forms",
    "target_groups",
    "attention_points",
    "related_plans",
)


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    details: list[str] = field(default_factory=list)

    def count(self, outcome: str, label: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)
        if outcome != "unchanged":
            self.details.append(f"{outcome}: {label}")


def _upsert(
    model: type[models.Model],
    lookup: Mapping[str, Any],
    values: Mapping[str, Any],
    result: LoadResult,
    reason: str,
) -> models.Model:
    """Create or update one row; save (and so write history) only when something changed."""
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj._change_reason = reason  # type: ignore[attr-defined]
        obj.full_clean()
        obj.save()
        result.count("created", str(obj))
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj._change_reason = reason  # type: ignore[attr-defined]
        obj.full_clean()
        obj.save()
        result.count("updated", str(obj))
    else:
        result.count("unchanged", str(obj))
    return obj


@transaction.atomic
def plan_load(*, data: Mapping[str, Any], reason: str = "load_plan") -> LoadResult:
    """Load the facts of a plan (see ``actionplan/data/plan.json``). Idempotent."""
    result = LoadResult()
    plan_data = dict(data["plan"])
    for key in ("interim_evaluation", "final_evaluation"):
        if plan_data.get(key):
            plan_data[key] = dt.date.fromisoformat(plan_data[key])
    code = plan_data.pop("code")
    plan = _upsert(Plan, {"code": code}, plan_data, result, reason)

    for goal in data.get("strategic_goals", []):
        _upsert(
            StrategicGoal,
            {"plan": plan, "number": goal["number"]},
            {k: goal[k] for k in ("title", "text", "policy_level")},
            result,
            reason,
        )
    for position, form in enumerate(data.get("violence_forms", []), start=1):
        _upsert(
            ViolenceForm,
            {"code": form["code"]},
            {"name": form["name"], "definition": form["definition"], "position": position},
            result,
            reason,
        )
    for point in data.get("attention_points", []):
        _upsert(
            AttentionPoint,
            {"code": point["code"]},
            {"title": point["title"], "text": point.get("text", "")},
            result,
            reason,
        )
    for position, group in enumerate(data.get("target_groups", []), start=1):
        _upsert(
            TargetGroup,
            {"code": group["code"]},
            {"name": group["name"], "position": position},
            result,
            reason,
        )
    for related in data.get("related_plans", []):
        _upsert(
            RelatedPlan,
            {"code": related["code"]},
            {"name": related["name"], "level": related.get("level", "")},
            result,
            reason,
        )
    for domain in data.get("policy_domains", []):
        _upsert(PolicyDomain, {"code": domain["code"]}, {"name": domain["name"]}, result, reason)
    return result


def operational_goal_assign_code(goal: OperationalGoal) -> None:
    """The code of an operational goal follows from its strategic goal and number."""
    goal.code = f"{goal.strategic_goal.number}.{goal.number}"


def action_assign_code(action: Action) -> None:
    """An action's code (``1.2.3``), strategic goal and plan follow from its operational
    goal and number; a proposal not yet clustered has no code and follows its strategic
    goal."""
    if action.operational_goal is not None and action.number is not None:
        action.code = f"{action.operational_goal.code}.{action.number}"
        action.strategic_goal = action.operational_goal.strategic_goal
    else:
        action.code = ""
    action.plan_id = action.strategic_goal.plan_id


@transaction.atomic
def strategic_goal_save(*, goal: StrategicGoal, reason: str = "") -> StrategicGoal:
    """Save a strategic goal; a new number or plan carries over to the codes and the plan
    of the operational goals and actions below it."""
    before = StrategicGoal.objects.filter(pk=goal.pk).values_list("number", "plan_id").first()
    goal.full_clean()
    goal._change_reason = reason  # type: ignore[attr-defined]
    goal.save()
    if before is not None and before != (goal.number, goal.plan_id):
        for operational in goal.operational_goals.select_related("strategic_goal"):
            operational_goal_save(goal=operational, reason=reason)
    return goal


@transaction.atomic
def operational_goal_save(*, goal: OperationalGoal, reason: str = "") -> OperationalGoal:
    operational_goal_assign_code(goal)
    goal.full_clean()
    goal._change_reason = reason  # type: ignore[attr-defined]
    goal.save()
    # Codes of the actions below follow the goal's code.
    for action in goal.actions.select_related("operational_goal__strategic_goal"):
        old = (action.code, action.strategic_goal_id, action.plan_id)
        action_assign_code(action)
        if (action.code, action.strategic_goal_id, action.plan_id) != old:
            action._change_reason = reason  # type: ignore[attr-defined]
            action.save(update_fields=["code", "strategic_goal", "plan"])
    return goal


@transaction.atomic
def action_save(
    *,
    action: Action,
    m2m: Mapping[str, Iterable[Any]] | None = None,
    reason: str = "",
    adjustment: bool = False,
) -> Action:
    """Create or update an action with its many-to-many fields as one history record.

    ``reason`` is the history reason. ``adjustment``: the change adjusts the plan
    (*bijsturing*) and is listed as such in the evaluations; without it the change is an
    editorial correction. An adjustment needs a reason.
    """
    if adjustment and not reason.strip():
        raise ValidationError(_("Geef de reden van de bijsturing op."))
    created = action.pk is None
    action_assign_code(action)
    action.full_clean()
    with one_history_record(action, reason=reason, created=created, adjustment=adjustment):
        action.save()
        for name, values in (m2m or {}).items():
            if name not in ACTION_M2M_FIELDS:
                raise ValueError(f"unknown many-to-many field {name}")
            getattr(action, name).set(values)
    return action
