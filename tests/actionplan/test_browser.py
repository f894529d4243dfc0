"""The plan pages in a real Chromium: sign in, browse the tree, filter, open an action."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from actionplan.demo import demo_load
from actionplan.models import Action, Role, StrategicGoal, ViolenceForm
from actionplan.services import plan_load
from tests.browser import axe_violations, describe_violations, login
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser]

PASSWORD = "secret-pass-123"  # UserFactory's default


@pytest.fixture
def signed_in(page: Page, live_server: LiveServer, transactional_db: None, plan_data: dict) -> Page:
    """A coordinator on the overview of the real plan with 12 demo actions."""
    plan_load(data=plan_data)
    demo_load(actions=12, seed=1)
    UserFactory(username="coord", role=Role.COORDINATOR, is_staff=True)
    login(page, live_server, "coord", PASSWORD)
    return page


def first_action() -> Action:
    action = Action.objects.order_by("pk").first()
    assert action is not None
    return action


def test_overview_shows_the_three_strategic_goals_styled(
    signed_in: Page, console_errors: list[str]
) -> None:
    page = signed_in
    expect(page.get_by_role("heading", level=1)).to_contain_text("gendergerelateerd geweld")
    for goal in StrategicGoal.objects.order_by("number"):
        heading = page.locator(f"#sd-{goal.number}")
        expect(heading).to_contain_text(f"SD{goal.number}")
        expect(heading).to_contain_text(goal.title[:60])
    expect(page.locator("#tree-heading")).to_have_text(re.compile(r"^\s*12 acties\s*$"))
    # The stylesheet came through the live server: the header has the brand colour.
    header_colour = page.locator(".site-header").evaluate(
        "element => getComputedStyle(element).backgroundColor"
    )
    assert header_colour == "rgb(11, 79, 138)"
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors
    if directory := os.environ.get("SCREENSHOT_DIR"):
        page.screenshot(path=Path(directory) / "overview.png", full_page=True)


def test_filter_on_a_form_of_violence_updates_the_tree_through_htmx(
    signed_in: Page, console_errors: list[str]
) -> None:
    page = signed_in
    form = min(
        ViolenceForm.objects.all(), key=lambda f: Action.objects.filter(violence_forms=f).count()
    )
    expected = Action.objects.filter(violence_forms=form).count()
    assert expected < 12, "the demo data should leave actions out of this filter"
    with page.expect_response(re.compile(r"violence_form=")) as answer:
        page.get_by_label("Vorm van geweld").select_option(label=str(form))
    assert answer.value.request.headers.get("hx-request") == "true"
    word = "actie" if expected == 1 else "acties"
    expect(page.locator("#tree-heading")).to_have_text(
        re.compile(rf"^\s*{expected} {word}\s+\(gefilterd\)\s*$")
    )
    expect(page.locator(".action-list li")).to_have_count(expected)
    # htmx pushed the filter into the address bar: the filtered view can be shared.
    expect(page).to_have_url(re.compile(rf"violence_form={form.pk}"))
    assert not console_errors, console_errors


def test_action_page_shows_the_action_and_its_history(signed_in: Page) -> None:
    page = signed_in
    action = first_action()
    page.get_by_role("link", name=f"{action.code} {action.title}", exact=True).click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(action.code)
    expect(heading).to_contain_text(action.title)
    page.get_by_role("link", name="Geschiedenis", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/acties/{action.pk}/geschiedenis/$"))
    expect(page.get_by_role("heading", name="Geschiedenis", exact=True)).to_be_visible()
    expect(page.locator(".timeline > li").first).to_contain_text("load_demo")


def test_overview_has_no_serious_accessibility_violations(signed_in: Page) -> None:
    violations = axe_violations(signed_in)
    assert not violations, describe_violations(violations)


def test_action_page_has_no_serious_accessibility_violations(
    signed_in: Page, live_server: LiveServer
) -> None:
    page = signed_in
    page.goto(f"{live_server.url}/acties/{first_action().pk}/")
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
