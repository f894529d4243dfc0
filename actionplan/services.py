"""Writes to the plan structure. Every write goes through one of these functions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from knox.models import AuthToken

from actionplan.display import date_display
from actionplan.history import one_history_record
from actionplan.models import (
    Action,
    Administration,
    AttentionPoint,
    Minister,
    OperationalGoal,
    Plan,
    PolicyDomain,
    PortfolioHolder,
    RelatedPlan,
    StrategicGoal,
    TargetGroup,
    User,
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


def _save_with_reason(obj: models.Model, reason: str) -> None:
    obj._change_reason = reason  # type: ignore[attr-defined]
    obj.full_clean()
    obj.save()


def _upsert[M: models.Model](
    model: type[M],
    lookup: Mapping[str, Any],
    values: Mapping[str, Any],
    result: LoadResult,
    reason: str,
    save: Callable[[M, str], object] = _save_with_reason,
) -> M:
    """Create or update one row; save (and so write history) only when something changed.

    ``save`` writes the row: by default after ``full_clean``, or through the entity's
    service when it has rules of its own.
    """
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        save(obj, reason)
        result.count("created", str(obj))
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        save(obj, reason)
        result.count("updated", str(obj))
    else:
        result.count("unchanged", str(obj))
    return obj


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@transaction.atomic
def plan_load(*, data: Mapping[str, Any], reason: str = "load_plan") -> LoadResult:
    """Load the facts of a plan (see ``actionplan/data/plan.json``). Idempotent."""
    result = LoadResult()
    # Reference rows first: the plan points to its coordinating minister and administration.
    domains = {
        domain["code"]: _upsert(
            PolicyDomain, {"code": domain["code"]}, {"name": domain["name"]}, result, reason
        )
        for domain in data.get("policy_domains", [])
    }
    administrations = {
        item["code"]: _upsert(
            Administration,
            {"code": item["code"]},
            {
                "name": item["name"],
                "policy_domain": domains.get(item.get("policy_domain", "")),
                "is_demo": False,
            },
            result,
            reason,
        )
        for item in data.get("administrations", [])
    }
    ministers = {
        item["name"]: _minister_load(item, administrations, result, reason)
        for item in data.get("ministers", [])
    }
    plan_data = dict(data["plan"])
    for key in ("interim_evaluation", "final_evaluation"):
        plan_data[key] = _date(plan_data.get(key))
    plan_data["coordinating_minister_portfolio"] = ministers.get(
        plan_data.pop("coordinating_minister_portfolio", "")
    )
    plan_data["coordinating_administration"] = administrations.get(
        plan_data.pop("coordinating_administration", "")
    )
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
    return result


def _minister_load(
    item: Mapping[str, Any],
    administrations: Mapping[str, Administration],
    result: LoadResult,
    reason: str,
) -> Minister:
    """One portfolio of ``plan.json`` with its administrations and holders."""
    wanted = [administrations[code] for code in item.get("administrations", [])]
    minister = _upsert(
        Minister,
        {"name": item["name"]},
        {
            "portfolio": item.get("portfolio", ""),
            "term_start": _date(item.get("term_start")),
            "term_end": _date(item.get("term_end")),
            "is_demo": False,
        },
        result,
        reason,
        save=lambda obj, why: minister_save(
            minister=obj, administrations=wanted if obj.pk is None else None, reason=why
        ),
    )
    if {a.pk for a in wanted} != set(minister.administrations.values_list("pk", flat=True)):
        minister_save(minister=minister, administrations=wanted, reason=reason)
        result.count("updated", f"{minister}: administraties")
    for holder in item.get("holders", []):
        _upsert(
            PortfolioHolder,
            {"minister": minister, "valid_from": _date(holder["valid_from"])},
            {"person_name": holder["person_name"], "valid_to": _date(holder.get("valid_to"))},
            result,
            reason,
            save=lambda obj, why: portfolio_holder_save(holder=obj, reason=why),
        )
    return minister


# --- Ministers, their holders, administrations ------------------------------------------


@transaction.atomic
def minister_save(
    *,
    minister: Minister,
    administrations: Iterable[Administration | int] | None = None,
    reason: str = "",
) -> Minister:
    """Create or update a portfolio, and (when given) the administrations under it, as one
    history record."""
    created = minister.pk is None
    minister.full_clean()
    with one_history_record(minister, reason=reason, created=created):
        minister.save()
        if administrations is not None:
            minister.administrations.set(administrations)
    return minister


@transaction.atomic
def administration_save(*, administration: Administration, reason: str = "") -> Administration:
    administration.full_clean()
    administration._change_reason = reason  # type: ignore[attr-defined]
    administration.save()
    return administration


@transaction.atomic
def portfolio_holder_save(*, holder: PortfolioHolder, reason: str = "") -> PortfolioHolder:
    """Record who holds a portfolio, and from when. Two holders of one portfolio never
    share a day: a reshuffle ends the previous holder's period first."""
    holder.full_clean()
    # Lock the portfolio: two simultaneous saves cannot both pass the overlap check.
    Minister.objects.select_for_update().filter(pk=holder.minister_id).first()
    others = PortfolioHolder.objects.filter(minister_id=holder.minister_id).exclude(pk=holder.pk)
    message = holder_overlap_message(holder, others)
    if message:
        raise ValidationError({"valid_from": message})
    holder._change_reason = reason  # type: ignore[attr-defined]
    holder.save()
    return holder


def holder_overlap_message(holder: PortfolioHolder, others: Iterable[PortfolioHolder]) -> str:
    """The message when ``holder``'s period shares a day with one of ``others`` (the other
    holders of the same portfolio), else "". Forms and imports check their rows with it."""
    for other in others:
        if other is not holder and holder.overlaps(other):
            return _(
                "Deze periode overlapt met die van %(name)s (%(period)s). Sluit eerst die "
                "periode af: een portefeuille heeft op elke dag één minister."
            ) % {"name": other.person_name, "period": _period(other)}
    return ""


def _period(holder: PortfolioHolder) -> str:
    start = date_display(holder.valid_from)
    if holder.valid_to is None:
        return _("vanaf %(start)s") % {"start": start}
    return f"{start} – {date_display(holder.valid_to)}"


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
    m2m = m2m or {}
    errors = action_lead_errors(
        lead_minister=action.lead_minister_id,
        co_lead_ministers=m2m["co_lead_ministers"]
        if "co_lead_ministers" in m2m
        else _current_ids(action, "co_lead_ministers"),
        lead_administration=action.lead_administration_id,
        co_lead_administrations=m2m["co_lead_administrations"]
        if "co_lead_administrations" in m2m
        else _current_ids(action, "co_lead_administrations"),
    )
    if errors:
        raise ValidationError(errors)
    if not created:
        # One version on from the row as it is now (locked), not as this instance loaded
        # it: whoever edits from an older version meets a conflict, whatever path saved.
        current = (
            Action.objects.select_for_update()
            .filter(pk=action.pk)
            .values_list("version", flat=True)
        )
        action.version = current.get() + 1
    with one_history_record(action, reason=reason, created=created, adjustment=adjustment):
        action.save()
        for name, values in m2m.items():
            if name not in ACTION_M2M_FIELDS:
                raise ValueError(f"unknown many-to-many field {name}")
            getattr(action, name).set(values)
    return action


def action_lead_errors(
    *,
    lead_minister: Minister | int | None,
    co_lead_ministers: Iterable[Minister | int],
    lead_administration: Administration | int | None,
    co_lead_administrations: Iterable[Administration | int],
) -> dict[str, str]:
    """The rule on leads: who leads an action does not also co-lead it (rows or ids).

    Returns the messages by co-lead field (empty when the leads are fine); ``action_save``
    refuses such an action, forms and imports show the same messages first.
    """
    errors = {}
    if lead_minister is not None and _ids([lead_minister]) <= _ids(co_lead_ministers):
        errors["co_lead_ministers"] = _(
            "De trekkende minister kan niet ook meewerkend minister zijn."
        )
    if lead_administration is not None and _ids([lead_administration]) <= _ids(
        co_lead_administrations
    ):
        errors["co_lead_administrations"] = _(
            "De trekkende administratie kan niet ook meewerkende administratie zijn."
        )
    return errors


def _ids(items: Iterable[Any]) -> set[int]:
    return {item if isinstance(item, int) else item.pk for item in items}


def _current_ids(action: Action, name: str) -> set[int]:
    if action.pk is None:
        return set()
    return set(getattr(action, name).values_list("pk", flat=True))


# --- API tokens --------------------------------------------------------------------------


def token_create(*, user: User) -> tuple[AuthToken, str]:
    """A new API token for ``user``, valid ``API_TOKEN_HOURS`` (knox's ``TOKEN_TTL``).

    Returns the stored row (a hash, never the key) and the key, which is shown once. The
    user's expired tokens go at the same time, so they do not pile up.
    """
    with transaction.atomic():
        AuthToken.objects.filter(user=user, expiry__lte=timezone.now()).delete()
        token, key = AuthToken.objects.create(user=user)
    return token, key


def token_revoke(*, user: User, digest: str) -> bool:
    """Revoke one of ``user``'s tokens; False when they hold no token with that digest."""
    with transaction.atomic():
        deleted, _by_model = AuthToken.objects.filter(user=user, digest=digest).delete()
    return deleted > 0


def token_revoke_all(*, user: User) -> int:
    """Revoke every token of ``user``: scripts that use one get 401 from now on."""
    with transaction.atomic():
        deleted, _by_model = AuthToken.objects.filter(user=user).delete()
    return deleted


# --- Users ------------------------------------------------------------------------------


@transaction.atomic
def user_language_set(*, user: User, language: str) -> User:
    """The language of the interface for ``user``: buttons, menus, messages. Plan content
    stays in the language it was written in."""
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ValidationError({"language": _("Kies Nederlands of English.")})
    if user.language != language:
        user.language = language
        # Stored in the history: plain words, not the interface language of the moment.
        user._change_reason = f"taal van de interface: {language}"  # type: ignore[attr-defined]
        user.save(update_fields=["language"])
    return user
