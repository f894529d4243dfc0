"""Dutch in every detail: the interface language is the user's choice, not the browser's;
dates, times, people and counts read the same on every page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from actionplan.display import date_display, datetime_display, number_display, person_display
from actionplan.filters import ActionFilter
from indicators.numbers import NumberField
from tests.factories import UserFactory

UTC = dt.UTC
ENGLISH_BROWSER = {"Accept-Language": "en-GB,en;q=0.9"}


@pytest.mark.django_db
def test_an_english_browser_gets_the_dutch_interface_with_lang_nl(client):
    page = client.get(reverse("login"), headers=ENGLISH_BROWSER)

    assert '<html lang="nl">' in page.text
    assert page["Content-Language"] == "nl"


@pytest.mark.django_db
def test_django_own_messages_are_dutch_for_an_english_browser(client):
    page = client.post(
        reverse("login"), {"username": "nobody", "password": "wrong"}, headers=ENGLISH_BROWSER
    )

    assert "Please enter a correct" not in page.text
    assert "Voer een juiste gebruikersnaam en wachtwoord in" in page.text


@pytest.mark.django_db
def test_a_user_who_chose_english_gets_lang_en(client):
    user = UserFactory(language="en")
    client.force_login(user)

    page = client.get(reverse("actionplan:overview"))

    assert '<html lang="en">' in page.text
    assert page["Content-Language"] == "en"


def test_dates_read_the_same_everywhere():
    with translation.override("nl"):
        assert date_display(dt.date(2026, 12, 24)) == "24 dec. 2026"
        assert date_display(dt.date(2026, 5, 1)) == "1 mei 2026"
        assert date_display(dt.date(2027, 3, 9)) == "9 mrt. 2027"


def test_times_are_in_brussels_never_utc():
    # 23:30 UTC on 31 December is already New Year in Brussels.
    moment = dt.datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    with translation.override("nl"):
        assert datetime_display(moment) == "1 jan. 2027 om 00:30"
        assert date_display(moment) == "1 jan. 2027"
    summer = dt.datetime(2026, 7, 1, 7, 25, 7, 113889, tzinfo=UTC)
    with translation.override("nl"):
        assert datetime_display(summer) == "1 jul. 2026 om 09:25"


@pytest.mark.django_db
def test_people_by_their_full_name():
    user = UserFactory(username="jdoe", first_name="Jana", last_name="Peeters")

    assert person_display(user) == "Jana Peeters"
    assert str(user) == "Jana Peeters"


def test_counts_without_decimals():
    with translation.override("nl"):
        assert number_display(Decimal("287.00")) == "287"
        assert number_display(Decimal("12.50")) == "12,5"
        assert NumberField().prepare_value(Decimal("287.00")) == "287"


@pytest.mark.django_db
def test_the_strategic_goal_filter_is_a_list_of_the_goals(plan):
    field = ActionFilter().form.fields["strategic_goal"]

    labels = [label for _value, label in field.choices]
    assert labels[0] == "Alle doelstellingen"
    assert [label[:3] for label in labels[1:]] == ["SD1", "SD2", "SD3"]
    assert not ActionFilter({"strategic_goal": "7"}).is_valid()
