"""The whole drafting and change cycle of issue 12 in a real Chromium, through the pages
only: an editor of A proposes an action co-led by B and defines its indicator, B confirms,
AJH clusters it and records the government's approval of version 1, A asks for a later
end, AJH approves, and version 2 is approved and compared with version 1.

Each person has a browser context of their own, so that they stay signed in side by side.
The pages run under the real Content-Security-Policy; axe checks a copy of a page in a
second tab (``axe_violations`` lifts the policy for the tab it runs in)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from actionplan.models import Action, ActionStage
from planning.models import ChangeRequest, PlanVersion, RequestState, VersionState
from tests.browser import axe_violations, describe_violations, login

pytestmark = [pytest.mark.browser]

PASSWORD = "secret-pass-123"  # UserFactory's default
TITLE = "Vormingspakket over grensoverschrijding voor scholen"
DESCRIPTION = (
    "Scholen krijgen een vormingspakket over seksuele grensoverschrijding, met lessen voor "
    "leerlingen en een draaiboek voor leerkrachten."
)
INDICATOR = "Aantal opgeleide leerkrachten"
DECISION_DATE = "2026-06-12"  # before the frozen today, 15 June 2026
REFERENCE = "VR 2026 1206 DOC.0123/1"
REFERENCE_2 = "VR 2026 1306 DOC.0456/1"
REASON = "Uitgesteld: de opleiders zijn pas vanaf 2027 beschikbaar."

SignIn = Callable[[str], Page]


@pytest.fixture
def sign_in(live_server: LiveServer, browser: Browser) -> Iterator[tuple[SignIn, list[str]]]:
    """A signed-in page per user in a context of its own, and the console errors of all."""
    contexts = []
    errors: list[str] = []

    def make(username: str) -> Page:
        context = browser.new_context(locale="nl-BE", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on(
            "console",
            lambda message: (
                errors.append(f"{username}: {message.text}") if message.type == "error" else None
            ),
        )
        page.on("pageerror", lambda error: errors.append(f"{username}: {error}"))
        login(page, live_server, username, PASSWORD)
        return page

    yield make, errors
    for context in contexts:
        context.close()


def nav_link(page: Page, name: str) -> Locator:
    return page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role(
        "link", name=name, exact=True
    )


def smart(page: Page, criterion: str) -> Locator:
    """The line of the SMART check on the proposal page for one criterion."""
    return (
        page.get_by_role("region", name="SMART-toets")
        .get_by_role("listitem")
        .filter(has=page.get_by_text(criterion, exact=True))
    )


def assert_accessible(page: Page) -> None:
    """No serious or critical axe violations on the page ``page`` shows, checked in a
    second tab of the same person so that ``page`` keeps the real policy."""
    check = page.context.new_page()
    try:
        check.goto(page.url)
        violations = axe_violations(check)
        assert not violations, f"{page.url}:\n{describe_violations(violations)}"
    finally:
        check.close()


def fact(page: Page, term: str) -> Locator:
    """The value of ``term`` in the facts list of a page."""
    return page.locator("dl.facts dt", has_text=re.compile(f"^{term}$")).locator(
        "xpath=following-sibling::dd[1]"
    )


def message(page: Page) -> Locator:
    return page.locator(".messages")


def test_editor_and_ajh_draft_approve_and_adjust_an_action(
    sign_in: tuple[SignIn, list[str]],
    live_server: LiveServer,
    plan,
    admin_a,
    admin_b,
    editor_a,
    editor_b,
    coordinator,
) -> None:
    make, console_errors = sign_in

    # 1. The editor of A proposes an action under SD1, co-led by B, with budget and capacity.
    editor = make("editor-a")
    nav_link(editor, "Ontwerp").click()
    editor.get_by_role("link", name="Actie voorstellen", exact=True).click()
    expect(editor).to_have_url(re.compile(r"/ontwerp/voorstellen/nieuw/$"))
    editor.get_by_label("Strategische doelstelling", exact=True).select_option(index=1)
    editor.get_by_label("Titel", exact=True).fill(TITLE)
    editor.get_by_label("SMART-omschrijving", exact=True).fill(DESCRIPTION)
    editor.get_by_label("Trekkende administratie", exact=True).select_option(label=admin_a.name)
    editor.get_by_label("Meewerkende administraties", exact=True).select_option(label=admin_b.name)
    editor.get_by_label("Startjaar", exact=True).select_option("2026")
    editor.get_by_label("Eindjaar", exact=True).select_option("2028")
    editor.get_by_label("Geraamd budget (euro)", exact=True).fill("25000")
    editor.get_by_label("Capaciteit/middelen", exact=True).fill("Twee VTE bij het departement")
    editor.get_by_role("button", name="Voorstel indienen", exact=True).click()
    expect(message(editor)).to_contain_text(f"Voorstel ‘{TITLE}’ ingediend")
    expect(editor.locator(".state")).to_have_text("voorgesteld")
    proposal_url = editor.url
    for criterion in ("Specifiek", "Realistisch", "Tijdsgebonden"):
        expect(smart(editor, criterion)).to_contain_text("in orde")
    expect(smart(editor, "Meetbaar")).to_contain_text("ontbreekt: minstens één indicator")
    expect(smart(editor, "Aanvaardbaar")).to_contain_text(
        f"ontbreekt: bevestiging van {admin_b.name}"
    )

    # ... and adds an indicator with baseline and target on the action's indicator page.
    editor.get_by_role("link", name="Indicator toevoegen", exact=True).click()
    editor.get_by_label("Naam", exact=True).fill(INDICATOR)
    editor.get_by_label("Eenheid", exact=True).fill("aantal")
    editor.get_by_label("Nulmeting", exact=True).fill("0")
    editor.get_by_label("Jaar nulmeting", exact=True).fill("2025")
    editor.get_by_label("Streefwaarde", exact=True).fill("400")
    editor.get_by_label("Jaar streefwaarde", exact=True).fill("2029")
    editor.get_by_role("button", name="Bewaren", exact=True).click()
    expect(message(editor)).to_contain_text(f"Indicator ‘{INDICATOR}’ bewaard.")
    editor.get_by_role("link", name="Naar het voorstel", exact=True).click()
    expect(editor).to_have_url(proposal_url)
    expect(smart(editor, "Meetbaar")).to_contain_text("in orde")
    expect(smart(editor, "Aanvaardbaar")).to_contain_text("ontbreekt")

    # 2. The editor of B finds the proposal waiting for their answer and confirms.
    partner = make("editor-b")
    nav_link(partner, "Ontwerp").click()
    partner.get_by_role("region", name="Wacht op het antwoord van je administratie").get_by_role(
        "link", name=TITLE
    ).click()
    answer = partner.get_by_role("region", name=f"Antwoord van {admin_b.name}")
    answer.get_by_label("Bevestigen", exact=True).check()
    answer.get_by_role("button", name="Antwoord bewaren", exact=True).click()
    expect(message(partner)).to_contain_text(f"Antwoord van {admin_b.name} bewaard: bevestigd")

    editor.reload()
    for criterion in ("Specifiek", "Meetbaar", "Aanvaardbaar", "Realistisch", "Tijdsgebonden"):
        expect(smart(editor, criterion)).to_contain_text("in orde")

    # 3. AJH adds an operational goal under SD1, accepts the proposal and clusters it.
    ajh = make("coord")
    nav_link(ajh, "Ontwerp").click()
    goal_form = ajh.locator("form[action$='/ontwerp/doelstellingen/nieuw/']")
    goal_form.get_by_label("Strategische doelstelling", exact=True).select_option(index=1)
    goal_form.get_by_label("Titel", exact=True).fill("Preventie in het onderwijs")
    goal_form.get_by_role("button", name="Toevoegen", exact=True).click()
    expect(message(ajh)).to_contain_text("OD1.1 aangemaakt")
    expect(
        ajh.get_by_role("heading", name="Dekking van het ontwerpplan: leemtes en overlap")
    ).to_be_visible()
    assert_accessible(ajh)
    ajh.get_by_role("link", name=TITLE).first.click()
    assert_accessible(ajh)
    ajh.get_by_role("link", name="Aanvaarden", exact=True).click()
    ajh.get_by_role("button", name="Bevestigen: Aanvaarden", exact=True).click()
    expect(message(ajh)).to_contain_text("Voorstel aanvaard")
    ajh.get_by_label("Operationele doelstelling", exact=True).select_option(index=1)
    ajh.get_by_role("button", name="Clusteren", exact=True).click()
    expect(message(ajh)).to_contain_text("Actie 1.1.1 geclusterd onder OD1.1")
    expect(ajh.get_by_role("heading", level=1)).to_contain_text("1.1.1")
    action = Action.objects.get(title=TITLE)
    action_url = f"{live_server.url}/acties/{action.pk}/"

    # 4. AJH prepares version 1, submits it and records the government's approval.
    nav_link(ajh, "Planversies").click()
    ajh.get_by_role("button", name="Versie aanmaken", exact=True).click()
    expect(message(ajh)).to_contain_text("Versie 1 is aangemaakt.")
    ajh.get_by_role("button", name="Indienen ter goedkeuring", exact=True).click()
    expect(message(ajh)).to_contain_text("Versie 1 is ingediend")
    ajh.get_by_label("Datum van de beslissing van de Vlaamse Regering", exact=True).fill(
        DECISION_DATE
    )
    ajh.get_by_label("Referentie van de beslissing", exact=True).fill(REFERENCE)
    ajh.get_by_label(re.compile(r"^Ik bevestig")).check()
    ajh.get_by_role("button", name="Goedkeuring registreren", exact=True).click()
    expect(message(ajh)).to_contain_text("De goedkeuring van versie 1 is geregistreerd.")
    expect(ajh.get_by_role("heading", level=1)).to_contain_text("goedgekeurd")
    expect(ajh.get_by_text(f"12 jun. 2026 · {REFERENCE}")).to_be_visible()
    version_1 = PlanVersion.objects.get(number=1)
    sha = ajh.locator("code.sha")
    expect(sha).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    expect(sha).to_have_text(version_1.content_sha256)
    assert_accessible(ajh)

    ajh.goto(action_url)
    expect(ajh.get_by_role("heading", level=1)).to_contain_text(f"1.1.1 {TITLE}")
    expect(ajh.get_by_text("Dit is een voorstel")).to_have_count(0)
    expect(fact(ajh, "Fase")).to_have_text("goedgekeurd")
    nav_link(ajh, "Plan").click()
    ajh.get_by_role("region", name=re.compile(r"^1 actie")).get_by_role(
        "link", name=re.compile(TITLE)
    ).click()
    expect(ajh).to_have_url(action_url)

    # 5. The editor of A asks for a later end; AJH approves it.
    editor.goto(action_url)
    editor.get_by_role("link", name="Wijziging aanvragen", exact=True).click()
    editor.get_by_label(re.compile(r"^Soort wijziging")).select_option("timing")
    editor.get_by_role("button", name="Kiezen", exact=True).click()
    editor.get_by_label("Nieuw eindjaar", exact=True).fill("2029")
    editor.get_by_label("Reden van de wijziging", exact=True).fill(REASON)
    editor.get_by_role("button", name="Verzoek indienen", exact=True).click()
    expect(message(editor)).to_contain_text(
        "Je wijzigingsverzoek is ingediend; AJH beslist erover."
    )
    change = ChangeRequest.objects.get()
    expect(editor).to_have_url(f"{live_server.url}/wijzigingsverzoeken/{change.pk}/")

    nav_link(ajh, "Wijzigingsverzoeken").click()
    ajh.get_by_role("link", name=re.compile(TITLE[:30])).click()
    expect(ajh).to_have_url(f"{live_server.url}/wijzigingsverzoeken/{change.pk}/")
    expect(ajh.get_by_text(REASON)).to_be_visible()
    assert_accessible(ajh)
    ajh.get_by_label("goedkeuren en toepassen", exact=True).check()
    ajh.get_by_role("button", name="Beslissing bevestigen", exact=True).click()
    expect(message(ajh)).to_contain_text("Het verzoek is goedgekeurd en toegepast als bijsturing.")

    # 6. The history shows the reason; version 2 holds the adjustment and is approved.
    editor.goto(action_url)
    editor.get_by_role("link", name="Geschiedenis", exact=True).click()
    expect(editor).to_have_url(f"{action_url}geschiedenis/")
    expect(editor.locator(".timeline .reason").filter(has_text=REASON)).to_have_count(1)

    ajh.get_by_role("link", name="Versie 2", exact=True).click()
    expect(ajh.get_by_role("heading", level=1)).to_contain_text("Versie 2")
    expect(ajh.get_by_role("listitem").filter(has_text=REASON)).to_be_visible()
    ajh.get_by_role("button", name="Indienen ter goedkeuring", exact=True).click()
    expect(message(ajh)).to_contain_text("Versie 2 is ingediend")
    ajh.get_by_label("Datum van de beslissing van de Vlaamse Regering", exact=True).fill(
        "2026-06-13"
    )
    ajh.get_by_label("Referentie van de beslissing", exact=True).fill(REFERENCE_2)
    ajh.get_by_label(re.compile(r"^Ik bevestig")).check()
    ajh.get_by_role("button", name="Goedkeuring registreren", exact=True).click()
    expect(message(ajh)).to_contain_text("De goedkeuring van versie 2 is geregistreerd.")
    ajh.get_by_role("link", name="Versie 1 met versie 2 vergelijken", exact=True).click()
    expect(ajh.get_by_role("heading", level=1)).to_have_text("Versie 1 vergeleken met versie 2")
    timing = ajh.get_by_role("row").filter(has=ajh.get_by_role("rowheader", name="Timing"))
    expect(timing.get_by_role("cell")).to_have_text(["Q1 2026 – Q4 2028", "Q1 2026 – Q4 2029"])

    assert console_errors == []
    action.refresh_from_db()
    assert (action.stage, action.code, action.end_year) == (ActionStage.APPROVED, "1.1.1", 2029)
    change.refresh_from_db()
    assert (change.state, change.reason) == (RequestState.APPROVED, REASON)
    assert list(PlanVersion.objects.order_by("number").values_list("number", "state")) == [
        (1, VersionState.APPROVED),
        (2, VersionState.APPROVED),
    ]
