"""Real-browser fixtures: Debian's Chromium driven by Playwright's sync API, plus axe-core.

Registered as a pytest plugin in ``tests/conftest.py``. Browser tests are marked
``@pytest.mark.browser`` and use pytest-django's ``live_server``, which serves the static
files as well, so the page is styled and htmx runs as it does for users.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright
from pytest_django.live_server_helper import LiveServer

# Playwright's sync API keeps an asyncio loop registered as running on the main thread, so
# Django's guard against ORM calls from async code would refuse every query a test makes.
# The test code itself is synchronous; the guard does not apply.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run browser tests last.

    The Playwright loop stays registered for the rest of the session once the browser has
    started; the other tests should not run under it.
    """
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
    # Tests with a real worker consume from the shared broker: under pytest-xdist they run
    # one after another in one process (`--dist loadgroup`), so no worker takes another's task.
    for item in items:
        if item.get_closest_marker("worker"):
            item.add_marker(pytest.mark.xdist_group("worker"))


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page in its own context (cookies, storage) for each test, in Dutch."""
    context = browser.new_context(locale="nl-BE", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def console_errors(page: Page) -> list[str]:
    """Errors the page logs to the console, such as scripts the CSP blocked."""
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def login(page: Page, live_server: LiveServer, username: str, password: str) -> None:
    """Sign in through the login form, as a user does; fails when the form refuses."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    with page.expect_response(
        lambda response: response.request.method == "POST" and "/accounts/login/" in response.url
    ) as answer:
        page.get_by_role("button", name="Aanmelden", exact=True).click()
    if answer.value.status != 302:
        page.wait_for_load_state()
        errors = page.locator(".error-summary").all_inner_texts()
        raise AssertionError(f"Login as {username!r} failed ({answer.value.status}): {errors}")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def axe_violations(
    page: Page, impacts: Iterable[str] = ("serious", "critical")
) -> list[dict[str, Any]]:
    """axe-core's violations on the current page with one of ``impacts``.

    The application's Content-Security-Policy forbids inline scripts, and Playwright injects
    axe as one. The check therefore reloads the current URL with the policy bypassed for
    this page only; the steps before it ran under the real policy.
    """
    if not AXE_SCRIPT.exists():
        pytest.fail(f"{AXE_SCRIPT.relative_to(ROOT)} is missing: npm install")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Page.setBypassCSP", {"enabled": True})
    page.reload()
    page.add_script_tag(path=AXE_SCRIPT)
    violations = page.evaluate("async () => await axe.run()")["violations"]
    wanted = set(impacts)
    return [violation for violation in violations if violation["impact"] in wanted]


def describe_violations(violations: list[dict[str, Any]]) -> str:
    """One line per violation and node, for an assertion message a person can act on."""
    lines = []
    for violation in violations:
        for node in violation["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            lines.append(f"{violation['id']} ({violation['impact']}): {target}")
    return "\n".join(lines)
