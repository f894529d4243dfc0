"""Fixtures of the drafting cycle: a proposal of administration A, co-led by B."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from actionplan.models import Action, StrategicGoal, User
from planning.drafting import services

DESCRIPTION = (
    "Scholen krijgen een vormingspakket over seksuele grensoverschrijding, met lessen voor "
    "leerlingen en een draaiboek voor leerkrachten."
)


def proposal_data(administration: Any, **extra: Any) -> dict[str, Any]:
    return {
        "strategic_goal": StrategicGoal.objects.get(number=1),
        "title": "Vormingspakket grensoverschrijding",
        "description": DESCRIPTION,
        "lead_administration": administration,
        "start_year": 2026,
        "end_year": 2028,
        **extra,
    }


def propose(user: User, administration: Any, m2m: Any = None, **extra: Any) -> Action:
    return services.proposal_create(
        user=user, data=proposal_data(administration, **extra), m2m=m2m or {}
    )


@pytest.fixture
def proposal(plan, editor_a, admin_a, admin_b) -> Action:
    return propose(
        editor_a,
        admin_a,
        {"co_lead_administrations": [admin_b]},
        estimated_budget=Decimal(25000),
        capacity="Twee VTE bij het departement",
    )
