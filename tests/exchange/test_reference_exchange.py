"""Ministers (one row per holder period) and administrations by spreadsheet, and the rule on
leads in the action import."""

from __future__ import annotations

import datetime as dt

import pytest

from actionplan.columns import ADMINISTRATION_HEADER, MINISTER_HEADER
from actionplan.models import Administration, Minister, PortfolioHolder
from tests.exchange.test_exchange import csv_rows, export, to_csv, upload
from tests.factories import ActionFactory, MinisterFactory

pytestmark = pytest.mark.django_db

JUSTICE = "Vlaams minister van Justitie en Handhaving"


def _history() -> tuple[int, int, int]:
    return (
        Minister.history.count(),
        PortfolioHolder.history.count(),
        Administration.history.count(),
    )


@pytest.mark.parametrize("kind", ["ministers", "administrations"])
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_reference_export_imported_again_changes_nothing(coordinator_client, plan, kind, fmt):
    MinisterFactory(name="Vlaams minister zonder bekleder")
    before = _history()
    content = export(coordinator_client, kind, fmt)
    response = upload(coordinator_client, kind, f"{kind}.{fmt}", content, dry_run=False)
    body = response.json()
    assert (body["created"], body["updated"], body["errors"]) == (0, 0, [])
    assert body["unchanged"] == len(csv_rows(export(coordinator_client, kind, "csv"))) - 1
    assert _history() == before


def test_minister_export_has_one_row_per_holder_period(coordinator_client, plan):
    rows = csv_rows(export(coordinator_client, "ministers", "csv"))
    assert rows[0] == MINISTER_HEADER
    justice = [row for row in rows[1:] if row[0] == JUSTICE]
    assert [(r[4], r[5], r[6], r[7]) for r in justice] == [("Zuhal Demir", "2024-09-30", "", "AJH")]


def test_a_reshuffle_by_spreadsheet_ends_one_period_and_starts_the_next(
    coordinator_client, plan, coordinator
):
    rows = csv_rows(export(coordinator_client, "ministers", "csv"))
    justice = next(row for row in rows[1:] if row[0] == JUSTICE)
    justice[6] = "31/03/2027"
    successor = list(justice)
    successor[4:7] = ["Opvolger", "01/04/2027", ""]
    content = to_csv([rows[0], justice, successor])
    dry = upload(coordinator_client, "ministers", "herschikking.csv", content).json()
    assert (dry["created"], dry["updated"], dry["errors"]) == (1, 1, [])
    assert PortfolioHolder.objects.count() == 1  # the dry run changed nothing
    applied = upload(coordinator_client, "ministers", "herschikking.csv", content, dry_run=False)
    assert applied.json()["status"] == "applied"
    holders = PortfolioHolder.objects.filter(minister__name=JUSTICE)
    assert list(holders.values_list("person_name", "valid_from", "valid_to")) == [
        ("Zuhal Demir", dt.date(2024, 9, 30), dt.date(2027, 3, 31)),
        ("Opvolger", dt.date(2027, 4, 1), None),
    ]
    record = holders.get(person_name="Opvolger").history.get()
    assert (record.history_change_reason, record.history_user) == (
        "import herschikking.csv",
        coordinator,
    )


def test_an_overlapping_holder_in_a_spreadsheet_is_a_row_error(coordinator_client, plan):
    rows = csv_rows(export(coordinator_client, "ministers", "csv"))
    justice = next(row for row in rows[1:] if row[0] == JUSTICE)
    successor = list(justice)
    successor[4:7] = ["Opvolger", "01/04/2027", ""]
    response = upload(
        coordinator_client, "ministers", "m.csv", to_csv([rows[0], justice, successor]), False
    )
    assert response.status_code == 400
    errors = {(e["row"], e["column"]): e["message"] for e in response.json()["errors"]}
    assert errors[(3, "In functie vanaf")].startswith(
        "Deze periode overlapt met die van Zuhal Demir (vanaf 30 sep. 2024)."
    )
    assert PortfolioHolder.objects.count() == 1


def test_minister_import_names_unknown_administrations_and_bad_dates(coordinator_client, plan):
    rows = [
        MINISTER_HEADER,
        ["Vlaams minister van Werk", "Werk", "", "", "Iemand", "morgen", "", "XYZ"],
    ]
    response = upload(coordinator_client, "ministers", "m.csv", to_csv(rows), dry_run=False)
    errors = {(e["row"], e["column"]): e["message"] for e in response.json()["errors"]}
    assert errors == {
        (2, "In functie vanaf"): "Geef een datum als 30/09/2024, niet ‘morgen’.",
        (2, "Administraties"): "Onbekende administratie: XYZ.",
    }
    assert not Minister.objects.filter(name="Vlaams minister van Werk").exists()


def test_administration_import_creates_one_under_a_minister(coordinator_client, plan):
    rows = [
        ADMINISTRATION_HEADER,
        ["AJH", "Agentschap Justitie en Handhaving", "justitie-en-handhaving", JUSTICE],
        ["OV", "Departement Onderwijs en Vorming", "onderwijs", JUSTICE],
    ]
    response = upload(coordinator_client, "administrations", "a.csv", to_csv(rows), False)
    body = response.json()
    assert (body["created"], body["updated"], body["unchanged"]) == (1, 0, 1)
    ov = Administration.objects.get(code="OV")
    assert ov.policy_domain is not None and ov.policy_domain.code == "onderwijs"
    minister = Minister.objects.get(name=JUSTICE)
    assert set(minister.administrations.values_list("code", flat=True)) == {"AJH", "OV"}
    assert minister.history.latest().history_change_reason == "import a.csv"


def test_administration_import_reports_unknown_domain_and_minister(coordinator_client, plan):
    rows = [ADMINISTRATION_HEADER, ["OV", "Onderwijs", "geen-domein", "Niemand"]]
    response = upload(coordinator_client, "administrations", "a.csv", to_csv(rows), False)
    errors = {(e["row"], e["column"]): e["message"] for e in response.json()["errors"]}
    assert errors == {
        (2, "Beleidsdomein"): "Onbekend beleidsdomein: geen-domein.",
        (2, "Ministers"): "Onbekende minister: Niemand.",
    }
    assert not Administration.objects.filter(code="OV").exists()


def test_only_coordinators_import_reference_data(client, editor_a, plan):
    client.force_login(editor_a)
    for kind, header in (
        ("ministers", MINISTER_HEADER),
        ("administrations", ADMINISTRATION_HEADER),
    ):
        assert upload(client, kind, "x.csv", to_csv([header])).status_code == 403


def test_action_import_refuses_the_lead_as_co_lead_on_its_row(coordinator_client, plan):
    action = ActionFactory()
    assert action.lead_minister is not None and action.lead_administration is not None
    rows = csv_rows(export(coordinator_client, "actions", "csv"))
    rows[1][5] = action.lead_minister.name
    rows[1][7] = action.lead_administration.code
    response = upload(coordinator_client, "actions", "a.csv", to_csv(rows), dry_run=False)
    assert response.status_code == 400
    errors = {(e["row"], e["column"]): e["message"] for e in response.json()["errors"]}
    assert errors == {
        (
            2,
            "Meewerkende ministers",
        ): "De trekkende minister kan niet ook meewerkend minister zijn.",
        (2, "Meewerkende administraties"): (
            "De trekkende administratie kan niet ook meewerkende administratie zijn."
        ),
    }
    assert not action.co_lead_ministers.exists()
