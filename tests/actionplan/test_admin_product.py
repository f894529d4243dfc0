"""The admin is part of the product: its name, the product's 403 page for who may not use
it, and the API documentation with a way back."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser import axe_violations, describe_violations, login

PASSWORD = "secret-pass-123"  # UserFactory's default


@pytest.mark.django_db
def test_the_admin_carries_the_product_name(coordinator_client):
    page = coordinator_client.get("/admin/")

    assert page.status_code == 200
    assert "Actieplanmonitor · beheer" in page.text
    assert "Django-beheer" not in page.text and "Django administration" not in page.text


@pytest.mark.django_db
def test_an_editor_opening_the_admin_gets_the_product_403_page(client, editor_a):
    client.force_login(editor_a)

    page = client.get("/admin/", follow=True)

    assert page.status_code == 403
    assert "Geen toegang" in page.text
    assert "Het beheer van referentiegegevens en gebruikers is voor AJH." in page.text
    assert 'name="password"' not in page.text  # no second login form


@pytest.mark.django_db
def test_a_visitor_is_sent_to_the_product_login_page(client):
    page = client.get("/admin/actionplan/minister/")

    assert page.status_code == 302
    assert page["Location"].startswith(reverse("login"))
    assert client.get(page["Location"]).status_code == 200


@pytest.mark.django_db
def test_the_api_docs_have_a_way_back(reader_client):
    page = reader_client.get(reverse("api-docs"))

    assert page.status_code == 200
    assert '<html lang="nl">' in page.text
    assert f'href="{reverse("actionplan:overview")}"' in page.text
    assert "Terug naar de Actieplanmonitor" in page.text


@pytest.mark.browser
def test_the_api_docs_have_no_serious_axe_violations(
    live_server: LiveServer, browser: Browser, plan, reader
) -> None:
    context = browser.new_context(locale="nl-BE", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    login(page, live_server, reader.username, PASSWORD)
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.locator(".swagger-ui .info")).to_be_visible()

    assert describe_violations(axe_violations(page)) == ""
    page.get_by_role("link", name="Terug naar de Actieplanmonitor").click()
    page.wait_for_url(f"{live_server.url}/")
    context.close()
