"""The fiche workflow in a real Chromium: fill in, submit, return, fix, approve; two editors
saving the same fiche; accessibility of the form and the review queue."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from actionplan.models import Role
from fiches.models import Fiche, FicheState, ReviewEvent
from fiches.services import IndicatorValueInput, fiche_save, fiche_submit
from indicators.models import IndicatorValue
from indicators.services import indicator_save
from tests.browser import axe_violations, describe_violations, login
from tests.factories import ActionFactory, ReportingRoundFactory, UserFactory

pytestmark = [pytest.mark.browser]

PASSWORD = "secret-pass-123"  # UserFactory's default
YEAR = 2026
ACTION_TITLE = "Vormingsaanbod voor leerkrachten"
INDICATOR_NAME = "Aantal opgeleide leerkrachten"

NewPage = Callable[[], Page]


@pytest.fixture
def fiche(
    live_server: LiveServer,
    plan,
    admin_a,
    editor_a,
    coordinator,
) -> Fiche:
    """The 2026 fiche of an action led by administration A, with one quantitative indicator.

    ``live_server`` first: it makes the database fixtures transactional, so the server
    thread sees these rows.
    """
    action = ActionFactory(lead_administration=admin_a, title=ACTION_TITLE)
    indicator_save(
        action=action,
        user=coordinator,
        data={
            "name": INDICATOR_NAME,
            "kind": "quantitative",
            "unit": "aantal",
            "baseline_value": Decimal(0),
            "baseline_year": 2025,
            "target_value": Decimal(400),
            "target_year": 2029,
            "direction": "up",
        },
    )
    ReportingRoundFactory(year=YEAR)
    return Fiche.objects.get(action=action, year=YEAR)


@pytest.fixture
def new_page(browser: Browser) -> Iterator[NewPage]:
    """Pages in contexts of their own: one per person, as on two computers."""
    contexts = []

    def make() -> Page:
        context = browser.new_context(locale="nl-BE", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def link_text(fiche: Fiche) -> str:
    return f"{fiche.action.code} {fiche.action.title}"


def nav_link(page: Page, name: str):
    return page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role(
        "link", name=name, exact=True
    )


def logout(page: Page) -> None:
    page.get_by_role("button", name="Afmelden", exact=True).click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def open_from_my_fiches(page: Page, fiche: Fiche) -> None:
    nav_link(page, "Fiches").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn fiches")
    page.get_by_role("link", name=link_text(fiche), exact=True).click()
    expect(page).to_have_url(re.compile(rf"/fiches/{fiche.pk}/$"))


def open_from_review_queue(page: Page, fiche: Fiche) -> None:
    nav_link(page, "Te beoordelen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Te beoordelen")
    page.get_by_role("link", name=link_text(fiche), exact=True).click()
    expect(page).to_have_url(re.compile(rf"/fiches/{fiche.pk}/$"))


def expect_message(page: Page, text: str) -> None:
    expect(page.locator(".messages")).to_contain_text(text)


def state_badge(page: Page):
    return page.locator(".fiche-status .state")


def test_fiche_goes_from_editor_to_coordinator_and_back_until_approved(
    page: Page, live_server: LiveServer, fiche: Fiche, console_errors: list[str]
) -> None:
    reason = "Vul ook het aantal scholen in dat deelnam."
    first_text = "De vorming liep in drie provincies."
    fixed_text = "De vorming liep in drie provincies, met 42 deelnemende scholen."

    # The editor fills in the fiche and submits it.
    login(page, live_server, "editor-a", PASSWORD)
    open_from_my_fiches(page, fiche)
    expect(state_badge(page)).to_have_text("ontwerp")
    page.get_by_label("Stand van zaken", exact=True).fill(first_text)
    page.get_by_label("Voortgang", exact=True).select_option(label="op schema")
    page.get_by_label("Waarde (aantal)", exact=True).fill("120")
    page.get_by_role("button", name="Bewaren en indienen", exact=True).click()
    expect_message(page, "De fiche is ingediend. AJH beoordeelt ze.")
    expect(state_badge(page)).to_have_text("ingediend")
    logout(page)

    # The coordinator returns it with a reason.
    login(page, live_server, "coord", PASSWORD)
    open_from_review_queue(page, fiche)
    expect(page.locator(".facts")).to_contain_text(first_text)
    page.get_by_label("Reden om terug te sturen", exact=True).fill(reason)
    page.get_by_role("button", name="Terugsturen", exact=True).click()
    expect_message(page, "De fiche is teruggestuurd naar de administratie.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Te beoordelen")
    logout(page)

    # The editor reads the reason, fixes the text and submits again.
    login(page, live_server, "editor-a", PASSWORD)
    open_from_my_fiches(page, fiche)
    callout = page.get_by_role("alert").filter(has_text="Teruggestuurd door AJH")
    expect(callout).to_contain_text(reason)
    expect(state_badge(page)).to_have_text("teruggestuurd")
    status_update = page.get_by_label("Stand van zaken", exact=True)
    expect(status_update).to_have_value(first_text)
    # The value saved before comes back in the Dutch notation and is accepted as such.
    expect(page.get_by_label("Waarde (aantal)", exact=True)).to_have_value(
        re.compile(r"^120(,00)?$")
    )
    status_update.fill(fixed_text)
    page.get_by_role("button", name="Bewaren en indienen", exact=True).click()
    expect_message(page, "De fiche is ingediend. AJH beoordeelt ze.")
    logout(page)

    # The coordinator approves.
    login(page, live_server, "coord", PASSWORD)
    open_from_review_queue(page, fiche)
    expect(page.locator(".facts")).to_contain_text(fixed_text)
    page.get_by_role("button", name="Goedkeuren", exact=True).click()
    expect_message(page, "De fiche is goedgekeurd.")
    expect(page.get_by_text("Geen ingediende fiches: alles is beoordeeld.")).to_be_visible()
    page.goto(f"{live_server.url}/fiches/{fiche.pk}/")
    expect(state_badge(page)).to_have_text("goedgekeurd")
    page.get_by_role("link", name="Geschiedenis en vergelijking", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/fiches/{fiche.pk}/geschiedenis/$"))
    expect(page.locator(".timeline").first).to_contain_text(f"reden: {reason}")

    fiche.refresh_from_db()
    assert fiche.state == FicheState.APPROVED
    assert fiche.status_update == fixed_text
    assert fiche.progress_status == "on_track"
    value = IndicatorValue.objects.get(indicator__action=fiche.action, year=YEAR)
    assert value.value == Decimal("120")
    events = list(ReviewEvent.objects.filter(fiche=fiche).order_by("pk"))
    assert [(e.kind, e.author.username if e.author else None) for e in events] == [
        ("submit", "editor-a"),
        ("return", "coord"),
        ("submit", "editor-a"),
        ("approve", "coord"),
    ]
    assert events[1].reason == reason
    assert not console_errors, console_errors


def test_second_editor_saving_a_stale_fiche_merges_and_chooses_per_conflicting_field(
    live_server: LiveServer,
    fiche: Fiche,
    admin_a,
    new_page: NewPage,
) -> None:
    UserFactory(username="editor-a2", role=Role.EDITOR, administrations=[admin_a])
    first, second = new_page(), new_page()
    login(first, live_server, "editor-a", PASSWORD)
    login(second, live_server, "editor-a2", PASSWORD)
    url = f"{live_server.url}/fiches/{fiche.pk}/"
    first.goto(url)
    second.goto(url)
    theirs = "Eerst een bevraging van de scholen, daarna de vorming."
    mine = "Samen met de pedagogische begeleidingsdiensten een traject uitwerken."
    their_obstacle = "Weinig vervangers voor leerkrachten in vorming."
    my_next_step = "Een tweede reeks sessies in het najaar."

    first.get_by_label("Plan van aanpak", exact=True).fill(theirs)
    first.get_by_label("Knelpunten", exact=True).fill(their_obstacle)
    first.get_by_label(re.compile("^Waarde")).fill("250")
    first.get_by_role("button", name="Bewaren als ontwerp", exact=True).click()
    expect_message(first, "Ontwerp bewaard.")
    fiche.refresh_from_db()
    assert fiche.approach == theirs

    # The second editor still has the form of before the first save, and changes the
    # approach too, and a field the first one left alone.
    second.get_by_label("Plan van aanpak", exact=True).fill(mine)
    second.get_by_label("Volgende stappen", exact=True).fill(my_next_step)
    with second.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith(f"/fiches/{fiche.pk}/")
    ) as answer:
        second.get_by_role("button", name="Bewaren als ontwerp", exact=True).click()
    assert answer.value.status == 409
    expect(second.get_by_role("alert").first).to_contain_text(
        "Iemand anders heeft deze fiche intussen gewijzigd"
    )
    rows = second.locator(".conflict-table tbody tr")
    expect(rows).to_have_count(1)  # only the approach: the rest merges
    row = rows.filter(has_text="Plan van aanpak")
    expect(row.locator("td").nth(0)).to_have_text(theirs)
    expect(row.locator("td").nth(1)).to_have_text(mine)
    expect(second.get_by_label("Plan van aanpak", exact=True)).to_have_value(mine)
    # Their changes to fields the second editor did not touch are taken over in the form.
    expect(second.get_by_label("Knelpunten", exact=True)).to_have_value(their_obstacle)
    expect(second.get_by_label(re.compile("^Waarde"))).to_have_value("250")
    fiche.refresh_from_db()
    assert fiche.approach == theirs, "the stale save must not overwrite the first one"

    # Bewaren again, the natural reaction, without choosing: nothing is overwritten.
    second.get_by_role("button", name="Bewaren als ontwerp", exact=True).click()
    expect(second.locator(".conflict-table")).to_contain_text("Maak een keuze.")
    fiche.refresh_from_db()
    assert fiche.approach == theirs

    # An explicit choice saves: my approach, their obstacle and value, my next step.
    second.get_by_label("Mijn versie behouden").check()
    second.get_by_role("button", name="Bewaren als ontwerp", exact=True).click()
    expect_message(second, "Ontwerp bewaard.")
    fiche.refresh_from_db()
    assert (fiche.approach, fiche.obstacles, fiche.next_steps) == (
        mine,
        their_obstacle,
        my_next_step,
    )
    assert IndicatorValue.objects.get(indicator__action=fiche.action).value == Decimal(250)
    assert fiche.updated_by is not None
    assert fiche.updated_by.username == "editor-a2"
    saved = [
        (h.approach, h.history_user.username)
        for h in fiche.history.filter(history_user__isnull=False).order_by("history_id")
        if h.approach
    ]
    assert saved == [(theirs, "editor-a"), (mine, "editor-a2")]


def test_every_value_change_shows_on_the_fiche_and_action_history(
    page: Page, live_server: LiveServer, fiche: Fiche
) -> None:
    login(page, live_server, "editor-a", PASSWORD)
    for typed in ("250", "12,5", "214"):
        page.goto(f"{live_server.url}/fiches/{fiche.pk}/")
        page.get_by_label(re.compile("^Waarde")).fill(typed)
        page.get_by_role("button", name="Bewaren als ontwerp", exact=True).click()
        expect_message(page, "Ontwerp bewaard.")

    page.goto(f"{live_server.url}/fiches/{fiche.pk}/geschiedenis/")
    changes = page.locator("#value-history + .timeline .changes tbody tr")
    expect(changes).to_have_count(3)
    expect(changes.nth(0)).to_contain_text("12,5")
    expect(changes.nth(0).locator("td.new")).to_have_text("214")

    # The action's history gets the values' changes from the indicators side (htmx).
    page.goto(f"{live_server.url}/acties/{fiche.action_id}/geschiedenis/")
    section = page.locator("section#value-history")
    expect(section.get_by_role("heading", name="Wijzigingen van de metingen")).to_be_visible()
    expect(section.locator(".timeline > li")).to_have_count(3)
    expect(section.locator(".timeline > li").first).to_contain_text(INDICATOR_NAME)
    expect(section.locator("td.old").first).to_have_text("12,5")


def test_fiche_form_has_no_serious_accessibility_violations(
    page: Page, live_server: LiveServer, fiche: Fiche
) -> None:
    login(page, live_server, "editor-a", PASSWORD)
    page.goto(f"{live_server.url}/fiches/{fiche.pk}/")
    expect(page.get_by_label("Waarde (aantal)", exact=True)).to_be_visible()
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)


def test_review_queue_has_no_serious_accessibility_violations(
    page: Page,
    live_server: LiveServer,
    fiche: Fiche,
    editor_a,
) -> None:
    fiche_save(
        fiche=fiche,
        user=editor_a,
        expected_version=fiche.version,
        data={"status_update": "Het werk loopt.", "progress_status": "on_track"},
        values=[
            IndicatorValueInput(indicator_id=fiche.action.indicators.get().pk, value=Decimal(1))
        ],
    )
    fiche_submit(fiche=fiche, user=editor_a)
    login(page, live_server, "coord", PASSWORD)
    page.goto(f"{live_server.url}/fiches/beoordelen/")
    expect(page.get_by_role("link", name=link_text(fiche), exact=True)).to_be_visible()
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)


def test_typing_a_status_update_updates_its_counter(
    page: Page, live_server: LiveServer, fiche: Fiche, console_errors: list[str]
) -> None:
    login(page, live_server, "editor-a", PASSWORD)
    page.goto(f"{live_server.url}/fiches/{fiche.pk}/")
    status_update = page.get_by_label("Stand van zaken", exact=True)
    counter = page.locator("#id_status_update-counter")
    expect(counter).to_have_text("0 / 10.000 tekens")
    expect(counter).to_have_attribute("aria-live", "polite")
    status_update.fill("x" * 1234)
    expect(counter).to_have_text("1.234 / 10.000 tekens")
    expect(counter).not_to_have_class(re.compile("is-near-limit"))
    status_update.fill("x" * 9500)
    expect(counter).to_have_text("9.500 / 10.000 tekens")
    expect(counter).to_have_class(re.compile("is-near-limit"))
    assert console_errors == []
