"""Impact indicators in the browser and the API: AJH maintains them, everyone signed in
reads them, with a fixed number of queries; the demo's impact rows come and go."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from actionplan.demo import DemoRefused, demo_load
from indicators.demo import demo_impact_load
from indicators.models import ImpactIndicator, ImpactValue
from indicators.selectors import impact_tables
from tests.indicators.test_impact import add_value, make_indicator

pytestmark = pytest.mark.django_db

JSON = "application/json"
INDICATOR = {
    "kind": "outcome",
    "name": "Oproepen naar 1712",
    "definition": "Oproepen over geweld in het gezin.",
    "unit": "oproepen",
    "value_kind": "count",
    "source": "Jaarverslag 1712",
    "periodicity": "yearly",
    "baseline_value": "8.000",
    "baseline_year": "2024",
    "dimensions": ["relationship"],
    "position": "0",
}


def _filled(plan, coordinator, count: int) -> list[ImpactIndicator]:
    indicators = []
    goals = list(plan.goals.all())
    for i in range(count):
        indicator = make_indicator(
            plan, coordinator, name=f"Indicator {i}", strategic_goal=goals[i % 2] if i else None
        )
        for year in (2024, 2025):
            add_value(indicator, coordinator, year=year, value=str(100 + i))
            add_value(
                indicator, coordinator, year=year, value="60", disaggregation={"sex": "vrouw"}
            )
        indicators.append(indicator)
    return indicators


# --- Pages -------------------------------------------------------------------------------


def test_the_navigation_shows_impact_to_everyone(client, plan, reader):
    client.force_login(reader)
    page = client.get(reverse("impact:list"))
    assert page.status_code == 200
    assert f'href="{reverse("impact:list")}"' in page.text and ">Impact<" in page.text


def test_ajh_creates_an_indicator_and_a_value_in_the_browser(client, plan, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("impact:create") + f"?plan={plan.code}", INDICATOR)
    assert response.status_code == 302, response.text
    indicator = ImpactIndicator.objects.get()
    assert (indicator.baseline_value, indicator.dimensions) == (8000, ["relationship"])
    response = client.post(
        reverse("impact:value-create", args=[indicator.pk]),
        {
            "year": "2025",
            "value": "8.412",
            "dim_relationship": "partner",
            "source": "",
            "source_date": "2026-03-01",
            "note": "",
        },
    )
    assert response.status_code == 302, response.text
    value = ImpactValue.objects.get()
    assert (value.value, value.disaggregation) == (8412, {"relationship": "partner"})
    assert value.history.get().history_user == coordinator
    detail = client.get(reverse("impact:detail", args=[indicator.pk]))
    assert "(ex-)partner" in detail.text and "8.412" in detail.text
    history = client.get(reverse("impact:history", args=[indicator.pk]))
    author = coordinator.get_full_name() or coordinator.username
    assert author in history.text and "Waarde 2025 ((ex-)partner)" in history.text


def test_free_text_instead_of_a_number_is_refused_on_the_page(client, plan, coordinator):
    indicator = make_indicator(plan, coordinator)
    client.force_login(coordinator)
    response = client.post(
        reverse("impact:value-create", args=[indicator.pk]),
        {"year": "2025", "value": "ongeveer 300", "source_date": "2026-03-01"},
    )
    assert response.status_code == 422
    assert "Geef een getal, bv. 1.234,5." in response.text
    assert not ImpactValue.objects.exists()


def test_the_uniqueness_message_shows_on_the_page(client, plan, coordinator):
    indicator = make_indicator(plan, coordinator)
    add_value(indicator, coordinator, year=2025, disaggregation={"sex": "man"})
    client.force_login(coordinator)
    response = client.post(
        reverse("impact:value-create", args=[indicator.pk]),
        {"year": "2025", "value": "5", "dim_sex": "man", "source_date": "2026-03-01"},
    )
    assert response.status_code == 422
    assert "Er is al een waarde van deze indicator voor dit jaar en deze uitsplitsing." in (
        response.text
    )


@pytest.mark.parametrize("role", ["editor_a", "reader"])
def test_editors_and_readers_read_but_do_not_write_pages(client, plan, coordinator, role, request):
    indicator = _filled(plan, coordinator, 1)[0]
    value = indicator.values.earliest("pk")
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("impact:list")).status_code == 200
    detail = client.get(reverse("impact:detail", args=[indicator.pk]))
    assert detail.status_code == 200 and "Waarde toevoegen" not in detail.text
    assert client.get(reverse("impact:history", args=[indicator.pk])).status_code == 200
    assert client.get(reverse("impact:create")).status_code == 403
    assert client.post(reverse("impact:create"), INDICATOR).status_code == 403
    assert client.post(reverse("impact:edit", args=[indicator.pk]), INDICATOR).status_code == 403
    url = reverse("impact:value-edit", args=[indicator.pk, value.pk])
    assert client.post(url, {"year": "2025", "value": "1"}).status_code == 403
    url = reverse("impact:value-delete", args=[indicator.pk, value.pk])
    assert client.post(url).status_code == 403
    assert ImpactIndicator.objects.count() == 1 and ImpactValue.objects.count() == 4


def test_the_detail_page_has_chart_with_title_legend_and_tables(client, plan, coordinator):
    indicator = _filled(plan, coordinator, 1)[0]
    client.force_login(coordinator)
    text = client.get(reverse("impact:detail", args=[indicator.pk])).text
    assert f'<title id="impact-{indicator.pk}-t">' in text and 'class="legend"' in text
    assert "Gegevens van de grafiek" in text
    assert "Waarden per jaar en uitsplitsing" in text and ">vrouw</th>" in text


@pytest.mark.parametrize("count", [2, 6])
def test_list_page_costs_a_fixed_number_of_queries(
    client, plan, coordinator, count, django_assert_num_queries
):
    _filled(plan, coordinator, count)
    client.force_login(coordinator)
    client.get(reverse("impact:list"))
    # session, user, the plan, its strategic goals, indicators with goal and latest total
    with django_assert_num_queries(5):
        response = client.get(reverse("impact:list"))
    assert all(f"Indicator {i}</a>" in response.text for i in range(count))


@pytest.mark.parametrize("count", [1, 4])
def test_detail_page_costs_a_fixed_number_of_queries(
    client, plan, coordinator, count, django_assert_num_queries
):
    indicator = _filled(plan, coordinator, 1)[0]
    for year in range(2010, 2010 + count):
        add_value(indicator, coordinator, year=year, value="5", disaggregation={"age_group": "65+"})
    client.force_login(coordinator)
    # session, user, indicator with plan and goal, its values with who changed them
    with django_assert_num_queries(4):
        response = client.get(reverse("impact:detail", args=[indicator.pk]))
    assert response.status_code == 200


# --- API ---------------------------------------------------------------------------------


def test_anonymous_gets_401(client, plan):
    assert client.get("/api/v1/impact-indicators/").status_code == 401


def test_ajh_writes_through_the_api(client, plan, coordinator):
    client.force_login(coordinator)
    goal = plan.goals.get(number=1)
    response = client.post(
        "/api/v1/impact-indicators/",
        {**INDICATOR, "plan": plan.pk, "strategic_goal": goal.pk, "baseline_year": 2024},
        content_type=JSON,
    )
    assert response.status_code == 201, response.json()
    indicator_id = response.json()["id"]
    response = client.post(
        "/api/v1/impact-values/",
        {
            "indicator": indicator_id,
            "year": 2025,
            "value": "8.412",
            "disaggregation": {"relationship": "kennis"},
            "source_date": "2026-03-01",
        },
        content_type=JSON,
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["value"], body["source"], body["updated_by"]) == (
        "8412.00",
        "Jaarverslag 1712",
        "coord",
    )
    value = ImpactValue.objects.get()
    response = client.patch(
        f"/api/v1/impact-values/{value.pk}/", {"value": "8500"}, content_type=JSON
    )
    assert response.status_code == 200
    assert [r.history_user for r in value.history.all()] == [coordinator, coordinator]


def test_api_refuses_bad_values_with_dutch_messages(client, plan, coordinator):
    indicator = make_indicator(plan, coordinator, dimensions=["sex"])
    add_value(indicator, coordinator, year=2025)
    client.force_login(coordinator)
    base = {"indicator": indicator.pk, "year": 2025, "source_date": "2026-03-01"}
    cases: list[tuple[dict[str, object], str, str]] = [
        ({"value": "veel"}, "value", "Geef een getal, bv. 1.234,5."),
        (
            {"value": "5", "disaggregation": {"region": "limburg"}},
            "disaggregation",
            "Deze indicator wordt niet uitgesplitst naar regio.",
        ),
        (
            {"value": "5", "disaggregation": {"sex": "vrouwen"}},
            "disaggregation",
            "‘vrouwen’ is geen categorie van geslacht; kies uit: vrouw, man, x, onbekend.",
        ),
        (
            {"value": "5"},
            "non_field_errors",
            "Er is al een waarde van deze indicator voor dit jaar en deze uitsplitsing.",
        ),
    ]
    for data, field, message in cases:
        response = client.post("/api/v1/impact-values/", {**base, **data}, content_type=JSON)
        assert response.status_code == 400
        assert response.json()[field] == [message]
    assert ImpactValue.objects.count() == 1


@pytest.mark.parametrize("role", ["editor_a", "reader"])
def test_api_writes_of_others_get_403(client, plan, coordinator, role, request):
    indicator = _filled(plan, coordinator, 1)[0]
    value = indicator.values.earliest("pk")
    client.force_login(request.getfixturevalue(role))
    assert client.get("/api/v1/impact-indicators/").status_code == 200
    assert client.get(f"/api/v1/impact-values/{value.pk}/").status_code == 200
    responses = [
        client.post(
            "/api/v1/impact-indicators/", {**INDICATOR, "plan": plan.pk}, content_type=JSON
        ),
        client.patch(
            f"/api/v1/impact-indicators/{indicator.pk}/", {"name": "x"}, content_type=JSON
        ),
        client.post(
            "/api/v1/impact-values/",
            {"indicator": indicator.pk, "year": 2026, "value": "1", "source_date": "2026-03-01"},
            content_type=JSON,
        ),
        client.patch(f"/api/v1/impact-values/{value.pk}/", {"value": "1"}, content_type=JSON),
        client.delete(f"/api/v1/impact-values/{value.pk}/"),
    ]
    assert [r.status_code for r in responses] == [403] * 5
    assert responses[0].json()["detail"] == "Alleen AJH beheert de impactindicatoren."
    assert ImpactIndicator.objects.get().name == "Indicator 0"
    assert ImpactValue.objects.count() == 4


@pytest.mark.parametrize("count", [2, 6])
def test_api_lists_cost_a_fixed_number_of_queries(
    client, plan, coordinator, reader, count, django_assert_num_queries
):
    _filled(plan, coordinator, count)
    client.force_login(reader)
    # session, user, count, page of indicators (with their plan)
    with django_assert_num_queries(4):
        response = client.get("/api/v1/impact-indicators/")
    assert response.json()["count"] == count
    # session, user, the plan of the filter, count, page of values (with indicator and
    # last editor)
    with django_assert_num_queries(5):
        response = client.get("/api/v1/impact-values/", {"plan": plan.pk})
    assert response.json()["count"] == 4 * count


# --- Demo --------------------------------------------------------------------------------


def test_demo_impact_load_is_marked_deterministic_and_purged(plan):
    demo_plan = demo_load(actions=5, seed=3).plan
    assert demo_plan is not None
    counts = demo_impact_load(demo_plan, seed=3)
    assert counts == {"impact_indicators": 5, "impact_values": 260}
    indicators = ImpactIndicator.objects.filter(plan=demo_plan)
    assert all(i.name.endswith("(demo, synthetisch)") for i in indicators)
    assert set(ImpactValue.objects.values_list("year", flat=True)) == set(range(2022, 2027))
    first = [v.value for v in ImpactValue.objects.order_by("pk")[:20]]
    # A second load adds nothing; the real plan gets none.
    assert demo_impact_load(demo_plan, seed=3)["impact_values"] == 0
    assert not ImpactIndicator.objects.filter(plan=plan).exists()
    call_command("purge_demo")
    assert not ImpactIndicator.objects.exists() and not ImpactValue.objects.exists()
    demo_plan = demo_load(actions=5, seed=3).plan
    assert demo_plan is not None
    demo_impact_load(demo_plan, seed=3)
    assert [v.value for v in ImpactValue.objects.order_by("pk")[:20]] == first


def test_demo_impact_load_refuses_a_real_plan(plan):
    with pytest.raises(DemoRefused):
        demo_impact_load(plan, seed=1)


def test_demo_values_fit_their_indicators(plan):
    demo_plan = demo_load(actions=5, seed=4).plan
    assert demo_plan is not None
    demo_impact_load(demo_plan, seed=4)
    for value in ImpactValue.objects.select_related("indicator"):
        value.full_clean()
    tables = {t.indicator.name: t for t in impact_tables(demo_plan, as_of_year=2026)}
    assert len(tables) == 5
    assert all(len(t.series) == 5 and t.breakdowns for t in tables.values())
    assert all(isinstance(t.series[0].value, Decimal) for t in tables.values())
    assert dt.date(2023, 3, 1) <= ImpactValue.objects.earliest("source_date").source_date
