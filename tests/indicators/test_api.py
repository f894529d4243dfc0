"""The indicator and indicator-value API: who defines indicators, validation, read-only
values, filters and query counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from actionplan.demo import demo_load
from fiches.demo import demo_fiches_load
from fiches.models import Fiche
from fiches.services import IndicatorValueInput, fiche_save
from indicators.models import Indicator, IndicatorValue
from tests.factories import ActionFactory, IndicatorFactory, round_opened

pytestmark = pytest.mark.django_db

JSON = "application/json"
QUANTITATIVE = {
    "name": "Aantal bereikte leerkrachten",
    "kind": "quantitative",
    "unit": "aantal",
    "baseline_value": "120",
    "baseline_year": 2024,
    "target_value": "400",
    "target_year": 2029,
    "direction": "up",
}


@pytest.fixture
def own_action(plan, admin_a):
    return ActionFactory(lead_administration=admin_a, title="Actie van A")


def _values(plan, coordinator, indicator, years):
    """Save a value of ``indicator`` for each year, the only way: with the fiche."""
    for year in years:
        round_opened(plan=plan, year=year, deadline=dt.date(year, 12, 31), user=coordinator)
        fiche = Fiche.objects.get(action=indicator.action, year=year)
        fiche_save(
            fiche=fiche,
            user=coordinator,
            expected_version=fiche.version,
            data={},
            values=[IndicatorValueInput(indicator_id=indicator.pk, value=Decimal(year - 2000))],
        )


# --- Indicators -----------------------------------------------------------------------


@pytest.mark.parametrize("resource", ["indicators", "indicator-values"])
def test_anonymous_gets_401(client, plan, resource):
    assert client.get(f"/api/v1/{resource}/").status_code == 401


def test_lead_editor_defines_an_indicator(client, editor_a, own_action):
    client.force_login(editor_a)
    response = client.post(
        "/api/v1/indicators/", {**QUANTITATIVE, "action": own_action.pk}, content_type=JSON
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["action"], body["action_code"], body["unit"]) == (
        own_action.pk,
        own_action.code,
        "aantal",
    )
    indicator = Indicator.objects.get()
    assert indicator.target_value == Decimal("400")
    assert indicator.history.latest().history_user == editor_a


def test_coordinator_defines_an_indicator_for_any_action(client, coordinator, own_action):
    client.force_login(coordinator)
    response = client.post(
        "/api/v1/indicators/", {**QUANTITATIVE, "action": own_action.pk}, content_type=JSON
    )
    assert response.status_code == 201


def test_editor_of_another_administration_cannot_define(client, editor_b, own_action):
    client.force_login(editor_b)
    response = client.post(
        "/api/v1/indicators/", {**QUANTITATIVE, "action": own_action.pk}, content_type=JSON
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "Je mag de indicatoren van deze actie niet wijzigen."}
    assert not Indicator.objects.exists()


def test_reader_cannot_define(client, reader, own_action):
    client.force_login(reader)
    response = client.post(
        "/api/v1/indicators/", {**QUANTITATIVE, "action": own_action.pk}, content_type=JSON
    )
    assert response.status_code == 403
    assert not Indicator.objects.exists()


def test_quantitative_indicator_without_unit_is_400_in_dutch(client, editor_a, own_action):
    client.force_login(editor_a)
    response = client.post(
        "/api/v1/indicators/",
        {**QUANTITATIVE, "unit": "", "action": own_action.pk},
        content_type=JSON,
    )
    assert response.status_code == 400
    assert response.json() == {"unit": ["Geef de eenheid op (bv. aantal, %, euro)."]}
    assert not Indicator.objects.exists()


def test_target_before_baseline_is_400(client, editor_a, own_action):
    client.force_login(editor_a)
    response = client.post(
        "/api/v1/indicators/",
        {**QUANTITATIVE, "target_year": 2020, "action": own_action.pk},
        content_type=JSON,
    )
    assert response.status_code == 400
    assert response.json() == {
        "target_year": ["Het jaar van de streefwaarde ligt voor de nulmeting."]
    }


def test_qualitative_indicator_needs_no_unit_and_keeps_no_numbers(client, editor_a, own_action):
    client.force_login(editor_a)
    response = client.post(
        "/api/v1/indicators/",
        {
            "name": "Kwaliteit van de samenwerking",
            "kind": "qualitative",
            "unit": "punten",
            "target_value": "5",
            "target_year": 2029,
            "action": own_action.pk,
        },
        content_type=JSON,
    )
    assert response.status_code == 201, response.json()
    assert (response.json()["unit"], response.json()["target_value"]) == ("", None)


def test_lead_editor_updates_an_indicator(client, editor_a, own_action):
    indicator = IndicatorFactory(action=own_action)
    client.force_login(editor_a)
    response = client.patch(
        f"/api/v1/indicators/{indicator.pk}/", {"name": "Nieuwe naam"}, content_type=JSON
    )
    assert response.status_code == 200, response.json()
    assert Indicator.objects.get().name == "Nieuwe naam"


def test_editor_of_another_administration_cannot_update(client, editor_b, own_action):
    indicator = IndicatorFactory(action=own_action, name="Oud")
    client.force_login(editor_b)
    response = client.patch(
        f"/api/v1/indicators/{indicator.pk}/", {"name": "Van B"}, content_type=JSON
    )
    assert response.status_code == 403
    assert Indicator.objects.get().name == "Oud"


def test_an_indicator_does_not_move_to_another_action(client, coordinator, own_action):
    indicator = IndicatorFactory(action=own_action)
    elsewhere = ActionFactory()
    client.force_login(coordinator)
    response = client.patch(
        f"/api/v1/indicators/{indicator.pk}/", {"action": elsewhere.pk}, content_type=JSON
    )
    assert response.status_code == 400
    assert "action" in response.json()
    assert Indicator.objects.get().action == own_action


def test_indicators_are_not_deleted(client, coordinator, own_action):
    indicator = IndicatorFactory(action=own_action)
    client.force_login(coordinator)
    assert client.delete(f"/api/v1/indicators/{indicator.pk}/").status_code == 405
    assert Indicator.objects.exists()


def test_indicator_list_filters_on_action(reader_client, own_action):
    mine = IndicatorFactory(action=own_action)
    IndicatorFactory()
    assert reader_client.get("/api/v1/indicators/").json()["count"] == 2
    data = reader_client.get("/api/v1/indicators/", {"action": own_action.pk}).json()
    assert [i["id"] for i in data["results"]] == [mine.pk]
    one = reader_client.get(f"/api/v1/indicators/{mine.pk}/")
    assert one.json()["name"] == mine.name


# --- Indicator values -----------------------------------------------------------------


def test_indicator_values_are_read_only(client, plan, coordinator, own_action):
    indicator = IndicatorFactory(action=own_action)
    _values(plan, coordinator, indicator, [2025])
    value = IndicatorValue.objects.get()
    client.force_login(coordinator)
    assert client.post("/api/v1/indicator-values/", {}, content_type=JSON).status_code == 405
    assert (
        client.patch(
            f"/api/v1/indicator-values/{value.pk}/", {"value": 1}, content_type=JSON
        ).status_code
        == 405
    )
    assert client.delete(f"/api/v1/indicator-values/{value.pk}/").status_code == 405
    assert IndicatorValue.objects.get().value == Decimal("25")


def test_indicator_value_list_filters(reader_client, plan, coordinator, own_action):
    counted = IndicatorFactory(action=own_action)
    other = IndicatorFactory()
    _values(plan, coordinator, counted, [2025, 2026])
    _values(plan, coordinator, other, [2026])

    def years(**params: object) -> list[tuple[int, int]]:
        response = reader_client.get("/api/v1/indicator-values/", params)
        assert response.status_code == 200, response.json()
        return [(v["indicator"], v["year"]) for v in response.json()["results"]]

    assert len(years()) == 3
    assert years(indicator=counted.pk) == [(counted.pk, 2025), (counted.pk, 2026)]
    assert years(action=own_action.pk) == [(counted.pk, 2025), (counted.pk, 2026)]
    assert sorted(years(year=2026)) == sorted([(counted.pk, 2026), (other.pk, 2026)])
    row = reader_client.get("/api/v1/indicator-values/", {"year": 2025}).json()["results"][0]
    assert (row["action"], row["value"], row["updated_by"]) == (own_action.pk, "25.00", "coord")


@pytest.mark.parametrize("size", [10, 60])
def test_indicator_list_query_count_does_not_grow(
    reader_client, plan, size, django_assert_num_queries
):
    demo_load(actions=size, seed=5)
    demo_fiches_load(seed=1)
    # session, user, count, page of indicators (with their action)
    with django_assert_num_queries(4):
        response = reader_client.get("/api/v1/indicators/")
    assert response.json()["count"] == Indicator.objects.count() > 0


@pytest.mark.parametrize("size", [10, 60])
def test_indicator_value_list_query_count_does_not_grow(
    reader_client, plan, size, django_assert_num_queries
):
    demo_load(actions=size, seed=5)
    demo_fiches_load(seed=1)
    # session, user, count, page of values (with indicator and last editor)
    with django_assert_num_queries(4):
        response = reader_client.get("/api/v1/indicator-values/")
    assert response.json()["count"] == IndicatorValue.objects.count() > 0
