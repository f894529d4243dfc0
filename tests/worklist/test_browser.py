"""In a real Chromium: an editor follows the link in the round's opening mail, finds the fiche
in Mijn taken through the header's count, and reads and opens the notification."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from fiches.models import Fiche
from fiches.reminders import day_send
from tests.browser import axe_violations, describe_violations, login
from tests.factories import ActionFactory, ReportingRoundFactory

pytestmark = [pytest.mark.browser]

PASSWORD = "secret-pass-123"  # UserFactory's default
YEAR = 2026
TITLE = "Vormingsaanbod voor leerkrachten"


@pytest.fixture
def fiche(live_server: LiveServer, plan, admin_a, editor_a, coordinator, settings) -> Fiche:
    """``live_server`` first: the database fixtures become transactional, so the server
    thread sees these rows. Links in mails point at the test server."""
    settings.SITE_URL = live_server.url
    editor_a.email = "editor-a@example.invalid"
    editor_a.save()
    action = ActionFactory(lead_administration=admin_a, title=TITLE)
    ReportingRoundFactory(year=YEAR)
    return Fiche.objects.get(action=action, year=YEAR)


def test_the_mail_link_the_task_list_and_the_notification_lead_to_the_fiche(
    live_server: LiveServer, browser: Browser, fiche: Fiche
):
    day_send(today=dt.date(YEAR, 6, 15))
    (message,) = mail.outbox
    link = re.search(rf"{re.escape(live_server.url)}/fiches/\d+/", str(message.body))
    assert link, message.body

    context = browser.new_context(locale="nl-BE", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    login(page, live_server, "editor-a", PASSWORD)

    page.goto(link.group(0))
    expect(page).to_have_url(re.compile(rf"/fiches/{fiche.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)

    tasks_link = page.locator("#header-counts").get_by_role("link", name=re.compile("Mijn taken"))
    expect(tasks_link).to_have_text(re.compile(r"Mijn taken\s+1"))  # the count came in
    tasks_link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn taken")
    row = page.get_by_role("row", name=re.compile(TITLE))
    expect(row).to_contain_text("Fiche invullen")
    expect(row).to_contain_text("31 dec. 2026")
    expect(row).to_contain_text("nog 199 dagen")
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
    page.get_by_role("link", name=re.compile(TITLE)).click()
    expect(page).to_have_url(re.compile(rf"/fiches/{fiche.pk}/$"))

    page.locator("#header-counts").get_by_role("link", name=re.compile("Meldingen")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Meldingen")
    expect(page.get_by_text("Je hebt 1 ongelezen melding.")).to_be_visible()
    expect(page.locator(".notification.unread")).to_contain_text("Ronde 2026 is open")
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
    page.get_by_role("button", name=re.compile("Bekijken")).click()
    expect(page).to_have_url(re.compile(rf"/fiches/{fiche.pk}/$"))

    page.goto(f"{live_server.url}/meldingen/")
    expect(page.get_by_text("Je hebt 0 ongelezen meldingen.")).to_be_visible()
    expect(page.locator(".notification.unread")).to_have_count(0)
    context.close()
