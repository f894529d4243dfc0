"""Reference data that is real: AJH and its minister from load_plan, portfolios held by a
person for a period, complete policy domains, and a lead that is never also a co-lead."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.forms.models import model_to_dict
from django.urls import reverse

from actionplan.models import (
    Action,
    Administration,
    Minister,
    Plan,
    PolicyDomain,
    PortfolioHolder,
)
from actionplan.services import action_save, portfolio_holder_save
from tests.factories import ActionFactory, AdministrationFactory, MinisterFactory

pytestmark = pytest.mark.django_db

JUSTICE = "Vlaams minister van Justitie en Handhaving"


def test_load_plan_creates_ajh_and_its_minister_and_links_them_to_the_plan(plan):
    ajh = Administration.objects.get(code="AJH")
    assert ajh.name == "Agentschap Justitie en Handhaving"
    assert ajh.policy_domain is not None and ajh.policy_domain.code == "justitie-en-handhaving"
    minister = Minister.objects.get(name=JUSTICE)
    assert list(minister.administrations.all()) == [ajh]
    assert plan.coordinating_minister_portfolio == minister
    assert plan.coordinating_administration == ajh
    # The texts stay, for the API.
    assert plan.coordinating_agency == "Agentschap Justitie en Handhaving"


def test_load_plan_records_zuhal_demir_as_holder_from_the_start_of_the_government(plan):
    holder = PortfolioHolder.objects.get(minister__name=JUSTICE)
    assert (holder.person_name, holder.valid_from, holder.valid_to) == (
        "Zuhal Demir",
        dt.date(2024, 9, 30),
        None,
    )


def test_load_plan_twice_changes_no_reference_row(plan):
    counts = (Minister.history.count(), PortfolioHolder.history.count(), Plan.history.count())
    call_command("load_plan", verbosity=0)
    assert (
        Minister.history.count(),
        PortfolioHolder.history.count(),
        Plan.history.count(),
    ) == counts
    assert Administration.objects.filter(code="AJH").count() == 1


def test_load_plan_restores_an_ajh_an_earlier_demo_renamed(plan):
    ajh = Administration.objects.get(code="AJH")
    Administration.objects.filter(pk=ajh.pk).update(
        name="Agentschap Justitie en Handhaving (demo)", is_demo=True
    )
    call_command("load_plan", verbosity=0)
    ajh.refresh_from_db()
    assert (ajh.name, ajh.is_demo) == ("Agentschap Justitie en Handhaving", False)
    assert ajh.history.latest().history_change_reason == "load_plan plan.json"


def test_policy_domains_are_complete_and_keep_the_existing_codes(plan):
    names = dict(PolicyDomain.objects.values_list("code", "name"))
    for code in ("onderwijs", "welzijn", "jeugd", "sport", "cultuur", "media", "gelijke-kansen"):
        assert code in names
    for expected in (
        "Zorg (gezondheidszorg)",
        "Werk en Sociale Economie",
        "Integratie en Inburgering",
        "Kanselarij, Bestuur en Buitenland",
        "Mobiliteit en Openbare Werken",
    ):
        assert expected in names.values()


def test_holder_on_a_date_is_the_one_in_office_that_day(plan):
    minister = Minister.objects.get(name=JUSTICE)
    first = PortfolioHolder.objects.get(minister=minister)
    first.valid_to = dt.date(2027, 3, 31)
    portfolio_holder_save(holder=first, reason="herschikking")
    portfolio_holder_save(
        holder=PortfolioHolder(
            minister=minister, person_name="Opvolger", valid_from=dt.date(2027, 4, 1)
        ),
        reason="herschikking",
    )
    on = {
        # The annotation is beyond the type checker's sight.
        day: cast(Any, Minister.objects.with_holder_on(day).get(pk=minister.pk)).holder_name
        for day in (dt.date(2026, 6, 15), dt.date(2027, 3, 31), dt.date(2027, 4, 1))
    }
    assert on == {
        dt.date(2026, 6, 15): "Zuhal Demir",
        dt.date(2027, 3, 31): "Zuhal Demir",
        dt.date(2027, 4, 1): "Opvolger",
    }
    assert PortfolioHolder.objects.on(dt.date(2024, 1, 1)).count() == 0


def test_a_reshuffle_keeps_the_action_lead_and_who_held_it_before(plan):
    minister = Minister.objects.get(name=JUSTICE)
    action = ActionFactory(lead_minister=minister)
    first = PortfolioHolder.objects.get(minister=minister)
    first.valid_to = dt.date(2027, 3, 31)
    portfolio_holder_save(holder=first, reason="Herschikking regering")
    action.refresh_from_db()
    assert action.lead_minister == minister
    record = first.history.latest()
    assert (record.history_change_reason, record.valid_to) == (
        "Herschikking regering",
        dt.date(2027, 3, 31),
    )


def test_an_overlapping_holder_of_the_same_portfolio_is_refused(plan):
    minister = Minister.objects.get(name=JUSTICE)
    with pytest.raises(ValidationError) as caught:
        portfolio_holder_save(
            holder=PortfolioHolder(
                minister=minister, person_name="Iemand anders", valid_from=dt.date(2026, 1, 1)
            )
        )
    assert caught.value.message_dict["valid_from"] == [
        "Deze periode overlapt met die van Zuhal Demir (vanaf 30 sep. 2024). Sluit eerst die "
        "periode af: een portefeuille heeft op elke dag één minister."
    ]
    assert PortfolioHolder.objects.filter(minister=minister).count() == 1


def test_a_holder_period_cannot_end_before_it_starts(plan):
    with pytest.raises(ValidationError, match="Het einde van de periode ligt voor het begin."):
        portfolio_holder_save(
            holder=PortfolioHolder(
                minister=MinisterFactory(),
                person_name="X",
                valid_from=dt.date(2026, 1, 1),
                valid_to=dt.date(2025, 1, 1),
            )
        )


def test_the_lead_minister_cannot_also_co_lead_the_action(plan):
    action = ActionFactory()
    with pytest.raises(ValidationError) as caught:
        action_save(action=action, m2m={"co_lead_ministers": [action.lead_minister]})
    assert caught.value.message_dict == {
        "co_lead_ministers": ["De trekkende minister kan niet ook meewerkend minister zijn."]
    }
    assert not action.co_lead_ministers.exists()


def test_the_lead_administration_cannot_also_co_lead_the_action(plan):
    action = ActionFactory()
    action.co_lead_administrations.set([AdministrationFactory()])
    # Changing the lead to a co-lead is refused too, against the stored co-leads.
    action.lead_administration = action.co_lead_administrations.get()
    with pytest.raises(ValidationError) as caught:
        action_save(action=action)
    assert caught.value.message_dict == {
        "co_lead_administrations": [
            "De trekkende administratie kan niet ook meewerkende administratie zijn."
        ]
    }


# --- Admin ---------------------------------------------------------------------------------


def _minister_form(minister: Minister, holders: list[dict[str, Any]], **changes: Any) -> dict:
    data: dict[str, Any] = {
        "name": minister.name,
        "portfolio": minister.portfolio,
        "administrations": [a.pk for a in minister.administrations.all()],
        "holders-TOTAL_FORMS": len(holders),
        "holders-INITIAL_FORMS": sum(1 for h in holders if h.get("id")),
        "holders-MIN_NUM_FORMS": 0,
        "holders-MAX_NUM_FORMS": 1000,
    }
    for index, holder in enumerate(holders):
        for key, value in holder.items():
            data[f"holders-{index}-{key}"] = value
        data[f"holders-{index}-minister"] = minister.pk
    return {**data, **changes}


def test_ajh_records_a_reshuffle_in_the_admin_with_a_reason(admin_client):
    minister = Minister.objects.get(name=JUSTICE)
    first = PortfolioHolder.objects.get(minister=minister)
    url = reverse("admin:actionplan_minister_change", args=[minister.pk])
    holders: list[dict[str, Any]] = [
        {
            "id": first.pk,
            "person_name": "Zuhal Demir",
            "valid_from": "2024-09-30",
            "valid_to": "2027-03-31",
        },
        {"person_name": "Opvolger", "valid_from": "2027-04-01", "valid_to": ""},
    ]
    response = admin_client.post(
        url, _minister_form(minister, holders, change_reason="Herschikking regering")
    )
    assert response.status_code == 302, response.text[:2000]
    assert list(
        PortfolioHolder.objects.filter(minister=minister).values_list("person_name", "valid_to")
    ) == [("Zuhal Demir", dt.date(2027, 3, 31)), ("Opvolger", None)]
    record = PortfolioHolder.objects.get(person_name="Opvolger").history.get()
    assert (record.history_change_reason, record.history_user.username) == (
        "Herschikking regering",
        "beheer",
    )


def test_the_admin_shows_overlapping_holders_and_saves_nothing(admin_client):
    minister = Minister.objects.get(name=JUSTICE)
    first = PortfolioHolder.objects.get(minister=minister)
    url = reverse("admin:actionplan_minister_change", args=[minister.pk])
    holders: list[dict[str, Any]] = [
        {"id": first.pk, "person_name": "Zuhal Demir", "valid_from": "2024-09-30", "valid_to": ""},
        {"person_name": "Opvolger", "valid_from": "2027-04-01", "valid_to": ""},
    ]
    response = admin_client.post(url, _minister_form(minister, holders, change_reason="x"))
    assert response.status_code == 200
    assert "Deze periode overlapt met die van" in response.text
    assert PortfolioHolder.objects.filter(minister=minister).count() == 1


def test_the_admin_action_form_refuses_the_lead_minister_as_co_lead(admin_client):
    action = ActionFactory(title="Oude titel")
    data: dict[str, Any] = {}
    for name, value in model_to_dict(action).items():
        if isinstance(value, list):
            data[name] = [item.pk for item in value]
        elif value is not None:
            data[name] = value
    data.pop("id", None)
    data |= {
        "co_lead_ministers": [action.lead_minister_id],
        "title": "Nieuwe titel",
        "change_reason": "Meewerkende minister toegevoegd",
    }
    url = reverse("admin:actionplan_action_change", args=[action.pk])
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "De trekkende minister kan niet ook meewerkend minister zijn." in response.text
    assert Action.objects.get(pk=action.pk).title == "Oude titel"
