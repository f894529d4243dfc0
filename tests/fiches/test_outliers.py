"""A value more than ten times larger or smaller than last year's approved value is
confirmed before it is saved: on the fiche page, through the API and not by import."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from fiches import services
from fiches.checks import is_outlier
from fiches.models import Fiche
from fiches.services import IndicatorValueInput
from indicators.models import Indicator, IndicatorValue
from tests.exchange.test_exchange import _value_file, upload
from tests.factories import IndicatorFactory, round_opened
from tests.fiches.conftest import YEAR

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.mark.parametrize(
    ("previous", "new", "flagged"),
    [
        ("250", "2500", False),
        ("250", "2501", True),
        ("250", "25", False),
        ("250", "24.9", True),
        ("250", "0", True),
        ("0", "1000", False),
        ("-5", "-60", True),
    ],
)
def test_a_jump_of_more_than_a_factor_ten_is_an_outlier(previous, new, flagged):
    assert is_outlier(Decimal(previous), Decimal(new)) is flagged


def _value(fiche: Fiche, user, indicator: Indicator, value: str) -> Fiche:
    return services.fiche_save(
        fiche=fiche,
        user=user,
        expected_version=fiche.version,
        data={"status_update": "Het werk loopt.", "progress_status": "on_track"},
        values=[IndicatorValueInput(indicator_id=indicator.pk, value=Decimal(value))],
    )


@pytest.fixture
def setup(plan, actions, coordinator):
    """Last year's fiche of the own action approved with 250; this year's fiche open."""
    action = actions["own"]
    indicator = IndicatorFactory(action=action, name="Bereikte leerkrachten", unit="aantal")
    round_opened(plan=plan, year=YEAR - 1, deadline=dt.date(YEAR - 1, 12, 31), user=coordinator)
    last = _value(Fiche.objects.get(action=action, year=YEAR - 1), coordinator, indicator, "250")
    services.fiche_approve(
        fiche=services.fiche_submit(fiche=last, user=coordinator), user=coordinator
    )
    round_opened(plan=plan, year=YEAR, deadline=dt.date(YEAR, 12, 31), user=coordinator)
    return Fiche.objects.get(action=action, year=YEAR), indicator


def _patch(client, fiche: Fiche, body: dict):
    return client.patch(
        f"/api/v1/fiches/{fiche.pk}/",
        body,
        content_type=JSON,
        headers={"If-Match": Fiche.objects.get(pk=fiche.pk).etag},
    )


def test_the_api_refuses_a_tenfold_jump_until_confirmed(client, editor_a, setup):
    fiche, indicator = setup
    client.force_login(editor_a)
    body = {"indicator_values": [{"indicator": indicator.pk, "value": "2600"}]}
    response = _patch(client, fiche, body)
    assert response.status_code == 400
    assert response.json() == {
        f"indicator-{indicator.pk}": [
            f"Deze waarde verschilt meer dan een factor tien van de goedgekeurde waarde van "
            f"{YEAR - 1} (250,00). Kijk ze na, of bevestig dat ze klopt."
        ]
    }
    assert not IndicatorValue.objects.filter(year=YEAR).exists()
    confirmed = _patch(client, fiche, {**body, "confirm_outliers": True})
    assert confirmed.status_code == 200
    assert IndicatorValue.objects.get(year=YEAR).value == Decimal(2600)


def test_a_plausible_change_needs_no_confirmation(client, editor_a, setup):
    fiche, indicator = setup
    client.force_login(editor_a)
    response = _patch(
        client, fiche, {"indicator_values": [{"indicator": indicator.pk, "value": "30"}]}
    )
    assert response.status_code == 200


def test_only_an_approved_value_of_last_year_counts(client, editor_a, setup, coordinator):
    fiche, indicator = setup
    last = Fiche.objects.get(action=fiche.action, year=YEAR - 1)
    services.fiche_reopen(fiche=last, user=coordinator, reason="Cijfers nakijken")
    client.force_login(editor_a)
    response = _patch(
        client, fiche, {"indicator_values": [{"indicator": indicator.pk, "value": "2600"}]}
    )
    assert response.status_code == 200


def test_the_fiche_page_warns_at_the_value_and_saves_once_confirmed(client, editor_a, setup):
    fiche, indicator = setup
    client.force_login(editor_a)
    data = {
        "version": fiche.version,
        "intent": "save",
        "status_update": "Het werk loopt.",
        "progress_status": "on_track",
        f"ind-{indicator.pk}-value": "2.600",
    }
    url = reverse("fiches:detail", args=[fiche.pk])
    response = client.post(url, data)
    assert response.status_code == 422
    assert "verschilt meer dan een factor tien" in response.text
    assert "Ik heb de gemarkeerde waarden nagekeken" in response.text
    assert not IndicatorValue.objects.filter(year=YEAR).exists()
    response = client.post(url, {**data, "confirm_outliers": "on"})
    assert response.status_code == 302
    assert IndicatorValue.objects.get(year=YEAR).value == Decimal(2600)


def test_the_importer_refuses_a_tenfold_jump(client, editor_a, setup):
    fiche, indicator = setup
    client.force_login(editor_a)
    row = [fiche.action.code, indicator.pk, indicator.name, "aantal", YEAR, "2.600", "nee", "", ""]
    response = upload(client, "indicator-values", "w.xlsx", _value_file([row]), dry_run=False)
    errors = response.json()["errors"]
    assert [(e["row"], e["column"]) for e in errors] == [(2, "Waarde")]
    assert "verschilt meer dan een factor tien" in errors[0]["message"]
    assert not IndicatorValue.objects.filter(year=YEAR).exists()
