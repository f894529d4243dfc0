"""Saving the fiche page after someone else saved: a three-way merge, and an explicit
choice per field that both people changed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from actionplan.models import Role, User
from fiches import services
from fiches.models import Fiche
from fiches.services import IndicatorValueInput
from indicators.models import IndicatorValue
from indicators.services import indicator_save
from tests.factories import UserFactory
from tests.fiches.conftest import loaded_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def other(admin_a) -> User:
    return UserFactory(
        username="editor-a2",
        first_name="Ann",
        last_name="Andere",
        role=Role.EDITOR,
        administrations=[admin_a],
    )


def _conflict_form(response: Any, **choices: str) -> dict[str, Any]:
    """The conflict page's form sent back, with a choice per field (``resolve-<key>``)."""
    data = {k: v for k, v in response.context["form"].data.items() if k != "intent"}
    conflict = response.context["conflict"]
    data.update(conflicts=conflict["keys"], kept=conflict["kept"], **dict(conflict["mine_raw"]))
    data.update({f"resolve-{key}": choice for key, choice in choices.items()})
    data["intent"] = "save"
    return data


def test_saving_a_stale_form_keeps_the_other_persons_change_to_an_untouched_field(
    client, editor_a, other, fiches
):
    fiche = fiches["own"]
    client.force_login(editor_a)
    form = loaded_form(client, fiche)  # A opens the fiche
    services.fiche_save(  # B saves the goal
        fiche=fiche, user=other, expected_version=fiche.version, data={"goal": "Doel van Ann"}
    )
    form.update(obstacles="Te weinig lesuren", intent="save")  # A changes another field
    response = client.post(reverse("fiches:detail", args=[fiche.pk]), form, follow=True)
    assert response.status_code == 200
    fiche.refresh_from_db()
    assert fiche.goal == "Doel van Ann"
    assert fiche.obstacles == "Te weinig lesuren"
    assert "Ontwerp bewaard." in response.text
    assert "De wijzigingen van Ann Andere aan Inhoudelijk doel zijn behouden." in response.text
    record = fiche.history.latest()
    assert (record.history_user, record.goal, record.obstacles) == (
        editor_a,
        "Doel van Ann",
        "Te weinig lesuren",
    )


def test_a_field_both_changed_is_shown_side_by_side_and_needs_a_choice(
    client, editor_a, other, fiches
):
    fiche = fiches["own"]
    client.force_login(editor_a)
    form = loaded_form(client, fiche)
    services.fiche_save(
        fiche=fiche,
        user=other,
        expected_version=fiche.version,
        data={"approach": "Aanpak van Ann", "goal": "Doel van Ann"},
    )
    form.update(approach="Mijn aanpak", next_steps="Evalueren", intent="save")
    url = reverse("fiches:detail", args=[fiche.pk])
    response = client.post(url, form)
    assert response.status_code == 409
    text = response.text
    assert "Iemand anders heeft deze fiche intussen gewijzigd" in text
    rows = response.context["conflict"]["rows"]
    assert [(r["label"], r["theirs"], r["mine"]) for r in rows] == [
        ("Plan van aanpak", "Aanpak van Ann", "Mijn aanpak")
    ]
    assert 'name="resolve-approach"' in text and 'value="theirs"' in text
    assert "Inhoudelijk doel" in response.context["conflict"]["kept_labels"]
    # Nothing saved yet; the form now carries the other person's goal.
    fiche.refresh_from_db()
    assert (fiche.approach, fiche.goal, fiche.next_steps) == ("Aanpak van Ann", "Doel van Ann", "")
    assert response.context["form"]["goal"].value() == "Doel van Ann"

    # Bewaren again without choosing: asked again, nothing saved.
    again = client.post(url, _conflict_form(response))
    assert again.status_code == 422
    assert "Maak een keuze." in again.text
    assert Fiche.objects.get(pk=fiche.pk).approach == "Aanpak van Ann"

    done = client.post(url, _conflict_form(again, approach="mine"), follow=True)
    assert "Ontwerp bewaard." in done.text
    fiche.refresh_from_db()
    assert (fiche.approach, fiche.goal, fiche.next_steps) == (
        "Mijn aanpak",
        "Doel van Ann",
        "Evalueren",
    )
    authors = [
        (h.history_user.username, h.approach)
        for h in fiche.history.filter(history_user__isnull=False).order_by("history_id")
    ][-2:]
    assert authors == [("editor-a2", "Aanpak van Ann"), ("editor-a", "Mijn aanpak")]


@pytest.mark.parametrize(
    ("choice", "edited", "kept"),
    [
        ("theirs", "", "Aanpak van Ann"),
        ("mine", "Iets anders", "Mijn aanpak"),
        ("edited", "Samen: Ann en ik", "Samen: Ann en ik"),
    ],
)
def test_the_chosen_version_is_saved(client, editor_a, other, fiches, choice, edited, kept):
    fiche = fiches["own"]
    client.force_login(editor_a)
    form = loaded_form(client, fiche)
    services.fiche_save(
        fiche=fiche, user=other, expected_version=fiche.version, data={"approach": "Aanpak van Ann"}
    )
    url = reverse("fiches:detail", args=[fiche.pk])
    response = client.post(url, {**form, "approach": "Mijn aanpak", "intent": "save"})
    assert response.status_code == 409
    data = _conflict_form(response, approach=choice)
    if edited:
        data["approach"] = edited  # typed in the form on the conflict page
    assert client.post(url, data).status_code == 302
    assert Fiche.objects.get(pk=fiche.pk).approach == kept


def test_an_indicator_value_both_changed_needs_a_choice_too(
    client, editor_a, other, fiches, coordinator
):
    fiche = fiches["own"]
    indicator = indicator_save(
        action=fiche.action,
        user=coordinator,
        data={"name": "Opgeleide leerkrachten", "kind": "quantitative", "unit": "aantal"},
    )
    services.fiche_save(
        fiche=fiche,
        user=editor_a,
        expected_version=fiche.version,
        data={},
        values=[IndicatorValueInput(indicator_id=indicator.pk, value=Decimal(250))],
    )
    client.force_login(editor_a)
    form = loaded_form(client, fiche)
    assert form[f"ind-{indicator.pk}-value"] == "250"  # as typed, not the column's 250,00
    services.fiche_save(
        fiche=fiche,
        user=other,
        expected_version=Fiche.objects.get(pk=fiche.pk).version,
        data={},
        values=[IndicatorValueInput(indicator_id=indicator.pk, value=Decimal(254))],
    )
    url = reverse("fiches:detail", args=[fiche.pk])
    response = client.post(url, {**form, f"ind-{indicator.pk}-value": "214", "intent": "save"})
    assert response.status_code == 409
    rows = response.context["conflict"]["rows"]
    assert [(r["label"], r["theirs"], r["mine"]) for r in rows] == [
        ("Opgeleide leerkrachten", "254", "214")
    ]
    key = f"indicator-{indicator.pk}"
    assert client.post(url, _conflict_form(response, **{key: "mine"})).status_code == 302
    value = IndicatorValue.objects.get(indicator=indicator)
    assert value.value == Decimal(214)
    assert value.history.latest().history_user == editor_a

    # And keeping theirs after another round leaves their value.
    form = loaded_form(client, fiche)
    services.fiche_save(
        fiche=fiche,
        user=other,
        expected_version=Fiche.objects.get(pk=fiche.pk).version,
        data={},
        values=[IndicatorValueInput(indicator_id=indicator.pk, value=Decimal(12))],
    )
    response = client.post(url, {**form, f"ind-{indicator.pk}-value": "300", "intent": "save"})
    assert response.status_code == 409
    assert client.post(url, _conflict_form(response, **{key: "theirs"})).status_code == 302
    assert IndicatorValue.objects.get(indicator=indicator).value == Decimal(12)
