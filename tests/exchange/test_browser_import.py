"""The spreadsheet round trip in a real Chromium: export, change, upload, dry run, confirm."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from actionplan.demo import demo_load
from actionplan.models import Action, Role
from actionplan.services import plan_load
from tests.browser import axe_violations, describe_violations, login
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser]


def test_coordinator_exports_changes_and_imports_the_action_list(
    page: Page, live_server: LiveServer, transactional_db: None, plan_data: dict, tmp_path
) -> None:
    plan_load(data=plan_data)
    demo_load(actions=10, seed=2)
    UserFactory(username="coord", role=Role.COORDINATOR, is_staff=True)
    login(page, live_server, "coord", "secret-pass-123")

    # Export from the overview, as a user would.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV export van de acties").click()
    exported = tmp_path / "acties.csv"
    download_info.value.save_as(exported)
    rows = list(csv.reader(io.StringIO(exported.read_text("utf-8-sig")), delimiter=";"))
    first_code = rows[1][0]
    rows[1][1] = "Titel aangepast in Excel"
    new = list(rows[2])
    new[0], new[1] = "1.1.77", "Actie toegevoegd in Excel"
    rows.append(new)
    changed = tmp_path / "goedgekeurd.csv"
    with changed.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)

    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Acties importeren").click()
    page.get_by_label("Bestand (.xlsx of .csv)").set_input_files(str(changed))
    page.get_by_role("button", name="Controleren").click()

    # The dry run: one new, one changed, nothing written yet.
    expect(page.locator(".kpis")).to_contain_text("1 nieuw")
    expect(page.locator(".kpis")).to_contain_text("1 gewijzigd")
    assert not Action.objects.filter(title="Titel aangepast in Excel").exists()
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)

    page.get_by_role("button", name="Bevestigen en toepassen").click()
    expect(page.locator(".messages")).to_contain_text("De import is toegepast.")
    action = Action.objects.get(code=first_code)
    assert action.title == "Titel aangepast in Excel"
    assert Action.objects.filter(code="1.1.77", title="Actie toegevoegd in Excel").exists()

    # The change is in the action's history, with the file as reason.
    page.goto(live_server.url + f"/acties/{action.pk}/geschiedenis/")
    expect(page.locator(".timeline")).to_contain_text("import goedgekeurd.csv")
    expect(page.locator(".timeline")).to_contain_text("Titel aangepast in Excel")
