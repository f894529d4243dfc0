"""Bad input on fiches and their indicator values: 400 (422 on the page) naming the field,
a Dutch message, nothing saved.

Fixtures ``actions`` and ``fiches`` (tests/fiches/conftest.py): "own" is led by
administration A.
"""

from __future__ import annotations

import json

import pytest

from fiches.models import Fiche
from indicators.models import IndicatorValue
from tests.factories import IndicatorFactory

pytestmark = pytest.mark.django_db

JSON = "application/json"


def patch(client, fiche: Fiche, data: dict):
    return client.patch(
        f"/api/v1/fiches/{fiche.pk}/",
        data,
        content_type=JSON,
        headers={"If-Match": Fiche.objects.get(pk=fiche.pk).etag},
    )


def test_a_page_refuses_a_body_over_the_size_limit_in_dutch(coordinator_client, fiches, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    fiche = fiches["own"]
    response = coordinator_client.post(
        f"/fiches/{fiche.pk}/", {"version": fiche.version, "status_update": "x" * 4096}
    )
    assert response.status_code == 400
    assert "Het verzoek is te groot" in response.text
    assert Fiche.objects.get(pk=fiche.pk).status_update == ""


def test_api_refuses_a_hidden_character_naming_the_field(client, editor_a, fiches):
    fiche = fiches["own"]
    client.force_login(editor_a)
    response = client.patch(
        f"/api/v1/fiches/{fiche.pk}/",
        {"status_update": "Loopt\u202e goed"},
        content_type=JSON,
        headers={"If-Match": fiche.etag},
    )
    assert response.status_code == 400
    assert response.json() == {
        "status_update": [
            "Bevat een onzichtbaar teken of stuurteken (U+202E) op positie 6; verwijder het."
        ]
    }
    assert Fiche.objects.get(pk=fiche.pk).status_update == ""


def test_page_refuses_a_hidden_character_at_the_field(client, editor_a, fiches):
    fiche = fiches["own"]
    client.force_login(editor_a)
    response = client.post(
        f"/fiches/{fiche.pk}/",
        {"version": fiche.version, "goal": "Doel\u200b", "intent": "save"},
    )
    assert response.status_code == 422
    assert "Bevat een onzichtbaar teken of stuurteken (U+200B)" in response.text
    assert Fiche.objects.get(pk=fiche.pk).goal == ""


@pytest.mark.parametrize("value", [0.0, 12, ["reden"], {"tekst": "reden"}, True])
def test_a_number_or_list_where_text_is_expected_is_400(coordinator_client, fiches, value):
    fiche = fiches["own"]
    Fiche.objects.filter(pk=fiche.pk).update(state="submitted")
    response = coordinator_client.post(
        f"/api/v1/fiches/{fiche.pk}/return/", json.dumps({"reason": value}), content_type=JSON
    )
    assert response.status_code == 400
    assert response.json() == {"reason": ["Geef tekst (een string), geen getal of lijst."]}
    fiche.refresh_from_db()
    assert (fiche.state, fiche.review_reason) == ("submitted", "")


# --- Indicator values --------------------------------------------------------------------


def test_a_value_sent_with_no_data_is_refused_not_dropped(client, editor_a, fiches):
    fiche = fiches["own"]
    indicator = IndicatorFactory(action=fiche.action)
    client.force_login(editor_a)
    values = [{"indicator": indicator.pk, "value": 12, "no_data": True, "no_data_reason": "x"}]
    response = patch(client, fiche, {"status_update": "Loopt", "indicator_values": values})
    assert response.status_code == 400
    assert response.json() == {
        f"indicator-{indicator.pk}": ["Geef een waarde of kies 'geen gegevens', niet beide."]
    }
    assert not IndicatorValue.objects.exists()
    assert Fiche.objects.get(pk=fiche.pk).status_update == ""


def test_a_breakdown_for_an_indicator_without_one_is_refused(client, editor_a, fiches):
    fiche = fiches["own"]
    indicator = IndicatorFactory(action=fiche.action, disaggregation="")
    client.force_login(editor_a)
    values = [{"indicator": indicator.pk, "value": 12, "breakdown": {"female": 7}}]
    response = patch(client, fiche, {"indicator_values": values})
    assert response.status_code == 400
    assert response.json() == {
        f"indicator-{indicator.pk}": ["Deze indicator heeft geen uitsplitsing; laat ze weg."]
    }
    assert not IndicatorValue.objects.exists()


def test_a_breakdown_category_the_indicator_does_not_know_is_refused(client, editor_a, fiches):
    fiche = fiches["own"]
    indicator = IndicatorFactory(action=fiche.action, disaggregation="sex")
    client.force_login(editor_a)
    values = [{"indicator": indicator.pk, "value": 12, "breakdown": {"female": 7, "elf": 5}}]
    response = patch(client, fiche, {"indicator_values": values})
    assert response.status_code == 400
    [message] = response.json()[f"indicator-{indicator.pk}"]
    assert message.startswith("Onbekende categorie in de uitsplitsing: elf.")
    assert not IndicatorValue.objects.exists()


def test_a_number_for_a_qualitative_indicator_is_refused(client, editor_a, fiches):
    fiche = fiches["own"]
    indicator = IndicatorFactory(action=fiche.action, kind="qualitative", unit="")
    client.force_login(editor_a)
    response = patch(client, fiche, {"indicator_values": [{"indicator": indicator.pk, "value": 3}]})
    assert response.status_code == 400
    assert response.json() == {
        f"indicator-{indicator.pk}": [
            "Een kwalitatieve indicator heeft geen getal; gebruik de beoordeling."
        ]
    }
    assert not IndicatorValue.objects.exists()


def test_a_no_data_reason_that_is_no_text_is_refused(client, editor_a, fiches):
    fiche = fiches["own"]
    indicator = IndicatorFactory(action=fiche.action)
    client.force_login(editor_a)
    values = [{"indicator": indicator.pk, "no_data": True, "no_data_reason": 0.0}]
    response = patch(client, fiche, {"indicator_values": values})
    assert response.status_code == 400
    assert response.json() == {
        "indicator_values": {
            "0": {"no_data_reason": ["Geef tekst (een string), geen getal of lijst."]}
        }
    }
    assert not IndicatorValue.objects.exists()


# --- Filters -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "field"),
    [({"year": "abc"}, "year"), ({"state": "bogus"}, "state"), ({"action": "x"}, "action")],
)
def test_fiche_list_refuses_unknown_filter_values(client, reader, fiches, params, field):
    client.force_login(reader)
    response = client.get("/api/v1/fiches/", params)
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_my_fiches_page_refuses_a_year_that_is_no_year(client, editor_a, fiches):
    client.force_login(editor_a)
    response = client.get("/fiches/", {"year": "abc"})
    assert response.status_code == 400
    assert "Geef een jaartal van 2000 tot 2100, niet ‘abc’." in response.text
