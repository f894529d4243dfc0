"""Logins: lockout after failed attempts (per user name and address), the throttled token
endpoint, tokens that expire and that their owner revokes, lockouts visible to AJH."""

from __future__ import annotations

import datetime as dt
import logging
import os
from pathlib import Path

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser import axe_violations, describe_violations, login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
TOKEN = "/api/v1/auth/token/"
PASSWORD = "secret-pass-123"  # tests/factories.py
ADDRESS_A = "192.0.2.10"
ADDRESS_B = "192.0.2.20"


def _fail(client: Client, path: str, username: str, times: int, address: str = ADDRESS_A):
    return [
        client.post(path, {"username": username, "password": "wrong"}, REMOTE_ADDR=address)
        for _ in range(times)
    ]


def _api(key: str, path: str = "/api/v1/strategic-goals/"):
    return Client().get(path, headers={"Authorization": f"Token {key}"})


# --- Login page --------------------------------------------------------------------------


def test_login_page_locks_a_user_at_an_address_after_five_failures(client, reader, caplog):
    with caplog.at_level(logging.WARNING, logger="axes"):
        statuses = [r.status_code for r in _fail(client, LOGIN, "reader", 5)]
    assert statuses == [200, 200, 200, 200, 429]

    # Now even the right password is refused, with a Dutch page saying until when.
    response = client.post(
        LOGIN, {"username": "reader", "password": PASSWORD}, REMOTE_ADDR=ADDRESS_A
    )
    assert response.status_code == 429
    assert "Te veel mislukte aanmeldpogingen" in response.text
    assert "15 minuten geblokkeerd" in response.text
    assert "Probeer het opnieuw vanaf 10:15" in response.text
    assert int(response["Retry-After"]) > 14 * 60
    assert "_auth_user_id" not in client.session
    # The lockout is in the log, naming who and from where.
    assert any(
        "Locking out" in r.getMessage()
        and "reader" in r.getMessage()
        and ADDRESS_A in r.getMessage()
        for r in caplog.records
        if r.levelno == logging.WARNING
    )


def test_four_failures_then_the_right_password_logs_in_and_clears_the_count(client, reader):
    _fail(client, LOGIN, "reader", 4)
    response = client.post(
        LOGIN, {"username": "reader", "password": PASSWORD}, REMOTE_ADDR=ADDRESS_A
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="reader").exists()


def test_a_lockout_lifts_after_fifteen_minutes(client, reader, time_machine):
    _fail(client, LOGIN, "reader", 5)
    right = {"username": "reader", "password": PASSWORD}

    time_machine.move_to(timezone.now() + dt.timedelta(minutes=14))
    assert client.post(LOGIN, right, REMOTE_ADDR=ADDRESS_A).status_code == 429
    # Trying while locked does not extend the lockout.
    time_machine.move_to(timezone.now() + dt.timedelta(minutes=1, seconds=5))
    response = client.post(LOGIN, right, REMOTE_ADDR=ADDRESS_A)
    assert response.status_code == 302
    assert client.get(reverse("actionplan:tokens")).status_code == 200  # signed in


def test_a_lockout_holds_one_user_at_one_address_only(reader):
    UserFactory(username="colleague")
    _fail(Client(), LOGIN, "reader", 5, address=ADDRESS_A)

    def log_in(username: str, address: str) -> int:
        data = {"username": username, "password": PASSWORD}
        return Client().post(LOGIN, data, REMOTE_ADDR=address).status_code

    assert log_in("reader", ADDRESS_A) == 429
    assert log_in("reader", ADDRESS_B) == 302  # the same user elsewhere
    assert log_in("colleague", ADDRESS_A) == 302  # another user at the same address


def test_a_client_cannot_dodge_the_lockout_with_x_forwarded_for(client, reader):
    """Without a trusted proxy (TRUSTED_PROXIES=0) the address is REMOTE_ADDR."""
    for n in range(5):
        client.post(
            LOGIN,
            {"username": "reader", "password": "wrong"},
            REMOTE_ADDR=ADDRESS_A,
            headers={"X-Forwarded-For": f"198.51.100.{n}"},
        )
    response = client.post(
        LOGIN,
        {"username": "reader", "password": PASSWORD},
        REMOTE_ADDR=ADDRESS_A,
        headers={"X-Forwarded-For": "198.51.100.99"},
    )
    assert response.status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_address_counts(client, reader, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    proxy = "10.0.0.1"
    for _ in range(5):
        client.post(
            LOGIN,
            {"username": "reader", "password": "wrong"},
            REMOTE_ADDR=proxy,
            headers={"X-Forwarded-For": f"203.0.113.9, {ADDRESS_A}"},
        )
    assert AccessAttempt.objects.get().ip_address == ADDRESS_A

    def log_in(forwarded_for: str) -> int:
        data = {"username": "reader", "password": PASSWORD}
        headers = {"X-Forwarded-For": forwarded_for}
        return Client().post(LOGIN, data, REMOTE_ADDR=proxy, headers=headers).status_code

    assert log_in(ADDRESS_A) == 429
    assert log_in(ADDRESS_B) == 302


# --- Token endpoint ----------------------------------------------------------------------


def test_token_endpoint_counts_failures_and_locks_with_a_dutch_json_429(client, reader):
    responses = [
        client.post(
            TOKEN, {"username": "reader", "password": "wrong"}, content_type="application/json"
        )
        for _ in range(5)
    ]
    assert [r.status_code for r in responses] == [400, 400, 400, 400, 429]

    response = client.post(
        TOKEN, {"username": "reader", "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert "Te veel mislukte aanmeldpogingen" in response.json()["detail"]
    assert response.json()["locked_until"].startswith("2026-06-15T10:15:")
    assert int(response["Retry-After"]) > 14 * 60
    assert not AuthToken.objects.exists()
    # The same lockout holds on the login page: it is one pair of user name and address.
    assert client.post(LOGIN, {"username": "reader", "password": PASSWORD}).status_code == 429


def test_token_endpoint_is_throttled_per_address(client, reader):
    # Ten different user names: no lockout, only the rate of the address.
    statuses = [
        client.post(
            TOKEN, {"username": f"ghost{n}", "password": "x"}, REMOTE_ADDR=ADDRESS_A
        ).status_code
        for n in range(10)
    ]
    assert statuses == [400] * 10

    refused = client.post(
        TOKEN, {"username": "reader", "password": PASSWORD}, REMOTE_ADDR=ADDRESS_A
    )
    assert refused.status_code == 429
    assert refused.json()["detail"].startswith(
        "Te veel aanvragen voor een API-sleutel vanaf dit adres. Probeer het over "
    )
    assert 0 < int(refused["Retry-After"]) <= 60
    assert not AuthToken.objects.exists()

    other = client.post(TOKEN, {"username": "reader", "password": PASSWORD}, REMOTE_ADDR=ADDRESS_B)
    assert other.status_code == 200


# --- Tokens expire and are revoked --------------------------------------------------------


def _token(username: str = "reader") -> str:
    response = Client().post(TOKEN, {"username": username, "password": PASSWORD})
    assert response.status_code == 200
    return response.json()["token"]


def test_a_token_expires_after_eight_hours(plan, reader, time_machine):
    key = _token()
    time_machine.move_to(timezone.now() + dt.timedelta(hours=7, minutes=59))
    assert _api(key).status_code == 200

    time_machine.move_to(timezone.now() + dt.timedelta(minutes=2))
    expired = _api(key)
    assert expired.status_code == 401
    assert expired["WWW-Authenticate"] == "Token"
    assert not AuthToken.objects.exists()


def test_the_token_lifetime_is_configurable(reader, settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_TTL": dt.timedelta(hours=1)}
    response = Client().post(TOKEN, {"username": "reader", "password": PASSWORD})
    assert response.json()["expiry"].startswith("2026-06-15T11:00:")


def test_api_logout_revokes_the_token_it_is_called_with(plan, reader):
    first, second = _token(), _token()
    response = Client().post("/api/v1/auth/logout/", headers={"Authorization": f"Token {first}"})
    assert response.status_code == 204
    assert _api(first).status_code == 401
    assert _api(second).status_code == 200


def test_api_logout_all_revokes_every_token_of_the_user(plan, reader, editor_a):
    first, second, others = _token(), _token(), _token("editor-a")
    response = Client().post(
        "/api/v1/auth/logout-all/", headers={"Authorization": f"Token {first}"}
    )
    assert response.status_code == 204
    assert _api(first).status_code == 401
    assert _api(second).status_code == 401
    assert _api(others).status_code == 200


def test_logout_without_a_token_is_401(client):
    response = client.post("/api/v1/auth/logout/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


# --- The page with one's own tokens -------------------------------------------------------


def test_token_page_lists_the_users_own_active_tokens_without_their_key(
    reader_client, reader, editor_a, django_assert_num_queries
):
    mine, my_key = AuthToken.objects.create(user=reader)
    old, _old_key = AuthToken.objects.create(user=reader)
    AuthToken.objects.filter(digest=old.digest).update(
        expiry=timezone.now() - dt.timedelta(minutes=1)
    )
    theirs, _their_key = AuthToken.objects.create(user=editor_a)

    # session, user, the user's active tokens
    with django_assert_num_queries(3):
        response = reader_client.get(reverse("actionplan:tokens"))

    assert response.status_code == 200
    assert "1 actieve sleutel" in response.text
    assert reverse("actionplan:token-revoke", args=[mine.digest]) in response.text
    assert old.digest not in response.text
    assert theirs.digest not in response.text
    assert my_key not in response.text and my_key[:8] not in response.text
    assert "15 jun. 2026 om 18:00" in response.text  # expires


def test_revoking_a_token_asks_first_then_revokes_it(plan, reader_client, reader):
    token, key = AuthToken.objects.create(user=reader)
    url = reverse("actionplan:token-revoke", args=[token.digest])

    confirm = reader_client.get(url)
    assert confirm.status_code == 200
    assert "API-sleutel intrekken?" in confirm.text
    assert _api(key).status_code == 200

    done = reader_client.post(url, follow=True)
    assert done.redirect_chain == [(reverse("actionplan:tokens"), 302)]
    assert "De API-sleutel is ingetrokken." in done.text
    assert _api(key).status_code == 401


def test_another_users_token_cannot_be_revoked(reader_client, editor_a):
    theirs, _key = AuthToken.objects.create(user=editor_a)
    url = reverse("actionplan:token-revoke", args=[theirs.digest])
    assert reader_client.get(url).status_code == 404
    assert reader_client.post(url).status_code == 404
    assert AuthToken.objects.filter(digest=theirs.digest).exists()


def test_revoking_all_tokens_keeps_the_browser_session_and_other_users_tokens(
    reader_client, reader, editor_a
):
    AuthToken.objects.create(user=reader)
    AuthToken.objects.create(user=reader)
    AuthToken.objects.create(user=editor_a)
    url = reverse("actionplan:tokens-revoke-all")

    assert "Je hebt 2 actieve sleutels." in reader_client.get(url).text
    done = reader_client.post(url, follow=True)

    assert "Al je API-sleutels zijn ingetrokken (2)." in done.text
    assert "Je hebt geen actieve API-sleutels." in done.text
    assert not AuthToken.objects.filter(user=reader).exists()
    assert AuthToken.objects.filter(user=editor_a).count() == 1


# --- AJH sees lockouts --------------------------------------------------------------------


def test_ajh_sees_the_lockout_in_the_admin_and_can_lift_it(reader, coordinator):
    _fail(Client(), LOGIN, "reader", 5)
    ajh = Client()
    ajh.force_login(coordinator)

    index = ajh.get(reverse("admin:index"))
    assert reverse("admin:axes_accessattempt_changelist") in index.text
    attempts = ajh.get(reverse("admin:axes_accessattempt_changelist"), {"locked_out": "yes"})
    assert attempts.status_code == 200
    assert "reader" in attempts.text and ADDRESS_A in attempts.text
    failures = ajh.get(reverse("admin:axes_accessfailurelog_changelist"))
    assert failures.status_code == 200
    assert AccessFailureLog.objects.filter(username="reader", locked_out=True).count() == 1

    # Deleting the attempt lifts the lockout.
    attempt = AccessAttempt.objects.get(username="reader")
    delete = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    assert ajh.post(delete, {"post": "yes"}).status_code == 302
    data = {"username": "reader", "password": PASSWORD}
    assert Client().post(LOGIN, data, REMOTE_ADDR=ADDRESS_A).status_code == 302


def test_lockouts_are_not_for_other_staff(reader, editor_a):
    editor_a.is_staff = True
    editor_a.save()
    client = Client()
    client.force_login(editor_a)
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403


# --- In a real browser ---------------------------------------------------------------------


@pytest.mark.browser
def test_token_pages_in_the_browser(page: Page, live_server: LiveServer, transactional_db) -> None:
    reader = UserFactory(username="reader")
    AuthToken.objects.create(user=reader)
    AuthToken.objects.create(user=reader)
    login(page, live_server, "reader", PASSWORD)

    page.get_by_role("link", name="API-sleutels").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn API-sleutels")
    expect(page.locator("table tbody tr")).to_have_count(2)
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
    if directory := os.environ.get("SCREENSHOT_DIR"):
        page.screenshot(path=Path(directory) / "tokens.png", full_page=True)

    page.get_by_role("link", name="Intrekken").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("API-sleutel intrekken?")
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
    page.get_by_role("button", name="Ja, intrekken").click()

    expect(page.locator(".messages")).to_contain_text("De API-sleutel is ingetrokken.")
    expect(page.locator("table tbody tr")).to_have_count(1)
    assert AuthToken.objects.filter(user=reader).count() == 1


@pytest.mark.browser
def test_lockout_page_in_the_browser(page: Page, live_server: LiveServer, transactional_db) -> None:
    UserFactory(username="reader")
    page.goto(f"{live_server.url}{LOGIN}")
    for _ in range(5):
        page.locator("#id_username").fill("reader")
        page.locator("#id_password").fill("wrong")
        page.get_by_role("button", name="Aanmelden", exact=True).click()
        page.wait_for_load_state()
        if "geblokkeerd" in page.title():
            break
        page.goto(f"{live_server.url}{LOGIN}")

    expect(page.get_by_role("heading", level=1)).to_have_text("Aanmelden tijdelijk geblokkeerd")
    expect(page.get_by_role("alert")).to_contain_text("Probeer het opnieuw vanaf")
    if directory := os.environ.get("SCREENSHOT_DIR"):
        page.screenshot(path=Path(directory) / "locked_out.png", full_page=True)
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
