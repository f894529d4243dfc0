"""The drafting cycle in a real Chromium: an editor proposes an action, AJH accepts it and
clusters it under a new operational goal; the pages pass axe."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from actionplan.models import Action, ActionStage
from tests.browser import axe_violations, describe_violations, login

pytestmark = [pytest.mark.browser]

PASSWORD = "secret-pass-123"  # UserFactory's default
TITLE = "Vormingspakket over grensoverschrijding voor scholen"


def nav_link(page: Page, name: str):
    return page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role(
        "link", name=name, exact=True
    )


def test_an_editor_proposes_and_ajh_accepts_and_clusters(
    page: Page,
    live_server: LiveServer,
    plan,
    admin_a,
    editor_a,
    coordinator,
    console_errors: list[str],
) -> None:
    # The editor proposes an action for their administration.
    login(page, live_server, "editor-a", PASSWORD)
    nav_link(page, "Ontwerp").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ontwerpplan")
    page.get_by_role("link", name="Actie voorstellen", exact=True).click()
    assert not axe_violations(page), describe_violations(axe_violations(page))
    page.get_by_label("Strategische doelstelling", exact=True).select_option(index=1)
    page.get_by_label("Titel", exact=True).fill(TITLE)
    page.get_by_label("SMART-omschrijving", exact=True).fill(
        "Scholen krijgen lessen en een draaiboek over seksuele grensoverschrijding."
    )
    page.get_by_label("Trekkende administratie", exact=True).select_option(label=admin_a.name)
    page.get_by_label("Startjaar", exact=True).select_option("2026")
    page.get_by_label("Eindjaar", exact=True).select_option("2028")
    page.get_by_label("Geraamd budget (euro)", exact=True).fill("25000")
    page.get_by_role("button", name="Voorstel indienen", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("ingediend")
    expect(page.locator(".state")).to_have_text("voorgesteld")
    expect(page.get_by_role("heading", name="SMART-toets")).to_be_visible()
    page.get_by_role("button", name="Afmelden", exact=True).click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))

    # AJH adds an operational goal, accepts the proposal and clusters it.
    login(page, live_server, "coord", PASSWORD)
    nav_link(page, "Ontwerp").click()
    form = page.locator("form[action$='/ontwerp/doelstellingen/nieuw/']")
    form.get_by_label("Strategische doelstelling", exact=True).select_option(index=1)
    form.get_by_label("Titel", exact=True).fill("Preventie in het onderwijs")
    form.get_by_role("button", name="Toevoegen", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("OD1.1 aangemaakt")
    # The coverage of the draft plan comes in through htmx.
    expect(
        page.get_by_role("heading", name="Dekking van het ontwerpplan: leemtes en overlap")
    ).to_be_visible()
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Aanvaarden", exact=True).click()
    page.get_by_role("button", name="Bevestigen: Aanvaarden", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Voorstel aanvaard")
    expect(page.locator(".state")).to_have_text("aanvaard")
    page.get_by_label("Operationele doelstelling", exact=True).select_option(index=1)
    page.get_by_role("button", name="Clusteren", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Actie 1.1.1 geclusterd onder OD1.1")
    expect(page.get_by_role("heading", level=1)).to_contain_text("1.1.1")
    nav_link(page, "Ontwerp").click()
    assert not axe_violations(page), describe_violations(axe_violations(page))
    assert console_errors == []

    action = Action.objects.get()
    assert (action.stage, action.code) == (ActionStage.ACCEPTED, "1.1.1")
