"""The dashboard and the stats API refuse a year or a filter value they cannot honour
(400, naming the parameter, in Dutch) instead of answering another question."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

YEAR_MESSAGE = "Kies een jaar van het plan (2025–2029), niet ‘%s’."


@pytest.mark.parametrize("year", ["abc", "-1", "99999", "2024", "2030", "２０２６", "2026.0"])
def test_stats_refuse_a_year_outside_the_plan(reader_client, plan, year):
    response = reader_client.get("/api/v1/stats/", {"year": year})
    assert response.status_code == 400
    assert response.json() == {"year": [YEAR_MESSAGE % year]}


def test_stats_answer_each_year_of_the_plan(reader_client, plan):
    for year in plan.years:
        response = reader_client.get("/api/v1/stats/", {"year": year})
        assert response.status_code == 200
        assert response.json()["year"] == year


def test_stats_name_every_refused_parameter_at_once(reader_client, plan):
    response = reader_client.get(
        "/api/v1/stats/", {"year": "abc", "violence_form": "999999", "stage": "bogus"}
    )
    assert response.status_code == 400
    assert set(response.json()) == {"year", "violence_form", "stage"}


@pytest.mark.parametrize("year", ["abc", "-1", "99999"])
def test_dashboard_refuses_a_year_outside_the_plan_with_a_dutch_page(
    coordinator_client, plan, year
):
    response = coordinator_client.get(reverse("dashboard:dashboard"), {"year": year})
    assert response.status_code == 400
    assert YEAR_MESSAGE % year in response.text
    assert "Ongeldige vraag" in response.text


def test_dashboard_refuses_an_unknown_filter_value(coordinator_client, plan):
    response = coordinator_client.get(reverse("dashboard:dashboard"), {"minister": "999999"})
    assert response.status_code == 400
    assert "Selecteer een geldige keuze" in response.text


def test_dashboard_csv_refuses_a_bad_year(coordinator_client, plan):
    url = reverse("dashboard:dashboard-csv", args=["late"])
    response = coordinator_client.get(url, {"year": "abc"})
    assert response.status_code == 400
    assert YEAR_MESSAGE % "abc" in response.text
