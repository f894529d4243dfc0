"""Spreadsheet export and import of actions and indicator values."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import pytest
from celery import Celery
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from actionplan.columns import HEADER
from actionplan.demo import demo_load
from actionplan.models import Action, Plan
from exchange import services
from exchange.models import ImportJob
from fiches import services as fiche_services
from fiches.demo import demo_fiches_load
from fiches.models import Fiche
from indicators.models import IndicatorValue
from indicators.services import indicator_save
from tests.factories import ActionFactory

pytestmark = pytest.mark.django_db


def export(client, kind: str, fmt: str, **params) -> bytes:
    response = client.get(f"/api/v1/exports/{kind}.{fmt}", params)
    assert response.status_code == 200, response.content[:300]
    return response.content


def upload(client, kind: str, name: str, content: bytes, dry_run: bool = True):
    return client.post(
        f"/api/v1/imports/{kind}/",
        {"file": SimpleUploadedFile(name, content), "dry_run": "true" if dry_run else "false"},
    )


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def to_csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def to_xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def demo(plan, settings):
    settings.DEBUG = True
    demo_load(actions=25, seed=3)
    demo_fiches_load(seed=3, today=dt.date(2026, 6, 1))


def _snapshot() -> list[tuple]:
    return list(
        Action.objects.values_list(
            "code",
            "title",
            "description",
            "start_year",
            "end_year",
            "lead_minister",
            "lead_administration",
        )
    )


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_action_export_imported_again_changes_nothing(coordinator_client, demo, fmt):
    before, history = _snapshot(), Action.history.count()
    content = export(coordinator_client, "actions", fmt)
    response = upload(coordinator_client, "actions", f"acties.{fmt}", content, dry_run=False)
    assert response.status_code == 200
    assert response.json() | {"job": 0} == {
        "created": 0,
        "updated": 0,
        "unchanged": 25,
        "errors": [],
        "job": 0,
        "status": "checked",
    }
    assert _snapshot() == before
    assert Action.history.count() == history


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_value_export_imported_again_changes_nothing(coordinator_client, demo, fmt):
    before = IndicatorValue.history.count()
    content = export(coordinator_client, "indicator-values", fmt)
    response = upload(coordinator_client, "indicator-values", f"w.{fmt}", content, dry_run=False)
    body = response.json()
    assert (body["created"], body["updated"], body["errors"]) == (0, 0, [])
    assert body["unchanged"] == IndicatorValue.objects.count()
    assert IndicatorValue.history.count() == before


def test_csv_export_has_bom_and_neutralised_formulas(coordinator_client, plan):
    ActionFactory(title='=HYPERLINK("http://x")', description="+31 en @mensen")
    content = export(coordinator_client, "actions", "csv")
    assert content.startswith("\ufeff".encode())
    text = content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'+31 en @mensen" in text
    # ...and importing it gives the original text back: nothing changes.
    response = upload(coordinator_client, "actions", "a.csv", content)
    assert response.json()["unchanged"] == 1


def test_xlsx_export_cells_are_text_not_formulas(coordinator_client, plan):
    ActionFactory(title="=1+1")
    sheet = load_workbook(io.BytesIO(export(coordinator_client, "actions", "xlsx"))).active
    assert sheet["B2"].value == "'=1+1"
    assert sheet["B2"].data_type == "s"


def test_export_uses_the_filters_of_the_list(coordinator_client, plan, admin_a, admin_b):
    ActionFactory(lead_administration=admin_a, title="Van A")
    ActionFactory(lead_administration=admin_b, title="Van B")
    rows = csv_rows(export(coordinator_client, "actions", "csv", administration=admin_a.pk))
    assert [r[1] for r in rows[1:]] == ["Van A"]


def test_dry_run_then_confirm_changes_title_and_adds_row_with_history(
    coordinator_client, demo, coordinator
):
    rows = csv_rows(export(coordinator_client, "actions", "csv"))
    rows[1][1] = "Titel uit Excel"
    new = list(rows[2])
    new[0], new[1] = "1.1.90", "Nieuwe actie uit Excel"
    rows.append(new)
    content = to_csv(rows)
    dry = upload(coordinator_client, "actions", "goedkeuring.csv", content).json()
    assert (dry["created"], dry["updated"], dry["unchanged"]) == (1, 1, 24)
    assert Action.objects.filter(title="Titel uit Excel").count() == 0
    applied = upload(coordinator_client, "actions", "goedkeuring.csv", content, dry_run=False)
    assert applied.json()["status"] == "applied"
    changed = Action.objects.get(code=rows[1][0])
    assert changed.title == "Titel uit Excel"
    record = changed.history.latest()
    assert record.history_change_reason == "import goedkeuring.csv"
    assert record.history_user == coordinator
    created = Action.objects.get(code="1.1.90")
    assert created.history.get().history_change_reason == "import goedkeuring.csv"


def test_every_row_error_is_reported_with_row_column_and_dutch_message(coordinator_client, demo):
    rows = csv_rows(export(coordinator_client, "actions", "csv"))
    rows[1][4] = "Minister die niet bestaat"
    rows[2][6] = "XYZ"
    rows[3][9] = "2031"
    rows[4][1] = ""
    rows[5][0] = rows[6][0]
    response = upload(coordinator_client, "actions", "fout.csv", to_csv(rows), dry_run=False)
    assert response.status_code == 400
    errors = {(e["row"], e["column"]): e["message"] for e in response.json()["errors"]}
    assert errors[(2, "Trekkende minister")] == "Onbekende minister: Minister die niet bestaat."
    assert errors[(3, "Trekkende administratie")] == "Onbekende administratie: XYZ."
    assert "ligt buiten de looptijd van het plan" in errors[(4, "Startjaar")]
    assert errors[(5, "Titel")] == "Verplichte waarde ontbreekt."
    assert errors[(7, "Code")] == "Deze code staat al op rij 6."


def test_after_the_baseline_an_import_corrects_but_does_not_adjust(coordinator_client, demo):
    Plan.objects.filter(is_demo=True).update(baseline_approved_on=dt.date(2026, 3, 1))
    rows = csv_rows(export(coordinator_client, "actions", "csv"))
    header = rows[0]
    partners, end_year = header.index("Partners"), header.index("Eindjaar")
    rows[1][partners] = "Steunpunt (demo), gecorrigeerd"  # a correction: allowed
    rows[2][end_year] = "2029" if rows[2][end_year] != "2029" else "2028"  # an adjustment
    new = list(rows[3])
    new[0] = "1.1.90"
    rows.append(new)
    response = upload(coordinator_client, "actions", "na-basis.csv", to_csv(rows), dry_run=False)
    assert response.status_code == 400
    errors = {(e["row"], e["column"]): e["message"] for e in response.json()["errors"]}
    assert set(errors) == {(3, "Eindjaar"), (len(rows), "Code")}
    assert "dit is een bijsturing" in errors[(3, "Eindjaar")]
    assert "via een voorstel (Ontwerp) en een wijzigingsverzoek" in errors[(len(rows), "Code")]
    assert not Action.objects.filter(code="1.1.90").exists()
    del rows[-1]
    rows[2] = csv_rows(export(coordinator_client, "actions", "csv"))[2]
    applied = upload(coordinator_client, "actions", "correctie.csv", to_csv(rows), dry_run=False)
    assert applied.json()["status"] == "applied"
    assert Action.objects.get(code=rows[1][0]).partners == "Steunpunt (demo), gecorrigeerd"


def test_a_failed_import_applies_nothing(coordinator_client, demo):
    before = _snapshot()
    rows = csv_rows(export(coordinator_client, "actions", "csv"))
    for row in rows[1:]:
        row[1] = row[1] + " (gewijzigd)"
    rows[-1][9] = "1999"  # one bad row at the very end
    response = upload(coordinator_client, "actions", "half.csv", to_csv(rows), dry_run=False)
    assert response.status_code == 400
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("acties.pdf", b"%PDF-1.7 ...", "Dit bestandstype wordt niet ondersteund"),
        ("acties.xlsx", b"PK\x03\x04 kapot", "beschadigd"),
        (
            "acties.xlsx",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
            "beveiligd met een wachtwoord",
        ),
        ("acties.csv", b"", "Het bestand is leeg."),
        ("acties.csv", b"Code;Titel\n1.1.1;x\n", "Deze kolommen ontbreken: Omschrijving"),
    ],
)
def test_bad_files_get_a_clear_message_and_change_nothing(
    coordinator_client, demo, name, content, message
):
    before = _snapshot()
    response = upload(coordinator_client, "actions", name, content, dry_run=False)
    assert response.status_code == 400
    assert message in str(response.json())
    assert _snapshot() == before


def test_a_file_over_the_size_limit_is_refused(coordinator_client, plan, settings, monkeypatch):
    from exchange import services, spreadsheets

    monkeypatch.setattr(spreadsheets, "MAX_UPLOAD_BYTES", 1000)
    monkeypatch.setattr(services, "MAX_UPLOAD_BYTES", 1000)
    response = upload(coordinator_client, "actions", "groot.csv", b"x" * 5000)
    assert response.status_code == 400
    assert "te groot" in str(response.json())
    assert not ImportJob.objects.exists()


def test_only_coordinators_import_actions(client, editor_a, reader, plan):
    for user in (editor_a, reader):
        client.force_login(user)
        response = upload(client, "actions", "a.csv", to_csv([HEADER]))
        assert response.status_code == 403
    assert not ImportJob.objects.exists()


def _value_file(rows: list[list[object]]) -> bytes:
    header: list[object] = [
        "Actie",
        "Indicator-ID",
        "Indicator",
        "Eenheid",
        "Jaar",
        "Waarde",
        "Geen gegevens",
        "Reden geen gegevens",
        "Beoordeling",
    ]
    return to_xlsx([header, *rows])


@pytest.fixture
def value_setup(plan, coordinator, admin_a, admin_b):
    own = ActionFactory(lead_administration=admin_a)
    other = ActionFactory(lead_administration=admin_b)
    fiche_services.round_open(
        plan=plan, year=2026, deadline=dt.date(2026, 12, 31), user=coordinator
    )
    return {
        "own": indicator_save(
            action=own,
            user=coordinator,
            data={"name": "Bereik", "kind": "quantitative", "unit": "aantal"},
        ),
        "other": indicator_save(
            action=other,
            user=coordinator,
            data={"name": "Meldingen", "kind": "quantitative", "unit": "aantal"},
        ),
    }


def test_editor_imports_values_of_own_actions_only(client, editor_a, value_setup):
    client.force_login(editor_a)
    own, other = value_setup["own"], value_setup["other"]
    content = _value_file(
        [
            [own.action.code, own.pk, own.name, "aantal", 2026, "1.250,5", "nee", "", ""],
            [other.action.code, other.pk, other.name, "aantal", 2026, 10, "nee", "", ""],
        ]
    )
    response = upload(client, "indicator-values", "w.xlsx", content, dry_run=False)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors == [
        {
            "row": 3,
            "column": "Indicator-ID",
            "message": f"Je mag de waarden van actie {other.action.code} niet wijzigen.",
        }
    ]
    assert not IndicatorValue.objects.exists()  # nothing half applied
    content = _value_file(
        [[own.action.code, own.pk, own.name, "aantal", 2026, "1.250,5", "nee", "", ""]]
    )
    response = upload(client, "indicator-values", "w.xlsx", content, dry_run=False)
    assert response.json()["created"] == 1
    value = IndicatorValue.objects.get()
    assert str(value.value) == "1250.50"
    assert value.history.get().history_change_reason == "import w.xlsx"


def test_editor_cannot_import_values_into_a_submitted_fiche(client, editor_a, value_setup):
    own = value_setup["own"]
    fiche = Fiche.objects.get(action=own.action)
    fiche = fiche_services.fiche_save(
        fiche=fiche,
        user=editor_a,
        expected_version=fiche.version,
        data={"status_update": "x", "progress_status": "on_track"},
        values=[fiche_services.IndicatorValueInput(indicator_id=own.pk, value=Decimal(5))],
    )
    fiche_services.fiche_submit(fiche=fiche, user=editor_a)
    client.force_login(editor_a)
    content = _value_file([[own.action.code, own.pk, own.name, "aantal", 2026, 7, "nee", "", ""]])
    response = upload(client, "indicator-values", "w.xlsx", content, dry_run=False)
    assert "niet (meer) te bewerken" in response.json()["errors"][0]["message"]
    assert IndicatorValue.objects.get().value == 5


def test_value_import_refuses_text_and_unexplained_no_data(coordinator_client, value_setup):
    own = value_setup["own"]
    content = _value_file(
        [
            [own.action.code, own.pk, own.name, "aantal", 2026, "ongeveer 40", "nee", "", ""],
            [own.action.code, own.pk, own.name, "aantal", 2027, "", "ja", "", ""],
        ]
    )
    errors = upload(coordinator_client, "indicator-values", "w.xlsx", content).json()["errors"]
    assert errors[0] == {
        "row": 2,
        "column": "Waarde",
        "message": "Geef een getal, bv. 1.234,5.",
    }
    assert errors[1]["message"] == "Leg uit waarom er geen gegevens zijn."


def test_value_import_refuses_text_that_looks_like_personal_data(coordinator_client, value_setup):
    own = value_setup["own"]
    reason = "Navragen bij jan.peeters@example.org"
    content = _value_file(
        [[own.action.code, own.pk, own.name, "aantal", 2026, "", "ja", reason, ""]]
    )
    response = upload(coordinator_client, "indicator-values", "w.xlsx", content, dry_run=False)
    errors = response.json()["errors"]
    assert [(e["row"], e["column"]) for e in errors] == [(2, "Reden geen gegevens")]
    assert "lijkt een e-mailadres te bevatten" in errors[0]["message"]
    assert not IndicatorValue.objects.exists()


def test_value_import_refuses_an_over_long_assessment(coordinator_client, value_setup):
    own = value_setup["own"]
    row = [own.action.code, own.pk, own.name, "aantal", 2026, 5, "nee", "", "x" * 2001]
    response = upload(
        coordinator_client, "indicator-values", "w.xlsx", _value_file([row]), dry_run=False
    )
    assert response.json()["errors"] == [
        {"row": 2, "column": "Beoordeling", "message": "Maximaal 2.000 tekens (nu 2.001)."}
    ]
    assert not IndicatorValue.objects.exists()


def test_browser_import_pages(coordinator_client, demo):
    rows = csv_rows(export(coordinator_client, "actions", "csv"))
    rows[1][1] = "Via de pagina"
    response = coordinator_client.post(
        "/import/actions/", {"file": SimpleUploadedFile("pagina.csv", to_csv(rows))}
    )
    assert response.status_code == 302
    page = coordinator_client.get(response["Location"])
    assert "Bevestigen en toepassen" in page.text
    assert "Titel" in page.text  # the changed field is named
    confirm = coordinator_client.post(response["Location"] + "bevestigen/", follow=True)
    assert "De import is toegepast." in confirm.text
    assert Action.objects.filter(title="Via de pagina").exists()


def test_import_page_shows_errors_and_offers_no_confirm(coordinator_client, demo):
    response = coordinator_client.post(
        "/import/actions/",
        {
            "file": SimpleUploadedFile(
                "fout.csv",
                to_csv(
                    [
                        HEADER,
                        [
                            "9.9.9",
                            "x",
                            "",
                            "",
                            "",
                            "",
                            "",
                            "",
                            "",
                            "2026",
                            "1",
                            "2026",
                            "4",
                            "",
                            "",
                            "",
                            "",
                        ],
                    ]
                ),
            )
        },
        follow=True,
    )
    assert "Operationele doelstelling 9.9 bestaat niet in dit plan." in response.text
    assert "Bevestigen en toepassen" not in response.text


def test_template_download(coordinator_client, plan):
    response = coordinator_client.get("/import/actions/sjabloon.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == HEADER


@contextmanager
def own_import_queue(app: Celery) -> Iterator[str]:
    """A queue of its own for import jobs, as the report workers have: the worker takes this
    test's job and nothing else, whichever queue an earlier worker in this process selected.
    ``conf.update`` (not item assignment) makes Celery rebuild its router."""
    queue = f"test-imports-{uuid.uuid4().hex[:12]}"
    previous_routes = app.conf.task_routes
    previous_selection = app.amqp.queues._consume_from
    app.conf.update(task_routes={services.RUN_IMPORT_TASK: {"queue": queue}})
    try:
        yield queue
    finally:
        app.conf.update(task_routes=previous_routes)
        app.amqp.queues._consume_from = previous_selection


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_large_file_is_checked_and_applied_by_the_worker(client, plan, coordinator, monkeypatch):
    from celery.contrib.testing.worker import start_worker

    from actionplan.celery import app

    client.force_login(coordinator)
    monkeypatch.setattr(services, "INLINE_MAX_BYTES", 10)
    ActionFactory(title="Oud")
    rows = csv_rows(export(client, "actions", "csv"))
    rows[1][1] = "Nieuw via de worker"
    with (
        own_import_queue(app) as queue,
        start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=[queue]
        ),
    ):
        response = upload(client, "actions", "groot.csv", to_csv(rows), dry_run=False)
        assert response.status_code == 202
        job_url = response["Location"]
        import time

        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            job = client.get(job_url).json()
            if job["status"] in ("applied", "failed"):
                break
            time.sleep(0.3)
    assert job["status"] == "applied", job
    assert job["result"]["updated"] == 1
    assert Action.objects.get().title == "Nieuw via de worker"


@pytest.mark.parametrize("size", [10, 60])
def test_action_export_query_count_is_fixed(
    coordinator_client, plan, size, django_assert_num_queries
):
    demo_load(actions=size, seed=4)
    # session, user, plan, actions (with goal, plan and leads), and 6 tag lists
    with django_assert_num_queries(10):
        rows = csv_rows(export(coordinator_client, "actions", "csv"))
    assert len(rows) == size + 1


def test_value_import_reads_a_dot_before_three_digits_as_thousands(coordinator_client, value_setup):
    own = value_setup["own"]
    content = _value_file(
        [
            [own.action.code, own.pk, own.name, "aantal", 2026, "1.234", "nee", "", ""],
            [own.action.code, own.pk, own.name, "aantal", 2027, 12.5, "nee", "", ""],
        ]
    )
    response = upload(coordinator_client, "indicator-values", "w.xlsx", content, dry_run=False)
    assert response.json()["errors"] == []
    values = dict(IndicatorValue.objects.values_list("year", "value"))
    assert values == {2026: Decimal(1234), 2027: Decimal("12.5")}


def test_value_import_refuses_a_value_out_of_bounds(coordinator_client, value_setup, coordinator):
    own = value_setup["own"]
    indicator_save(action=own.action, user=coordinator, indicator=own, data={"value_kind": "count"})
    content = _value_file(
        [[own.action.code, own.pk, own.name, "aantal", 2026, "2,5", "nee", "", ""]]
    )
    response = upload(coordinator_client, "indicator-values", "w.xlsx", content, dry_run=False)
    assert response.json()["errors"] == [
        {"row": 2, "column": "Waarde", "message": "Een aantal is een geheel getal vanaf 0."}
    ]
    assert not IndicatorValue.objects.exists()
