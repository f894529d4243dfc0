"""Maximum lengths of the fiche's texts: the model refuses, and so do page, API and form.

A 212.000-character status update was once accepted and made a 41-page fiche PDF.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from actionplan.texts import TextLengthValidator
from fiches import services
from fiches.forms import FicheForm
from fiches.models import Contribution, Fiche
from indicators.models import IndicatorValue
from tests.factories import IndicatorFactory

pytestmark = pytest.mark.django_db

TOO_LONG = "x" * 212_000
MESSAGE = "Maximaal 10.000 tekens (nu 212.000)."


def test_validator_counts_a_line_break_once_as_the_browser_does():
    validator = TextLengthValidator(5)
    validator("ab\r\ncd")  # five characters in the textarea, six bytes on the wire
    with pytest.raises(ValidationError) as exc:
        validator("ab\r\ncde")
    assert exc.value.messages == ["Maximaal 5 tekens (nu 6)."]


def test_service_refuses_an_over_long_status_update_and_saves_nothing(editor_a, fiches):
    fiche = fiches["own"]
    with pytest.raises(ValidationError) as exc:
        services.fiche_save(
            fiche=fiche,
            user=editor_a,
            expected_version=fiche.version,
            data={"status_update": TOO_LONG, "goal": "Doel"},
        )
    assert exc.value.message_dict == {"status_update": [MESSAGE]}
    fiche.refresh_from_db()
    assert (fiche.status_update, fiche.goal, fiche.version) == ("", "", 1)
    assert fiche.history.count() == 1  # only the creation


def test_every_fiche_text_has_its_maximum(fiches):
    fiche = fiches["own"]
    limits = {"goal": 5_000, "approach": 10_000, "status_update": 10_000}
    limits |= {"obstacles": 5_000, "next_steps": 5_000}
    for name, limit in limits.items():
        setattr(fiche, name, "x" * limit)
    fiche.full_clean()
    for name, limit in limits.items():
        setattr(fiche, name, "x" * (limit + 1))
    with pytest.raises(ValidationError) as exc:
        fiche.full_clean()
    assert set(exc.value.message_dict) == set(limits)


def test_service_refuses_an_over_long_assessment(editor_a, fiches):
    fiche = fiches["own"]
    indicator = IndicatorFactory(action=fiche.action, kind="qualitative", unit="")
    with pytest.raises(ValidationError) as exc:
        services.fiche_save(
            fiche=fiche,
            user=editor_a,
            expected_version=fiche.version,
            data={},
            values=[services.IndicatorValueInput(indicator_id=indicator.pk, assessment="x" * 2001)],
        )
    assert exc.value.message_dict == {
        f"indicator-{indicator.pk}": ["Maximaal 2.000 tekens (nu 2.001)."]
    }
    assert not IndicatorValue.objects.exists()


def test_service_refuses_an_over_long_contribution(editor_a, admin_a, fiches):
    with pytest.raises(ValidationError) as exc:
        services.contribution_save(
            fiche=fiches["co_led"], administration=admin_a, user=editor_a, text="x" * 5001
        )
    assert exc.value.message_dict == {"text": ["Maximaal 5.000 tekens (nu 5.001)."]}
    assert not Contribution.objects.exists()


def test_page_answers_422_with_the_maximum_and_keeps_the_fiche(client, editor_a, fiches):
    fiche = fiches["own"]
    client.force_login(editor_a)
    response = client.post(
        reverse("fiches:detail", args=[fiche.pk]),
        {"version": fiche.version, "status_update": TOO_LONG, "intent": "save"},
    )
    assert response.status_code == 422
    assert MESSAGE in response.text
    assert Fiche.objects.get(pk=fiche.pk).status_update == ""


def test_page_shows_the_refusal_of_an_over_long_contribution(client, editor_a, admin_a, fiches):
    fiche = fiches["co_led"]
    client.force_login(editor_a)
    response = client.post(
        reverse("fiches:contribution", args=[fiche.pk]),
        {"administration": admin_a.pk, "text": "x" * 5001},
        follow=True,
    )
    assert "Maximaal 5.000 tekens (nu 5.001)." in response.text
    assert not Contribution.objects.exists()


def test_textareas_carry_maxlength_and_data_counter(client, editor_a, fiches):
    fiche = fiches["co_led"]
    IndicatorFactory(action=fiche.action, kind="qualitative", unit="")
    form = FicheForm(indicators=list(fiche.action.indicators.all()))
    html = str(form["status_update"])
    assert 'maxlength="10000"' in html
    assert "data-counter" in html
    assert 'maxlength="5000"' in str(form["goal"])
    assessment = next(name for name in form.fields if name.endswith("-assessment"))
    assert 'maxlength="2000"' in str(form[assessment])
    client.force_login(editor_a)
    page = client.get(reverse("fiches:detail", args=[fiche.pk])).text
    assert 'maxlength="5000" data-counter>' in page  # the contribution's textarea
    assert "js/counter.js" in page


def test_api_answers_400_with_the_maximum(client, editor_a, fiches):
    fiche = fiches["own"]
    client.force_login(editor_a)
    response = client.patch(
        f"/api/v1/fiches/{fiche.pk}/",
        {"status_update": TOO_LONG},
        content_type="application/json",
        headers={"If-Match": fiche.etag},
    )
    assert response.status_code == 400
    assert response.json() == {"status_update": [MESSAGE]}
    assert Fiche.objects.get(pk=fiche.pk).status_update == ""


def test_api_refuses_an_over_long_assessment(client, editor_a, fiches):
    fiche = fiches["own"]
    indicator = IndicatorFactory(action=fiche.action, kind="qualitative", unit="")
    client.force_login(editor_a)
    values = [{"indicator": indicator.pk, "assessment": "x" * 2001}]
    response = client.patch(
        f"/api/v1/fiches/{fiche.pk}/",
        {"indicator_values": values},
        content_type="application/json",
        headers={"If-Match": fiche.etag},
    )
    assert response.status_code == 400
    assert response.json() == {
        "indicator_values": {"0": {"assessment": ["Maximaal 2.000 tekens (nu 2.001)."]}}
    }
    assert not IndicatorValue.objects.exists()


def test_api_schema_publishes_the_maximum(client, editor_a):
    client.force_login(editor_a)
    schema = client.get("/api/schema/", headers={"Accept": "application/json"})
    properties = schema.json()["components"]["schemas"]["FicheWrite"]["properties"]
    assert properties["status_update"]["maxLength"] == 10_000
    assert properties["goal"]["maxLength"] == 5_000
