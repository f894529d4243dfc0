"""The content of a plan version: goals and actions as canonical JSON, and its SHA-256.

The same content gives the same bytes (sorted keys, fixed separators, lists in a fixed
order, numbers as strings), so the hash says whether the plan changed between the
submission of a version and its approval.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy as _

from actionplan.models import (
    Action,
    ActionQuerySet,
    ActionStage,
    OperationalGoal,
    Plan,
    StrategicGoal,
)
from actionplan.selectors import actions_with_relations
from indicators.models import Indicator

# The fields of an action in a snapshot, with the label a comparison shows.
ACTION_LABELS: dict[str, Any] = {
    "code": _("code"),
    "title": _("titel"),
    "description": _("SMART-omschrijving"),
    "stopped": _("stopgezet"),
    "strategic_goal": _("strategische doelstelling"),
    "operational_goal": _("operationele doelstelling"),
    "lead_minister": _("trekkende minister"),
    "co_lead_ministers": _("meewerkende ministers"),
    "lead_administration": _("trekkende administratie"),
    "co_lead_administrations": _("meewerkende administraties"),
    "partners": _("partners"),
    "timing": _("timing"),
    "violence_forms": _("vormen van geweld"),
    "target_groups": _("doelgroepen"),
    "attention_points": _("beleidsaandachtspunten"),
    "related_plans": _("gerelateerde plannen"),
    "indicators": _("indicatoren"),
}


def version_actions(plan: Plan, *, first: bool) -> ActionQuerySet:
    """The actions that are part of a version of ``plan``: the plan as approved (approved
    and stopped actions; approved change requests are already applied to them) and, for the
    first version, the actions AJH accepted."""
    stages = [ActionStage.APPROVED, ActionStage.STOPPED]
    if first:
        stages.append(ActionStage.ACCEPTED)
    return Action.objects.filter(plan=plan, stage__in=stages)


def unclustered(actions: ActionQuerySet) -> list[Action]:
    """Actions of a version not yet clustered under an operational goal: they cannot be
    approved (an approved action has a code)."""
    return list(
        actions.filter(Q(operational_goal__isnull=True) | Q(number__isnull=True))
        .select_related("strategic_goal")
        .order_by("strategic_goal__number", "title", "pk")
    )


def _number(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _indicator(indicator: Indicator) -> dict[str, Any]:
    return {
        "id": indicator.pk,
        "name": indicator.name,
        "kind": indicator.kind,
        "unit": indicator.unit,
        "baseline_value": _number(indicator.baseline_value),
        "baseline_year": indicator.baseline_year,
        "target_value": _number(indicator.target_value),
        "target_year": indicator.target_year,
        "direction": indicator.direction,
    }


def _action(action: Action) -> dict[str, Any]:
    administration = action.lead_administration
    return {
        "id": action.pk,
        "code": action.code,
        "title": action.title,
        "description": action.description,
        "stopped": action.stage == ActionStage.STOPPED,
        "strategic_goal": action.strategic_goal.number,
        "operational_goal": action.operational_goal.code if action.operational_goal else None,
        "lead_minister": action.lead_minister.name if action.lead_minister else None,
        "co_lead_ministers": sorted(m.name for m in action.co_lead_ministers.all()),
        "lead_administration": administration.name if administration else None,
        "co_lead_administrations": sorted(a.name for a in action.co_lead_administrations.all()),
        "partners": action.partners,
        "timing": {
            "start_year": action.start_year,
            "start_quarter": action.start_quarter,
            "end_year": action.end_year,
            "end_quarter": action.end_quarter,
        },
        "violence_forms": sorted(f.code for f in action.violence_forms.all()),
        "target_groups": sorted(g.name for g in action.target_groups.all()),
        "attention_points": sorted(p.code for p in action.attention_points.all()),
        "related_plans": sorted(p.code for p in action.related_plans.all()),
        "indicators": [_indicator(i) for i in action.indicators.all()],
    }


def plan_snapshot(plan: Plan, actions: ActionQuerySet) -> dict[str, Any]:
    """Goals and ``actions`` of ``plan`` as plain data. Queries: strategic goals,
    operational goals, actions with leads, six tag lists, indicators (10)."""
    goals = StrategicGoal.objects.filter(plan=plan).order_by("number")
    operational = OperationalGoal.objects.filter(strategic_goal__plan=plan).select_related(
        "strategic_goal"
    )
    loaded = actions_with_relations(actions).prefetch_related(
        Prefetch("indicators", queryset=Indicator.objects.order_by("position", "id"))
    )
    return {
        "plan": {"code": plan.code, "title": plan.title},
        "strategic_goals": [{"number": g.number, "title": g.title} for g in goals],
        "operational_goals": sorted(
            ({"code": g.code, "title": g.title} for g in operational),
            key=lambda g: [int(part) for part in g["code"].split(".")],
        ),
        "actions": sorted(
            (_action(a) for a in loaded),
            key=lambda a: (_code_key(a["code"]), a["id"]),
        ),
    }


def _code_key(code: str) -> list[int]:
    return [int(part) for part in code.split(".")] if code else [10**6]


def canonical_json(content: dict[str, Any]) -> str:
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def content_sha256(content: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


# --- Comparing two versions ------------------------------------------------------------


@dataclass
class ValueChange:
    label: str
    old: str
    new: str


@dataclass
class ActionChange:
    code: str
    title: str
    changes: list[ValueChange] = field(default_factory=list)


@dataclass
class Comparison:
    actions_added: list[dict[str, Any]]
    actions_removed: list[dict[str, Any]]
    actions_changed: list[ActionChange]
    goals_added: list[str]
    goals_removed: list[str]

    @property
    def is_empty(self) -> bool:
        return not (
            self.actions_added
            or self.actions_removed
            or self.actions_changed
            or self.goals_added
            or self.goals_removed
        )


def _show(key: str, value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if key == "timing":
        return (
            f"Q{value['start_quarter']} {value['start_year']} – "
            f"Q{value['end_quarter']} {value['end_year']}"
        )
    if key == "indicators":
        return "; ".join(_show_indicator(i) for i in value)
    if key == "stopped":
        return str(_("ja") if value else _("nee"))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _show_indicator(indicator: dict[str, Any]) -> str:
    text = indicator["name"]
    if indicator["unit"]:
        text += f" ({indicator['unit']})"
    baseline = indicator["baseline_value"] or "—"
    target = indicator["target_value"] or "—"
    return str(
        _("%(name)s: nulmeting %(b)s (%(by)s), streefwaarde %(t)s (%(ty)s)")
        % {
            "name": text,
            "b": baseline,
            "by": indicator["baseline_year"] or "—",
            "t": target,
            "ty": indicator["target_year"] or "—",
        }
    )


def _goals(content: dict[str, Any]) -> dict[str, str]:
    goals = {f"SD{g['number']}": g["title"] for g in content.get("strategic_goals", [])}
    goals.update({f"OD{g['code']}": g["title"] for g in content.get("operational_goals", [])})
    return goals


def compare(old: dict[str, Any], new: dict[str, Any]) -> Comparison:
    """What changed from the content ``old`` to ``new``: actions (by identity, so that a new
    code is a change, not a removal and an addition) and goals."""
    old_actions = {a["id"]: a for a in old.get("actions", [])}
    new_actions = {a["id"]: a for a in new.get("actions", [])}
    changed: list[ActionChange] = []
    for pk, after in new_actions.items():
        before = old_actions.get(pk)
        if before is None:
            continue
        changes = [
            ValueChange(str(label), _show(key, before.get(key)), _show(key, after.get(key)))
            for key, label in ACTION_LABELS.items()
            if before.get(key) != after.get(key)
        ]
        if changes:
            changed.append(ActionChange(after["code"], after["title"], changes))
    old_goals, new_goals = _goals(old), _goals(new)
    return Comparison(
        actions_added=[a for pk, a in new_actions.items() if pk not in old_actions],
        actions_removed=[a for pk, a in old_actions.items() if pk not in new_actions],
        actions_changed=changed,
        goals_added=[
            f"{code}. {title}" for code, title in new_goals.items() if code not in old_goals
        ],
        goals_removed=[
            f"{code}. {title}" for code, title in old_goals.items() if code not in new_goals
        ],
    )
