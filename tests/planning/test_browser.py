"""The change-control cycle in a real Chromium: an editor asks for an adjustment of an
approved action, AJH approves it, and the action's history shows it with its reason."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from actionplan.models import Action
from tests.browser import axe_violations, describe_violations, login
from tests.planning.helpers import baseline

pytestmark = [pytest.mark.browser]

PASSWORD = "secret-pass-123"  # UserFactory's default
REASON = "Uitgesteld: de opleiders zijn pas in 2026 beschikbaar."

NewPage = Callable[[], Page]


@pytest.fixture
def action(live_server: LiveServer, plan, admin_a, editor_a, coordinator) -> Action:
    """An approved action of administration A in the baseline; ``live_server`` first, so
    that the server thread sees these rows."""
    _version, approved = baseline(plan, coordinator, admin_a)
    return approved


@pytest.fixture
def new_page(browser: Browser) -> Iterator[NewPage]:
    contexts = []

    def make() -> Page:
        context = browser.new_context(locale="nl-BE", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def test_editor_requests_a_change_and_coordinator_approves_it(
    live_server: LiveServer, action: Action, new_page: NewPage, console_errors: list[str]
) -> None:
    editor = new_page()
    login(editor, live_server, "editor-a", PASSWORD)
    editor.goto(f"{live_server.url}/acties/{action.pk}/")
    editor.get_by_role("link", name="Wijziging aanvragen").click()
    editor.get_by_label("Soort wijziging").select_option("timing")
    editor.get_by_role("button", name="Kiezen").click()
    editor.get_by_label("Nieuw eindjaar").fill("2028")
    editor.get_by_label("Reden van de wijziging").fill(REASON)
    violations = axe_violations(editor)
    assert not violations, describe_violations(violations)
    editor.get_by_label("Nieuw eindjaar").fill("2028")
    editor.get_by_label("Reden van de wijziging").fill(REASON)
    editor.get_by_role("button", name="Verzoek indienen").click()
    expect(
        editor.get_by_text("Je wijzigingsverzoek is ingediend; AJH beslist erover.")
    ).to_be_visible()

    ajh = new_page()
    login(ajh, live_server, "coord", PASSWORD)
    ajh.get_by_role("link", name="Wijzigingsverzoeken").click()
    ajh.get_by_role("link", name=action.title[:20]).first.click()
    ajh.get_by_label("goedkeuren en toepassen").check()
    ajh.get_by_role("button", name="Beslissing bevestigen").click()
    expect(
        ajh.get_by_text("Het verzoek is goedgekeurd en toegepast als bijsturing.")
    ).to_be_visible()

    editor.goto(f"{live_server.url}/acties/{action.pk}/geschiedenis/")
    expect(editor.get_by_text(REASON).first).to_be_visible()
    action.refresh_from_db()
    assert action.end_year == 2028
    assert console_errors == []
