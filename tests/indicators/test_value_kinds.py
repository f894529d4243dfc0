"""Plausible values: each value kind's bounds, with a Dutch message naming the bound, in the
service (page and API through it), the indicator definition and the importer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from fiches import services
from fiches.models import Fiche
from indicators.models import IndicatorValue
from indicators.services import indicator_save
from tests.factories import ActionFactory, IndicatorFactory

pytestmark = pytest.mark.django_db

YEAR = 2026

CASES = [
    ("count", None, None, "-1", "Een aantal is een geheel getal vanaf 0."),
    ("count", None, None, "2.5", "Een aantal is een geheel getal vanaf 0."),
    ("percentage", None, None, "193", "Een percentage ligt tussen 0 en 100."),
    ("percentage", None, None, "-0.5", "Een percentage ligt tussen 0 en 100."),
    ("amount", None, None, "-10", "Een bedrag in euro is 0 of meer."),
    ("decimal", "1", "5", "6", "De waarde ligt tussen 1 en 5."),
    ("decimal", "1.5", None, "1", "De waarde is minstens 1,5."),
    ("decimal", None, "5", "6", "De waarde is hoogstens 5."),
]


@pytest.fixture
def fiche(plan, coordinator, admin_a):
    action = ActionFactory(lead_administration=admin_a)
    services.round_open(plan=plan, year=YEAR, deadline=dt.date(YEAR, 12, 31), user=coordinator)
    return Fiche.objects.get(action=action, year=YEAR)


def _indicator(fiche, kind, low=None, high=None):
    return IndicatorFactory(
        action=fiche.action,
        unit="eenheid",
        value_kind=kind,
        min_value=Decimal(low) if low else None,
        max_value=Decimal(high) if high else None,
    )


@pytest.mark.parametrize(("kind", "low", "high", "raw", "message"), CASES)
def test_service_refuses_a_value_out_of_bounds(fiche, editor_a, kind, low, high, raw, message):
    indicator = _indicator(fiche, kind, low, high)
    with pytest.raises(ValidationError) as caught:
        services.fiche_save(
            fiche=fiche,
            user=editor_a,
            expected_version=fiche.version,
            data={},
            values=[services.IndicatorValueInput(indicator_id=indicator.pk, value=Decimal(raw))],
        )
    assert caught.value.message_dict == {f"indicator-{indicator.pk}": [message]}
    assert not IndicatorValue.objects.exists()


@pytest.mark.parametrize(
    ("kind", "raw"), [("count", "0"), ("count", "1234"), ("percentage", "100"), ("amount", "0.5")]
)
def test_service_accepts_a_value_within_bounds(fiche, editor_a, kind, raw):
    indicator = _indicator(fiche, kind)
    services.fiche_save(
        fiche=fiche,
        user=editor_a,
        expected_version=fiche.version,
        data={},
        values=[services.IndicatorValueInput(indicator_id=indicator.pk, value=Decimal(raw))],
    )
    assert IndicatorValue.objects.get().value == Decimal(raw)


def test_page_shows_the_bound_on_the_value_field(client, fiche, editor_a):
    indicator = _indicator(fiche, "percentage")
    client.force_login(editor_a)
    response = client.post(
        reverse("fiches:detail", args=[fiche.pk]),
        {"version": fiche.version, "intent": "save", f"ind-{indicator.pk}-value": "193"},
    )
    assert response.status_code == 422
    assert "Een percentage ligt tussen 0 en 100." in response.text
    assert not IndicatorValue.objects.exists()


def test_api_refuses_a_percentage_above_100(client, fiche, editor_a):
    indicator = _indicator(fiche, "percentage")
    client.force_login(editor_a)
    response = client.patch(
        f"/api/v1/fiches/{fiche.pk}/",
        {"indicator_values": [{"indicator": indicator.pk, "value": "193"}]},
        content_type="application/json",
        headers={"If-Match": fiche.etag},
    )
    assert response.status_code == 400
    assert response.json() == {
        f"indicator-{indicator.pk}": ["Een percentage ligt tussen 0 en 100."]
    }


def test_api_refuses_a_breakdown_out_of_bounds(client, fiche, editor_a):
    indicator = IndicatorFactory(action=fiche.action, value_kind="count", disaggregation="sex")
    client.force_login(editor_a)
    response = client.patch(
        f"/api/v1/fiches/{fiche.pk}/",
        {"indicator_values": [{"indicator": indicator.pk, "value": 3, "breakdown": {"male": -1}}]},
        content_type="application/json",
        headers={"If-Match": fiche.etag},
    )
    assert response.status_code == 400
    assert "Een aantal is een geheel getal vanaf 0." in str(response.json())


def test_baseline_and_target_obey_the_bounds(coordinator, plan):
    action = ActionFactory()
    with pytest.raises(ValidationError) as caught:
        indicator_save(
            action=action,
            user=coordinator,
            data={
                "name": "Aandeel scholen",
                "kind": "quantitative",
                "unit": "%",
                "value_kind": "percentage",
                "baseline_value": Decimal(40),
                "baseline_year": 2024,
                "target_value": Decimal(193),
                "target_year": 2028,
            },
        )
    assert caught.value.message_dict == {"target_value": ["Een percentage ligt tussen 0 en 100."]}


def test_min_above_max_is_refused(coordinator, plan):
    with pytest.raises(ValidationError) as caught:
        IndicatorFactory(value_kind="decimal", min_value=Decimal(5), max_value=Decimal(1))
    assert "max_value" in caught.value.message_dict


def test_indicator_api_exposes_kind_and_bounds(client, coordinator, plan):
    action = ActionFactory()
    client.force_login(coordinator)
    response = client.post(
        "/api/v1/indicators/",
        {
            "action": action.pk,
            "name": "Wachttijd",
            "kind": "quantitative",
            "unit": "dagen",
            "value_kind": "decimal",
            "min_value": "0",
            "max_value": "1.000",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["value_kind"], body["min_value"], body["max_value"]) == (
        "decimal",
        "0.00",
        "1000.00",
    )


def test_indicator_page_offers_the_value_kind(client, coordinator, plan):
    action = ActionFactory()
    client.force_login(coordinator)
    response = client.get(reverse("indicators:create", args=[action.pk]))
    assert "percentage (0–100)" in response.text
    assert 'name="min_value"' in response.text
