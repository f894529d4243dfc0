"""Every change of an indicator value is in history, with its author and reason, and shows
on the fiche's and the action's history pages (old → new, who, when, why)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from exchange.importers import values_import
from exchange.spreadsheets import Table
from fiches.models import Fiche
from indicators.models import Indicator, IndicatorValue
from indicators.services import indicator_save
from tests.fiches.conftest import YEAR, loaded_form

pytestmark = pytest.mark.django_db

# As typed in the fiche form, in Flemish notation (the 1e9 is 1.000.000.000 here:
# the form reads numbers as people write them, not in scientific notation).
SEQUENCE = ["250", "-5", "12,5", "1.000.000.000", "250", "214"]
SHOWN = ["250", "-5", "12,5", "1000000000", "250", "214"]
STORED = ["250", "-5", "12.5", "1000000000", "250", "214"]


@pytest.fixture
def indicator(fiches, coordinator) -> Indicator:
    return indicator_save(
        action=fiches["own"].action,
        user=coordinator,
        data={"name": "Opgeleide leerkrachten", "kind": "quantitative", "unit": "aantal"},
    )


def _type_values(client, fiche: Fiche, indicator: Indicator, values: list[str]) -> None:
    for typed in values:
        form = loaded_form(client, fiche)
        form[f"ind-{indicator.pk}-value"] = typed
        response = client.post(
            reverse("fiches:detail", args=[fiche.pk]), {**form, "intent": "save"}
        )
        assert response.status_code == 302, typed


def test_every_change_of_a_value_is_on_the_fiche_history_page(client, editor_a, fiches, indicator):
    fiche = fiches["own"]
    client.force_login(editor_a)
    _type_values(client, fiche, indicator, SEQUENCE)

    records = list(IndicatorValue.history.order_by("history_id"))
    assert [r.value for r in records] == [Decimal(v) for v in STORED]
    assert {(r.history_user, r.history_change_reason) for r in records} == {
        (editor_a, f"fiche {YEAR} bewaard")
    }

    page = client.get(reverse("fiches:history", args=[fiche.pk]))
    entries = page.context["value_page"].object_list
    olds = ["—", *SHOWN[:-1]]
    assert [(e.changes[0].label, e.changes[0].old, e.changes[0].new) for e in entries] == [
        ("waarde", old, new) for old, new in reversed(list(zip(olds, SHOWN, strict=True)))
    ]
    assert all(len(e.changes) == 1 for e in entries)
    assert {e.user for e in entries} == {editor_a.get_full_name()}
    assert all(e.subject == f"Meting {YEAR}: Opgeleide leerkrachten" for e in entries)
    text = page.text
    assert "Wijzigingen van de metingen" in text
    assert "1000000000" in text and "12,5" in text
    assert f"fiche {YEAR} bewaard" in text
    assert entries[0].date.strftime("%Y") in text


def test_every_change_of_a_value_is_on_the_action_history_page(
    client, editor_a, reader, fiches, indicator
):
    fiche = fiches["own"]
    client.force_login(editor_a)
    _type_values(client, fiche, indicator, SEQUENCE)
    client.force_login(reader)
    history = client.get(reverse("actionplan:action-history", args=[fiche.action_id]))
    partial_url = reverse("indicators:value-history", args=[fiche.action_id])
    assert f'hx-get="{partial_url}"' in history.text
    partial = client.get(partial_url)
    entries = partial.context["page"].object_list
    assert [e.changes[0].new for e in entries] == list(reversed(SHOWN))
    assert [e.changes[0].old for e in entries] == list(reversed(["—", *SHOWN[:-1]]))
    assert partial.text.count(editor_a.get_full_name()) == len(SHOWN)
    assert "250" in partial.text and "214" in partial.text


@pytest.mark.parametrize("changes", [1, 6])
def test_history_pages_cost_the_same_whatever_the_number_of_changes(
    client, editor_a, fiches, indicator, changes, django_assert_num_queries
):
    fiche = fiches["own"]
    client.force_login(editor_a)
    _type_values(client, fiche, indicator, SEQUENCE[:changes])
    # session, user, fiche (+ permissions), contributions, review steps, co-leads,
    # indicators, values, previous approved fiche (the fiche_page selector), the fiche's
    # history records, the names of its editors, the value history records (with their
    # authors), the indicators' names
    with django_assert_num_queries(13):
        page = client.get(reverse("fiches:history", args=[fiche.pk]))
    assert len(page.context["value_page"].object_list) == changes
    # The action's history page as before (session, user, the action and its seven
    # relations, its history records with the names they refer to (goals, plan, leads)
    # and six many-to-many histories): the values' changes come as an htmx partial from
    # the indicators side.
    with django_assert_num_queries(21):
        client.get(reverse("actionplan:action-history", args=[fiche.action_id]))
    # session, user, action, value history records, the indicators' names
    with django_assert_num_queries(5):
        partial = client.get(reverse("indicators:value-history", args=[fiche.action_id]))
    assert len(partial.context["page"].object_list) == changes


def test_api_changes_of_values_record_author_and_reason(client, editor_a, fiches, indicator):
    fiche = fiches["own"]
    client.force_login(editor_a)
    response = client.patch(
        f"/api/v1/fiches/{fiche.pk}/",
        {"indicator_values": [{"indicator": indicator.pk, "value": "254"}]},
        content_type="application/json",
        headers={"If-Match": Fiche.objects.get(pk=fiche.pk).etag},
    )
    assert response.status_code == 200, response.content
    record = IndicatorValue.history.get()
    assert (record.value, record.history_user) == (Decimal(254), editor_a)
    assert record.history_change_reason == f"fiche {YEAR} bewaard"


def test_imported_values_record_author_and_reason(coordinator, plan, fiches, indicator):
    header = [
        "Indicator-ID",
        "Jaar",
        "Waarde",
        "Geen gegevens",
        "Reden geen gegevens",
        "Beoordeling",
    ]
    for value in ("250", "214"):
        result = values_import(
            table=Table(header=header, rows=[[str(indicator.pk), str(YEAR), value, "nee", "", ""]]),
            plan=plan,
            user=coordinator,
            filename="metingen.csv",
            dry_run=False,
        )
        assert not result.errors, result.errors
    records = list(IndicatorValue.history.order_by("history_id"))
    assert [(r.value, r.history_user, r.history_change_reason) for r in records] == [
        (Decimal(250), coordinator, "import metingen.csv"),
        (Decimal(214), coordinator, "import metingen.csv"),
    ]
