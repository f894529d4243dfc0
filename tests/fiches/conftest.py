from __future__ import annotations

import datetime as dt

import pytest

from fiches.models import Fiche
from fiches.services import fiche_save, round_open
from tests.factories import ActionFactory

YEAR = 2026


@pytest.fixture
def actions(plan, admin_a, admin_b):
    """own: led by A · other: led by B · co_led: led by B, co-led by A."""
    return {
        "own": ActionFactory(lead_administration=admin_a, title="Actie van A"),
        "other": ActionFactory(lead_administration=admin_b, title="Actie van B"),
        "co_led": ActionFactory(
            lead_administration=admin_b, co_lead_administrations=[admin_a], title="Samen"
        ),
    }


@pytest.fixture
def fiches(plan, actions, coordinator):
    round_open(plan=plan, year=YEAR, deadline=dt.date(YEAR, 12, 31), user=coordinator)
    return {key: Fiche.objects.get(action=action, year=YEAR) for key, action in actions.items()}


def fill(fiche: Fiche, user) -> Fiche:
    """Make a fiche complete enough to submit."""
    return fiche_save(
        fiche=fiche,
        user=user,
        expected_version=Fiche.objects.get(pk=fiche.pk).version,
        data={"status_update": "Het werk loopt.", "progress_status": "on_track"},
    )
