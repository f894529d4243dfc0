from __future__ import annotations

import pytest
from django.urls import reverse

from indicators.models import Indicator
from tests.factories import ActionFactory

pytestmark = pytest.mark.django_db


def _post(client, action, **data):
    payload = {
        "name": "Bereikte leerkrachten",
        "kind": "quantitative",
        "unit": "aantal",
        "baseline_value": "100",
        "baseline_year": "2025",
        "target_value": "400",
        "target_year": "2029",
        "direction": "up",
        "disaggregation": "",
        "position": "0",
    }
    payload.update(data)
    return client.post(reverse("indicators:create", args=[action.pk]), payload)


def test_lead_editor_defines_an_indicator(client, plan, editor_a, admin_a):
    action = ActionFactory(lead_administration=admin_a)
    client.force_login(editor_a)
    response = _post(client, action)
    assert response.status_code == 302
    indicator = Indicator.objects.get()
    assert (indicator.unit, indicator.target_value) == ("aantal", 400)
    assert indicator.history.latest().history_user == editor_a
    page = client.get(reverse("indicators:list", args=[action.pk]))
    assert "Bereikte leerkrachten" in page.text


def test_editor_of_other_administration_cannot_define(client, plan, editor_b, admin_a):
    action = ActionFactory(lead_administration=admin_a)
    client.force_login(editor_b)
    assert _post(client, action).status_code == 403
    assert client.get(reverse("indicators:create", args=[action.pk])).status_code == 403
    assert not Indicator.objects.exists()


def test_reader_cannot_define(client, plan, reader):
    action = ActionFactory()
    client.force_login(reader)
    assert _post(client, action).status_code == 403


def test_quantitative_indicator_needs_unit_and_years(client, plan, coordinator):
    action = ActionFactory()
    client.force_login(coordinator)
    response = _post(client, action, unit="", baseline_year="", target_year="2020")
    assert response.status_code == 422
    text = response.text
    assert "Geef de eenheid op" in text
    assert "Geef het jaar van de nulmeting op." in text
    assert not Indicator.objects.exists()


def test_qualitative_indicator_needs_no_unit(client, plan, coordinator):
    action = ActionFactory()
    client.force_login(coordinator)
    response = _post(
        client,
        action,
        kind="qualitative",
        unit="",
        baseline_value="",
        target_value="",
        baseline_year="",
        target_year="",
    )
    assert response.status_code == 302
    assert Indicator.objects.get().kind == "qualitative"
