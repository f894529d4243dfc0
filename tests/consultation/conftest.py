"""Fixtures of the consultation tests: a meeting with administrations A and B, each owning
one follow-up item about an action it leads."""

from __future__ import annotations

import datetime as dt

import pytest

from actionplan.models import Action, Administration, Plan, User
from consultation.models import Consultation, ConsultationKind, FollowUp
from consultation.services import (
    ConsultationData,
    FollowUpData,
    consultation_create,
    follow_up_create,
)
from tests.factories import ActionFactory

MEETING_DAY = dt.date(2026, 5, 4)


@pytest.fixture
def action_a(plan: Plan, admin_a: Administration) -> Action:
    return ActionFactory(lead_administration=admin_a, title="Vorming van leerkrachten")


@pytest.fixture
def action_b(plan: Plan, admin_b: Administration) -> Action:
    return ActionFactory(lead_administration=admin_b, title="Opvang van slachtoffers")


def make_meeting(
    plan: Plan, coordinator: User, administrations: list[Administration], **changes: object
) -> Consultation:
    data = ConsultationData(
        date=MEETING_DAY,
        kind=ConsultationKind.BILATERAL,
        title="Bilateraal overleg voorjaar",
        decisions="De cijfers worden aangevuld.",
        administrations=administrations,
    )
    for name, value in changes.items():
        setattr(data, name, value)
    return consultation_create(plan=plan, user=coordinator, data=data)


@pytest.fixture
def meeting(plan: Plan, coordinator: User, admin_a: Administration, admin_b: Administration):
    return make_meeting(plan, coordinator, [admin_a, admin_b])


@pytest.fixture
def item_a(meeting: Consultation, coordinator: User, admin_a, action_a) -> FollowUp:
    return follow_up_create(
        consultation=meeting,
        user=coordinator,
        data=FollowUpData(
            description="Cijfers van de vormingen bezorgen",
            owner=admin_a,
            due_date=dt.date(2026, 6, 1),
            actions=[action_a],
        ),
    )


@pytest.fixture
def item_b(meeting: Consultation, coordinator: User, admin_b, action_b) -> FollowUp:
    return follow_up_create(
        consultation=meeting,
        user=coordinator,
        data=FollowUpData(
            description="Capaciteit van de opvang toelichten",
            owner=admin_b,
            due_date=dt.date(2026, 9, 1),
            actions=[action_b],
        ),
    )
