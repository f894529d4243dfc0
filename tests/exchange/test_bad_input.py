"""The dry run promises what the apply does: every refusal the apply can give is listed by
the dry run, by row and column, and the apply of a refused file changes nothing.

An indicator-values file with 1e308 or 99999999999999 once passed the dry run ("updated: 1")
and then failed on apply with a 400 without row or column.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pytest

from actionplan.columns import HEADER as ACTION_HEADER
from actionplan.models import Action, OperationalGoal
from fiches import services as fiche_services
from indicators.columns import HEADER as VALUE_HEADER
from indicators.models import IndicatorValue
from indicators.services import indicator_save
from tests.exchange.test_exchange import to_csv, to_xlsx, upload
from tests.factories import ActionFactory, OperationalGoalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def indicator(plan, coordinator, admin_a):
    action = ActionFactory(lead_administration=admin_a)
    fiche_services.round_open(
        plan=plan, year=2026, deadline=dt.date(2026, 12, 31), user=coordinator
    )
    return indicator_save(
        action=action,
        user=coordinator,
        data={"name": "Bereik", "kind": "quantitative", "unit": "aantal"},
    )


def xlsx(*rows: Sequence[object]) -> bytes:
    return to_xlsx([list(row) for row in rows])


def value_row(indicator, value: object = 12, **cells: object) -> list[object]:
    row = {
        "Actie": indicator.action.code,
        "Indicator-ID": indicator.pk,
        "Indicator": indicator.name,
        "Eenheid": indicator.unit,
        "Jaar": 2026,
        "Waarde": value,
        "Geen gegevens": "nee",
        "Reden geen gegevens": "",
        "Beoordeling": "",
        **cells,
    }
    return [row[name] for name in VALUE_HEADER]


@pytest.fixture
def goal(plan) -> OperationalGoal:
    return OperationalGoalFactory()


def action_file(goal: OperationalGoal, **cells: str) -> bytes:
    """A CSV with one new action under ``goal``: a spreadsheet cell cannot even hold a
    control character."""
    row = dict.fromkeys(ACTION_HEADER, "")
    row |= {"Code": f"{goal.code}.90", "Titel": "Nieuwe actie"}
    row |= {"Startjaar": "2026", "Eindjaar": "2027", **cells}
    return to_csv([ACTION_HEADER, [row[name] for name in ACTION_HEADER]])


def values_snapshot() -> list[tuple]:
    return list(IndicatorValue.objects.values_list("indicator_id", "year", "value", "no_data"))


def errors_of(response) -> list[tuple[int, str, str]]:
    return [(e["row"], e["column"], e["message"]) for e in response.json()["errors"]]


TOO_MANY_DIGITS = "Zorg dat er niet meer dan 12 cijfers voor de komma staan."


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (1e308, "Zorg dat er niet meer dan 14 cijfers zijn."),  # a number cell in Excel
        (99999999999999, TOO_MANY_DIGITS),
        ("99999999999999", TOO_MANY_DIGITS),
        ("99.999.999.999.999", TOO_MANY_DIGITS),
    ],
)
def test_dry_run_lists_a_number_the_apply_cannot_store(
    coordinator_client, indicator, cell, message
):
    content = xlsx(VALUE_HEADER, value_row(indicator, cell))
    dry = upload(coordinator_client, "indicator-values", "w.xlsx", content)
    assert dry.status_code == 400
    assert errors_of(dry) == [(2, "Waarde", message)]
    assert dry.json()["created"] == 0
    applied = upload(coordinator_client, "indicator-values", "w.xlsx", content, dry_run=False)
    assert applied.status_code == 400
    assert errors_of(applied) == errors_of(dry)
    assert not IndicatorValue.objects.exists()


def test_dry_run_lists_the_number_in_a_csv_too(coordinator_client, indicator):
    rows = [VALUE_HEADER, [str(c) for c in value_row(indicator, "99999999999999")]]
    dry = upload(coordinator_client, "indicator-values", "w.csv", to_csv(rows))
    assert errors_of(dry) == [(2, "Waarde", TOO_MANY_DIGITS)]
    assert not IndicatorValue.objects.exists()


def test_a_good_row_next_to_a_bad_one_is_not_applied(coordinator_client, indicator, coordinator):
    other = indicator_save(
        action=indicator.action,
        user=coordinator,
        data={"name": "Deelnemers", "kind": "quantitative", "unit": "aantal"},
    )
    content = xlsx(VALUE_HEADER, value_row(other, 5), value_row(indicator, "99999999999999"))
    applied = upload(coordinator_client, "indicator-values", "w.xlsx", content, dry_run=False)
    assert errors_of(applied) == [(3, "Waarde", TOO_MANY_DIGITS)]
    assert not IndicatorValue.objects.exists()


BAD_VALUE_ROWS: dict[str, dict[str, Any]] = {
    "too many digits": {"Waarde": "99999999999999"},
    "float overflow": {"Waarde": 1e308},
    "hidden character": {"Geen gegevens": "ja", "Waarde": "", "Reden geen gegevens": "Geen\u202e"},
    "line break in a one-line text": {
        "Geen gegevens": "ja",
        "Waarde": "",
        "Reden geen gegevens": "Nog\nniet",
    },
    "too long reason": {"Geen gegevens": "ja", "Waarde": "", "Reden geen gegevens": "x" * 501},
    "value and no data": {"Geen gegevens": "ja", "Reden geen gegevens": "Geen meting"},
    "no data without reason": {"Geen gegevens": "ja", "Waarde": ""},
    "text as a number": {"Waarde": "veel"},
    "year outside the plan": {"Jaar": 2031},
}


@pytest.mark.parametrize("case", BAD_VALUE_ROWS)
def test_dry_run_and_apply_report_the_same_errors(coordinator_client, indicator, case):
    cells = dict(BAD_VALUE_ROWS[case])
    value = cells.pop("Waarde", 12)
    content = xlsx(VALUE_HEADER, value_row(indicator, value, **cells))
    before = values_snapshot()
    dry = upload(coordinator_client, "indicator-values", "w.xlsx", content)
    applied = upload(coordinator_client, "indicator-values", "w.xlsx", content, dry_run=False)
    assert dry.status_code == applied.status_code == 400
    assert errors_of(dry), case
    assert all(row == 2 and column for row, column, _message in errors_of(dry))
    assert errors_of(applied) == errors_of(dry)
    assert values_snapshot() == before


def test_a_hidden_character_in_an_import_is_named_by_row_and_column(coordinator_client, indicator):
    row = value_row(indicator, "", **{"Geen gegevens": "ja", "Reden geen gegevens": "Geen\u200b"})
    dry = upload(coordinator_client, "indicator-values", "w.xlsx", xlsx(VALUE_HEADER, row))
    assert errors_of(dry) == [
        (
            2,
            "Reden geen gegevens",
            "Bevat een onzichtbaar teken of stuurteken (U+200B) op positie 5; verwijder het.",
        )
    ]


def test_a_byte_order_mark_at_the_start_of_a_cell_is_dropped(coordinator_client, indicator):
    row = [str(c) for c in value_row(indicator, "\ufeff12")]
    applied = upload(
        coordinator_client,
        "indicator-values",
        "w.csv",
        to_csv([VALUE_HEADER, row]),
        dry_run=False,
    )
    assert applied.status_code == 200, applied.json()
    assert IndicatorValue.objects.get().value == 12


# --- Actions -----------------------------------------------------------------------------


BAD_ACTION_ROWS = {
    "title too long": ({"Titel": "x" * 501}, "Titel"),
    "title with a line break": ({"Titel": "Een\ntitel"}, "Titel"),
    "description with an override": ({"Omschrijving": "Tekst\u202e"}, "Omschrijving"),
    "partners with a control character": ({"Partners": "A\x07B"}, "Partners"),
}


@pytest.mark.parametrize("case", BAD_ACTION_ROWS)
def test_action_import_lists_the_model_refusals_in_the_dry_run(coordinator_client, goal, case):
    cells, column = BAD_ACTION_ROWS[case]
    content = action_file(goal, **cells)
    dry = upload(coordinator_client, "actions", "a.csv", content)
    applied = upload(coordinator_client, "actions", "a.csv", content, dry_run=False)
    assert dry.status_code == applied.status_code == 400
    assert [(row, col) for row, col, _m in errors_of(dry)] == [(2, column)]
    assert errors_of(applied) == errors_of(dry)
    assert not Action.objects.filter(code=f"{goal.code}.90").exists()


def test_a_changed_action_is_checked_in_the_dry_run_as_the_service_checks_it(
    coordinator_client, goal
):
    created = upload(coordinator_client, "actions", "a.csv", action_file(goal), dry_run=False)
    assert created.status_code == 200, created.json()
    action = Action.objects.get(code=f"{goal.code}.90")
    content = action_file(goal, Omschrijving="Nieuw\u2066")
    dry = upload(coordinator_client, "actions", "a.csv", content)
    assert [(row, col) for row, col, _m in errors_of(dry)] == [(2, "Omschrijving")]
    assert dry.json()["updated"] == 0
    applied = upload(coordinator_client, "actions", "a.csv", content, dry_run=False)
    assert errors_of(applied) == errors_of(dry)
    action.refresh_from_db()
    assert action.description == ""
