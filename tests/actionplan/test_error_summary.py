"""Forms that lead to the error: after a failed save the summary says how many errors there
are and links each one to its field; in a real browser it takes the focus."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser import axe_violations, describe_violations, login

PASSWORD = "secret-pass-123"  # UserFactory's default


@pytest.mark.django_db
def test_the_summary_counts_the_errors_and_links_each_to_its_field(coordinator_client, plan):
    page = coordinator_client.post(reverse("consultation:create"), {"title": ""})

    assert page.status_code == 422
    text = page.text
    assert "data-error-summary" in text
    errors = page.context["form"].errors
    assert errors
    count = sum(len(messages) for messages in errors.values())
    assert (f"Er zijn {count} fouten." if count > 1 else "Er is 1 fout.") in text
    for name in errors:
        assert f'href="#id_{name}"' in text


@pytest.mark.django_db
def test_required_fields_are_marked_the_same_way(coordinator_client, plan):
    page = coordinator_client.get(reverse("consultation:create"))

    form = page.context["form"]
    marks = page.text.count('<span class="required" aria-hidden="true">(verplicht)</span>')
    assert marks == sum(1 for field in form.visible_fields() if field.field.required)
    assert marks >= 1


@pytest.mark.browser
def test_after_a_failed_save_the_summary_takes_focus_and_leads_to_the_field(
    live_server: LiveServer, browser: Browser, plan, coordinator
) -> None:
    context = browser.new_context(locale="nl-BE", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    login(page, live_server, coordinator.username, PASSWORD)
    page.goto(f"{live_server.url}/overleg/nieuw/")
    page.get_by_label("Onderwerp").fill("")
    page.get_by_role("button", name="Opslaan").click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Onderwerp: Dit veld is vereist.")
    first = summary.get_by_role("link").first
    target = first.get_attribute("href")
    assert target is not None
    first.click()
    assert page.evaluate("document.activeElement.id") == target.removeprefix("#")
    assert describe_violations(axe_violations(page)) == ""
    context.close()
