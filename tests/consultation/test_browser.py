"""AJH records a meeting with a follow-up item, the owner administration's editor updates
it, in a real Chromium; axe finds no serious or critical violations."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from consultation.models import FollowUp, FollowUpState
from tests.browser import axe_violations, describe_violations, login

pytestmark = [pytest.mark.browser]

PASSWORD = "secret-pass-123"  # UserFactory's default


def test_coordinator_records_meeting_and_editor_updates_follow_up(
    live_server: LiveServer, browser: Browser, plan, admin_a, coordinator, editor_a
) -> None:
    context = browser.new_context(locale="nl-BE", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    login(page, live_server, "coord", PASSWORD)
    page.goto(f"{live_server.url}/overleg/nieuw/")
    page.get_by_label("Datum").fill("2026-06-10")
    page.get_by_label("Onderwerp").fill("Bilateraal overleg Onderwijs")
    page.get_by_label("Status").select_option("held")
    page.get_by_label("Departement Onderwijs en Vorming").check()
    page.get_by_label("Beslissingen").fill("Vorming uitbreiden.")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", name="Bilateraal overleg Onderwijs")).to_be_visible()
    page.get_by_role("link", name="Opvolgpunt toevoegen").click()
    page.get_by_label("Omschrijving").fill("Cijfers bezorgen")
    page.get_by_label("Verantwoordelijke administratie").select_option(label=admin_a.name)
    page.get_by_label("Uiterlijk tegen").fill("2026-06-01")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("te laat")).to_be_visible()
    assert describe_violations(axe_violations(page)) == ""
    context.close()

    context = browser.new_context(locale="nl-BE", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    login(page, live_server, "editor-a", PASSWORD)
    page.get_by_role("link", name="Overleg", exact=True).click()
    page.get_by_role("link", name="Bilateraal overleg Onderwijs").click()
    page.get_by_role("link", name="Bijwerken").click()
    page.get_by_label("Status").select_option("done")
    page.get_by_label("Toelichting").fill("Bezorgd.")
    assert describe_violations(axe_violations(page)) == ""
    page.get_by_label("Status").select_option("done")
    page.get_by_label("Toelichting").fill("Bezorgd.")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Het opvolgpunt is bijgewerkt.")).to_be_visible()
    assert FollowUp.objects.get().state == FollowUpState.DONE
    context.close()
