"""Building blocks of the planning tests: a plan with accepted actions, and its baseline."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from actionplan.models import Action, ActionStage, Administration, Plan, User
from indicators.models import Indicator
from indicators.services import indicator_save
from planning.models import PlanVersion
from planning.services import plan_version_approve, plan_version_create, plan_version_submit
from tests.factories import ActionFactory, OperationalGoalFactory

DECISION = dt.date(2026, 6, 12)
REFERENCE = "VR 2026 1206 DOC.0123/1"


def accepted_action(administration: Administration | None = None, **kwargs: object) -> Action:
    """An action AJH accepted and clustered under an operational goal."""
    if administration is not None:
        kwargs["lead_administration"] = administration
    return ActionFactory(stage=ActionStage.ACCEPTED, **kwargs)


def add_indicator(
    action: Action, user: User, name: str = "Aantal opgeleide leerkrachten"
) -> Indicator:
    return indicator_save(
        action=action,
        user=user,
        data={
            "name": name,
            "kind": "quantitative",
            "unit": "aantal",
            "baseline_value": Decimal(0),
            "baseline_year": 2025,
            "target_value": Decimal(400),
            "target_year": 2029,
            "direction": "up",
        },
    )


def approve_version(plan: Plan, user: User) -> PlanVersion:
    """Create, submit and approve the next version of ``plan``."""
    version = plan_version_create(plan=plan, user=user)
    version = plan_version_submit(version=version, user=user)
    return plan_version_approve(
        version=version, user=user, decision_date=DECISION, decision_reference=REFERENCE
    )


def baseline(plan: Plan, user: User, administration: Administration) -> tuple[PlanVersion, Action]:
    """Version 1 approved with one action led by ``administration`` with an indicator."""
    action = accepted_action(
        administration,
        title="Vormingsaanbod voor leerkrachten",
        operational_goal=OperationalGoalFactory(title="Onderwijs"),
    )
    add_indicator(action, user)
    version = approve_version(plan, user)
    action.refresh_from_db()
    return version, action
