from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.forms import CheckboxInput, DecimalField
from django.test import Client
from django.urls import reverse

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


def loaded_form(client: Client, fiche: Fiche) -> dict[str, Any]:
    """The fiche form as the browser got it: every field with the value it would send."""
    page = client.get(reverse("fiches:detail", args=[fiche.pk]))
    form = page.context["form"]
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field.widget, CheckboxInput):
            if value:
                data[name] = "on"
        elif value is None:
            data[name] = ""
        elif isinstance(field, DecimalField):
            data[name] = field.widget.format_value(value)
        else:
            data[name] = value
    data.pop("confirm_privacy", None)
    return data
