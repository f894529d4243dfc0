"""The English interface: a switch in the header that the profile (or, for a visitor, a
cookie) remembers, a complete English catalogue, and plan content that stays Dutch with
``lang="nl"``; reports are Dutch whoever asks."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import django
import polib
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from actionplan.models import User
from actionplan.services import user_language_set
from evaluations.models import ReportKind
from evaluations.reports import build as report_jobs
from evaluations.reports import services as report_services
from fiches.models import Fiche
from fiches.services import round_open
from tests.browser import axe_violations, describe_violations, login
from tests.evaluations.test_reports import (
    YEAR,
    Scenario,
    pdf_bytes,
    read_pdf,
    scenario,  # noqa: F401 (the fixture)
)
from tests.factories import ActionFactory, UserFactory

PO_FILE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")
SWITCH = reverse("actionplan:language")
PASSWORD = "secret-pass-123"  # UserFactory's default


# --- The switch -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_signed_in_user_switches_to_english_and_the_profile_remembers(client, reader):
    client.force_login(reader)
    assert '<html lang="nl">' in client.get("/").text

    response = client.post(SWITCH, {"language": "en", "next": "/fiches/"})

    assert response.status_code == 302
    assert response["Location"] == "/fiches/"
    reader.refresh_from_db()
    assert reader.language == "en"
    assert reader.history.first().history_change_reason == "taal van de interface: en"
    # A new session (another browser) gets English too: the choice is on the profile.
    other = Client()
    other.force_login(reader)
    page = other.get("/")
    assert '<html lang="en">' in page.text
    assert ">Reports</a>" in page.text and ">Rapporten</a>" not in page.text
    assert "Sign out" in page.text


@pytest.mark.django_db
def test_switching_back_to_dutch(client):
    user = UserFactory(language="en")
    client.force_login(user)

    client.post(SWITCH, {"language": "nl", "next": "/"})

    user.refresh_from_db()
    assert user.language == "nl"
    page = client.get("/")
    assert '<html lang="nl">' in page.text and ">Rapporten</a>" in page.text


@pytest.mark.django_db
def test_choosing_the_language_one_has_writes_no_history(reader):
    before = reader.history.count()

    user_language_set(user=reader, language="nl")

    assert reader.history.count() == before


@pytest.mark.django_db
def test_a_visitor_switches_the_login_page_to_english_with_a_cookie(client):
    response = client.post(SWITCH, {"language": "en", "next": "/accounts/login/"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == 365 * 24 * 60 * 60
    page = client.get("/accounts/login/")
    assert '<html lang="en">' in page.text
    assert "Sign in with your Actieplanmonitor account." in page.text
    assert not User.objects.exists()


@pytest.mark.django_db
def test_the_header_offers_each_language_in_its_own_language(client, reader):
    client.force_login(reader)

    page = client.get("/").text

    assert re.search(r'value="nl" lang="nl"[^>]*aria-pressed="true">Nederlands</button>', page)
    assert re.search(r'value="en" lang="en"[^>]*aria-pressed="false">English</button>', page)
    assert 'aria-label="Taal van de interface"' in page


@pytest.mark.django_db
@pytest.mark.parametrize("signed_in", [True, False])
def test_an_unknown_language_is_refused(client, reader, signed_in):
    if signed_in:
        client.force_login(reader)

    response = client.post(SWITCH, {"language": "fr", "next": "/"})

    assert response.status_code == 400
    assert "Kies Nederlands of English." in response.text
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    reader.refresh_from_db()
    assert reader.language == "nl"


@pytest.mark.django_db
@pytest.mark.parametrize(("signed_in", "expected"), [(True, "/"), (False, "/accounts/login/")])
@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", ""])
def test_an_unsafe_or_missing_next_goes_home(client, reader, signed_in, expected, target):
    if signed_in:
        client.force_login(reader)

    response = client.post(SWITCH, {"language": "en", "next": target})

    assert response.status_code == 302
    assert response["Location"] == expected


@pytest.mark.django_db
def test_the_switch_is_a_post_with_csrf(reader):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)

    assert client.get(SWITCH).status_code == 405
    assert client.post(SWITCH, {"language": "en"}).status_code == 403
    reader.refresh_from_db()
    assert reader.language == "nl"


# --- What the English interface shows -----------------------------------------------------


@pytest.mark.django_db
def test_django_own_messages_are_english_for_a_visitor_who_chose_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    page = client.post(reverse("login"), {"username": "nobody", "password": "wrong"})

    assert "Please enter a correct username and password" in page.text
    assert "Signing in did not work" in page.text


@pytest.mark.django_db
def test_form_errors_are_english_for_an_english_user(client, plan):
    client.force_login(UserFactory(language="en"))

    page = client.get("/", {"strategic_goal": "999999"})

    assert page.status_code == 400
    assert '<html lang="en">' in page.text
    assert "Select a valid choice." in page.text
    assert "Again, without these values" in page.text


@pytest.mark.django_db
def test_plan_content_stays_dutch_and_says_so_in_the_english_interface(client, plan, admin_a):
    action = ActionFactory(
        lead_administration=admin_a,
        title="Vorming voor leerkrachten",
        description="Leerkrachten leren signalen herkennen.",
    )
    client.force_login(UserFactory(language="en"))

    detail = client.get(reverse("actionplan:action-detail", args=[action.pk])).text
    overview = client.get("/", {"q": "Vorming voor leerkrachten"}).text

    assert '<html lang="en">' in detail
    assert '<span lang="nl">Vorming voor leerkrachten</span></h1>' in detail
    assert '<div lang="nl"><p>Leerkrachten leren signalen herkennen.</p></div>' in detail
    assert ">Description</h2>" in detail and "Omschrijving" not in detail
    assert '<span lang="nl">Vorming voor leerkrachten</span></a>' in overview


@pytest.mark.django_db
def test_fiche_texts_are_marked_dutch_in_the_english_interface(client, plan, admin_a):
    coordinator = UserFactory(username="coord-en", role="coordinator", language="en")
    action = ActionFactory(lead_administration=admin_a, title="Actie van A")
    round_open(plan=plan, year=2026, deadline=dt.date(2026, 12, 31), user=coordinator)
    fiche = Fiche.objects.get(action=action, year=2026)
    editor = UserFactory(role="editor", administrations=[admin_a], language="en")
    client.force_login(editor)

    page = client.get(reverse("fiches:detail", args=[fiche.pk])).text

    assert "Save as draft" in page
    assert re.search(r'<textarea name="status_update"[^>]*lang="nl"', page)
    assert '<span lang="nl">Actie van A</span>' in page


# --- The catalogue ------------------------------------------------------------------------

PLACEHOLDER = re.compile(r"%%|%\([^)]+\)[sdif]|%[sdif]|\{\w+\}|<[^>]+>")


def _catalogue() -> polib.POFile:
    return polib.pofile(str(PO_FILE))


def test_every_interface_string_has_an_english_translation():
    entries = [e for e in _catalogue() if not e.obsolete]

    assert len(entries) > 1500
    assert [e.msgid for e in entries if e.fuzzy] == []
    assert [e.msgid for e in entries if not e.translated()] == []


def test_translations_keep_the_placeholders_and_markup():
    broken = []
    for entry in _catalogue():
        if entry.msgid_plural:
            pairs = [
                (entry.msgid, entry.msgstr_plural[0]),
                (entry.msgid_plural, entry.msgstr_plural[1]),
            ]
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        for source, english in pairs:
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(english)):
                broken.append((source, english))
            if (
                source[:1].isspace() != english[:1].isspace()
                or source[-1:].isspace() != english[-1:].isspace()
            ):
                broken.append((source, english))
    assert broken == []


def test_the_compiled_catalogue_is_the_current_one():
    assert MO_FILE.exists(), "locale/en/LC_MESSAGES/django.mo is missing: run make install"
    compiled = {e.msgid: e.msgstr or e.msgstr_plural for e in polib.mofile(str(MO_FILE)) if e.msgid}
    source = {e.msgid: e.msgstr or e.msgstr_plural for e in _catalogue().translated_entries()}
    assert compiled == source, "django.mo is older than django.po: run make install"


# --- Reports ------------------------------------------------------------------------------


@pytest.fixture
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.django_db
def test_a_report_asked_for_in_english_is_dutch(_media, scenario: Scenario):  # noqa: F811
    coordinator = scenario.coordinator
    coordinator.language = "en"
    coordinator.save()
    # As in the English interface's request, or a worker that runs in English: the words
    # that the report would otherwise translate.
    with translation.override("en"):
        assert translation.gettext("Colofon") == "Colophon"
        report = report_services.report_request(
            plan=scenario.plan, kind=ReportKind.INTERIM, year=YEAR, user=coordinator, enqueue=False
        )
        report = report_jobs.report_build(report.pk)

    assert report.status == "done", report.error
    text = read_pdf(pdf_bytes(report)).all
    assert "Colofon" in text and "Samenvatting en cijfers" in text
    assert "Colophon" not in text and "Summary and figures" not in text


# --- In a real browser --------------------------------------------------------------------


@pytest.mark.browser
def test_switching_to_english_in_the_header_is_remembered(
    live_server: LiveServer, browser: Browser, plan, reader
) -> None:
    context = browser.new_context(locale="nl-BE", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    login(page, live_server, "reader", PASSWORD)
    navigation = page.get_by_role("navigation", name="Hoofdnavigatie")
    expect(navigation.get_by_role("link", name="Rapporten")).to_be_visible()

    page.get_by_role("button", name="English").click()

    navigation = page.get_by_role("navigation", name="Main navigation")
    expect(navigation.get_by_role("link", name="Reports")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="English")).to_have_attribute("aria-pressed", "true")
    assert describe_violations(axe_violations(page)) == ""
    page.reload()
    expect(navigation.get_by_role("link", name="Reports")).to_be_visible()
    reader.refresh_from_db()
    assert reader.language == "en"

    page.get_by_role("button", name="Nederlands").click()

    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(
        page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name="Rapporten")
    ).to_be_visible()
    context.close()


@pytest.mark.django_db
def test_the_admin_speaks_the_informal_dutch_of_the_rest_of_the_interface(coordinator_client):
    page = coordinator_client.get("/admin/password_change/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Geef voor de veiligheid je oude wachtwoord" in html
    assert "uw oude" not in html.lower()


def test_every_formal_django_string_the_product_shows_has_an_informal_version():
    """Django's own Dutch says u/uw; locale/nl overrides each such admin and sign-in string."""
    ours = {
        e.msgid for e in polib.pofile(str(settings.BASE_DIR / "locale/nl/LC_MESSAGES/django.po"))
    }
    formal = re.compile(r"\b(u|uw|U|Uw)\b")
    django_dir = Path(django.__file__).resolve().parent / "contrib"
    for app in ("admin", "auth"):
        for entry in polib.pofile(str(django_dir / app / "locale/nl/LC_MESSAGES/django.po")):
            text = entry.msgstr or " ".join(entry.msgstr_plural.values())
            if formal.search(text) and not entry.obsolete:
                assert entry.msgid in ours, entry.msgid
    with translation.override("nl"):
        assert translation.gettext("Your password was changed.") == "Je wachtwoord is gewijzigd."
