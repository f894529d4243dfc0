"""In a real Chromium: a draft value is not on the dashboard, is on the indicator page
labelled "niet goedgekeurd", and counts once AJH approves its fiche (issue 11, point 1)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from actionplan.models import Administration, Plan, User
from fiches.models import Fiche
from fiches.services import fiche_submit
from tests.browser import login
from tests.evaluations.test_approved_figures import Figures, make_figures

pytestmark = [pytest.mark.browser]

PASSWORD = "secret-pass-123"  # UserFactory's default


@pytest.fixture
def figures(
    live_server: LiveServer, plan: Plan, coordinator: User, admin_a: Administration
) -> Figures:
    """``live_server`` first: it makes the database fixtures transactional."""
    return make_figures(plan, coordinator, admin_a)


def _trend_card(page: Page, live_server: LiveServer):
    page.goto(f"{live_server.url}/dashboard/indicatoren/?year=2026")
    return page.locator("article.trend-card").filter(has_text="Opgeleide hulpverleners")


def test_a_draft_value_shows_on_the_dashboard_only_after_approval(
    page: Page, live_server: LiveServer, figures: Figures, coordinator: User
) -> None:
    fiche_submit(fiche=figures.fiche, user=coordinator)
    login(page, live_server, "coord", PASSWORD)

    card = _trend_card(page, live_server)
    expect(card).to_contain_text("50,0 % van het doel bereikt")
    expect(card).not_to_contain_text("999")

    # The action's indicator page shows the value, marked as not counting.
    page.goto(f"{live_server.url}/acties/{figures.action.pk}/indicatoren/")
    row = page.get_by_role("row").filter(has_text="2026").filter(has_text="999")
    expect(row).to_contain_text("niet goedgekeurd")

    # AJH approves the fiche; the dashboard now counts the value.
    page.goto(f"{live_server.url}/fiches/{figures.fiche.pk}/")
    page.get_by_role("button", name="Goedkeuren", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("De fiche is goedgekeurd.")
    assert Fiche.objects.get(pk=figures.fiche.pk).state == "approved"

    card = _trend_card(page, live_server)
    expect(card).to_contain_text("899,0 % van het doel bereikt")
    expect(card.get_by_role("row").filter(has_text=re.compile(r"^\s*2026"))).to_contain_text("999")
